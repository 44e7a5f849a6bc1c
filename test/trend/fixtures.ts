// Synthetic nights for the trend tests: summary.json files the real Summary type accepts, judged by the real
// gate (decide/applyDecision), laid out as `faultline run` and `faultline suite` write them, in folders whose
// names do not sort in the order the runs started.
import type { Summary } from '../../harness/summary/types.ts';
import { applyDecision, decide } from '../../harness/gate/verdict.ts';
import { MONZO_THRESHOLDS, monzoSummary, starvedSummary, wholeRunFaultSummary } from '../report/fixtures.ts';
import { tempRuns, type TempRuns } from '../report/helpers.ts';

/** The kept baseline the nights are compared with (a quiet hardened run). */
export const BASELINE = monzoSummary({ router: 'hardened', seed: 1 });
const BASELINE_FILE = 'reports/baselines/monzo-2017.json';

function judged(s: Summary, startedAt: string, withBaseline: boolean): Summary {
  const summary = { ...s, started_at: startedAt };
  return applyDecision(summary, decide(summary, MONZO_THRESHOLDS, withBaseline ? { summary: BASELINE, file: BASELINE_FILE } : undefined));
}

/** A hardened night whose endpoints-null recovery took 15 s (threshold < 10 s, baseline 1 s ± 2 s). */
function slowRecovery(seed: number): Summary {
  const s = monzoSummary({ router: 'hardened', seed });
  return { ...s, faults: s.faults.map((f) => (f.name === 'endpoints-null' ? { ...f, recovery_s: 15 } : f)) };
}

export interface NightSpec {
  folder: string;
  summary: Summary;
}

/** The monzo-2017 · hardened nights, in the order they started. */
export function hardenedNights(): NightSpec[] {
  return [
    { folder: 'nightly-0110/nightly/monzo-2017', summary: judged(monzoSummary({ router: 'hardened', seed: 2 }), '2026-01-10T02:17:04.000Z', true) },
    { folder: 'runs/20260111-021705-monzo-2017-hardened', summary: judged(slowRecovery(3), '2026-01-11T02:17:05.000Z', true) },
    { folder: 'nightly-0112/nightly/monzo-2017', summary: judged(starvedSummary({ seed: 4 }), '2026-01-12T02:17:03.000Z', true) },
    { folder: 'nightly-0112/nightly/monzo-2017-rerun', summary: judged(monzoSummary({ router: 'hardened', seed: 5 }), '2026-01-12T02:19:40.000Z', true) },
    // Folder name sorts first, started fifth; judged by its thresholds only.
    { folder: 'a-manual-run/monzo-2017', summary: judged(monzoSummary({ router: 'hardened', seed: 6 }), '2026-01-13T09:30:00.000Z', false) },
    { folder: 'nightly-0114/nightly/monzo-2017', summary: judged(monzoSummary({ router: 'hardened', seed: 7, incomplete: true }), '2026-01-14T02:17:02.000Z', true) },
  ];
}

/** Other groups: the 2017 mesh (money lost: failed), and a scenario whose only fault lasts the whole run. */
export function otherNights(): NightSpec[] {
  return [
    { folder: 'nightly-0110/demo/monzo-2017-naive', summary: judged(monzoSummary({ router: 'naive', seed: 2 }), '2026-01-10T02:30:00.000Z', false) },
    { folder: 'nightly-0110/nightly/ledger-latency', summary: { ...wholeRunFaultSummary({ seed: 2 }), started_at: '2026-01-10T02:40:00.000Z' } },
    { folder: 'nightly-0111/nightly/ledger-latency', summary: { ...wholeRunFaultSummary({ seed: 3 }), started_at: '2026-01-11T02:40:00.000Z' } },
  ];
}

export interface NightsFolder {
  runs: TempRuns;
  hardened: NightSpec[];
  /** summary.json files that must be skipped, each named in a warning. */
  broken: string[];
}

export async function writeNights(prefix = 'faultline-trend-'): Promise<NightsFolder> {
  const runs = await tempRuns(prefix);
  const hardened = hardenedNights();
  for (const n of [...hardened, ...otherNights()]) await runs.run(n.folder, n.summary);
  const broken = [
    await runs.runRaw('runs/broken-json', 'x'),
    await runs.runRaw('runs/not-a-summary', { hello: 'world' }),
  ];
  // Invalid JSON: written raw, not through JSON.stringify.
  const { writeFile } = await import('node:fs/promises');
  const { join } = await import('node:path');
  await writeFile(join(broken[0] as string, 'summary.json'), '{"scenario": "monzo-2017", ');
  return { runs, hardened, broken: broken.map((d) => join(d, 'summary.json')) };
}
