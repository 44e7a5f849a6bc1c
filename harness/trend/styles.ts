// The trend page's own styles, inlined after the report's (harness/report/styles.ts).
export const TREND_CSS = `
.badge.small { font-size: 10.5px; padding: 1px 7px; letter-spacing: 0.04em; }
.badge.incomplete { background: transparent; color: var(--muted); box-shadow: inset 0 0 0 1px #8b949e; }
header.top .badge.incomplete { color: #d0d7de; }
.group-meta { color: var(--muted); margin: -6px 0 10px; }
.nights-strip { display: flex; flex-wrap: wrap; gap: 4px; margin-bottom: 6px; }
.trend-section h3 { margin-bottom: 2px; }
.trend-section .note { margin: 0 0 8px; }
td.nowrap { white-space: nowrap; }
.trend-grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(360px, 1fr)); gap: 10px 16px; }
.trend-cell { margin: 0; min-width: 0; border: 1px solid var(--soft); border-radius: 8px; padding: 6px 8px 2px; }
.trend-cell figcaption { display: flex; justify-content: space-between; gap: 8px; font-size: 12.5px; margin-bottom: 2px; }
.trend-cell figcaption code { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.trend-chart { width: 100%; min-height: 150px; }
.trend-cell .readout { font-size: 11.5px; color: var(--muted); min-height: 18px; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.latest { font-weight: 650; font-variant-numeric: tabular-nums; white-space: nowrap; }
.latest.breach { color: var(--bad); } .latest.ok { color: var(--good); } .latest.not-comparable { color: var(--warn); font-style: italic; }
.trend-table th.night-head { text-align: center; font-weight: 500; }
.trend-table th.not-comparable, .trend-table td.not-comparable { background: repeating-linear-gradient(135deg, var(--amber-bg) 0 6px, #fff 6px 9px); }
.trend-table td.cell { text-align: right; }
.trend-table td.cell .limit { font-size: 10.5px; color: var(--muted); font-weight: 400; font-style: normal; }
.trend-table td.breach { color: var(--bad); font-weight: 650; }
.trend-table td.ok { color: var(--good); }
.trend-table td.not-comparable { color: var(--warn); font-style: italic; }
.trend-table td.none { color: var(--muted); }
.trend-table tr.night-row.not-comparable td { background: var(--amber-bg); }
.trend-legend { list-style: none; padding: 0; margin: 0; display: grid; gap: 4px; }
.trend-legend .key { display: inline-block; width: 26px; height: 12px; margin-right: 8px; vertical-align: -1px; border-radius: 2px; }
.trend-legend .key.line { height: 0; border-top: 2px solid #1c7ed6; vertical-align: 3px; }
.trend-legend .key.band { background: rgba(26, 127, 55, 0.12); border-top: 1.5px dashed rgba(26, 127, 55, 0.75); }
.trend-legend .key.breach { width: 10px; height: 10px; border-radius: 50%; background: #cf222e; margin-left: 8px; margin-right: 16px; }
.trend-legend .key.not-comparable { background: repeating-linear-gradient(135deg, rgba(240, 168, 0, 0.35) 0 3px, rgba(240, 168, 0, 0.12) 3px 6px); }
.trend-legend .key.strip { height: 5px; background: linear-gradient(90deg, #1a7f37 0 25%, #cf222e 25% 50%, #f0a800 50% 75%, #8b949e 75%); vertical-align: 2px; }
section.skipped { border-left: 6px solid var(--bad); }
section.skipped li { word-break: break-all; }
`;
