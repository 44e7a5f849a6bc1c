// README.md of an export folder: what is in it, how to run it with `k6 run` and with k6-operator, how
// the fault timeline is applied from faultline, and which thresholds made it into k6 (and why not).
import { faultKind } from '../../faults/registry.ts';
import type { Scenario } from '../../scenario/schema.ts';
import type { PlannedKind } from '../../traffic/requests/planned-request.ts';
import { remoteRefusal } from '../../topology/remote.ts';
import { oneLine } from './comments.ts';
import { describeExecutor, type ArrivalExecutor } from './executor.ts';
import { CONFIGMAP_LIMIT_BYTES, configMapCommand, resourceName } from './testrun.ts';
import { K6_METRICS, type TranslatedThresholds } from './thresholds.ts';

export interface ReadmeInput {
  scenario: Scenario;
  source: string;
  kinds: Record<PlannedKind, number>;
  executor: ArrivalExecutor;
  thresholds: TranslatedThresholds;
  parallelism: number;
  baseUrl: string;
  feedUrl: string;
  /** script.ts + requests.json, for the ConfigMap limit. */
  configMapBytes: number;
}

/** Markdown inline code that cannot be broken out of by the text it holds. */
function code(text: string): string {
  const t = oneLine(text);
  const fence = t.includes('`') ? '``' : '`';
  return `${fence}${fence === '``' ? ' ' : ''}${t}${fence === '``' ? ' ' : ''}${fence}`;
}

/** Table cell text: one line, pipes escaped. */
const cell = (text: string): string => oneLine(text).replace(/\|/g, '\\|');

function faultSection(input: ReadmeInput): string[] {
  const { scenario } = input;
  const name = scenario.name;
  const lines = ['## Faults: applied from faultline', ''];
  if (scenario.faults.length === 0) {
    lines.push('This scenario has no faults: k6 alone runs all of it.', '');
    return lines;
  }
  const needsDiscovery = scenario.faults.some((f) => faultKind(f.fault)?.needs.discoveryAdmin === true);
  const flags = `--toxiproxy http://<toxiproxy>:8474${needsDiscovery ? ' --discovery http://<discovery-stub>' : ''}`;
  lines.push(
    'k6 sends the traffic; the fault timeline is applied by faultline itself, against the Toxiproxy API in front of the',
    'services. `faultline faults` runs only the timeline (the same one `faultline run` uses): it prints when each fault',
    'took effect and healed, heals everything on Ctrl-C, and exits 0 when the timeline is done. Start it at the same',
    'moment as the k6 test: its t=0 is the test\'s t=0.',
    '',
    '```sh',
    `faultline faults ${name} ${flags} &`,
    `k6 run -e BASE_URL=${input.baseUrl} -e FEED_URL=${input.feedUrl} script.ts`,
    'wait',
    '```',
    '',
    'With k6-operator, start it when the runners start, for example:',
    '',
    '```sh',
    `kubectl apply -f testrun.yaml && kubectl wait testrun/${resourceName(name)} --for=jsonpath='{.status.stage}'=started --timeout=10m && faultline faults ${name} ${flags}`,
    '```',
    '',
    'The proxies must be named the way faultline names replicas: a replica target such as `ledger-1` is the proxy',
    '`ledger-1`, and a service target such as `ledger` is every proxy named `ledger-N`. Discovery faults also need the',
    "discovery stub's admin API (`--discovery`). Faults that need processes or service admin URLs faultline does not",
    'have against a remote Toxiproxy (`process.*`, `http.*`, `router.restart`) are refused before anything starts.',
    '',
    '| fault | kind | target | window (s) | with `faultline faults` |',
    '| --- | --- | --- | --- | --- |',
  );
  for (const f of scenario.faults) {
    const refusal = remoteRefusal(f, { discovery: true });
    const runs = refusal === null ? (faultKind(f.fault)?.needs.discoveryAdmin ? 'yes, with `--discovery`' : 'yes') : `no: ${refusal}`;
    lines.push(`| ${cell(f.name)} | ${cell(f.fault)} | ${cell(f.target)} | ${f.start_s}–${f.end_s} | ${cell(runs)} |`);
  }
  lines.push('');
  return lines;
}

