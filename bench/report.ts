// Bench: `faultline report <run-folder>` on a 10-minute run at 1,000 requests/s (600,000 history records,
// bench/synthetic-run.ts). Three measurements on the same folder:
//   1. reportCommand(<folder>) in this process, cold: exactly the command's work once Node and tsx are up;
//   2. the same command with the history moved out of the folder: identical output means the report does
//      not read the history, and the figure is then named for what it times (rendering the summary);
//   3. the whole CLI process, `node bin/faultline.js report <folder>`, from spawn to exit.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rename, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { reportCommand } from '../harness/cli/commands/report.ts';
import { writeSyntheticRun, type SyntheticRun } from './synthetic-run.ts';
import { figure, type Figures } from './figure.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

interface ReportOutput {
  html: Buffer;
  junit: Buffer;
}

async function readOutput(dir: string): Promise<ReportOutput> {
  return { html: await readFile(path.join(dir, 'index.html')), junit: await readFile(path.join(dir, 'junit.xml')) };
}

/** Seconds for reportCommand(dir) in this process. */
async function timeReportCommand(dir: string): Promise<number> {
  const started = performance.now();
  await reportCommand(dir, () => undefined);
  return (performance.now() - started) / 1000;
}

const same = (a: ReportOutput, b: ReportOutput): boolean => a.html.equals(b.html) && a.junit.equals(b.junit);

/**
 * Does the report's output depend on the history? Rebuilt with the history moved away: any change (or a
 * failure) says yes. The report is first rebuilt as it was, so a report that differs from build to build
 * (e.g. a timestamp) fails loudly here instead of passing for one that reads the history.
 */
async function readsHistory(run: SyntheticRun, first: ReportOutput): Promise<boolean> {
  await reportCommand(run.dir, () => undefined);
  if (!same(first, await readOutput(run.dir))) {
    throw new Error('bench/report: two builds of the same report differ, so whether it reads the history cannot be told by comparing them');
  }
  const aside = path.join(path.dirname(run.dir), `${path.basename(run.historyFile)}.aside`);
  await rename(run.historyFile, aside);
  try {
    await reportCommand(run.dir, () => undefined);
    const second = await readOutput(run.dir);
    return !same(first, second);
  } catch {
    return true;
  } finally {
    await rename(aside, run.historyFile);
  }
}

/** Seconds from spawning `node bin/faultline.js report <dir>` to its exit (which must be 0). */
function timeCli(dir: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [path.join(ROOT, 'bin', 'faultline.js'), 'report', dir], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.setEncoding('utf8').on('data', (c: string) => (err += c));
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code === 0) resolve((performance.now() - started) / 1000);
      else reject(new Error(`faultline report exited with ${code}: ${err.trim()}`));
    });
  });
}

const mb = (bytes: number): string => `${(bytes / 1e6).toFixed(1)} MB`;
const kb = (bytes: number): string => `${Math.round(bytes / 1e3)} KB`;

export async function benchReport(opts: { quick: boolean }): Promise<Figures> {
  const records = opts.quick ? 60_000 : 600_000;
  const root = await mkdtemp(path.join(os.tmpdir(), 'faultline-bench-report-'));
  const dir = path.join(root, 'run');
  try {
    const run = await writeSyntheticRun(dir, records);
    const seconds = await timeReportCommand(dir);
    const first = await readOutput(dir);
    const readsTheHistory = await readsHistory(run, first);
    const cliSeconds = await timeCli(dir);
    const bytes = (await stat(path.join(dir, 'index.html'))).size;

    const size = `${run.records.toLocaleString('en-GB')} records`;
    const quick = opts.quick ? ` Quick: a ${run.records.toLocaleString('en-GB')}-record (1-minute) run, not 600,000.` : '';
    const folder =
      `a run folder of a ${records / 1000 / 60}-minute run at 1,000 req/s: summary.json ${kb(run.summaryBytes)} ` +
      `(per-second series, phases, ${run.invariants} invariants), ${path.basename(run.historyFile)} ${mb(run.historyBytesOnDisk)} ` +
      `(${size}, ${mb(run.historyBytesUncompressed)} uncompressed)`;
    const timed =
      'Times reportCommand(<folder>) in the bench process, cold (the first report it builds): what `faultline report <run-folder>` does once Node and tsx are up ' +
      '(check the folder, read and parse summary.json, render index.html and junit.xml, write both).';
    const renderFigure = readsTheHistory
      ? {
          name: 'report.seconds_for_600k_requests',
          note: `${timed} On ${folder}; the report reads the history (its output changes without it).${quick}`,
        }
      : {
          name: 'report.seconds_to_render_summary_of_600k_run',
          note:
            `${timed} On ${folder}. The report does not read the history: rebuilt with the history moved out of the folder, ` +
            `index.html and junit.xml are byte-identical, so this times rendering the summary, not reading the ${size}. ` +
            `Target 2 s: rebuilding a report should be instant next to the run it reports.${quick}`,
        };
    return {
      [renderFigure.name]: figure(seconds, 's', '< 2', seconds < 2, renderFigure.note),
      'report.cli_wall_seconds_600k_run': figure(
        cliSeconds,
        's',
        'reported',
        true,
        `The whole \`node bin/faultline.js report <folder>\` process on the same folder, spawn to exit: Node start, tsx, loading the CLI's modules, then the work above.${quick}`,
      ),
      'report.html_bytes': figure(bytes, 'bytes', '< 3 MB', bytes < 3_000_000, `index.html of the same run: self-contained (uPlot and the per-second data inlined).${quick}`),
    };
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}
