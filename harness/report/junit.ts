// JUnit XML for CI: one <testsuite> per run, one <testcase> per invariant, threshold and baseline metric
// (plus one for the run's validity and one per fault window taking effect). It follows the verdict: a
// broken check of a judged run is a <failure>; an inconclusive run (its own health broke, or it was
// interrupted) is an <error> on `run validity`, and the checks it was not judged on are <skipped>.
import { baselineLine, thresholdLine } from '../summary/lines.ts';
import type { Summary } from '../summary/types.ts';
import { escapeXml } from './escape.ts';
import { distortions, remedies } from './inconclusive.ts';

interface TestCase {
  classname: string;
  name: string;
  /** A check that broke: the run failed on it. */
  failure?: { message: string; body: string };
  /** The run itself could not be trusted (its own health broke, or it was interrupted): an <error>, not a <failure>. */
  error?: { message: string; body: string };
  /** A check that was not judged: the run is inconclusive, or could not settle it before an interruption. */
  skipped?: { message: string };
}

export function suiteName(summary: Summary): string {
  const tuning = Object.entries(summary.router_tuning ?? {}).map(([k, v]) => `, ${k}=${v}`).join('');
  return `${summary.scenario} [${summary.router}${tuning}${summary.standin ? '' : ', no stand-in'}]`;
}

/** The `run validity` testcase's <error>, or undefined when the run was healthy and complete. */
function validityError(summary: Summary): TestCase['error'] {
  if (summary.validity.ok && !summary.incomplete) return undefined;
  const distorted = distortions(summary);
  const todo = remedies(summary);
  const message = `run inconclusive: ${distorted.join('; ')}`;
  const body = [
    summary.verdict === 'inconclusive'
      ? 'The run is inconclusive: its thresholds were not judged and it was not compared with a baseline.'
      : `The run ${summary.verdict} on its money checks; its own health was broken too.`,
    'What was distorted:',
    ...distorted.map((l) => `  - ${l}`),
    'What to do:',
    ...todo.map((l) => `  - ${l}`),
    `Repeat: ${summary.command}`,
  ].join('\n');
  return { message, body };
}

function testCases(summary: Summary): TestCase[] {
  const base = `faultline.${summary.scenario}`;
  // Follow the verdict: an inconclusive run's checks were not judged, so what they missed is skipped, not failed.
  const judged = summary.verdict !== 'inconclusive';
  const notJudged = (line: string): TestCase['skipped'] => ({ message: `not judged: the run is inconclusive (${line})` });
  const cases: TestCase[] = [];
  const error = validityError(summary);
  cases.push({ classname: `${base}.run`, name: 'run validity', ...(error ? { error } : {}) });
  for (const f of summary.faults) {
    const message = `fault ${f.name} (${f.fault} on ${f.target}) never took effect${f.error ? `: ${f.error}` : ''}`;
    const missed = f.applied_s === null && !f.applied_elsewhere;
    cases.push({
      classname: `${base}.faults`,
      name: `fault ${f.name} applied`,
      ...(f.applied_elsewhere
        ? { skipped: { message: `fault ${f.name} was applied by another process (faultline faults): when it took effect is not measured here` } }
        : !missed
        ? {}
        : summary.incomplete
          ? { skipped: { message: `the run was interrupted before it took effect: ${message}` } }
          : judged
            ? { failure: { message, body: message } }
            : { skipped: notJudged(message) }),
    });
  }
  for (const inv of summary.invariants) {
    const message = `invariant ${inv.name} failed (${inv.validity}): ${inv.detail}`;
    const body = `${message}\n${inv.count} offending${inv.offending.length ? `:\n  ${inv.offending.join('\n  ')}` : ''}`;
    // Money lost (invalid) is a failure whatever the machine did; an unknown one is not judged on an
    // inconclusive or interrupted run (what it could not settle is unknown, not lost).
    const unjudged = inv.validity !== 'invalid' && (summary.incomplete || !judged);
    cases.push({
      classname: `${base}.invariants`,
      name: inv.name,
      ...(inv.ok
        ? {}
        : inv.validity === 'unknown' && inv.not_judged
          ? { skipped: { message: `not judged: ${inv.not_judged}` } }
          : unjudged
            ? { skipped: { message: `not settled: ${message}` } }
            : { failure: { message, body } }),
    });
  }
  for (const t of summary.thresholds) {
    const line = thresholdLine(t);
    cases.push({
      classname: `${base}.thresholds`,
      name: `${t.metric} ${t.expression}`,
      // A metric the run cannot produce: skipped with the reason, neither failed nor passed.
      ...(t.not_applicable !== undefined ? { skipped: { message: line } } : t.ok ? {} : judged ? { failure: { message: line, body: line } } : { skipped: notJudged(line) }),
    });
  }
  for (const d of summary.baseline?.deltas ?? []) {
    const line = baselineLine(d);
    cases.push({
      classname: `${base}.baseline`,
      name: d.metric,
      ...(d.ok ? {} : judged ? { failure: { message: line, body: `${line}\nbaseline: ${summary.baseline?.file ?? ''}` } } : { skipped: notJudged(line) }),
    });
  }
  return cases;
}

