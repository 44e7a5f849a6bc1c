// Replay files: one request per line, JSON, in send order.
//   {"offset_ms": 0, "kind": "authorization", "body": {...AuthorizationRequest}}
//   {"offset_ms": 5, "kind": "reversal", "body": {...ReversalRequest}}
//   {"offset_ms": 9, "kind": "balance", "account_id": "acc-000001"}        ("id" optional; "feed" alike)
// Every line is validated against the processor's own JSON schemas (ajv) before any traffic is sent: the
// first bad line throws a ReplayError naming the file, the line number and the field. Offsets must not go
// back in time, which lets a replay stream from disk in two passes (validate, then send) in bounded memory.
// `speed` scales time: a line is sent at offset_ms / speed.
// A named pipe (`--replay <(zcat requests.jsonl.gz)`) cannot be read twice: it is first copied to a
// temporary file on the event loop, with a deadline on each wait for data, a size bound and Ctrl-C
// (files/input-file.ts); a pipe nobody writes to is an error, never a hang.
import { closeSync, fstatSync, openSync, readSync, rmSync } from 'node:fs';
import { mkdir, mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path, { dirname } from 'node:path';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { StringDecoder } from 'node:string_decoder';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { authorizationRequestSchema, reversalRequestSchema } from '../../../services/card-processor/contract.ts';
import type { PlannedKind, PlannedRequest } from './planned-request.ts';
import { writeFileAtomic } from '../../files/atomic-write.ts';
import { DEFAULT_IDLE_TIMEOUT_MS, InputFileError, inspectInput, ReadInterruptedError, spoolPipe } from '../../files/input-file.ts';

export class ReplayError extends Error {
  readonly file: string;
  /** 1-based line number; 0 when the problem is the whole file. */
  readonly line: number;
  /** Dotted path of the offending field (`body.amount.value`), or `(line)` when the line itself is wrong. */
  readonly field: string;
  readonly reason: string;

  constructor(file: string, line: number, field: string, reason: string) {
    super(`${file}:${line}: ${field}: ${reason}`);
    this.name = 'ReplayError';
    this.file = file;
    this.line = line;
    this.field = field;
    this.reason = reason;
  }
}

/** Longest accepted line; the processor's bodies are far smaller. */
export const MAX_LINE_BYTES = 64 * 1024;
const KINDS: readonly PlannedKind[] = ['authorization', 'reversal', 'balance', 'feed', 'conflicting_retry'];
const idPattern = '^[A-Za-z0-9_.:-]+$';

const offsetSchema = { type: 'number', minimum: 0, maximum: 7 * 24 * 3600 * 1000 } as const;
const lineSchemas = {
  authorization: {
    type: 'object',
    additionalProperties: false,
    required: ['offset_ms', 'kind', 'body'],
    properties: { offset_ms: offsetSchema, kind: { const: 'authorization' }, body: authorizationRequestSchema },
  },
  reversal: {
    type: 'object',
    additionalProperties: false,
    required: ['offset_ms', 'kind', 'body'],
    properties: { offset_ms: offsetSchema, kind: { const: 'reversal' }, body: reversalRequestSchema },
  },
  /** An authorization's id resent with other content: `changed` names the fields that differ. */
  conflicting_retry: {
    type: 'object',
    additionalProperties: false,
    required: ['offset_ms', 'kind', 'body', 'original_amount', 'changed'],
    properties: {
      offset_ms: offsetSchema,
      kind: { const: 'conflicting_retry' },
      body: authorizationRequestSchema,
      original_amount: { type: 'integer', minimum: 1 },
      original_account_id: { type: 'string', minLength: 1, maxLength: 64, pattern: idPattern },
      changed: { type: 'array', minItems: 1, maxItems: 8, items: { type: 'string', minLength: 1, maxLength: 64 } },
    },
  },
  read: {
    type: 'object',
    additionalProperties: false,
    required: ['offset_ms', 'kind', 'account_id'],
    properties: {
      offset_ms: offsetSchema,
      kind: { enum: ['balance', 'feed'] },
      account_id: { type: 'string', minLength: 1, maxLength: 64, pattern: idPattern },
      id: { type: 'string', minLength: 1, maxLength: 64, pattern: idPattern },
    },
  },
} as const;

type LineKind = keyof typeof lineSchemas;
let validators: Record<LineKind, ValidateFunction> | undefined;
function getValidators(): Record<LineKind, ValidateFunction> {
  if (!validators) {
    const ajv = new Ajv({ allErrors: false, strict: false, coerceTypes: false, useDefaults: false });
    validators = {
      authorization: ajv.compile(lineSchemas.authorization),
      reversal: ajv.compile(lineSchemas.reversal),
      conflicting_retry: ajv.compile(lineSchemas.conflicting_retry),
      read: ajv.compile(lineSchemas.read),
    };
  }
  return validators;
}

/** `/body/amount/value` -> `body.amount.value`; required/additional-property errors name the property. */
function fieldOf(error: ErrorObject): string {
  const parts = error.instancePath.split('/').filter(Boolean).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  const params = error.params as { missingProperty?: string; additionalProperty?: string };
  if (error.keyword === 'required' && params.missingProperty) parts.push(params.missingProperty);
  if (error.keyword === 'additionalProperties' && params.additionalProperty) parts.push(params.additionalProperty);
  return parts.length > 0 ? parts.join('.') : '(line)';
}

function reasonOf(error: ErrorObject): string {
  if (error.keyword === 'required') return 'is required';
  if (error.keyword === 'additionalProperties') return 'is not a known field';
  if (error.keyword === 'enum') return `${error.message ?? 'is not allowed'}: ${JSON.stringify((error.params as { allowedValues?: unknown }).allowedValues)}`;
  return error.message ?? 'is invalid';
}

export interface LineWhere {
  file: string;
  line: number;
}

/** Parses and validates one line; throws a ReplayError naming the file, line and field. */
export function parseReplayLine(text: string, where: LineWhere): PlannedRequest {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new ReplayError(where.file, where.line, '(line)', `not JSON (${(err as Error).message})`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ReplayError(where.file, where.line, '(line)', 'must be a JSON object');
  }
  const kind = (value as { kind?: unknown }).kind;
  if (kind === undefined) throw new ReplayError(where.file, where.line, 'kind', 'is required');
  if (typeof kind !== 'string' || !KINDS.includes(kind as PlannedKind)) {
    throw new ReplayError(where.file, where.line, 'kind', `must be one of ${KINDS.join(', ')}, got ${JSON.stringify(kind)}`);
  }
  const v = getValidators();
  const validate = kind === 'balance' || kind === 'feed' ? v.read : v[kind as Exclude<LineKind, 'read'>];
  if (!validate(value)) {
    const error = (validate.errors ?? [])[0];
    if (!error) throw new ReplayError(where.file, where.line, '(line)', 'is invalid');
    throw new ReplayError(where.file, where.line, fieldOf(error), reasonOf(error));
  }
  if (kind === 'balance' || kind === 'feed') {
    const line = value as { offset_ms: number; account_id: string; id?: string };
    return {
      kind,
      offset_ms: line.offset_ms,
      account_id: line.account_id,
      id: line.id ?? `${kind === 'balance' ? 'bal' : 'feed'}-replay-${where.line}`,
    };
  }
  return value as PlannedRequest;
}

/** Most a replay handed over as a named pipe may hold (it is copied to a temporary file first). */
export const MAX_PIPED_REPLAY_BYTES = 1024 * 1024 * 1024;

/**
 * The regular file to read `file` from: itself, or, for a named pipe, a temporary copy made under a
 * deadline, a size bound and `signal` (removed when the process exits). Throws a ReplayError for a file
 * that is missing, a folder or a device, and ReadInterruptedError on Ctrl-C.
 */
async function readableCopy(file: string, options: { signal?: AbortSignal; idleTimeoutMs?: number; log?: (line: string) => void } = {}): Promise<string> {
  const what = 'a replay file (JSON lines, one request per line)';
  try {
    const { kind } = await inspectInput(file, { maxBytes: Number.MAX_SAFE_INTEGER, what });
    if (kind === 'file') return file;
    const dir = await mkdtemp(path.join(os.tmpdir(), 'faultline-replay-'));
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    const copy = path.join(dir, 'replay.jsonl');
    const idleMs = options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
    options.log?.(`faultline: reading the replay from the named pipe ${file} (it may stay silent ${idleMs / 1000} s at most; Ctrl-C stops)…`);
    await spoolPipe(file, copy, { maxBytes: MAX_PIPED_REPLAY_BYTES, what, signal: options.signal, idleTimeoutMs: options.idleTimeoutMs });
    return copy;
  } catch (err) {
    if (err instanceof InputFileError) {
      const reason = err.reason.startsWith('is a folder') ? `is a directory, not ${what}` : err.reason;
      throw new ReplayError(file, 0, '(file)', reason);
    }
    throw err;
  }
}

/** The lines of a file, read synchronously in 64 KiB chunks (so a send loop can pull lazily); errors name `shown`. */
function* readLines(source: string, shown = source): Generator<{ line: number; text: string }> {
  const file = shown;
  let fd: number;
  try {
    fd = openSync(source, 'r');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ReplayError(file, 0, '(file)', code === 'ENOENT' ? 'no such file' : `cannot open: ${(err as Error).message}`);
  }
  if (fstatSync(fd).isDirectory()) {
    closeSync(fd);
    throw new ReplayError(file, 0, '(file)', 'is a directory, not a replay file (JSON lines, one request per line)');
  }
  try {
    const buffer = Buffer.allocUnsafe(64 * 1024);
    const decoder = new StringDecoder('utf8');
    let pending = '';
    let line = 0;
    for (;;) {
      const n = readSync(fd, buffer, 0, buffer.length, null);
      const chunk = n > 0 ? decoder.write(buffer.subarray(0, n)) : decoder.end();
      pending += chunk;
      let start = 0;
      let nl: number;
      while ((nl = pending.indexOf('\n', start)) !== -1) {
        line++;
        let text = pending.slice(start, nl);
        if (text.endsWith('\r')) text = text.slice(0, -1);
        if (line === 1 && text.charCodeAt(0) === 0xfeff) text = text.slice(1); // a UTF-8 byte-order mark
        start = nl + 1;
        if (Buffer.byteLength(text) > MAX_LINE_BYTES) throw new ReplayError(file, line, '(line)', `longer than ${MAX_LINE_BYTES} bytes`);
        yield { line, text };
      }
      pending = pending.slice(start);
      if (pending.length > MAX_LINE_BYTES * 4) throw new ReplayError(file, line + 1, '(line)', `longer than ${MAX_LINE_BYTES} bytes`);
      if (n === 0) {
        if (pending.length > 0) {
          line++;
          if (pending.endsWith('\r')) pending = pending.slice(0, -1);
          if (line === 1 && pending.charCodeAt(0) === 0xfeff) pending = pending.slice(1);
          yield { line, text: pending };
        }
        return;
      }
    }
  } finally {
    closeSync(fd);
  }
}

/** Every request of a file, validated, with time scaled; throws a ReplayError at the first bad line. */
function* replayRequests(file: string, speed: number, shiftMs = 0, source = file): Generator<PlannedRequest> {
  let previous = -1;
  for (const { line, text } of readLines(source, file)) {
    if (text.trim() === '') continue;
    const req = parseReplayLine(text, { file, line });
    if (req.offset_ms < previous) {
      throw new ReplayError(file, line, 'offset_ms', `goes back in time (${req.offset_ms} after ${previous}): lines must be in send order`);
    }
    previous = req.offset_ms;
    if (speed !== 1 || shiftMs !== 0) req.offset_ms = Math.round((req.offset_ms / speed + shiftMs) * 1000) / 1000;
    yield req;
  }
}

export interface ReplayInfo {
  file: string;
  requests: number;
  kinds: Record<PlannedKind, number>;
  /** Offsets as written in the file (before speed). */
  first_offset_ms: number;
  last_offset_ms: number;
}

/** A validated replay: iterate it (as often as needed) to stream its requests from disk. */
export interface ReplayPlan extends Iterable<PlannedRequest> {
  readonly info: ReplayInfo;
  readonly speed: number;
  /** The last request's offset after speed scaling. */
  readonly duration_ms: number;
}

/** Reads the whole file once and validates every line; throws the first ReplayError. */
export async function validateReplay(file: string, options: { signal?: AbortSignal; source?: string; log?: (line: string) => void } = {}): Promise<ReplayInfo> {
  const info: ReplayInfo = { file, requests: 0, kinds: { authorization: 0, reversal: 0, balance: 0, feed: 0, conflicting_retry: 0 }, first_offset_ms: 0, last_offset_ms: 0 };
  const source = options.source ?? (await readableCopy(file, options));
  for (const req of replayRequests(file, 1, 0, source)) {
    if (info.requests === 0) info.first_offset_ms = req.offset_ms;
    info.last_offset_ms = req.offset_ms;
    info.requests++;
    info.kinds[req.kind]++;
    if (info.requests % 5000 === 0) {
      await yieldToLoop();
      if (options.signal?.aborted) throw new ReadInterruptedError(file);
    }
  }
  if (info.requests === 0) throw new ReplayError(file, 0, '(file)', 'has no requests');
  return info;
}

export interface ReadReplayOptions {
  /** Time scale: 2 sends twice as fast (offset / 2). Default 1. */
  speed?: number;
  /** Added to every (scaled) offset: -5000 makes the file's first 5 s the run's warm-up (t < 0). Default 0. */
  shiftMs?: number;
  /** Stops reading (Ctrl-C): a ReadInterruptedError. */
  signal?: AbortSignal;
  /** A named pipe silent for this long is an error (default 10 s). */
  idleTimeoutMs?: number;
  /** Told when the replay is read from a named pipe (what is being waited for). */
  log?: (line: string) => void;
}

/**
 * Validates the whole file first (nothing is sent if any line is bad), then returns a plan that streams
 * the requests from disk each time it is iterated, offsets divided by `speed`.
 */
export async function readReplay(file: string, options: ReadReplayOptions = {}): Promise<ReplayPlan> {
  const speed = options.speed ?? 1;
  const shiftMs = options.shiftMs ?? 0;
  if (!(speed > 0) || !Number.isFinite(speed)) throw new RangeError(`speed must be a positive number, got ${speed}`);
  const source = await readableCopy(file, options);
  const info = await validateReplay(file, { signal: options.signal, source });
  return {
    info,
    speed,
    duration_ms: Math.round((info.last_offset_ms / speed) * 1000) / 1000,
    [Symbol.iterator]: () => replayRequests(file, speed, shiftMs, source),
  };
}

/** One request as its replay line (no newline). Key order is fixed, so equal requests give equal lines. */
export function replayLine(req: PlannedRequest): string {
  switch (req.kind) {
    case 'authorization':
    case 'reversal':
      return JSON.stringify({ offset_ms: req.offset_ms, kind: req.kind, body: req.body });
    case 'conflicting_retry':
      return JSON.stringify({
        offset_ms: req.offset_ms,
        kind: req.kind,
        body: req.body,
        original_amount: req.original_amount,
        ...(req.original_account_id !== undefined ? { original_account_id: req.original_account_id } : {}),
        changed: req.changed,
      });
    default:
      return JSON.stringify({ offset_ms: req.offset_ms, kind: req.kind, account_id: req.account_id, id: req.id });
  }
}

/** Writes requests as a replay file (creating its folder); returns how many lines were written. */
export async function writeReplay(requests: Iterable<PlannedRequest>, file: string): Promise<number> {
  await mkdir(dirname(file), { recursive: true });
  let count = 0;
  function* lines(): Generator<string> {
    let batch: string[] = [];
    for (const req of requests) {
      batch.push(`${replayLine(req)}\n`);
      count++;
      if (batch.length === 1000) {
        yield batch.join('');
        batch = [];
      }
    }
    if (batch.length > 0) yield batch.join('');
  }
  await writeFileAtomic(file, lines());
  return count;
}
