// The files inlined into every page: uPlot's JS and CSS from node_modules and the report's own
// chart script, bundled from the TypeScript in client/ (type-checked with the rest by `npm run
// typecheck`) into one IIFE by esbuild. Built once per process.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';
import { inlineSafe } from './escape.ts';

export interface ReportAssets {
  uplotJs: string;
  uplotCss: string;
  chartsJs: string;
}

let cached: ReportAssets | undefined;

function uplotDist(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('uplot/package.json')), 'dist');
}

const CLIENT_DIR = join(dirname(fileURLToPath(import.meta.url)), 'client');

/**
 * The chart script: client/main.ts and what it imports, types stripped, as one classic script for a
 * page opened from disk. Only files in client/ may end up in it: anything else (chart-data.ts, uPlot)
 * is imported for its types only, and a value import would pull Node code or a second uPlot into the page.
 */
export function chartScript(): string {
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
    banner: { js: '/* faultline report charts, bundled from harness/report/client/ */' },
  });
  const outside = Object.keys(result.metafile.inputs)
    .map((input) => resolve(CLIENT_DIR, input))
    .filter((file) => relative(CLIENT_DIR, file).startsWith('..'));
  if (outside.length > 0) {
    throw new Error(`faultline report: the chart script bundles files outside client/ (import their types only): ${outside.join(', ')}`);
  }
  const out = result.outputFiles[0];
  if (!out) throw new Error('faultline report: bundling the chart script produced no output');
  return out.text;
}

export function reportAssets(): ReportAssets {
  if (cached) return cached;
  const dist = uplotDist();
  // The banner names uPlot's home page; keep the credit but not the URL (the page holds no external URL).
  const uplotJs = readFileSync(join(dist, 'uPlot.iife.min.js'), 'utf8').replace(
    /^\/\*!\s*https?:\/\/github\.com\/leeoniya\/uPlot\s*\(v([0-9.]+)\)\s*\*\//,
    '/*! uPlot v$1 (MIT) by Leon Sorokin, github.com/leeoniya/uPlot */',
  );
  const uplotCss = readFileSync(join(dist, 'uPlot.min.css'), 'utf8');
  const chartsJs = chartScript();
  cached = {
    uplotJs: inlineSafe(uplotJs, 'script'),
    uplotCss: inlineSafe(uplotCss, 'style'),
    chartsJs: inlineSafe(chartsJs, 'script'),
  };
  return cached;
}