interface Counts {
  tests: number;
  failures: number;
  errors: number;
  skipped: number;
}

function countsOf(cases: TestCase[]): Counts {
  return {
    tests: cases.length,
    failures: cases.filter((c) => c.failure).length,
    errors: cases.filter((c) => c.error).length,
    skipped: cases.filter((c) => c.skipped && !c.failure && !c.error).length,
  };
}

/** Text content of a <failure> or <error>: escaped, newlines kept as real newlines. */
function text(body: string): string {
  return escapeXml(body).replace(/&#10;/g, '\n');
}

function timestamp(iso: string): string {
  // JUnit's schema wants a local-looking ISO 8601 timestamp without a zone.
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})/.exec(iso);
  return m ? (m[1] as string) : '';
}

export function junitSuite(summary: Summary, indent = '  '): string {
  const cases = testCases(summary);
  const n = countsOf(cases);
  const attrs = [
    `name="${escapeXml(suiteName(summary))}"`,
    `tests="${n.tests}"`,
    `failures="${n.failures}"`,
    `errors="${n.errors}"`,
    `skipped="${n.skipped}"`,
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
    ['verdict', summary.verdict],
    ['passed', String(summary.passed)],
  ] as const) {
    lines.push(`${indent}    <property name="${escapeXml(k)}" value="${escapeXml(v)}"/>`);
  }
  lines.push(`${indent}  </properties>`);
  for (const c of cases) {
    const open = `${indent}  <testcase classname="${escapeXml(c.classname)}" name="${escapeXml(c.name)}" time="0"`;
    if (c.failure) {
      lines.push(`${open}>`);
      lines.push(`${indent}    <failure message="${escapeXml(c.failure.message)}" type="faultline.check">${text(c.failure.body)}</failure>`);
      lines.push(`${indent}  </testcase>`);
    } else if (c.error) {
      lines.push(`${open}>`);
      lines.push(`${indent}    <error message="${escapeXml(c.error.message)}" type="faultline.inconclusive">${text(c.error.body)}</error>`);
      lines.push(`${indent}  </testcase>`);
    } else if (c.skipped) {
      lines.push(`${open}>`);
      lines.push(`${indent}    <skipped message="${escapeXml(c.skipped.message)}"/>`);
      lines.push(`${indent}  </testcase>`);
    } else {
      lines.push(`${open}/>`);
    }
  }
  lines.push(`${indent}</testsuite>`);
  return lines.join('\n');
}

/** One run's junit.xml, or a suite's with one <testsuite> per run. */
export function buildJunit(summaries: Summary[], name = 'faultline'): string {
  const suites = summaries.map((s) => junitSuite(s));
  const total: Counts = { tests: 0, failures: 0, errors: 0, skipped: 0 };
  for (const s of summaries) {
    const n = countsOf(testCases(s));
    total.tests += n.tests;
    total.failures += n.failures;
    total.errors += n.errors;
    total.skipped += n.skipped;
  }
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${escapeXml(name)}" tests="${total.tests}" failures="${total.failures}" errors="${total.errors}">`,
    ...suites,
    '</testsuites>',
    '',
  ].join('\n');
}
