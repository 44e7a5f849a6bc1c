// The exported k6 script and `faultline check` speak one contract (harness/import/k6/vocabulary.ts): every
// field check reads is one the script writes, the exported script type-checks against @types/k6, and what the
// script does not do is not judged: an invariant that needs it is `unknown` with the reason, and neither passes
// nor fails the verdict, the terminal summary or JUnit.
import assert from 'node:assert/strict';
import { mkdtemp, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import ts from 'typescript';
import { exportK6 } from '../../harness/export/k6/export.ts';
import { arrivalPeriodMs, TEMPLATE_URL } from '../../harness/export/k6/render-script.ts';
import { constantExecutor, executorForOffsets } from '../../harness/export/k6/executor.ts';
import { decide, applyDecision } from '../../harness/gate/verdict.ts';
import { markNotJudged, notJudgedInvariants } from '../../harness/import/k6/not-judged.ts';
import { K6_FORMAT, REQUEST_FIELDS, REQUEST_METRIC, RUN_FIELDS, RUN_METRIC } from '../../harness/import/k6/vocabulary.ts';
import { junitSuite } from '../../harness/report/junit.ts';
import { loadScenario } from '../../harness/scenario/load.ts';
import type { CheckReport } from '../../harness/checkers/compose.ts';
import type { InvariantResult } from '../../harness/summary/types.ts';
import { printSummary } from '../../harness/cli/print-summary.ts';
import { monzoSummary } from '../report/fixtures.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

describe('the exported k6 script writes what faultline check reads', () => {
  it('every field and metric of the contract is in the template', async () => {
    const template = await readFile(TEMPLATE_URL, 'utf8');
    for (const name of [REQUEST_METRIC, RUN_METRIC, K6_FORMAT]) assert.ok(template.includes(`'${name}'`), name);
    for (const key of [...Object.keys(REQUEST_FIELDS), ...Object.keys(RUN_FIELDS)]) {
      assert.match(template, new RegExp(`\\b${key}\\b`), `the template writes ${key}`);
    }
    // Per-request values are metadata, not tags: the tags of faultline_request are bounded.
    assert.match(template, /const tags: Record<string, string> = \{ kind, status: String\(res\.status\) \};/);
    // Sample metadata where k6 has it (0.45 or later), else the tags: an older k6 still writes every field.
    assert.match(template, /exec\.vu\.metrics\?\.metadata/);
    assert.match(template, /const perRequest = metadata \?\? tags;/);
  });

  it('an exported script type-checks against @types/k6 and declares its scenario and pace', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'faultline-k6-script-'));
    const { scenario } = await loadScenario('baseline');
    const exported = await exportK6(scenario, { outDir: dir, parallelism: 1, baseUrl: 'http://127.0.0.1:8080' });
    const script = await readFile(exported.files.script, 'utf8');
    assert.match(script, /const SCENARIO_NAME = 'baseline';/);
    assert.match(script, /const SCENARIO_SEED = 1;/);
    assert.match(script, /const ARRIVAL_PERIOD_MS: number \| null = 5;/);
    const program = ts.createProgram([exported.files.script], {
      strict: true,
      noEmit: true,
      target: ts.ScriptTarget.ES2020,
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      types: ['k6'],
      typeRoots: [path.join(ROOT, 'node_modules/@types')],
      baseUrl: ROOT,
      paths: { k6: ['node_modules/@types/k6'], 'k6/*': ['node_modules/@types/k6/*'] },
      skipLibCheck: true,
    });
    const problems = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    assert.deepEqual(problems, []);
    const readme = await readFile(exported.files.readme, 'utf8');
    assert.match(readme, /faultline check --k6 results\.json --scenario baseline --ledger-url/);
  });

  it('the scheduled send time is known for a constant pace only', () => {
    assert.equal(arrivalPeriodMs(constantExecutor(200, 30, 2000)), 5);
    assert.equal(arrivalPeriodMs(constantExecutor(12.5, 30, 2000)), 80);
    const ramping = executorForOffsets([0, 10, 20, 1000, 1001, 1002, 1003, 1004, 1005, 1006, 2500], 2000);
    assert.equal(ramping.executor, 'ramping-arrival-rate');
    assert.equal(arrivalPeriodMs(ramping), null);
  });
});

