// Shared helpers for the report tests: temporary run folders written from fixture summaries.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Summary } from '../../harness/summary/types.ts';

export interface TempRuns {
  root: string;
  /** Writes `<root>/<name>/summary.json` and returns the run folder. */
  run(name: string, summary: Summary): Promise<string>;
  /** Writes any JSON as `<root>/<name>/summary.json` (e.g. an older faultline's summary) and returns the run folder. */
  runRaw(name: string, json: unknown): Promise<string>;
  cleanup(): Promise<void>;
}

export async function tempRuns(prefix = 'faultline-report-'): Promise<TempRuns> {
  const root = await mkdtemp(join(tmpdir(), prefix));
  const runRaw = async (name: string, json: unknown): Promise<string> => {
    const dir = join(root, name);
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'summary.json'), JSON.stringify(json, null, 2));
    return dir;
  };
  return {
    root,
    run: (name, summary) => runRaw(name, summary),
    runRaw,
    cleanup: () => rm(root, { recursive: true, force: true }),
  };
}

/** Every run of 13–19 digits (optionally grouped by spaces or dashes) that passes the Luhn check. */
export function cardNumbersIn(text: string): string[] {
  const found: string[] = [];
  for (const m of text.matchAll(/(?<![0-9])[0-9](?:[ -]?[0-9]){12,18}(?![0-9])/g)) {
    const digits = m[0].replace(/[ -]/g, '');
    let sum = 0;
    for (let i = 0; i < digits.length; i++) {
      let d = Number(digits[digits.length - 1 - i]);
      if (i % 2 === 1) {
        d *= 2;
        if (d > 9) d -= 9;
      }
      sum += d;
    }
    if (sum % 10 === 0) found.push(m[0]);
  }
  return found;
}
