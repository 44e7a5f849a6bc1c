// Reads a V8 .cpuprofile (node --cpu-prof, or the inspector's Profiler) and says where the time went:
// self time per function (name, file and line), most first, and the share of idle, GC and program time.
import { readFile } from 'node:fs/promises';
import path from 'node:path';

export interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  hitCount?: number;
  children?: number[];
}

export interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

export interface SelfTime {
  name: string;
  /** Self time in ms. */
  ms: number;
  /** Share of the busy (non-idle) time. */
  share: number;
}

export interface ProfileSummary {
  /** Wall span of the profile, ms. */
  spanMs: number;
  /** Sampled time that was not (idle), ms. */
  busyMs: number;
  top: SelfTime[];
}

function frameName(node: ProfileNode, root: string): string {
  const { functionName, url, lineNumber } = node.callFrame;
  const name = functionName || '(anonymous)';
  if (!url) return name;
  let file = url.replace(/^file:\/\//, '');
  if (file.startsWith(root)) file = file.slice(root.length);
  file = file.replace(/^.*node_modules\//, '~/');
  return `${name} ${file}:${lineNumber + 1}`;
}

/** A time window on the monotonic clock, in µs (process.hrtime.bigint() / 1000n: the clock V8 stamps its profile samples with). */
export interface ProfileWindow {
  fromUs: number;
  toUs: number;
}

/** Now on the clock of a profile's timestamps, µs. */
export function profileClockUs(): number {
  return Number(process.hrtime.bigint() / 1000n);
}

/**
 * Self time per function from the samples (each sample's time is the delta to the next one); with a window,
 * only the samples taken inside it (e.g. the traffic, not the start-up and the warm-up).
 */
export function summarizeProfile(profile: CpuProfile, root: string, topN = 12, window?: ProfileWindow): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  let at = profile.startTime;
  for (let i = 0; i < samples.length; i++) {
    at += deltas[i] ?? 0;
    if (window && (at < window.fromUs || at > window.toUs)) continue;
    const next = deltas[i + 1] ?? 0;
    selfUs.set(samples[i] as number, (selfUs.get(samples[i] as number) ?? 0) + Math.max(0, next));
  }
  const byName = new Map<string, number>();
  let busy = 0;
  for (const [id, us] of selfUs) {
    const node = byId.get(id);
    if (!node) continue;
    const name = frameName(node, root);
    if (node.callFrame.functionName === '(idle)') continue;
    busy += us;
    byName.set(name, (byName.get(name) ?? 0) + us);
  }
  const top = [...byName.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, topN)
    .map(([name, us]) => ({ name, ms: us / 1000, share: busy > 0 ? us / busy : 0 }));
  const from = window ? Math.max(window.fromUs, profile.startTime) : profile.startTime;
  const to = window ? Math.min(window.toUs, profile.endTime) : profile.endTime;
  return { spanMs: Math.max(0, to - from) / 1000, busyMs: busy / 1000, top };
}

export async function summarizeProfileFile(file: string, root: string, topN = 12, window?: ProfileWindow): Promise<ProfileSummary> {
  return summarizeProfile(JSON.parse(await readFile(file, 'utf8')) as CpuProfile, path.resolve(root) + path.sep, topN, window);
}

export function formatSummary(title: string, s: ProfileSummary): string {
  const lines = [`${title}: busy ${s.busyMs.toFixed(0)} ms of ${s.spanMs.toFixed(0)} ms sampled`];
  for (const t of s.top) lines.push(`  ${(t.share * 100).toFixed(1).padStart(5)}%  ${t.ms.toFixed(0).padStart(6)} ms  ${t.name}`);
  return lines.join('\n');
}
