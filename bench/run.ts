// `npm run bench`: measures faultline itself on this machine and writes reports/bench/latest.json and
// latest.md. `--quick` runs the same figures at smaller sizes in under a minute. Misses are listed at the end.
import { mkdir, writeFile } from 'node:fs/promises';
import { spawn } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Figures } from './figure.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const quick = process.argv.includes('--quick');
const only = process.argv.slice(2).filter((a) => !a.startsWith('--'));

interface Section {
  name: string;
  run: (opts: { quick: boolean }) => Promise<Figures>;
}

/** Each section runs in a fresh child process, so one section's memory and JIT state never colour another's figures. */
const sections: Section[] = ['proxy', 'load', 'pipeline', 'check', 'report'].map((name) => ({ name, run: (o) => runSection(name, o.quick) }));

function runSection(name: string, isQuick: boolean): Promise<Figures> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'bench', 'section.ts'), name, ...(isQuick ? ['--quick'] : [])], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code !== 0) return reject(new Error(`section ${name} exited with ${code}`));
      try {
        resolve(JSON.parse(out) as Figures);
      } catch (err) {
        reject(new Error(`section ${name} printed no figures: ${(err as Error).message}`));
      }
    });
  });
}

async function main(): Promise<void> {
  const started = Date.now();
  const figures: Figures = {};
  const errors: string[] = [];
  for (const section of sections) {
    if (only.length && !only.includes(section.name)) continue;
    process.stderr.write(`bench: ${section.name}${quick ? ' (quick)' : ''}…\n`);
    const t = Date.now();
    try {
      const result = await section.run({ quick });
      Object.assign(figures, result);
      for (const [k, f] of Object.entries(result)) process.stderr.write(`  ${k} = ${f.value} ${f.unit}  (target ${f.target}: ${f.met ? 'met' : 'MISSED'})\n`);
    } catch (err) {
      errors.push(`${section.name}: ${(err as Error).message}`);
      process.stderr.write(`  ${section.name} failed: ${(err as Error).stack}\n`);
    }
    process.stderr.write(`  (${((Date.now() - t) / 1000).toFixed(1)} s)\n`);
  }
  const cpus = os.cpus();
  const result = {
    machine: {
      cores: cpus.length,
      cpu: cpus[0]?.model ?? 'unknown',
      memory_gib: Math.round(os.totalmem() / 2 ** 30),
      node: process.version,
      platform: `${os.platform()} ${os.release()}`,
    },
    quick,
    at: new Date().toISOString(),
    seconds: Math.round((Date.now() - started) / 100) / 10,
    figures,
    errors,
  };
  const dir = path.join(ROOT, 'reports', 'bench');
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, 'latest.json'), JSON.stringify(result, null, 2) + '\n');
  await writeFile(path.join(dir, 'latest.md'), markdown(result));
  const missed = Object.entries(figures).filter(([, f]) => !f.met);
  process.stderr.write(`\nwrote reports/bench/latest.json and latest.md in ${result.seconds} s\n`);
  if (missed.length || errors.length) {
    process.stderr.write('\nMISSED TARGETS:\n');
    for (const [k, f] of missed) process.stderr.write(`  ${k} = ${f.value} ${f.unit}, target ${f.target}${f.note ? ` (${f.note})` : ''}\n`);
    for (const e of errors) process.stderr.write(`  error: ${e}\n`);
  } else {
    process.stderr.write('every target met\n');
  }
}

function markdown(r: { machine: Record<string, unknown>; quick: boolean; at: string; figures: Figures; errors: string[] }): string {
  const m = r.machine;
  const lines = [
    `Measured ${r.at.slice(0, 10)} on ${m.cores} cores (${m.cpu}), ${m.memory_gib} GiB, Node ${m.node}${r.quick ? ' — quick run (smaller sizes)' : ''}.`,
    '',
    '| figure | value | target | met |',
    '| --- | ---: | --- | :---: |',
  ];
  for (const [k, f] of Object.entries(r.figures)) {
    lines.push(`| \`${k}\` | ${f.value} ${f.unit} | ${f.target} | ${f.met ? 'yes' : '**no**'} |`);
  }
  for (const e of r.errors) lines.push(`| error | ${e.replace(/\|/g, '\\|')} | | **no** |`);
  return lines.join('\n') + '\n';
}

await main();
