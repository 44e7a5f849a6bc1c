// Who listens on a loopback port: the replica faultline started, or some other process. faultline picks
// a free port for a user's command, closes it and passes it in PORT; between the close and the command's
// own bind another process can take it, and the health check would then pass against that process. So
// once a replica says it is ready, the socket listening on its port must belong to its process group (or
// to a process it started that left the group): the listening socket's inode from /proc/net/tcp{,6},
// found among the file descriptors of the group's processes (/proc/<pid>/fd). Linux only: elsewhere the
// owner is `unknown` and the start goes on as before.
import { readdir, readFile, readlink } from 'node:fs/promises';

export type PortOwner =
  /** Every socket listening on the port for 127.0.0.1 belongs to the group (or its descendants). */
  | { kind: 'group' }
  /** A process outside the group listens there: `holder` says which, when it can be seen. */
  | { kind: 'other'; holder: string }
  /** Nothing listens on the port (for 127.0.0.1). */
  | { kind: 'none' }
  /** It cannot be told here (no /proc). */
  | { kind: 'unknown'; why: string };

/** Local addresses a connection to 127.0.0.1 can reach, as /proc/net/tcp{,6} writes them (either byte order). */
const LOOPBACK_V4 = new Set(['0100007F', '7F000001', '00000000']);
const LOOPBACK_V6 = new Set(['00000000000000000000000000000000', '0000000000000000FFFF00000100007F', '0000000000000000FFFF00007F000001']);
const LISTEN = '0A';

interface Listener {
  inode: string;
  uid: string;
}

/** Who listens on `port` for 127.0.0.1: the process group `pgid` (or what it started), another process, or nothing. */
export async function portOwner(port: number, pgid: number): Promise<PortOwner> {
  const tables = await Promise.all([readOptional('/proc/net/tcp'), readOptional('/proc/net/tcp6')]);
  if (tables.every((t) => t === null)) return { kind: 'unknown', why: 'no /proc/net/tcp here (not Linux)' };
  const listeners = [...parseListeners(tables[0] ?? '', port, LOOPBACK_V4), ...parseListeners(tables[1] ?? '', port, LOOPBACK_V6)];
  if (listeners.length === 0) return { kind: 'none' };
  const processes = await processTable();
  const ours = [...processes.keys()].filter((pid) => belongsTo(pid, pgid, processes));
  const held = new Set<string>();
  for (const pid of ours) for (const inode of await socketInodes(pid)) held.add(inode);
  const foreign = listeners.filter((l) => !held.has(l.inode));
  if (foreign.length === 0) return { kind: 'group' };
  return { kind: 'other', holder: await describeHolder(foreign[0] as Listener, processes) };
}

/** The LISTEN sockets on `port` whose local address is one of `addresses`. */
export function parseListeners(table: string, port: number, addresses: ReadonlySet<string>): Listener[] {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  const out: Listener[] = [];
  for (const line of table.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 10 || f[3] !== LISTEN) continue;
    const [address, p] = (f[1] as string).split(':');
    if (p !== hexPort || !addresses.has(address as string)) continue;
    out.push({ inode: f[9] as string, uid: f[7] as string });
  }
  return out;
}

interface Proc {
  ppid: number;
  pgrp: number;
}

async function processTable(): Promise<Map<number, Proc>> {
  const table = new Map<number, Proc>();
  const pids = (await readdir('/proc')).filter((n) => /^\d+$/.test(n)).map(Number);
  await Promise.all(
    pids.map(async (pid) => {
      const stat = await readOptional(`/proc/${pid}/stat`);
      if (!stat) return;
      // pid (comm) state ppid pgrp …: comm may hold spaces and parentheses, so split after the last ')'.
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      table.set(pid, { ppid: Number(rest[1]), pgrp: Number(rest[2]) });
    }),
  );
  return table;
}

/** In the group, or started by a process of it (a daemon that left the group is still the replica's). */
function belongsTo(pid: number, pgid: number, table: Map<number, Proc>): boolean {
  for (let at: number | undefined = pid, hops = 0; at !== undefined && at > 1 && hops < 64; hops++) {
    const p = table.get(at);
    if (!p) return false;
    if (p.pgrp === pgid || at === pgid) return true;
    at = p.ppid;
  }
  return false;
}

async function socketInodes(pid: number): Promise<string[]> {
  let fds: string[];
  try {
    fds = await readdir(`/proc/${pid}/fd`);
  } catch {
    return []; // gone, or not ours to read
  }
  const links = await Promise.all(fds.map((fd) => readlink(`/proc/${pid}/fd/${fd}`).catch(() => '')));
  return links.map((l) => /^socket:\[(\d+)\]$/.exec(l)?.[1]).filter((inode): inode is string => inode !== undefined);
}

/** `pid 4242 (node decoy.js)`, or `a process of uid 0 faultline cannot see` when its descriptors are not readable. */
async function describeHolder(listener: Listener, processes: Map<number, Proc>): Promise<string> {
  for (const pid of processes.keys()) {
    if (!(await socketInodes(pid)).includes(listener.inode)) continue;
    const cmdline = ((await readOptional(`/proc/${pid}/cmdline`)) ?? '').split('\0').filter(Boolean).join(' ');
    return `pid ${pid}${cmdline ? ` (${cmdline.length > 120 ? `${cmdline.slice(0, 119)}…` : cmdline})` : ''}`;
  }
  return `a process of uid ${listener.uid} whose file descriptors faultline cannot read`;
}

async function readOptional(file: string): Promise<string | null> {
  try {
    return await readFile(file, 'utf8');
  } catch {
    return null;
  }
}
