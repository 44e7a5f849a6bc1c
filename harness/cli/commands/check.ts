// `faultline check --k6 <file.json> --scenario <name|file> --ledger-url <url> [--feed-url <url>] …`: the verdict of
// a run whose load k6 sent with the script `faultline export k6` wrote (harness/import/k6/check-k6.ts). Writes the
// same run folder, summary, report and JUnit as `faultline run`; exit 0 passed, 1 failed, 2 bad usage or a bad
// k6 file (naming the line), 3 the ledger or feed did not answer (or the deadline passed), 4 inconclusive,
// 130 interrupted (what was read is judged and written, marked incomplete).
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { loadScenario } from '../../scenario/load.ts';
import { loopbackUrlProblem, normalizeLoopbackUrl } from '../../scenario/loopback-url.ts';
import { checkK6, CheckHarnessError } from '../../import/k6/check-k6.ts';
import { K6InputError } from '../../import/k6/lines.ts';
import { onInterrupt } from '../signals.ts';
import { EXIT, exitCodeFor, UsageError } from '../exit-codes.ts';
import { durationFlag } from '../flags.ts';
import { printSummary } from '../print-summary.ts';
import { shellWord } from '../../runner/repeat-command.ts';

export interface CheckFlags {
  k6?: string[];
  scenario?: string;
  ledgerUrl?: string;
  feedUrl?: string;
  out?: string;
  baseline?: string;
  tolerances?: string;
  report?: boolean;
  settle?: string;
  clockSlack?: string;
  deadline?: string;
}

function loopback(flag: string, raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  const problem = loopbackUrlProblem(raw);
  if (problem) throw new UsageError(`${flag} ${problem}`);
  return normalizeLoopbackUrl(raw);
}

async function k6Files(raw: string[] | undefined): Promise<string[]> {
  if (!raw || raw.length === 0) throw new UsageError('--k6 <file.json> is required: the output of `k6 run --out json=<file.json>` (repeat it for each k6 instance)');
  for (const file of raw) {
    const info = await stat(file).catch(() => null);
    if (!info) throw new UsageError(`--k6 ${file}: no such file`);
    if (!info.isFile()) throw new UsageError(`--k6 ${file}: not a file`);
  }
  return raw;
}


export async function checkCommand(o: CheckFlags, out: (line: string) => void): Promise<number> {
  const files = await k6Files(o.k6);
  if (!o.scenario) throw new UsageError('--scenario <name|file> is required: the scenario the k6 script was exported from');
  const ledgerUrl = loopback('--ledger-url', o.ledgerUrl);
  if (ledgerUrl === undefined) throw new UsageError('--ledger-url <url> is required: the ledger (a replica or the store) the load went to, e.g. http://127.0.0.1:9000');
  const feedUrl = loopback('--feed-url', o.feedUrl);
  const settle = durationFlag('--settle', o.settle, { max: 600, allowZero: true });
  const clockSlack = durationFlag('--clock-slack', o.clockSlack, { max: 600, allowZero: true });
  const deadline = durationFlag('--deadline', o.deadline, { max: 24 * 3600 });
  const { scenario } = await loadScenario(o.scenario);

  const command = [
    'npx faultline check',
    ...files.map((f) => `--k6 ${shellWord(f)}`),
    `--scenario ${shellWord(o.scenario)}`,
    `--ledger-url ${ledgerUrl}`,
    ...(feedUrl ? [`--feed-url ${feedUrl}`] : []),
    ...(o.baseline ? [`--baseline ${shellWord(o.baseline)}`] : []),
  ].join(' ');
  const controller = new AbortController();
  const release = onInterrupt(() => controller.abort());
  try {
    const { summary, runDir } = await checkK6(scenario, {
      files,
      ledgerUrl,
      feedUrl,
      out: o.out,
      baseline: o.baseline,
      tolerances: o.tolerances,
      report: o.report !== false,
      command,
      signal: controller.signal,
      ...(settle !== undefined ? { settleMs: settle * 1000 } : {}),
      ...(clockSlack !== undefined ? { clockSlackMs: clockSlack * 1000 } : {}),
      ...(deadline !== undefined ? { deadlineMs: deadline * 1000 } : {}),
    });
    printSummary(summary, out);
    const rel = path.relative(process.cwd(), runDir) || runDir;
    out(`run folder: ${rel}${summary.files.report ? `  (report: ${path.join(rel, summary.files.report)})` : ''}`);
    return exitCodeFor(summary);
  } catch (err) {
    if (err instanceof K6InputError) {
      process.stderr.write(`faultline check: ${err.message}\n`);
      return EXIT.usage;
    }
    if (err instanceof CheckHarnessError) {
      process.stderr.write(`faultline check: ${err.message}\n`);
      return EXIT.harness;
    }
    throw err;
  } finally {
    release();
  }
}
