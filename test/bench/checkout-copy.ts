// A throwaway git checkout holding this working tree as it is now (tracked and untracked, not ignored),
// committed, with node_modules linked in: a test can run a command there and ask git whether it changed
// any tracked file, without racing the other work going on in the real checkout.
import { execFileSync } from 'node:child_process';
import { copyFileSync, lstatSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = fileURLToPath(new URL('../..', import.meta.url));

export interface CheckoutCopy {
  dir: string;
  git(...args: string[]): string;
  remove(): void;
}

export function copyCheckout(): CheckoutCopy {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'faultline-checkout-'));
  const git = (...args: string[]): string => execFileSync('git', ['-C', dir, ...args], { encoding: 'utf8' });
  const files = execFileSync('git', ['-C', REPO, 'ls-files', '-z', '--cached', '--others', '--exclude-standard'], { encoding: 'utf8', maxBuffer: 64 << 20 })
    .split('\0')
    .filter(Boolean);
  for (const file of new Set(files)) {
    let isFile = false;
    try {
      isFile = lstatSync(path.join(REPO, file)).isFile();
    } catch {
      continue; // tracked but deleted in the working tree
    }
    if (!isFile) continue;
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    copyFileSync(path.join(REPO, file), path.join(dir, file));
  }
  symlinkSync(path.join(REPO, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  git('init', '-q');
  // .gitignore's `node_modules/` matches a folder, not the symlink to one.
  writeFileSync(path.join(dir, '.git', 'info', 'exclude'), '/node_modules\n');
  git('add', '-A');
  git('-c', 'user.name=faultline test', '-c', 'user.email=test@faultline.invalid', '-c', 'commit.gpgsign=false', 'commit', '-q', '-m', 'working tree');
  return { dir, git, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
