// Where a run writes: reports/runs/<time>-<scenario>[-<router>] unless --out says otherwise.
import { folderProblem } from '../files/output-folder.ts';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPORTS_DIR = fileURLToPath(new URL('../../reports/', import.meta.url));

export function timestamp(d = new Date()): string {
  const p = (n: number): string => String(n).padStart(2, '0');
  // A `T` between date and time, not a hyphen: 14 digits joined by a hyphen read as a card number to the
  // terminal's PAN masking, which then printed a run folder that does not exist ("reports/runs/•••• 1639-…").
  return `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}T${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}`;
}

/** The run folder cannot be made (a read-only file system, no permission, a file in the way): bad usage, exit 2. */
export class RunFolderError extends Error {
  override name = 'RunFolderError';
}

export async function makeRunFolder(scenario: string, router: string, out?: string): Promise<string> {
  const dir = out ? path.resolve(out) : path.join(REPORTS_DIR, 'runs', `${timestamp()}-${scenario}-${router}`);
  // Made and proven writable (a probe file) before anything starts.
  const problem = await folderProblem(dir);
  if (problem !== null) throw new RunFolderError(`cannot write the run folder ${dir}: ${problem}${/read-only|permission|not writable/.test(problem) ? ' (choose another --out)' : ''}`);
  return dir;
}
