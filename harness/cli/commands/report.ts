// `faultline report <run-folder>`: rebuild index.html and junit.xml from summary.json and the history.
import path from 'node:path';
import { existsSync } from 'node:fs';
import { writeReport } from '../../report/report.ts';
import { UsageError } from '../exit-codes.ts';
import { prepareOutputFolder } from '../../files/output-folder.ts';

export async function reportCommand(runDir: string, out: (line: string) => void): Promise<number> {
  if (!existsSync(path.join(runDir, 'summary.json'))) throw new UsageError(`${runDir} is not a run folder: it has no summary.json`);
  await prepareOutputFolder(runDir, 'the run folder'); // writable before any work (exit 2 naming it)
  await writeReport(runDir); // summary.json is checked against its schema first (exit 2 naming the field)
  out(`wrote ${path.join(runDir, 'index.html')} and ${path.join(runDir, 'junit.xml')}`);
  return 0;
}
