// Finds the run folders under a folder of nights: every folder holding a summary.json, as `faultline run`
// (reports/runs/<time>-<scenario>-<router>/) and `faultline suite` (<suite>/<label>/) write them, a few
// levels deep. Bounded: depth, folders visited and runs kept; symbolic links are not followed, hidden
// folders and node_modules are not entered, and a run folder's own subfolders are not searched.
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';

export interface FindLimits {
  /** Levels below the folder searched: 4 reaches <folder>/<night>/<suite>/<label>/summary.json. */
  maxDepth: number;
  /** Folders read at most (a guard against pointing the command at a home directory). */
  maxFolders: number;
  /** Run folders kept at most: the most recently written ones. */
  maxRuns: number;
}

export const DEFAULT_FIND_LIMITS: FindLimits = { maxDepth: 4, maxFolders: 20_000, maxRuns: 2_000 };

export interface FoundRuns {
  /** summary.json files, newest last by modification time when more than maxRuns were found. */
  files: string[];
  /** One line per thing not searched or dropped (limits reached, folders that cannot be read). */
  warnings: string[];
}

export async function findRunFiles(root: string, limits: FindLimits = DEFAULT_FIND_LIMITS): Promise<FoundRuns> {
  const files: string[] = [];
  const warnings: string[] = [];
  let folders = 0;
  let depthCut = false;
  let folderCut = false;
  // Breadth first: the shallow levels (where run folders usually are) are read before any limit bites.
  let level: string[] = [root];
  for (let depth = 0; depth <= limits.maxDepth && level.length > 0; depth++) {
    const next: string[] = [];
    for (const dir of level) {
      if (folders >= limits.maxFolders) {
        folderCut = true;
        break;
      }
      folders++;
      let entries;
      try {
        entries = await readdir(dir, { withFileTypes: true });
      } catch (err) {
        warnings.push(`${dir}: cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}), skipped`);
        continue;
      }
      if (entries.some((e) => e.name === 'summary.json' && e.isFile())) {
        files.push(path.join(dir, 'summary.json'));
        continue;
      }
      for (const e of entries) {
        if (!e.isDirectory() || e.name.startsWith('.') || e.name === 'node_modules') continue;
        if (depth === limits.maxDepth) depthCut = true;
        else next.push(path.join(dir, e.name));
      }
    }
    if (folderCut) break;
    level = next.sort();
  }
  if (depthCut) warnings.push(`${root}: folders deeper than ${limits.maxDepth} levels were not searched`);
  if (folderCut) warnings.push(`${root}: stopped after reading ${limits.maxFolders} folders; point faultline trend at a narrower folder`);
  if (files.length <= limits.maxRuns) return { files: files.sort(), warnings };
  const dated = await Promise.all(files.map(async (f) => ({ f, t: await stat(f).then((s) => s.mtimeMs, () => 0) })));
  dated.sort((a, b) => a.t - b.t || a.f.localeCompare(b.f));
  const kept = dated.slice(-limits.maxRuns).map((d) => d.f);
  warnings.push(`${root}: ${files.length} run folders found; only the ${limits.maxRuns} most recently written are read`);
  return { files: kept, warnings };
}
