// Where a run writes: reports/runs/<time>-<scenario>[-<router>] unless --out says otherwise.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPORTS_DIR = fileURLToPath(new URL('../../reports/', import.meta.url));

export function timestamp(d = new Date()): string {
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}-${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}`;
}

export async function makeRunFolder(scenario: string, router: string, out?: string): Promise<string> {
  const dir = out ? path.resolve(out) : path.join(REPORTS_DIR, 'runs', `${timestamp()}-${scenario}-${router}`);
  await mkdir(dir, { recursive: true });
  return dir;
}
