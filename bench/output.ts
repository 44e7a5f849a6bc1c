// Where the bench writes. A run's output goes under reports/bench/runs/ (ignored by git), so running the
// bench never changes a tracked file; the committed snapshot the README quotes (reports/bench/snapshot.*)
// is rewritten only by `npm run bench -- --snapshot`.
import { mkdir } from 'node:fs/promises';
import { writeFileAtomic } from '../harness/files/atomic-write.ts';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchMarkdown } from './markdown.ts';
import type { BenchResult } from './result.ts';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const RUNS_DIR = path.join(ROOT, 'reports', 'bench', 'runs');
export const SNAPSHOT_BASENAME = path.join(ROOT, 'reports', 'bench', 'snapshot');

/** reports/bench/runs/<time>[-quick], e.g. 2026-11-21T20-56-44-916Z-quick. */
export function defaultRunDir(at: Date, quick: boolean): string {
  return path.join(RUNS_DIR, `${at.toISOString().replace(/[:.]/g, '-')}${quick ? '-quick' : ''}`);
}

/** Writes `<base>.json` and `<base>.md`; returns both paths. */
export async function writeResult(base: string, result: BenchResult): Promise<{ json: string; md: string }> {
  await mkdir(path.dirname(base), { recursive: true });
  const files = { json: `${base}.json`, md: `${base}.md` };
  // The snapshot is rewritten in place: whole or not at all.
  await writeFileAtomic(files.json, JSON.stringify(result, null, 2) + '\n');
  await writeFileAtomic(files.md, benchMarkdown(result));
  return files;
}
