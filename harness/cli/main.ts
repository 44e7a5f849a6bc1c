// The faultline command line. Every command returns an exit code (see exit-codes.ts); usage errors are 2.
import { Command, CommanderError, Option } from 'commander';
import { EXIT, UsageError } from './exit-codes.ts';
import { ScenarioError } from '../scenario/errors.ts';
import { collect } from './replace-flags.ts';
import { LOAD_MODELS } from '../summary/types.ts';

/** Errors that mean the user's input was bad (exit 2), thrown by modules that do not know about the CLI. */
const USAGE_ERRORS = new Set(['ThresholdError', 'ReplayError', 'BaselineFileError', 'RunFolderError', 'InputFileError', 'SummaryError', 'OutputFolderError', 'OfferedRateError']);

const out = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

/** --replace, --replace-url and --replicas, the same on `run` and `up` (replace-flags.ts checks them). */
const REPLACE_HELP = {
  replace: 'replace a mock (card-processor, ledger, ledger-store, feed) by your own service, started with this command (repeatable)',
  replaceUrl: 'replace a mock by your own service already running at this http://127.0.0.1:<port> URL (repeatable)',
  replicas: 'replicas of card-processor, ledger or feed, e.g. ledger=3 (repeatable)',
} as const;

/** --metrics-port, the same on `run` and `up` (harness/cli/metrics-flags.ts checks it). */
const METRICS_HELP = {
  port: 'serve Prometheus metrics at http://127.0.0.1:<port>/metrics while it runs (0 = a free port, printed)',
} as const;

function build(setCode: (code: number) => void): Command {
  const program = new Command('faultline')
    .description('Load-and-fault test harness for card-payment pipelines')
    .version('0.1.0')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  program.configureOutput({ writeErr: (s) => process.stderr.write(s), writeOut: (s) => process.stdout.write(s) });
  pipelineCommands(program, setCode);
  reportCommands(program, setCode);
  toolCommands(program, setCode);
  return program;
}

/** run, list, up: the commands that start the pipeline (or list what they can run). */
function pipelineCommands(program: Command, setCode: (code: number) => void): void {
  program
    .command('run')
    .description('run a scenario (catalog name or .ts/.json/.yaml file) and write its run folder')
    .argument('[scenario]', 'catalog name or scenario file', 'monzo-2017')
    .option('--duration <duration>', 'measured traffic duration: 30s, 1m30s, 500ms (a bare number is seconds); scales the fault timeline')
    .option('--warmup <duration>', 'warm-up before the measured part, recorded but never gated (default: the scenario\'s, 5s; 0 = none)')
    .option('--rate <per-second>', 'open model arrival rate')
    .option('--seed <n>', 'seed for traffic and accounts: 0 to 4294967295 (2^32 - 1)')
    .addOption(new Option('--router <policy>', 'mesh client policy').choices(['naive', 'hardened']))
    .option('--standin', 'force card-network stand-in on')
    .option('--no-standin', 'switch card-network stand-in off')
    .option('--out <dir>', 'run folder (default reports/runs/<time>-<scenario>)')
    .option('--replay <file>', 'replay requests from a JSONL file (or a named pipe) instead of generating them; cut at --duration')
    .option('--speed <factor>', 'replay speed factor, 0.01 to 100 (2 = twice as fast); --duration still ends the run')
    .addOption(new Option('--model <model>', 'load model').choices(LOAD_MODELS))
    .option('--connections <n>', 'closed model: concurrent connections')
    .addOption(new Option('--mode <mode>', 'where the pipeline runs').choices(['embedded', 'compose']).default('embedded'))
    .option('--baseline <summary.json>', 'fail when a metric regresses beyond tolerance against this baseline')
    .option('--tolerances <file>', 'per-metric baseline tolerances (JSON)')
    .option('--no-report', 'skip the HTML report')
    .option('--replace <service=command>', REPLACE_HELP.replace, collect)
    .option('--replace-url <service=url>', REPLACE_HELP.replaceUrl, collect)
    .option('--replicas <service=n>', REPLACE_HELP.replicas, collect)
    .option('--metrics-port <port>', METRICS_HELP.port)
    .option(
      '--router-tuning <key=value,...>',
      'switch a defence of the hardened router off or set a knob, over the scenario\'s topology.router_tuning (repeatable): ' +
        'ejection, last_known_good, retry_budget, attempt_timeout, watch_idle_timeout, retries, lenient_parsing =off|on; knobs e.g. attempt_timeout_ms=300',
      collect,
    )
    .option('--metrics-linger <duration>', 'after the run, serve the final metrics until scraped, at most this long (default 15s; 0 = close at once)')
    .action(async (scenario: string, options: Record<string, unknown>) => {
      const { runCommand } = await import('./commands/run.ts');
      setCode(await runCommand(scenario, options, out));
    });

  program
    .command('list')
    .description('list the scenario catalog')
    .action(async () => {
      const { listCommand } = await import('./commands/list.ts');
      setCode(await listCommand(out));
    });

  program
    .command('up')
    .description('start the default pipeline and keep it running until Ctrl-C')
    .addOption(new Option('--router <policy>', 'mesh client policy').choices(['naive', 'hardened']).default('hardened'))
    .option('--json <file>', 'also write the service URLs as JSON')
    .option('--toxiproxy-port <port>', 'port of the Toxiproxy-compatible API', '8474')
    .option('--seed <n>', 'seed for the accounts: 0 to 4294967295 (2^32 - 1)', '1')
    .option('--replace <service=command>', REPLACE_HELP.replace, collect)
    .option('--replace-url <service=url>', REPLACE_HELP.replaceUrl, collect)
    .option('--replicas <service=n>', REPLACE_HELP.replicas, collect)
    .option('--metrics-port <port>', METRICS_HELP.port)
    .action(async (options: Record<string, unknown>) => {
      const { upCommand } = await import('./commands/up.ts');
      setCode(await upCommand(options, out));
    });
}

