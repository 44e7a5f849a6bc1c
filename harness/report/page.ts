// The page shell every report shares: inlined CSS (uPlot's and ours), the body, the JSON data blocks and
// the inlined scripts. Nothing is loaded from the network.
import { reportAssets } from './assets.ts';
import { jsonForScript } from './escape.ts';
import { html, trusted, type SafeHtml } from './html.ts';
import { REPORT_CSS } from './styles.ts';

export interface DataBlock {
  id: string;
  value: unknown;
}

export interface PageOptions {
  title: string;
  body: SafeHtml;
  data: DataBlock[];
  /** Include uPlot and the chart script (pages without charts can leave them out). */
  charts: boolean;
}

export function page(options: PageOptions): string {
  const assets = reportAssets();
  const dataBlocks = options.data.map(
    (d) => html`<script type="application/json" id="${d.id}">${trusted(jsonForScript(d.value))}</script>`,
  );
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="faultline">
<title>${options.title}</title>
${options.charts ? html`<style>${trusted(assets.uplotCss)}</style>` : ''}
<style>${trusted(REPORT_CSS)}</style>
</head>
<body>
${options.body}
${dataBlocks}
${options.charts ? html`<script>${trusted(assets.uplotJs)}</script>
<script>${trusted(assets.chartsJs)}</script>` : ''}
</body>
</html>
`.value;
}