function thresholdSection(input: ReadmeInput): string[] {
  const { thresholds } = input;
  const lines = [
    '## Metrics and thresholds',
    '',
    'The script records these metrics (besides k6\'s own) under faultline\'s names, so a threshold on them keeps its',
    'expression:',
    '',
    '| metric | k6 type | what the script adds |',
    '| --- | --- | --- |',
    ...Object.entries(K6_METRICS).map(([metric, m]) => `| \`${metric}\` | ${m.type} | ${cell(m.meaning)} |`),
    '| `authorizations_approved`, `authorizations_declined` | Counter | authorizations the issuer approved / declined |',
    '',
    'Checks: every authorization is checked for a `decision` field, every reversal for a `result`, every app read for',
    'a 2xx answer.',
    '',
  ];
  const translated = Object.entries(thresholds.k6);
  if (translated.length === 0 && thresholds.untranslated.length === 0) {
    lines.push('The scenario has no thresholds.', '');
    return lines;
  }
  if (translated.length > 0) {
    lines.push('Translated to `options.thresholds` (same metric, same expression):', '');
    for (const [metric, expressions] of translated) lines.push(`- ${code(metric)}: ${expressions.map(code).join(', ')}`);
    lines.push('');
  }
  if (thresholds.untranslated.length > 0) {
    lines.push('Not translatable (faultline checks them in `faultline run`; k6 cannot):', '');
    for (const t of thresholds.untranslated) lines.push(`- ${code(t.metric)}: ${code(t.expression)}: ${oneLine(t.reason)}.`);
    lines.push('');
  }
  return lines;
}

function checkSection(input: ReadmeInput): string[] {
  const name = input.scenario.name;
  return [
    '## The verdict: faultline check',
    '',
    'Keep k6\'s JSON output and hand it to `faultline check` with the pipeline\'s ledger and feed: it reads every',
    '`faultline_request` point the script wrote, judges the money invariants against the ledger\'s journal, and writes',
    'the same run folder, `summary.json`, report and JUnit as `faultline run`, with the same exit codes.',
    '',
    '```sh',
    `k6 run --out json=results.json -e BASE_URL=${input.baseUrl} -e FEED_URL=${input.feedUrl} script.ts`,
    `faultline check --k6 results.json --scenario ${name} --ledger-url http://127.0.0.1:<ledger port> --feed-url http://127.0.0.1:<feed port>`,
    '```',
    '',
    'With k6-operator each runner writes its own file: pass each with `--k6` (k6 gzips it when the name ends in .gz).',
    'Each request\'s id, account, amount and times travel as k6 sample metadata (k6 0.45 or later), not as tags, so',
    'they add no k6 time series. The ledger and feed URLs must be reachable on 127.0.0.1 (a `kubectl port-forward`',
    'does it). What k6 cannot measure (faultline\'s driver event loop, when faults took effect) is reported as not',
    'measured. A field missing from a point (a k6 that drops metadata, a hand-edited script) is derived when something',
    'else says it for certain (the status from k6\'s error code, the send time from the schedule, the currency and card',
    'from the scenario\'s seeded account, the decision from the issuer\'s reason) and counted in the summary\'s',
    '`load_source.derived`; any other missing field stops the check with exit 2, naming the file and the line.',
    '',
  ];
}