/** report, compare, gate, suite, trend: what reads run folders back. */
function reportCommands(program: Command, setCode: (code: number) => void): void {
  program
    .command('report')
    .description('rebuild index.html and junit.xml of a run folder from summary.json and the history')
    .argument('<run-folder>')
    .action(async (runDir: string) => {
      const { reportCommand } = await import('./commands/report.ts');
      setCode(await reportCommand(runDir, out));
    });

  program
    .command('compare')
    .description('one report with two runs side by side (e.g. monzo-2017 naive vs hardened)')
    .argument('<runA>')
    .argument('<runB>')
    .option('--out <dir>', 'output folder (default reports/compare/<time>)')
    .action(async (a: string, b: string, options: { out?: string }) => {
      const { compareCommand } = await import('./commands/compare.ts');
      setCode(await compareCommand(a, b, options, out));
    });

  program
    .command('gate')
    .description("re-check a run's thresholds, and compare it with a baseline summary")
    .argument('<run-folder>')
    .option('--baseline <summary.json>', 'baseline summary to compare with')
    .option('--tolerances <file>', 'per-metric tolerances (JSON)')
    .action(async (runDir: string, options: { baseline?: string; tolerances?: string }) => {
      const { gateCommand } = await import('./commands/gate.ts');
      setCode(await gateCommand(runDir, options, out));
    });

  program
    .command('suite')
    .description('run a set of scenarios (nightly = the whole catalog) with one index page and a combined junit.xml')
    .argument('[name]', 'suite name', 'nightly')
    .option('--out <dir>', 'suite folder (default reports/suites/<time>-<name>)')
    .option('--baseline-dir <dir>', 'folder of baseline summaries, <scenario>.json each')
    .option('--tolerances <file>', 'per-metric tolerances (JSON)')
    .option('--write-baselines <dir>', "save each run's summary as <dir>/<label>.json, the baselines of later runs")
    .action(async (name: string, options: Record<string, string | undefined>) => {
      const { suiteCommand } = await import('./commands/suite.ts');
      setCode(await suiteCommand(name, options, out));
    });

  program
    .command('trend')
    .description('one self-contained HTML page with every gated metric over the nights of a folder of run folders')
    .argument('<folder>', 'a folder holding run folders (and suite folders of them)')
    .option('--out <file>', 'where to write the page (default <folder>/trend.html)')
    .option('--last <n>', 'keep the most recent n runs of each scenario (default 90)')
    .action(async (folder: string, options: { out?: string; last?: string }) => {
      const { trendCommand } = await import('./commands/trend.ts');
      setCode(await trendCommand(folder, options, out));
    });
}

