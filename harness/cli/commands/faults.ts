// `faultline faults <scenario> --toxiproxy <url> [--discovery <url>]`: runs only the scenario's fault
// timeline (the same FaultTimeline `faultline run` uses) against a Toxiproxy API elsewhere, so a k6 test
// sending the traffic and faultline's faults work together: start both at the same time. Faults that
// need processes or service admin URLs faultline does not have there are refused before anything starts
// (exit 2, naming each). Prints when each fault took effect and healed; Ctrl-C (SIGINT/SIGTERM) heals
// everything; exit 0 once the timeline is done, 130 when interrupted (3 if a fault could not be applied
// or healed).
import { Toxiproxy } from 'toxiproxy-node-client';
import { loadScenario } from '../../scenario/load.ts';
import type { FaultWindow } from '../../scenario/schema.ts';
import { faultKind } from '../../faults/registry.ts';
import { FaultTimeline } from '../../runner/fault-timeline.ts';
import { connectRemoteTopology, remoteRefusal } from '../../topology/remote.ts';
import { onInterrupt } from '../signals.ts';
import { EXIT, UsageError } from '../exit-codes.ts';

export interface FaultsOptions {
  toxiproxy: string;
  discovery?: string;
}

/** How long heals may take after the timeline's end (or Ctrl-C) before giving up on them. */
const SETTLE_TIMEOUT_MS = 15_000;

function httpUrl(flag: string, value: string | undefined): string {
  let url: URL;
  try {
    url = new URL(value ?? '');
  } catch {
    throw new UsageError(`${flag} must be an http(s) URL, got "${value ?? ''}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`${flag} must be an http(s) URL, got "${value}"`);
  return url.href.replace(/\/+$/, '');
}

const describe = (w: FaultWindow): string => `${w.name} (${w.fault} on ${w.target}, ${w.start_s}–${w.end_s} s)`;

function refuseUnrunnable(windows: readonly FaultWindow[], discovery: boolean, scenario: string): void {
  const refused = windows.flatMap((w) => {
    const reason = remoteRefusal(w, { discovery });
    return reason === null ? [] : [`  ${describe(w)}: ${reason}`];
  });
  if (refused.length > 0) {
    throw new UsageError(
      `${scenario}: ${refused.length} fault${refused.length === 1 ? '' : 's'} cannot run against a remote Toxiproxy:\n${refused.join('\n')}\n` +
        'run this scenario with `faultline run`, or write a scenario with only network.* (and, with --discovery, discovery.*) faults',
    );
  }
}

export async function faultsCommand(nameOrFile: string, options: FaultsOptions, out: (line: string) => void): Promise<number> {
  const { scenario } = await loadScenario(nameOrFile);
  const toxiproxyUrl = httpUrl('--toxiproxy', options.toxiproxy);
  const discoveryUrl = options.discovery === undefined ? undefined : httpUrl('--discovery', options.discovery);
  const windows = scenario.faults;
  refuseUnrunnable(windows, discoveryUrl !== undefined, scenario.name);
  if (windows.length === 0) {
    out(`${scenario.name} has no faults: nothing to do`);
    return EXIT.passed;
  }

  const topology = await connectRemoteTopology(toxiproxyUrl, { discoveryUrl });
  // A fault that acts on proxies (its kind needs one): every target must name some before the timeline starts.
  const missing = windows.flatMap((w) => {
    if (!faultKind(w.fault)?.needs.proxy) return [];
    try {
      topology.resolveTarget(w.target);
      return [];
    } catch (err) {
      return [`  ${describe(w)}: ${(err as Error).message}`];
    }
  });
  if (missing.length > 0) throw new UsageError(`${scenario.name}: fault targets not found at ${toxiproxyUrl}:\n${missing.join('\n')}`);

  const log = (line: string): void => out(line);
  const timeline = new FaultTimeline(
    windows,
    { toxiproxy: new Toxiproxy(toxiproxyUrl), topology, discoveryUrl: discoveryUrl ?? '', seed: scenario.seed, log },
    log,
  );
  const endMs = Math.max(...windows.map((w) => w.end_s)) * 1000;

  let interrupted = false;
  let wake: () => void = () => {};
  const stopped = new Promise<void>((resolve) => {
    wake = resolve;
  });
  const release = onInterrupt(() => {
    interrupted = true;
    wake();
  });
  const timer = setTimeout(wake, endMs + 50);
  try {
    out(
      `faultline faults: ${windows.length} fault window${windows.length === 1 ? '' : 's'} of ${scenario.name} against ${toxiproxyUrl}; ` +
        `t=0 is ${new Date().toISOString()}, the timeline ends at ${endMs / 1000} s`,
    );
    for (const w of windows) out(`  ${describe(w)}`);
    timeline.start(performance.now());
    await stopped;
  } finally {
    clearTimeout(timer);
    await timeline.healAll();
    await settled(timeline);
    release();
  }

  const faults = timeline.summaries();
  const problems = faults.filter((f) => f.error !== undefined || (f.applied_s !== null && f.healed_s === null));
  const applied = faults.filter((f) => f.applied_s !== null).length;
  if (interrupted) out(`interrupted: ${applied} of ${faults.length} faults had taken effect; every one of them is healed`);
  else out(`fault timeline done: ${applied} of ${faults.length} faults took effect and healed`);
  for (const f of problems) out(`  ${f.name}: ${f.error ?? 'not healed'}`);
  if (problems.length > 0) return EXIT.harness;
  return interrupted ? EXIT.interrupted : EXIT.passed;
}

/** Waits until every fault that took effect has healed (a heal started by the timeline may still be running). */
async function settled(timeline: FaultTimeline): Promise<void> {
  const until = performance.now() + SETTLE_TIMEOUT_MS;
  for (;;) {
    const pending = timeline.summaries().filter((f) => f.applied_s !== null && f.healed_s === null && f.error === undefined);
    if (pending.length === 0 || performance.now() > until) return;
    await new Promise((r) => setTimeout(r, 20));
  }
}
