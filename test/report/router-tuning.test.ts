// A run with a router tuning override says so where a reader looks first: the report's header (the
// defences switched off stand out), its "Repeat this run" section with what off means, and the terminal
// summary; a run without one shows nothing extra, and an older summary without the field still loads.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { buildReport } from '../../harness/report/report.ts';
import { printSummary } from '../../harness/cli/print-summary.ts';
import { normalizeSummary } from '../../harness/report/load.ts';
import { sideLabel } from '../../harness/report/compare.ts';
import { suiteName } from '../../harness/report/junit.ts';
import { monzoSummary } from './fixtures.ts';
import { tempRuns, type TempRuns } from './helpers.ts';

let runs: TempRuns;
let tunedDir: string;
let plainDir: string;
const tuned = { ...monzoSummary({ router: 'hardened' }), router_tuning: { last_known_good: 'off', attempt_timeout_ms: 300 } };

before(async () => {
  runs = await tempRuns();
  tunedDir = await runs.run('tuned', tuned);
  plainDir = await runs.run('plain', monzoSummary({ router: 'hardened' }));
});
after(() => runs.cleanup());

describe('report: router tuning', () => {
  it('shows the override in the header and in Repeat this run, with what the defence off means', async () => {
    const { html } = await buildReport(tunedDir);
    assert.match(html, /<span title="[^"]*" data-router-tuning>router tuning <b>last_known_good=off, attempt_timeout_ms=300<\/b> <b class="warn">\(defence off: last_known_good\)<\/b><\/span>/);
    assert.match(html, /<dt>router tuning<\/dt><dd>last_known_good=off, attempt_timeout_ms=300 \(last_known_good off: empty endpoints route nowhere at once/);
    const plain = (await buildReport(plainDir)).html;
    assert.doesNotMatch(plain, /data-router-tuning/);
    assert.match(plain, /<dt>router tuning<\/dt><dd>none: every defence on, default knobs<\/dd>/);
  });

  it('prints it under the run line in the terminal, and an older summary reads as no override', () => {
    const lines: string[] = [];
    printSummary(tuned, (l) => lines.push(l));
    assert.ok(lines.some((l) => /^router tuning: last_known_good=off, attempt_timeout_ms=300 \(last_known_good off: /.test(l)), lines.join('\n'));
    const quiet: string[] = [];
    printSummary(monzoSummary({ router: 'hardened' }), (l) => quiet.push(l));
    assert.ok(!quiet.some((l) => l.startsWith('router tuning')));
    const { router_tuning: _drop, ...older } = tuned;
    assert.deepEqual(normalizeSummary(older).router_tuning, {});
    assert.deepEqual(normalizeSummary(tuned).router_tuning, { last_known_good: 'off', attempt_timeout_ms: 300 });
  });

  it('tells a tuned run from the same run untuned in a comparison and in JUnit', () => {
    const plain = monzoSummary({ router: 'hardened' });
    assert.equal(sideLabel(tuned, plain), 'hardened, last_known_good=off, attempt_timeout_ms=300');
    assert.equal(sideLabel(plain, tuned), 'hardened, default tuning');
    assert.equal(suiteName(tuned), 'monzo-2017 [hardened, last_known_good=off, attempt_timeout_ms=300]');
    assert.equal(suiteName(plain), 'monzo-2017 [hardened]');
  });
});