describe('what the k6 script did not do is not judged', () => {
  const result = (name: string, validity: InvariantResult['validity']): InvariantResult => ({ name, ok: validity === 'valid', validity, detail: `${name} detail`, offending: validity === 'invalid' ? ['auth-9'] : [], count: validity === 'invalid' ? 1 : 0 });

  it('names the invariants that need stand-in, conflicting retries or the feed, and why', async () => {
    const { scenario } = await loadScenario('reset-after-commit');
    const declaration = { format: K6_FORMAT, scenario: scenario.name, seed: scenario.seed, notDone: ['standin', 'advices', 'timeout_reversals', 'conflicting_retries'] as const };
    const all = notJudgedInvariants(scenario, { ...declaration, notDone: [...declaration.notDone] }, false);
    assert.deepEqual(all.map((n) => n.invariant), ['advices-posted', 'idempotency-conflicts-refused', 'feed-agrees']);
    const quiet = { ...scenario, network: { ...scenario.network, standin: { ...scenario.network.standin, enabled: false } }, traffic: { ...scenario.traffic, conflicting_retries: 0 } };
    assert.deepEqual(notJudgedInvariants(quiet, { ...declaration, notDone: [...declaration.notDone] }, true), []);
  });

  it('an unjudged invariant neither passes nor fails the run; a proven anomaly still fails it', () => {
    const report: CheckReport = {
      invariants: [result('exactly-once-holds', 'valid'), result('advices-posted', 'valid'), result('feed-agrees', 'unknown')],
      validity: 'unknown',
      ok: false,
      unknown_resolution: { total: 0, held: 0, not_held: 0, unresolved: 0 },
      resolutions: new Map(),
      figures: {},
    };
    const marked = markNotJudged(report, [
      { invariant: 'advices-posted', why: 'the k6 script sends no advices' },
      { invariant: 'feed-agrees', why: 'no --feed-url was given' },
    ]);
    assert.deepEqual(marked.invariants.map((i) => [i.name, i.validity, i.not_judged ?? null]), [
      ['exactly-once-holds', 'valid', null],
      ['advices-posted', 'unknown', 'the k6 script sends no advices'],
      ['feed-agrees', 'unknown', 'no --feed-url was given'],
    ]);

    const base = monzoSummary({ router: 'hardened' });
    const summary = { ...base, thresholds: [], invariants: marked.invariants, faults: base.faults.map((f) => ({ ...f, applied_s: null, healed_s: null, applied_elsewhere: true })) };
    const decided = applyDecision(summary, decide(summary, {}));
    assert.equal(decided.verdict, 'passed', decided.reasons.join('\n'));
    assert.ok(decided.reasons.includes('all checks passed: 1 invariant, 0 thresholds'), decided.reasons.join('\n'));
    assert.ok(decided.reasons.includes('invariant advices-posted not judged: the k6 script sends no advices'));
    const junit = junitSuite(decided);
    assert.match(junit, /<testcase classname="[^"]+\.invariants" name="advices-posted"[^>]*>\s*<skipped message="not judged: the k6 script sends no advices"/);
    assert.doesNotMatch(junit, /<failure/);
    const printed: string[] = [];
    printSummary(decided, (l) => printed.push(l));
    assert.ok(printed.includes('invariants: 1/1 hold; not judged: advices-posted, feed-agrees'), printed.join('\n'));

    // The same unknown without a reason is what it always was: a failure. A proven anomaly stays invalid.
    const plain = { ...summary, invariants: [result('exactly-once-holds', 'valid'), result('feed-agrees', 'unknown')] };
    assert.equal(decide(plain, {}).verdict, 'failed');
    const lost = markNotJudged({ ...report, invariants: [result('advices-posted', 'invalid')] }, [{ invariant: 'advices-posted', why: 'x' }]);
    assert.equal(lost.invariants[0]?.validity, 'invalid');
    assert.equal(decide({ ...summary, invariants: lost.invariants }, {}).verdict, 'failed');
  });
});
