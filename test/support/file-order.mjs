// The order the suite starts its test files in: longest first, within the files that run whole pipelines and
// within the rest, from the wall times in test/support/file-times.json (measured by `node test/measure/files.mjs
// --times test/support/file-times.json`). With at most two pipeline files at once and three files in all, a long
// file started late runs on alone at the end while the other places sit idle; started first, the short ones
// fill in around it (the schedule of the measured times, simulated: 529 s in folder order, 478 s longest first).
// A file the table does not name yet counts as the median of the table (a guess only the order depends on:
// nothing about what runs, or how, changes with it).
import { existsSync, readFileSync } from 'node:fs';

/** The table's wall seconds by file (empty when the table is missing or unreadable: the order falls back to names). */
export function readFileTimes(tablePath) {
  if (!existsSync(tablePath)) return new Map();
  try {
    const table = JSON.parse(readFileSync(tablePath, 'utf8'));
    return new Map(Object.entries(table.wall_s ?? {}).filter(([, s]) => typeof s === 'number' && Number.isFinite(s) && s >= 0));
  } catch {
    return new Map();
  }
}

/** `files` sorted longest first by `times` (unknown files at the median), then by name. */
export function longestFirst(files, times) {
  const known = [...times.values()].sort((a, b) => a - b);
  const median = known.length ? known[Math.floor(known.length / 2)] : 0;
  const wall = (f) => times.get(f) ?? median;
  return [...files].sort((a, b) => wall(b) - wall(a) || a.localeCompare(b));
}
