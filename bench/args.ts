// `npm run bench` arguments: [--quick] [--snapshot] [--out <dir>] [section...].
import { SECTION_NAMES, isSectionName, type SectionName } from './section-names.ts';

export interface BenchArgs {
  /** Smaller sizes, about a minute. */
  quick: boolean;
  /** Also write the committed snapshot (reports/bench/snapshot.json + .md) the README quotes. */
  snapshot: boolean;
  /** Folder for this run's bench.json and bench.md; default reports/bench/runs/<time>[-quick]. */
  out: string | null;
  /** The sections to run, in bench order (all when none is named). */
  sections: SectionName[];
  help: boolean;
}

export class BenchUsageError extends Error {
  override readonly name = 'BenchUsageError';
}

export const USAGE = `usage: npm run bench -- [--quick] [--snapshot] [--out <dir>] [${SECTION_NAMES.join('|')}...]

  --quick       smaller sizes, about a minute (never a snapshot)
  --snapshot    a full run of every section that also rewrites reports/bench/snapshot.json and
                snapshot.md, the committed figures the README quotes
  --out <dir>   where this run's bench.json and bench.md go (default reports/bench/runs/<time>, ignored by git)

Exit 0 when every target is met, 1 when a target is missed or a section failed, 2 on bad usage.`;

export function parseBenchArgs(argv: readonly string[]): BenchArgs {
  const args: BenchArgs = { quick: false, snapshot: false, out: null, sections: [], help: false };
  const named = new Set<SectionName>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === '--quick') args.quick = true;
    else if (a === '--snapshot') args.snapshot = true;
    else if (a === '--help' || a === '-h') args.help = true;
    else if (a === '--out' || a.startsWith('--out=')) {
      const value = a === '--out' ? argv[++i] : a.slice('--out='.length);
      if (!value || value.startsWith('--')) throw new BenchUsageError('--out needs a folder');
      args.out = value;
    } else if (a.startsWith('-')) throw new BenchUsageError(`unknown option ${a}`);
    else if (isSectionName(a)) named.add(a);
    else throw new BenchUsageError(`unknown section "${a}"; known: ${SECTION_NAMES.join(', ')}`);
  }
  args.sections = SECTION_NAMES.filter((s) => named.size === 0 || named.has(s));
  if (args.snapshot && args.quick) throw new BenchUsageError('--snapshot takes a full run: the README quotes full-size figures, drop --quick');
  if (args.snapshot && named.size > 0) throw new BenchUsageError('--snapshot takes every section: a snapshot is one whole run, name no section');
  return args;
}
