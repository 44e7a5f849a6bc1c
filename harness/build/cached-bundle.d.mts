import type { BuildOptions, Plugin } from 'esbuild';

export function sourceStamp(root: string, dirs: readonly string[]): Promise<string>;
export const sourceUrls: Plugin;
export function cachedBundle(spec: { root: string; name: string; dirs: readonly string[]; entries: readonly string[]; options?: BuildOptions }): Promise<string>;
export function bundlePath(dir: string, entry: string): string;
