// Runs one bench section in this process and prints its figures as JSON on stdout (bench/run.ts spawns it).
import type { Figures } from './figure.ts';
import { isSectionName, SECTION_NAMES, type SectionName } from './section-names.ts';

const [name] = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const quick = process.argv.includes('--quick');

const sections: Record<SectionName, () => Promise<Figures>> = {
  proxy: async () => (await import('./proxy.ts')).benchProxy({ quick }),
  load: async () => (await import('./load.ts')).benchLoad({ quick }),
  pipeline: async () => (await import('./pipeline.ts')).benchPipeline({ quick }),
  check: async () => (await import('./check.ts')).benchCheck({ quick }),
  report: async () => (await import('./report.ts')).benchReport({ quick }),
};

if (name === undefined || !isSectionName(name)) {
  process.stderr.write(`unknown bench section "${name ?? ''}"; known: ${SECTION_NAMES.join(', ')}\n`);
  process.exit(2);
}
const figures = await sections[name]();
process.stdout.write(JSON.stringify(figures));
process.exit(0);
