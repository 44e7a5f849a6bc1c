// `faultline compare <runA> <runB>`: one report with both runs side by side.
import path from 'node:path';
import { existsSync } from 'node:fs';
import { buildComparison } from '../../report/compare.ts';
import { REPORTS_DIR, timestamp } from '../../runner/run-folder.ts';
import { UsageError } from '../exit-codes.ts';
import { prepareOutputFolder } from '../../files/output-folder.ts';

export async function compareCommand(a: string, b: string, options: { out?: string }, out: (line: string) => void): Promise<number> {
  for (const dir of [a, b]) {
    if (!existsSync(path.join(dir, 'summary.json'))) throw new UsageError(`${dir} is not a run folder: it has no summary.json`);
  }
  // The output folder is proven writable before any work (exit 2 naming it).
  const outDir = await prepareOutputFolder(options.out ?? path.join(REPORTS_DIR, 'compare', timestamp()), '--out');
  await buildComparison(a, b, outDir);
  out(`wrote ${path.join(path.relative(process.cwd(), outDir) || outDir, 'index.html')}`);
  return 0;
}
