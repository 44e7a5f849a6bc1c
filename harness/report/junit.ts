// JUnit XML for CI: one <testsuite> per run, one <testcase> per invariant, threshold and baseline metric
// (plus one for the run itself completing and one per fault window taking effect).
import { baselineLine, thresholdLine } from '../gate/verdict.ts';
import type { Summary } from '../summary/types.ts';
import { escapeXml } from './escape.ts';

interface TestCase {
  classname: string;
  name: string;
  failure?: { message: string; body: string };
}

export function suiteName(summary: Summary): string {
  return `${summary.scenario} [${summary.router}${summary.standin ? '' : ', no stand-in'}]`;
}

function testCases(summary: Summary): TestCase[] {
  const base = `faultline.${summary.scenario}`;
  const cases: TestCase[] = [];
  cases.push({
    classname: `${base}.run`,
    name: 'run completed',
    ...(summary.incomplete
      ? { failure: { message: 'run incomplete: it was interrupted, so the checks cover only what was measured', body: summary.command } }
      : {}),
  });
  for (const f of summary.faults) {
    const message = `fault ${f.name} (${f.fault} on ${f.target}) never took effect${f.error ? `: ${f.error}` : ''}`;
    cases.push({
      classname: `${base}.faults`,
      name: `fault ${f.name} applied`,
      ...(f.applied_s === null ? { failure: { message, body: message } } : {}),
    });
  }
  for (const inv of summary.invariants) {
    const message = `invariant ${inv.name} failed (${inv.validity}): ${inv.detail}`;
    cases.push({
      classname: `${base}.invariants`,
      name: inv.name,
      ...(inv.ok
        ? {}
        : {
            failure: {
              message,
              body: `${message}\n${inv.count} offending${inv.offending.length ? `:\n  ${inv.offending.join('\n  ')}` : ''}`,
            },
          }),
    });
  }
  for (const t of summary.thresholds) {
    const line = thresholdLine(t);
    cases.push({
      classname: `${base}.thresholds`,
      name: `${t.metric} ${t.expression}`,
      ...(t.ok ? {} : { failure: { message: line, body: line } }),
    });
  }
  for (const d of summary.baseline?.deltas ?? []) {
    const line = baselineLine(d);
    cases.push({
      classname: `${base}.baseline`,
      name: d.metric,
      ...(d.ok ? {} : { failure: { message: line, body: `${line}\nbaseline: ${summary.baseline?.file ?? ''}` } }),
    });
  }
  return cases;
}

function timestamp(iso: string): string {
  // JUnit's schema wants a local-looking ISO 8601 timestamp without a zone.
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})/.exec(iso);
  return m ? (m[1] as string) : '';
}

export function junitSuite(summary: Summary, indent = '  '): string {
  const cases = testCases(summary);
  const failures = cases.filter((c) => c.failure).length;
  const attrs = [
    `name="${escapeXml(suiteName(summary))}"`,
    `tests="${cases.length}"`,
    `failures="${failures}"`,
    `errors="0"`,
    `skipped="0"`,
    `time="${Number.isFinite(summary.duration_s) ? summary.duration_s : 0}"`,
  ];
  const ts = timestamp(summary.started_at);
  if (ts) attrs.push(`timestamp="${ts}"`);
  const lines = [`${indent}<testsuite ${attrs.join(' ')}>`];
  lines.push(`${indent}  <properties>`);
  for (const [k, v] of [
    ['scenario', summary.scenario],
    ['seed', String(summary.seed)],
    ['router', summary.router],
    ['standin', String(summary.standin)],
    ['command', summary.command],
    ['passed', String(summary.passed)],
  ] as const) {
    lines.push(`${indent}    <property name="${escapeXml(k)}" value="${escapeXml(v)}"/>`);
  }
  lines.push(`${indent}  </properties>`);
  for (const c of cases) {
    const open = `${indent}  <testcase classname="${escapeXml(c.classname)}" name="${escapeXml(c.name)}" time="0"`;
    if (!c.failure) {
      lines.push(`${open}/>`);
    } else {
      lines.push(`${open}>`);
      lines.push(
        `${indent}    <failure message="${escapeXml(c.failure.message)}" type="faultline.check">${escapeXml(c.failure.body).replace(/&#10;/g, '\n')}</failure>`,
      );
      lines.push(`${indent}  </testcase>`);
    }
  }
  lines.push(`${indent}</testsuite>`);
  return lines.join('\n');
}

/** One run's junit.xml, or a suite's with one <testsuite> per run. */
export function buildJunit(summaries: Summary[], name = 'faultline'): string {
  const suites = summaries.map((s) => junitSuite(s));
  let tests = 0;
  let failures = 0;
  for (const s of summaries) {
    const cases = testCases(s);
    tests += cases.length;
    failures += cases.filter((c) => c.failure).length;
  }
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${escapeXml(name)}" tests="${tests}" failures="${failures}" errors="0">`,
    ...suites,
    '</testsuites>',
    '',
  ].join('\n');
}