export function renderReadme(input: ReadmeInput): string {
  const { scenario, kinds } = input;
  const name = scenario.name;
  const total = kinds.authorization + kinds.reversal + kinds.balance + kinds.feed;
  const kib = (bytes: number): string => `${Math.ceil(bytes / 1024)} KiB`;
  const fits = input.configMapBytes <= CONFIGMAP_LIMIT_BYTES;
  const lines = [
    `# k6 export of the faultline scenario \`${name}\``,
    '',
    oneLine(scenario.description),
    '',
    'Written by `faultline export k6`. k6 sends the payment traffic (for more load than one machine can send, spread',
    'over a Kubernetes cluster by k6-operator); faultline applies the fault timeline.',
    '',
    '| file | what it is |',
    '| --- | --- |',
    '| `script.ts` | the k6 test, TypeScript typed with `@types/k6` |',
    `| \`requests.json\` | the ${total} requests, pre-generated by faultline (k6 has no faker) |`,
    `| \`testrun.yaml\` | a k6-operator \`TestRun\` with parallelism ${input.parallelism} |`,
    '',
    '## Traffic',
    '',
    `${total} requests, ${oneLine(input.source)}: ${kinds.authorization} authorizations, ${kinds.reversal} reversals,`,
    `${kinds.balance} balance reads and ${kinds.feed} feed reads, with the same request shapes, amounts and merchant mix`,
    'that `faultline run` sends. Iteration n of the test sends request n, paced by faultline\'s open model as a k6',
    `arrival-rate executor: ${describeExecutor(input.executor)}. Every request has the issuer deadline`,
    `(${scenario.network.issuer_deadline_ms} ms) as its timeout; there are enough VUs for every request to hang until it, so an`,
    'arrival is only late if k6 itself cannot keep up (it then counts it in `dropped_iterations`).',
    '',
    'Authorizations and reversals go to `${BASE_URL}/v1/authorizations` and `${BASE_URL}/v1/reversals`; balance and',
    'feed reads to `${FEED_URL}/v1/accounts/{id}/balance` and `.../feed`. Cards are tokens and last4 only.',
    '',
    '## Run with k6',
    '',
    '```sh',
    `k6 run -e BASE_URL=${input.baseUrl} -e FEED_URL=${input.feedUrl} script.ts`,
    '```',
    '',
    `BASE_URL defaults to ${code(input.baseUrl)} and FEED_URL to ${code(input.feedUrl)}. k6 0.57 and later run TypeScript`,
    'directly; with k6 0.52 to 0.56 add `--compatibility-mode=experimental_enhanced`; with an older k6, bundle it first',
    '(`npx esbuild script.ts --outfile=script.js --target=es2017` strips the types; then `k6 run script.js`, with',
    '`requests.json` next to it). `-e REQUESTS_FILE=<path>` reads the requests from elsewhere.',
    '',
    'To try it against faultline\'s own pipeline: `faultline up` prints the processor and feed URLs and the Toxiproxy',
    'API.',
    '',
    '## Run with k6-operator',
    '',
    '```sh',
    configMapCommand(name),
    'kubectl apply -f testrun.yaml',
    `kubectl get testrun ${resourceName(name)} -w`,
    '```',
    '',
    `Edit BASE_URL and FEED_URL in \`testrun.yaml\` to the addresses the runner pods reach, and \`spec.parallelism\``,
    `(${input.parallelism} here) to the number of runners: k6 splits the rate and the VUs between them, and each request is`,
    'still sent once (iteration numbers are unique across runners). The runner image needs k6 0.57 or later for',
    'TypeScript (or use the flag or the bundle above).',
    '',
    fits
      ? `The ConfigMap holds script.ts and requests.json (${kib(input.configMapBytes)} of the 1 MiB a ConfigMap can hold).`
      : `**script.ts and requests.json are ${kib(input.configMapBytes)}: more than the 1 MiB a ConfigMap can hold.** Put them on a volume instead:`,
    '',
    ...(fits ? ['If a longer or faster export outgrows 1 MiB, put the two files on a volume instead:', ''] : []),
    '```yaml',
    'spec:',
    '  script:',
    '    volumeClaim:',
    `      name: ${resourceName(name)}   # a PVC holding script.ts and requests.json, mounted at /test`,
    '      file: script.ts',
    '```',
    '',
    ...faultSection(input),
    ...thresholdSection(input),
    ...checkSection(input),
    '## What stays in faultline',
    '',
    '- **Stand-in.** The card network\'s stand-in (approve under a per-card limit when the issuer does not answer, post',
    '  the advice later) is faultline\'s emulator and is not emulated in k6: an authorization with no usable answer is',
    '  `failed` in k6\'s own metrics, so `authorization_success_rate` here equals faultline\'s `issuer_success_rate`.',
    '  `faultline check` does not judge `advices-posted` for a scenario that stands in, nor',
    '  `idempotency-conflicts-refused` for one with conflicting retries (the script sends none): they show as not judged.',
    '- **Unknown outcomes.** k6 cannot tell whether a timed-out authorization was held; `faultline check` resolves each',
    '  against the ledger afterwards, as `faultline run` does. No timeout reversal is sent.',
    '',
  ];
  return lines.join('\n');
}
