// The defence × scenario matrix (npm run defences): every defence has a catalog scenario that must catch it,
// in the nightly suite; the plan runs each scenario's control first; the exit code says caught, not caught
// (or a false alarm), or undecided; bad arguments are refused.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { DEFENCES } from '../../services/router/defences.ts';
import { catalogNames, loadScenario } from '../../harness/scenario/load.ts';
import { DEFENCE_MATRIX } from '../../bench/defences/matrix.ts';
import { MatrixUsageError, matrixExitCode, parseMatrixArgs, planMatrix } from '../../bench/defences/run.ts';
import { matrixMarkdown, type CellResult } from '../../bench/defences/table.ts';

const cell = (over: Partial<CellResult>): CellResult => ({
  scenario: 's',
  defence: null,
  expect: '',
  verdict: 'passed',
  incomplete: false,
  reasons: [],
  issuer_success_rate: 1,
  success_rate: 1,
  retry_amplification: 1,
  failed_unknown: 0,
  total: 100,
  run: 'r',
  reran: false,
  baseline: null,
  ...over,
});

describe('defence matrix', () => {
  it('names a catalog scenario of the nightly suite for every defence, each with the hardened router and no tuning of its own', async () => {
    const catalog = new Set(await catalogNames());
    const suites = JSON.parse(await readFile(new URL('../../scenarios/suites.json', import.meta.url), 'utf8')) as Record<string, { runs: Array<{ scenario: string }> }>;
    const nightly = new Set(suites.nightly!.runs.map((r) => r.scenario));
    const naive = new Set(suites.naive!.runs.map((r) => r.scenario));
    for (const defence of DEFENCES) {
      const cells = DEFENCE_MATRIX[defence];
      assert.ok(cells.length >= 1, `${defence} has a scenario`);
      for (const c of cells) {
        assert.ok(catalog.has(c.scenario), `${c.scenario} is in the catalog`);
        assert.ok(nightly.has(c.scenario) && naive.has(c.scenario), `${c.scenario} is in the nightly and naive suites`);
        const { scenario } = await loadScenario(c.scenario);
        assert.equal(scenario.topology.router, 'hardened');
        assert.deepEqual(scenario.topology.router_tuning, {});
        if (['empty-endpoints', 'draining-pods', 'stalled-requests', 'ledger-outage'].includes(c.scenario)) {
          assert.ok(scenario.traffic.duration_s <= 40 && scenario.traffic.rate === 200, `${c.scenario}: at most 40 s of traffic at 200/s, like the others`);
        }
      }
    }
  });

  it('plans each scenario once: its control, then one run per defence it must catch', () => {
    const plan = planMatrix({ defences: [], scenarios: [], control: true });
    const scenarios = [...new Set(plan.map((p) => p.scenario))];
    for (const s of scenarios) {
      const mine = plan.filter((p) => p.scenario === s);
      assert.equal(mine[0]?.defence, null, `${s}: control first`);
      assert.equal(mine.filter((p) => p.defence === null).length, 1);
    }
    assert.deepEqual(new Set(plan.filter((p) => p.defence).map((p) => p.defence)), new Set(DEFENCES));
    const one = planMatrix({ defences: ['retries'], scenarios: [], control: false });
    assert.deepEqual(one.map((p) => [p.scenario, p.defence]), DEFENCE_MATRIX.retries.map((c) => [c.scenario, 'retries']));
  });

  it('exit code: 0 all caught and controls pass; 1 not caught or a false alarm; 4 undecided', () => {
    const control = cell({});
    const caught = cell({ defence: 'retries', verdict: 'failed', reasons: ['threshold issuer_success_rate rate>0.99 got 0.91'] });
    assert.equal(matrixExitCode([control, caught]), 0);
    assert.equal(matrixExitCode([control, cell({ defence: 'retries' })]), 1, 'not caught');
    assert.equal(matrixExitCode([cell({ verdict: 'failed' }), caught]), 1, 'the control failed: a false alarm');
    assert.equal(matrixExitCode([control, cell({ defence: 'retries', verdict: 'inconclusive' })]), 4);
    assert.equal(matrixExitCode([control, cell({ defence: 'lenient_parsing' }), cell({ defence: 'lenient_parsing', scenario: 't', verdict: 'failed' })]), 0, 'one scenario of two is enough');
    assert.equal(matrixExitCode([control, cell({ defence: 'lenient_parsing' }), cell({ defence: 'lenient_parsing', scenario: 't', verdict: 'inconclusive' })]), 4);
    const table = matrixMarkdown([control, caught]);
    assert.match(table, /\| retries \| s \| FAILED: caught \| threshold issuer_success_rate rate>0\.99 got 0\.91 \| 100\.00% → 100\.00% \|/);
    assert.match(table, /\| \(none: control\) \| s \| passed \| nothing: passed \|/);
  });

  it('refuses an unknown defence, a scenario outside the matrix, and a missing baseline folder', () => {
    assert.throws(() => parseMatrixArgs(['--defence', 'ejections']), (e: unknown) => e instanceof MatrixUsageError && /not a defence/.test(e.message));
    assert.throws(() => parseMatrixArgs(['--scenario', 'baseline']), (e: unknown) => e instanceof MatrixUsageError && /not in the matrix/.test(e.message));
    assert.throws(() => parseMatrixArgs(['--baseline-dir', '/no/such/dir']), /does not exist/);
    assert.throws(() => parseMatrixArgs(['--duration', '0']), /longer than 0/);
    assert.equal(parseMatrixArgs(['--defence', 'retries', '--duration', '20s', '--no-control']).duration, 20);
  });
});
