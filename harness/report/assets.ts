// The files inlined into every page: uPlot's JS and CSS from node_modules and the report's own
// chart script. Read once per process.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
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

export function reportAssets(): ReportAssets {
  if (cached) return cached;
  const dist = uplotDist();
  // The banner names uPlot's home page; keep the credit but not the URL (the page holds no external URL).
  const uplotJs = readFileSync(join(dist, 'uPlot.iife.min.js'), 'utf8').replace(
    /^\/\*!\s*https?:\/\/github\.com\/leeoniya\/uPlot\s*\(v([0-9.]+)\)\s*\*\//,
    '/*! uPlot v$1 (MIT) by Leon Sorokin, github.com/leeoniya/uPlot */',
  );
  const uplotCss = readFileSync(join(dist, 'uPlot.min.css'), 'utf8');
  const here = dirname(fileURLToPath(import.meta.url));
  const chartsJs = readFileSync(join(here, 'client', 'charts.js'), 'utf8');
  cached = {
    uplotJs: inlineSafe(uplotJs, 'script'),
    uplotCss: inlineSafe(uplotCss, 'style'),
    chartsJs: inlineSafe(chartsJs, 'script'),
  };
  return cached;
}
