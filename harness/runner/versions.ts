import { readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

export function versions(): { faultline: string; node: string; platform: string } {
  return { faultline: pkg.version, node: process.version, platform: `${process.platform}-${process.arch}` };
}