/** export, faults, check, contract: faultline beside other tools (k6, Toxiproxy, your own services). */
function toolCommands(program: Command, setCode: (code: number) => void): void {
  const exporter = program.command('export').description('export a scenario to another tool');
  exporter
    .command('k6')
    .description('write a k6 TypeScript test, a k6-operator TestRun and a README for a scenario')
    .argument('<scenario>')
    .requiredOption('--out <dir>', 'output folder')
    .option('--parallelism <n>', 'k6-operator parallelism', '4')
    .option('--replay <file>', 'export the requests of a replay file instead of generated traffic')
    .option('--base-url <url>', 'processor base URL the k6 script targets', 'http://127.0.0.1:8080')
    .action(async (scenario: string, options: Record<string, string | undefined>) => {
      const { exportK6Command } = await import('./commands/export-k6.ts');
      setCode(await exportK6Command(scenario, options, out));
    });

  program
    .command('faults')
    .description("run only a scenario's fault timeline against a Toxiproxy API (to pair with a k6 run elsewhere)")
    .argument('<scenario>')
    .requiredOption('--toxiproxy <url>', 'Toxiproxy HTTP API, e.g. http://127.0.0.1:8474')
    .option('--discovery <url>', 'discovery stub base URL, for discovery faults')
    .action(async (scenario: string, options: { toxiproxy: string; discovery?: string }) => {
      const { faultsCommand } = await import('./commands/faults.ts');
      setCode(await faultsCommand(scenario, options, out));
    });

  program
    .command('check')
    .description("the verdict of a run whose load k6 sent (the script `faultline export k6` wrote): reads k6's JSON output and the pipeline's ledger and feed")
    .option('--k6 <file.json>', 'the output of `k6 run --out json=<file>` (plain or .gz; repeat for each k6 instance)', collect)
    .option('--scenario <name|file>', 'the scenario the k6 script was exported from')
    .option('--ledger-url <url>', 'the ledger the load went to (a replica or the store), http://127.0.0.1:<port>')
    .option('--feed-url <url>', 'the feed/balance API, http://127.0.0.1:<port> (without it, feed-agrees is not judged)')
    .option('--out <dir>', 'run folder (default reports/runs/<time>-<scenario>-k6)')
    .option('--baseline <summary.json>', 'fail when a metric regresses beyond tolerance against this baseline')
    .option('--tolerances <file>', 'per-metric baseline tolerances (JSON)')
    .option('--settle <duration>', 'wait up to this long for the feed to agree with the ledger before judging it (default 10s)')
    .option('--clock-slack <duration>', "slack between k6's clock and the ledger's when a decline is judged (default 1s)")
    .option('--deadline <duration>', 'give up reading the k6 output after this long (default 1h; exit 3)')
    .option('--no-report', 'skip the HTML report')
    .action(async (options: Record<string, unknown>) => {
      const { checkCommand } = await import('./commands/check.ts');
      setCode(await checkCommand(options, out));
    });

  program
    .command('contract')
    .description('check, before any run, that your service speaks the contract of the mock it replaces (exit 0 pass, 1 fail, 3 not reachable)')
    .argument('<service>', 'card-processor, ledger, ledger-store or feed')
    .option('--url <base>', 'your service, already running at this http://127.0.0.1:<port> address')
    .option('--command <cmd>', 'start your service with this command, as a run would (PORT, FAULTLINE_* variables, faultline\'s services around it)')
    .option('--seed <n>', 'seed of the generated requests and of the seeded accounts: 0 to 4294967295 (default 1)')
    .option('--cases <n>', 'generated requests per route (default 100)')
    .option('--replicas <n>', 'replicas of a --command service: repeats of an idempotent request go to another one')
    .option('--ready-timeout <duration>', 'how long the service may take to answer its health route (default: 20s for --command, 5s for --url)')
    .option('--scenario <name>', 'a scenario (catalog name or file) you will run it in: an admin route its faults need must be there (repeatable)', collect)
    .option('--check-budget <duration>', 'total time each check may take, e.g. 30s (default: 1m per 100 --cases); a check that runs out fails, named')
    .addHelpText(
      'after',
      [
        '',
        "Checks, in order: the health route; the seeded accounts (opening balances and cards as published in",
        "services/contracts/vectors/accounts.json); every route's answers to realistic examples and to requests generated",
        'from its schemas (seeded: --seed replays them); bad input (4xx with a JSON error, never 2xx or 5xx); idempotency',
        'by content (a repeat gets the first answer, replayed; the same key with other content 409); the payment rules;',
        'a read-back of every write (journal, balances, authorizations, on every replica); the admin routes faults need.',
        'Requests use the seeded accounts acc-000001 … acc-000020 of --seed: a service checked by --url must know them.',
        "--command starts it as a run would, with faultline's services around it, and stops everything afterwards.",
        'Exit: 0 passed, 1 a check failed, 2 bad usage, 3 not started or not reachable.',
      ].join('\n'),
    )
    .action(async (service: string, options: Record<string, string | undefined>) => {
      const { contractCommand } = await import('./commands/contract.ts');
      setCode(await contractCommand(service, options, out));
    });
}

export async function main(argv: string[]): Promise<number> {
  let code: number = EXIT.passed;
  const program = build((c) => {
    code = c;
  });
  try {
    await program.parseAsync(argv, { from: 'user' });
    return code;
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version exit 0; anything else commander rejects is a usage error.
      return err.exitCode === 0 ? EXIT.passed : EXIT.usage;
    }
    if ((err as Error).name === 'ReadInterruptedError') {
      // Ctrl-C while an input was still being read (a named pipe): nothing had started.
      process.stderr.write(`faultline: ${(err as Error).message}\n`);
      return EXIT.interrupted;
    }
    if (err instanceof ScenarioError || err instanceof UsageError || USAGE_ERRORS.has((err as Error).name)) {
      process.stderr.write(`faultline: ${(err as Error).message}\n`);
      return EXIT.usage;
    }
    process.stderr.write(`faultline: ${(err as Error).message}\n`);
    if (process.env.FAULTLINE_DEBUG) process.stderr.write(`${(err as Error).stack}\n`);
    return EXIT.harness;
  }
}
