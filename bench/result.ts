// What one `npm run bench` produced: the machine, the figures, what missed its target, what failed.
import os from 'node:os';
import { formatValue, type Figures } from './figure.ts';

export interface Machine {
  cores: number;
  cpu: string;
  memory_gib: number;
  node: string;
  platform: string;
}

export interface BenchResult {
  machine: Machine;
  quick: boolean;
  /** ISO time the run started. */
  at: string;
  /** Wall time of the whole run. */
  seconds: number;
  /** The sections that ran. */
  sections: string[];
  figures: Figures;
  /** One line per figure that missed its target. */
  missed: string[];
  /** One line per section that failed (its figures are missing). */
  errors: string[];
}

export function machine(): Machine {
  const cpus = os.cpus();
  return {
    cores: cpus.length,
    cpu: cpus[0]?.model ?? 'unknown',
    memory_gib: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
  };
}

/** `name = value unit, target …` for every figure whose target was missed. */
export function missedTargets(figures: Figures): string[] {
  return Object.entries(figures)
    .filter(([, f]) => !f.met)
    .map(([name, f]) => `${name} = ${formatValue(f)} ${f.unit}, target ${f.target}`);
}

/** 0 when every target was met and every section ran, else 1. */
export function exitCode(result: Pick<BenchResult, 'missed' | 'errors'>): number {
  return result.missed.length > 0 || result.errors.length > 0 ? 1 : 0;
}
