// Helpers for the replacement tests: the stand-in service's command line, a mock's entry started by a
// command of our own (a different command line for the same code), and what a replica was told.
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CODE_CACHE_LOADER, serviceBundles } from '../../harness/topology/service-bundle.ts';
import { replacementSchema, type Replacement, type ReplacementInput } from '../../harness/scenario/schema.ts';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const STAND_IN = fileURLToPath(new URL('./fixtures/stand-in.mjs', import.meta.url));

const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/** `node …/stand-in.mjs [flags]`, as a shell command. */
export function standInCommand(...flags: string[]): string {
  return [quote(process.execPath), quote(STAND_IN), ...flags].join(' ');
}

/** A mock's entry (e.g. services/ledger/main.ts) started by a command line of ours: its bundle, or its sources under tsx. */
export async function mockCommand(entry: string): Promise<string> {
  const bundle = (await serviceBundles())?.get(entry);
  return bundle ? `${quote(process.execPath)} ${quote(CODE_CACHE_LOADER)} ${quote(bundle)}` : `${quote(process.execPath)} --import tsx ${quote(path.join(ROOT, entry))}`;
}

/** A checked replacement, defaults filled, as the scenario loader would make it. */
export function replacement(input: ReplacementInput): Replacement {
  return replacementSchema.parse(input);
}

export interface ToldEnv extends Record<string, string | number | undefined> {
  pid: number;
}

/** What the stand-in at `base` says it was told (GET /env). */
export async function toldEnv(base: string): Promise<ToldEnv> {
  const res = await fetch(`${base}/env`, { signal: AbortSignal.timeout(5000) });
  if (res.status !== 200) throw new Error(`GET ${base}/env answered ${res.status}`);
  return (await res.json()) as ToldEnv;
}

export async function tempFile(name: string, text: string): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'faultline-replace-'));
  const file = path.join(dir, name);
  await writeFile(file, text);
  return file;
}

export async function tempDir(): Promise<string> {
  return mkdtemp(path.join(os.tmpdir(), 'faultline-replace-'));
}
