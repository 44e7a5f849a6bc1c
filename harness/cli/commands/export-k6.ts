// `faultline export k6 <scenario> --out <dir> [--parallelism n] [--replay file] [--base-url url]`: writes
// the scenario as a k6 TypeScript test, its requests, a k6-operator TestRun and a README (see
// harness/export/k6/export.ts). Exit 0 written, 2 bad usage, scenario or replay file.
import path from 'node:path';
import { loadScenario } from '../../scenario/load.ts';
import { exportK6, ExportError } from '../../export/k6/export.ts';
import { describeExecutor } from '../../export/k6/executor.ts';
import { EXIT, UsageError } from '../exit-codes.ts';
import { prepareOutputFolder } from '../../files/output-folder.ts';

export interface ExportK6CommandOptions {
  out?: string;
  parallelism?: string;
  replay?: string;
  baseUrl?: string;
}

function baseUrlOf(value: string | undefined): string {
  const text = value ?? 'http://127.0.0.1:8080';
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`--base-url must be an http(s) URL, got "${text}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`--base-url must be an http(s) URL, got "${text}"`);
  if (url.search || url.hash) throw new UsageError(`--base-url must be a base URL without a query or fragment, got "${text}"`);
  return url.href.replace(/\/+$/, '');
}

export async function exportK6Command(nameOrFile: string, options: Record<string, string | undefined>, out: (line: string) => void): Promise<number> {
  const o = options as ExportK6CommandOptions;
  if (!o.out) throw new UsageError('--out <dir> is required');
  const parallelism = Number(o.parallelism ?? 4);
  if (!Number.isInteger(parallelism) || parallelism < 1 || parallelism > 1000) {
    throw new UsageError(`--parallelism must be an integer from 1 to 1000, got "${o.parallelism}"`);
  }
  const baseUrl = baseUrlOf(o.baseUrl);
  await prepareOutputFolder(o.out, '--out'); // before any work: exit 2 naming the folder
  const { scenario } = await loadScenario(nameOrFile);
  let result: Awaited<ReturnType<typeof exportK6>>;
  try {
    result = await exportK6(scenario, { outDir: o.out, parallelism, replayFile: o.replay, baseUrl });
  } catch (err) {
    if (err instanceof ExportError) throw new UsageError(err.message);
    throw err;
  }
  const rel = path.relative(process.cwd(), result.dir) || '.';
  const { kinds } = result;
  out(`exported ${scenario.name} to ${rel}/: script.ts, requests.json, testrun.yaml (parallelism ${parallelism}), README.md`);
  out(
    `  ${result.requests} requests (${kinds.authorization} authorizations, ${kinds.reversal} reversals, ${kinds.balance} balance, ${kinds.feed} feed); ` +
      describeExecutor(result.executor),
  );
  const translated = Object.values(result.thresholds.k6).reduce((n, list) => n + list.length, 0);
  out(`  thresholds: ${translated} translated to k6, ${result.thresholds.untranslated.length} not translatable`);
  for (const t of result.thresholds.untranslated) out(`    not in k6: ${t.metric}: ${t.expression}`);
  if (scenario.faults.length > 0) out(`  faults: run \`faultline faults ${scenario.name} --toxiproxy <url>\` alongside the k6 test (see README.md)`);
  for (const w of result.warnings) out(`  warning: ${w}`);
  out(`  run: k6 run -e BASE_URL=${baseUrl} ${path.join(rel, 'script.ts')}`);
  return EXIT.passed;
}
