// `faultline trend <folder>`: one self-contained HTML page with every gated metric over the nights found in
// a folder of run folders (as `faultline run` and `faultline suite` write them), its band and each night's
// verdict. A summary.json that cannot be read is skipped with a warning naming it. Exit 0 when the page is
// written, 2 for a bad folder or usage (named), 3 when the harness itself failed.
import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { findRunFiles } from '../../trend/find-runs.ts';
import { buildTrend, type TrendRun } from '../../trend/model.ts';
import { trendHtml } from '../../trend/page.ts';
import { readRunSummary, TrendInputError } from '../../trend/read-summary.ts';
import { TrendOutputError, writeAtomic } from '../../trend/write.ts';
import { EXIT, UsageError } from '../exit-codes.ts';

export interface TrendOptions {
  out?: string;
  last?: string;
}

/** Nights kept per group unless --last says otherwise: about three months of a nightly job. */
export const DEFAULT_LAST = 90;
const MAX_LAST = 10_000;

function parseLast(value: string | undefined): number {
  if (value === undefined) return DEFAULT_LAST;
  const n = Number(value);
  if (!/^[0-9]+$/.test(value.trim()) || !Number.isInteger(n) || n < 1 || n > MAX_LAST) {
    throw new UsageError(`--last ${value}: expected a whole number of runs from 1 to ${MAX_LAST}`);
  }
  return n;
}

/** A link from the page to a run: its report when it has one, else its summary.json; relative, URL-encoded. */
function linker(outDir: string): (dir: string) => string {
  return (dir) => {
    const target = existsSync(path.join(dir, 'index.html')) ? path.join(dir, 'index.html') : path.join(dir, 'summary.json');
    return path.relative(outDir, target).split(path.sep).map(encodeURIComponent).join('/');
  };
}

async function outFileOf(root: string, out: string | undefined): Promise<string> {
  if (out === undefined) return path.join(root, 'trend.html');
  const file = path.resolve(out);
  const info = await stat(file).catch(() => null);
  return info?.isDirectory() ? path.join(file, 'trend.html') : file;
}

export async function trendCommand(folder: string, options: TrendOptions, out: (line: string) => void): Promise<number> {
  const warn = (line: string): void => {
    process.stderr.write(`faultline trend: ${line}\n`);
  };
  const last = parseLast(options.last);
  const root = path.resolve(folder);
  const info = await stat(root).catch((err: NodeJS.ErrnoException) => err);
  if (info instanceof Error) {
    throw new UsageError(info.code === 'ENOENT' ? `${folder}: no such folder` : `${folder}: cannot be read (${info.code ?? info.message})`);
  }
  if (!info.isDirectory()) throw new UsageError(`${folder} is not a folder: give the folder that holds the run folders`);

  const found = await findRunFiles(root);
  for (const w of found.warnings) warn(w);
  if (found.files.length === 0) {
    throw new UsageError(`${folder}: no run folders in it (no summary.json in it or up to 4 levels below)`);
  }
  const runs: TrendRun[] = [];
  const skipped: string[] = [];
  for (const file of found.files) {
    try {
      runs.push({ dir: path.dirname(file), summary: await readRunSummary(file) });
    } catch (err) {
      if (!(err instanceof TrendInputError)) throw err;
      skipped.push(err.message);
      warn(`skipped ${err.message}`);
    }
  }
  if (runs.length === 0) {
    throw new UsageError(`${folder}: none of its ${found.files.length} summary.json files could be read (each is named above)`);
  }

  const groups = buildTrend(runs, { last });
  const outFile = await outFileOf(root, options.out);
  const page = trendHtml(groups, {
    title: path.basename(root) || root,
    linkFor: linker(path.dirname(outFile)),
    nameFor: (dir) => path.relative(root, dir).split(path.sep).join('/') || path.basename(dir),
    skipped,
    generatedAt: new Date().toISOString(),
  });
  try {
    await writeAtomic(outFile, page);
  } catch (err) {
    if (err instanceof TrendOutputError) throw new UsageError(`--out: ${err.message}`);
    throw err;
  }
  const nights = groups.reduce((n, g) => n + g.nights.length, 0);
  const shown = path.relative(process.cwd(), outFile);
  out(
    `wrote ${shown && !shown.startsWith('..') ? shown : outFile}: ${nights} run${nights === 1 ? '' : 's'} in ${groups.length} group${groups.length === 1 ? '' : 's'}` +
      (skipped.length ? `, ${skipped.length} summary.json skipped` : ''),
  );
  return EXIT.passed;
}
