// `npm run bench`: measures faultline itself on this machine. Each section runs in its own process
// (bench/section.ts). The run's figures go to reports/bench/runs/<time>/bench.json and bench.md (ignored
// by git: a bench run changes no tracked file); `--snapshot` also rewrites the committed
// reports/bench/snapshot.json and snapshot.md that the README quotes. Misses are listed at the end and
// make the exit code 1. `--quick` runs the same figures at smaller sizes in about a minute.
import { spawn } from 'node:child_process';
import path from 'node:path';
import type { Figures } from './figure.ts';
import { BenchUsageError, USAGE, parseBenchArgs, type BenchArgs } from './args.ts';
import { ROOT, SNAPSHOT_BASENAME, defaultRunDir, writeResult } from './output.ts';
import { exitCode, machine, missedTargets, type BenchResult } from './result.ts';
import { formatValue } from './figure.ts';

/** Each section runs in a fresh child process, so one section's memory and JIT state never colour another's figures. */
function runSection(name: string, quick: boolean): Promise<Figures> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'bench', 'section.ts'), name, ...(quick ? ['--quick'] : [])], {
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

const say = (line: string): void => void process.stderr.write(`${line}\n`);

async function bench(args: BenchArgs): Promise<number> {
  const startedAt = new Date();
  const figures: Figures = {};
  const errors: string[] = [];
  for (const name of args.sections) {
    say(`bench: ${name}${args.quick ? ' (quick)' : ''}…`);
    const t = Date.now();
    try {
      const result = await runSection(name, args.quick);
      Object.assign(figures, result);
      for (const [k, f] of Object.entries(result)) say(`  ${k} = ${formatValue(f)} ${f.unit}  (target ${f.target}: ${f.met ? 'met' : 'MISSED'})`);
    } catch (err) {
      errors.push(`${name}: ${(err as Error).message}`);
      say(`  ${name} failed: ${(err as Error).stack ?? String(err)}`);
    }
    say(`  (${((Date.now() - t) / 1000).toFixed(1)} s)`);
  }
  const result: BenchResult = {
    machine: machine(),
    quick: args.quick,
    at: startedAt.toISOString(),
    seconds: Math.round((Date.now() - startedAt.getTime()) / 100) / 10,
    sections: [...args.sections],
    figures,
    missed: missedTargets(figures),
    errors,
  };

  const runDir = args.out ? path.resolve(args.out) : defaultRunDir(startedAt, args.quick);
  const written = await writeResult(path.join(runDir, 'bench'), result);
  say(`\nwrote ${path.relative(process.cwd(), written.json)} and ${path.basename(written.md)} in ${result.seconds} s`);
  if (args.snapshot) {
    if (errors.length) {
      say(`snapshot NOT updated: ${errors.length} section${errors.length === 1 ? '' : 's'} failed, so this run is not a whole one`);
    } else {
      const snap = await writeResult(SNAPSHOT_BASENAME, result);
      say(`snapshot updated: ${path.relative(process.cwd(), snap.json)} and ${path.basename(snap.md)} (commit them with the README's table)`);
    }
  }
  if (result.missed.length || errors.length) {
    say('\nMISSED TARGETS:');
    for (const line of result.missed) say(`  ${line}`);
    for (const e of errors) say(`  section failed: ${e}`);
  } else {
    say('every target met');
  }
  return exitCode(result);
}

let args: BenchArgs;
try {
  args = parseBenchArgs(process.argv.slice(2));
} catch (err) {
  if (!(err instanceof BenchUsageError)) throw err;
  say(`bench: ${err.message}\n\n${USAGE}`);
  process.exit(2);
}
if (args.help) {
  say(USAGE);
  process.exit(0);
}
process.exitCode = await bench(args);
