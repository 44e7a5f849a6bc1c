// Preloaded into every test file's process by test/run.mjs (`--import`): a file that runs whole pipelines
// (FAULTLINE_TEST_HEAVY names them) waits here, before its tests start, for one of a few slots shared by the
// suite (lock files in FAULTLINE_TEST_SLOTS, one folder per suite run), and holds it until its process ends.
//
// Why: three such files at once on 2 cores each drove a pipeline of a dozen processes at 100/s, more CPU than
// the machine had on a slow day; a run's own quiet p50 reached 1.5 s and runs that need a healthy machine
// failed or were skipped. With at most two at once, the third of the runner's files is a quick one, or waits.
//
// A file run on its own (no FAULTLINE_TEST_SLOTS) does not wait. A slot whose holder died (killed) is taken
// over. The wait is bounded: past SLOT_WAIT_MS the file runs anyway, saying so.
import { mkdirSync, openSync, readFileSync, rmSync, writeSync, closeSync } from 'node:fs';
import path from 'node:path';
// Bundled with the test files (test/support/test-bundle.mjs), or loaded after tsx (FAULTLINE_TEST_TSX=1): either
// way the suite's TypeScript helpers are at hand.
import { pidAlive } from './processes.ts';

const SLOT_WAIT_MS = 20 * 60_000;
const POLL_MS = 250;

const dir = process.env.FAULTLINE_TEST_SLOTS;
const heavy = (process.env.FAULTLINE_TEST_HEAVY ?? '').split(',').filter(Boolean);
const slots = Math.max(1, Number(process.env.FAULTLINE_TEST_HEAVY_SLOTS ?? 2) || 2);
const file = process.argv[1] ?? '';
const isHeavy = heavy.some((h) => file.endsWith(h));

/** Takes slot i if it is free (or its holder is gone); true when this process now holds it. */
function tryTake(slotFile) {
  try {
    const fd = openSync(slotFile, 'wx');
    writeSync(fd, String(process.pid));
    closeSync(fd);
    return true;
  } catch (err) {
    if (err.code !== 'EEXIST') throw err;
  }
  let holder = NaN;
  try {
    holder = Number(readFileSync(slotFile, 'utf8'));
  } catch {
    return false; // Released (or being written) just now: the next poll sees which.
  }
  // An empty file is a holder between its open and its write: not stale.
  if (Number.isInteger(holder) && holder > 0 && !pidAlive(holder)) rmSync(slotFile, { force: true });
  return false;
}

if (dir && isHeavy) {
  mkdirSync(dir, { recursive: true });
  const deadline = Date.now() + SLOT_WAIT_MS;
  let held = null;
  while (held === null && Date.now() < deadline) {
    for (let i = 0; i < slots && held === null; i++) {
      const slotFile = path.join(dir, `slot-${i}`);
      if (tryTake(slotFile)) held = slotFile;
    }
    if (held === null) await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  if (held === null) {
    process.stderr.write(`pipeline-slot: no slot free after ${SLOT_WAIT_MS / 60_000} min; ${path.basename(file)} runs anyway\n`);
  } else {
    const slotFile = held;
    process.once('exit', () => {
      try {
        if (readFileSync(slotFile, 'utf8') === String(process.pid)) rmSync(slotFile, { force: true });
      } catch {
        // Already gone.
      }
    });
  }
}
