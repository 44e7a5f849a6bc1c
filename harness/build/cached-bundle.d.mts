import type { BuildOptions, Plugin } from 'esbuild';

export function sourceStamp(root: string, dirs: readonly string[]): Promise<string>;
export const sourceUrls: Plugin;
export function bundleKey(spec: { root: string; dirs: readonly string[]; entries: readonly string[]; format?: 'esm' | 'cjs'; options?: BuildOptions }): Promise<string>;
export function cachedBundle(spec: { root: string; name: string; dirs: readonly string[]; entries: readonly string[]; format?: 'esm' | 'cjs'; options?: BuildOptions; deadlineMs?: number }): Promise<string>;
export function bundlePath(dir: string, entry: string, ext?: '.mjs' | '.cjs'): string;
export const BUILD_DEADLINE_MS: number;
export const KEEP_SUPERSEDED_MS: number;
export function pruneCache(cache: string, name: string, current: string): Promise<void>;
