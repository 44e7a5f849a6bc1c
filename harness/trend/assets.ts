// The trend page's inlined scripts: uPlot (the report's copy, harness/report/assets.ts) and the trend's own
// chart script, bundled from client/ by esbuild into one IIFE. The bundle may take browser code from this
// client/ and the report's (axes, canvas helpers), nothing else: anything more (model.ts, Node code, a
// second uPlot) is imported for its types only. Built once per process.
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';
import { reportAssets } from '../report/assets.ts';
import { inlineSafe } from '../report/escape.ts';

const HERE = dirname(fileURLToPath(import.meta.url));
const CLIENT_DIR = join(HERE, 'client');
const BROWSER_DIRS = [CLIENT_DIR, resolve(HERE, '..', 'report', 'client')];

export interface TrendAssets {
  uplotJs: string;
  uplotCss: string;
  trendJs: string;
}

let cached: TrendAssets | undefined;

export function trendScript(): string {
  const result = buildSync({
    entryPoints: [join(CLIENT_DIR, 'main.ts')],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2020',
    charset: 'ascii',
    legalComments: 'none',
    write: false,
    metafile: true,
    absWorkingDir: CLIENT_DIR,
    logLevel: 'silent',
    banner: { js: '/* faultline trend charts, bundled from harness/trend/client/ */' },
  });
  const outside = Object.keys(result.metafile.inputs)
    .map((input) => resolve(CLIENT_DIR, input))
    .filter((file) => BROWSER_DIRS.every((dir) => relative(dir, file).startsWith('..')));
  if (outside.length > 0) {
    throw new Error(`faultline trend: the chart script bundles files outside the browser folders (import their types only): ${outside.join(', ')}`);
  }
  const out = result.outputFiles[0];
  if (!out) throw new Error('faultline trend: bundling the chart script produced no output');
  return out.text;
}

export function trendAssets(): TrendAssets {
  if (cached) return cached;
  const report = reportAssets();
  cached = { uplotJs: report.uplotJs, uplotCss: report.uplotCss, trendJs: inlineSafe(trendScript(), 'script') };
  return cached;
}
