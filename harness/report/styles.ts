// The report's stylesheet (inlined into every page).
export const REPORT_CSS = `
:root {
  --bg: #f4f6f8; --card: #ffffff; --ink: #1f2328; --muted: #59636e; --line: #d8dee4; --soft: #eef1f4;
  --good: #1a7f37; --good-bg: #dafbe1; --bad: #cf222e; --bad-bg: #ffebe9; --warn: #9a6700; --warn-bg: #fff8c5;
  --accent: #0969da;
  --approved: #2f9e44; --declined: #74808c; --standin_approved: #15aabf; --standin_declined: #99e9f2;
  --failed: #e03131; --unknown: #f59f00;
  --amber: #f0a800; --amber-ink: #3d2a00; --amber-bg: #fff4d6; --amber-line: #e3b341;
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; background: var(--bg); color: var(--ink);
  font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
code, pre, .mono { font-family: ui-monospace, SFMono-Regular, "SF Mono", Menlo, Consolas, "Liberation Mono", monospace; font-size: 12.5px; }
a { color: var(--accent); text-decoration: none; }
a:hover { text-decoration: underline; }
h1, h2, h3 { margin: 0; font-weight: 650; letter-spacing: -0.01em; }
h2 { font-size: 16px; margin-bottom: 12px; }
h3 { font-size: 13px; margin: 18px 0 8px; color: var(--muted); text-transform: uppercase; letter-spacing: 0.04em; }
.wrap { max-width: 1240px; margin: 0 auto; padding: 0 24px; }
header.top { background: #15191e; color: #e6edf3; padding: 20px 0 0; }
header.top .brand { font-size: 12px; letter-spacing: 0.14em; text-transform: uppercase; color: #8b949e; font-weight: 600; }
header.top .brand b { color: #ff8c42; }
header.top .title { display: flex; align-items: center; gap: 14px; flex-wrap: wrap; margin: 6px 0 4px; }
header.top h1 { font-size: 26px; color: #ffffff; }
header.top .desc { margin: 0 0 10px; color: #c9d1d9; max-width: 900px; }
header.top .meta { display: flex; flex-wrap: wrap; gap: 6px 18px; color: #8b949e; font-size: 13px; padding-bottom: 14px; }
header.top .meta b { color: #e6edf3; font-weight: 600; }
nav.sections { display: flex; gap: 2px; flex-wrap: wrap; border-top: 1px solid #2d333b; }
nav.sections a { color: #c9d1d9; padding: 9px 12px; font-size: 13px; }
nav.sections a:hover { background: #22272e; text-decoration: none; }
main { padding: 20px 0 40px; }
section.card { background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 18px 20px; margin-bottom: 18px; }
.badge { display: inline-block; padding: 3px 12px; border-radius: 999px; font-weight: 700; font-size: 13px; letter-spacing: 0.06em; }
.badge.pass { background: var(--good); color: #fff; }
.badge.fail { background: var(--bad); color: #fff; }
.badge.warn { background: #bf8700; color: #fff; }
.badge.inconclusive { background: var(--amber); color: var(--amber-ink); box-shadow: inset 0 0 0 2px #b07d00; }
.badge.interrupted { background: transparent; color: #d0d7de; box-shadow: inset 0 0 0 1px #8b949e; font-weight: 600; }
main .badge.interrupted, .suite .badge.interrupted { color: var(--muted); }
.verdict { border-left: 6px solid var(--good); }
.verdict.fail { border-left-color: var(--bad); }
.verdict.inconclusive { border-left-color: var(--amber); background: linear-gradient(90deg, var(--amber-bg), var(--card) 40%); }
.verdict.inconclusive li::marker { color: #b07d00; }
.banner.inconclusive { background: var(--amber-bg); border-bottom: 3px solid var(--amber); color: var(--amber-ink); padding: 16px 0 14px; }
.banner.inconclusive h2 { font-size: 17px; margin: 0 0 8px; display: flex; align-items: center; gap: 10px; flex-wrap: wrap; }
.banner.inconclusive h3 { color: #7a5500; margin: 8px 0 4px; }
.banner-cols { display: grid; grid-template-columns: repeat(auto-fit, minmax(340px, 1fr)); gap: 6px 28px; }
.banner ul { margin: 0; padding-left: 20px; }
.banner li { margin: 2px 0; }
.banner-note { margin: 10px 0 0; font-size: 13px; font-weight: 600; }
.banner.inconclusive.compare-banner { padding: 14px 20px; border: 1px solid var(--amber-line); border-left: 6px solid var(--amber); border-radius: 10px; margin-bottom: 18px; }
.compare-banner p { margin: 8px 0 2px; }
.verdict ul { margin: 0; padding-left: 20px; }
.verdict li { margin: 3px 0; }
.verdict.fail li::marker { color: var(--bad); }
.verdict.pass li::marker { color: var(--good); }
.kpis { display: grid; grid-template-columns: repeat(auto-fit, minmax(150px, 1fr)); gap: 12px; margin-bottom: 18px; }
.kpi { background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 12px 16px; }
.kpi .label { color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: 0.04em; }
.kpi .value { font-size: 24px; font-weight: 650; font-variant-numeric: tabular-nums; margin-top: 2px; }
.kpi .sub { color: var(--muted); font-size: 12px; }
.kpi.good .value { color: var(--good); } .kpi.warn .value { color: var(--warn); } .kpi.bad .value { color: var(--bad); }
table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
th, td { text-align: left; padding: 6px 10px; border-bottom: 1px solid var(--soft); vertical-align: top; }
th { font-size: 12px; color: var(--muted); font-weight: 600; border-bottom: 1px solid var(--line); white-space: nowrap; }
td.num, th.num { text-align: right; white-space: nowrap; }
td > code { white-space: nowrap; }
tr.group td { background: #fafbfc; font-weight: 600; border-top: 1px solid var(--line); }
tbody tr:hover td { background: #f8fafc; }
.table-scroll { overflow-x: auto; }
.good { color: var(--good); } .warn { color: var(--warn); } .bad { color: var(--bad); } .muted { color: var(--muted); }
td.good, td.warn, td.bad { font-weight: 600; }
.pill { display: inline-block; min-width: 44px; text-align: center; padding: 1px 8px; border-radius: 999px; font-size: 12px; font-weight: 700; }
.pill.ok { background: var(--good-bg); color: var(--good); }
.pill.fail { background: var(--bad-bg); color: var(--bad); }
.pill.unknown { background: var(--warn-bg); color: var(--warn); }
.pill.muted { background: var(--soft); color: var(--muted); }
.pill.skipped { background: var(--amber-bg); color: #7a5500; }
section.health.broken { border-left: 6px solid var(--amber); }
.health-headline { font-size: 13px; font-weight: 600; margin-left: 8px; }
.health-grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(150px, 1fr)); gap: 10px; }
.health-tile { border: 1px solid var(--line); border-radius: 8px; padding: 8px 12px; }
.health-tile.broken { border-color: var(--bad); background: #fffafa; }
.health-tile .label { color: var(--muted); font-size: 11.5px; text-transform: uppercase; letter-spacing: 0.03em; }
.health-tile .value { font-size: 19px; font-weight: 650; font-variant-numeric: tabular-nums; white-space: nowrap; }
.health-tile.broken .value { color: var(--bad); }
.health-tile.unmeasured .value { color: var(--muted); font-size: 14px; font-weight: 500; padding: 3px 0; }
.health-tile .limit { font-size: 12px; color: var(--muted); display: flex; flex-wrap: wrap; align-items: center; gap: 2px 6px; }
.health-tile .limit .pill { min-width: 0; }
.health-tile .limit span { white-space: nowrap; }
.health-tile .sub { font-size: 11.5px; color: var(--muted); margin-top: 2px; }
tr.absent td { font-style: italic; }
.warmup-line { color: var(--muted); margin: 0 0 8px; font-size: 13px; }
.ids { display: flex; flex-wrap: wrap; gap: 4px; margin-top: 4px; }
.ids code { background: var(--soft); border-radius: 4px; padding: 0 5px; word-break: break-all; }
.grid2 { display: grid; grid-template-columns: repeat(auto-fit, minmax(340px, 1fr)); gap: 18px; }
.grid3 { display: grid; grid-template-columns: repeat(auto-fit, minmax(260px, 1fr)); gap: 18px; }
.outcome-bar { display: flex; height: 26px; border-radius: 6px; overflow: hidden; background: var(--soft); margin: 4px 0 14px; }
.outcome-bar span { display: block; height: 100%; min-width: 0; }
.swatch { display: inline-block; width: 10px; height: 10px; border-radius: 3px; margin-right: 7px; vertical-align: 0; }
.o-approved { background: var(--approved); } .o-declined { background: var(--declined); }
.o-standin_approved { background: var(--standin_approved); } .o-standin_declined { background: var(--standin_declined); }
.o-failed { background: var(--failed); } .o-unknown { background: var(--unknown); }
.chart-block { margin-bottom: 10px; }
.chart-block h3 { margin-top: 6px; }
.chart { width: 100%; min-height: 240px; }
.chart-error { color: var(--bad); padding: 20px; border: 1px dashed var(--bad); border-radius: 6px; }
.fault-legend { list-style: none; margin: 4px 0 14px; padding: 0; display: flex; flex-wrap: wrap; gap: 8px 18px; font-size: 13px; }
.fault-legend li { display: block; }
.fault-legend .band { display: inline-block; width: 22px; height: 12px; border-radius: 3px; border: 1px solid; vertical-align: -1px; margin-right: 6px; }
.fault-legend .when { color: var(--muted); }
.fault-legend .warmup-band { background: repeating-linear-gradient(135deg, rgba(110,118,129,0.16) 0 3px, rgba(110,118,129,0.38) 3px 4px); border-style: dashed; }
header.top .meta.suite-counts .inconclusive b { color: var(--amber); }
tr.run-row td:first-child { white-space: normal; min-width: 132px; }
tr.run-row td:first-child .badge { margin: 1px 0; }
.why.inconclusive .why-lines li::marker { color: #b07d00; }
.kv { display: grid; grid-template-columns: max-content 1fr; gap: 4px 18px; margin: 0; }
.kv dt { color: var(--muted); }
.kv dd { margin: 0; font-variant-numeric: tabular-nums; word-break: break-word; }
.command { display: flex; align-items: stretch; gap: 0; margin-top: 6px; border: 1px solid var(--line); border-radius: 8px; overflow: hidden; }
.command pre { margin: 0; padding: 10px 14px; background: #15191e; color: #e6edf3; flex: 1; overflow-x: auto; white-space: pre-wrap; word-break: break-all; }
.command button { border: 0; border-left: 1px solid #2d333b; background: #22272e; color: #c9d1d9; padding: 0 16px; cursor: pointer; font: inherit; }
.command button:hover { background: #2d333b; }
.note { color: var(--muted); font-size: 12.5px; margin: 6px 0 0; }
.empty { color: var(--muted); font-style: italic; }
.delta-up { color: var(--good); } .delta-down { color: var(--bad); }
.compare-head { display: grid; grid-template-columns: 1fr 1fr; gap: 18px; }
.compare-head > div { min-width: 0; }
.kpis.small { grid-template-columns: repeat(4, 1fr); margin-bottom: 12px; gap: 8px; }
.kpis.small .kpi { padding: 8px 12px; }
.kpis.small .value { font-size: 19px; white-space: nowrap; }
.kpis.small .label { font-size: 11px; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.run-tag { display: inline-block; font-size: 11px; font-weight: 700; letter-spacing: 0.06em; text-transform: uppercase; padding: 2px 8px; border-radius: 4px; background: var(--soft); color: var(--muted); margin-right: 6px; }
tr.run-row td { border-bottom: 0; padding-top: 10px; white-space: nowrap; }
tr.why td { padding-top: 0; padding-bottom: 10px; }
.why-lines { margin: 0; padding-left: 18px; color: var(--muted); font-size: 12.5px; }
.why-lines li::marker { color: var(--bad); }
footer { color: var(--muted); font-size: 12px; padding: 10px 0 30px; }
.uplot { font-family: inherit; }
.u-legend { font-size: 12px; }
.u-legend .u-marker { border-radius: 2px; }
@media (max-width: 760px) { .compare-head { grid-template-columns: 1fr; } }
@media print { header.top { background: #fff; color: #000; } nav.sections { display: none; } section.card { break-inside: avoid; } }
`;
