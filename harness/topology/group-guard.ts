// Nothing of a user's command outlives faultline, even when faultline is killed outright (SIGKILL, a
// crash) and has no chance to stop it: the mocks exit on their own when orphaned (services/common/serve.ts),
// and a team's service cannot be expected to. While any command's process group runs, one small watcher
// process holds the read end of a pipe from faultline and the list of those groups; when the pipe closes
// because faultline is gone, it SIGKILLs every group still listed. It costs nothing on a replica's start
// (it runs beside the commands, not in front of them) and exits as soon as no group is left to watch.
import { spawn, type ChildProcess } from 'node:child_process';
import type { Socket } from 'node:net';

/** The watcher, for `node -e`: `+<pgid>` / `-<pgid>` lines on stdin; at end of input, SIGKILL what is listed. */
const WATCHER = `
const groups = new Set();
let buffer = '';
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => {});
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => {
  buffer += chunk;
  for (let at = buffer.indexOf('\\n'); at !== -1; at = buffer.indexOf('\\n')) {
    const line = buffer.slice(0, at);
    buffer = buffer.slice(at + 1);
    if (line[0] === '+') groups.add(Number(line.slice(1)));
    else groups.delete(Number(line.slice(1)));
  }
});
process.stdin.on('end', () => {
  for (const pgid of groups) {
    try { process.kill(-pgid, 'SIGKILL'); } catch {}
  }
  process.exit(0);
});
`;

let watcher: ChildProcess | null = null;
const guarded = new Set<number>();

function startWatcher(): ChildProcess {
  // Its own process group, so a terminal's Ctrl-C reaches faultline (which stops the groups itself), not it.
  const child = spawn(process.execPath, ['-e', WATCHER], { stdio: ['pipe', 'ignore', 'ignore'], detached: true, env: { ...process.env, NODE_OPTIONS: '' } });
  child.unref();
  child.stdin?.on('error', () => {}); // it died: nothing more to tell it
  (child.stdin as Socket | null)?.unref(); // faultline exits when its work is done, watcher or not
  return child;
}

function tell(line: string): void {
  watcher?.stdin?.write(`${line}\n`);
}

/** Watches a command's process group from now on. */
export function guardGroup(pgid: number): void {
  if (pgid <= 0 || guarded.has(pgid)) return;
  watcher ??= startWatcher();
  guarded.add(pgid);
  tell(`+${pgid}`);
}

/** The group is gone: stop watching it (its id may be reused); the watcher ends with the last one. */
export function releaseGroup(pgid: number): void {
  if (!guarded.delete(pgid)) return;
  tell(`-${pgid}`);
  if (guarded.size === 0) {
    watcher?.stdin?.end();
    watcher = null;
  }
}
