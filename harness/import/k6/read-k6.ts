// Streams k6 JSON output files (one per k6 instance: k6-operator runners each write their own) into history
// records, in bounded memory: every line is checked against k6's format (envelope.ts); faultline_request points
// become HistoryRecords (request-facts.ts, to-record.ts) handed to `onRecord`; the faultline_run declaration is
// kept; k6's dropped_iterations are counted; every other metric is checked and skipped. The first problem
// stops the reading with a K6InputError naming the file, the line and what is wrong.
import type { HistoryRecord } from '../../history/record.ts';
import { readDeclaration, sameDeclaration, type ScriptDeclaration } from './declaration.ts';
import { LineProblem, parseEnvelope, type MetricType } from './envelope.ts';
import { K6InputError, ReadAborted, readK6Lines, type LineReadOptions } from './lines.ts';
import { requestFacts, type DeriveContext } from './request-facts.ts';
import { toHistoryRecord, type RecordContext } from './to-record.ts';
import { DROPPED_METRIC, REQUEST_METRIC, RUN_METRIC } from './vocabulary.ts';

export interface K6ReadOptions extends LineReadOptions, RecordContext {
  /** Takes each record; a promise returned is awaited before the next line (the history file's backpressure). */
  onRecord(record: HistoryRecord): void | Promise<void>;
  /** The scenario's seeded accounts, to derive a missing currency or card last four (request-facts.ts). */
  account?: DeriveContext['account'];
}

export interface K6ReadResult {
  files: string[];
  lines: number;
  points: number;
  requests: number;
  droppedIterations: number;
  declaration: ScriptDeclaration | null;
  /** Where the first declaration was read. */
  declarationAt: { file: string; line: number } | null;
  /** The earliest k6 scenario start (epoch ms): t = 0 on the journal's clock. null when no request was read. */
  startEpochMs: number | null;
  /** Every request carried its scheduled send time (send lateness is measured); false when none did. */
  intendedKnown: boolean;
  /** Fields missing from request points and derived instead (request-facts.ts DERIVABLE), with how often. */
  derived: Record<string, number>;
  /** The signal aborted the reading (its reason): what was read so far is in the result. */
  aborted: { reason: unknown } | null;
}

/** Where each metric's type was declared, for the points that follow. */
const EXPECTED_TYPES: Record<string, MetricType> = { [REQUEST_METRIC]: 'trend', [RUN_METRIC]: 'counter', [DROPPED_METRIC]: 'counter' };

export async function readK6Files(files: readonly string[], options: K6ReadOptions): Promise<K6ReadResult> {
  const result: K6ReadResult = { files: [...files], lines: 0, points: 0, requests: 0, droppedIterations: 0, declaration: null, declarationAt: null, startEpochMs: null, intendedKnown: false, derived: {}, aborted: null };
  /** Whether request points carry `intended`: set by the first one, every other must agree. */
  const intended: { known: boolean; where: string } = { known: false, where: '' };
  try {
    for (const file of files) await readOne(file);
  } catch (err) {
    if (!(err instanceof ReadAborted)) throw err;
    result.aborted = { reason: err.reason };
  }
  result.intendedKnown = intended.known;
  return result;

  async function readOne(file: string): Promise<void> {
    const declared = new Map<string, MetricType>();
    const derive: DeriveContext = { account: options.account ?? (() => undefined), declaredAt: null };
    for await (const { line, text } of readK6Lines(file, options)) {
      result.lines++;
      try {
        const e = parseEnvelope(text);
        if (e.type === 'Metric') {
          const expected = EXPECTED_TYPES[e.metric];
          if (expected !== undefined && e.metricType !== expected) throw new LineProblem(`metric ${e.metric} must be a ${expected}, got ${e.metricType}`);
          declared.set(e.metric, e.metricType);
          continue;
        }
        if (!declared.has(e.metric)) throw new LineProblem(`a point of ${e.metric} before its Metric line: k6 writes the Metric line first`);
        result.points++;
        if (e.metric === REQUEST_METRIC) {
          const facts = requestFacts(e, derive);
          for (const field of facts.derived) result.derived[field] = (result.derived[field] ?? 0) + 1;
          const known = facts.intended !== null;
          if (intended.where === '') Object.assign(intended, { known, where: `${file}:${line}` });
          else if (intended.known !== known) {
            throw new LineProblem(
              `${REQUEST_METRIC} point ${known ? 'carries' : 'has no'} "intended" (the scheduled send time) but the first one (${intended.where}) ${intended.known ? 'did' : 'did not'}: mixed scripts`,
            );
          }
          result.startEpochMs = result.startEpochMs === null ? facts.start : Math.min(result.startEpochMs, facts.start);
          result.requests++;
          const taken = options.onRecord(toHistoryRecord(facts, options));
          if (taken) await taken;
        } else if (e.metric === RUN_METRIC) {
          const d = readDeclaration(e);
          derive.declaredAt ??= e.time;
          if (result.declaration === null) {
            result.declaration = d;
            result.declarationAt = { file, line };
          }
          else if (!sameDeclaration(result.declaration, d)) {
            throw new LineProblem(
              `${RUN_METRIC} point says scenario ${d.scenario} seed ${d.seed}, but an earlier one said scenario ${result.declaration.scenario} seed ${result.declaration.seed}: output of two different exports`,
            );
          }
        } else if (e.metric === DROPPED_METRIC) {
          result.droppedIterations += e.value;
        }
      } catch (err) {
        if (err instanceof LineProblem) throw new K6InputError(file, line, err.message);
        throw err;
      }
    }
  }
}
