// Declaring a replacement: a scenario's `replace:` block and the --replace / --replace-url / --replicas
// flags. Good declarations settle replica counts; bad ones are exit 2 naming the file, line and field (or
// the flag), before anything starts — and so is a process fault on a service replaced by a URL.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadScenario } from '../../harness/scenario/load.ts';
import { applyOverrides } from '../../harness/scenario/overrides.ts';
import { checkReplacements } from '../../harness/scenario/validate.ts';
import { replacedServices } from '../../harness/scenario/replacements.ts';
import { replaceFlags } from '../../harness/cli/replace-flags.ts';
import { UsageError } from '../../harness/cli/exit-codes.ts';
import { ScenarioError } from '../../harness/scenario/errors.ts';
import { cli } from '../support/cli.ts';
import { tempFile } from './support.ts';

const BASE = `name: mine
description: a team's own ledger
traffic: { duration_s: 20 }
`;

const scenarioWith = (replace: string, faults = ''): Promise<string> => tempFile('mine.yaml', `${BASE}replace:\n${replace}${faults}`);

async function loadError(text: string): Promise<string> {
  const file = await tempFile('bad.yaml', text);
  try {
    await loadScenario(file);
  } catch (err) {
    assert.ok(err instanceof ScenarioError, String(err));
    return err.message;
  }
  throw new Error('the scenario loaded');
}

describe('a scenario replace: block', () => {
  it('takes a command with replicas, health, ready_timeout, cwd and env, and a URL; counts follow', async () => {
    const file = await scenarioWith(
      `  ledger: { command: "node my-ledger.js", replicas: 3, health: /healthz, ready_timeout: 1m, cwd: /tmp, env: { LOG_LEVEL: debug } }\n` +
        `  card-processor: { url: "http://localhost:9000" }\n`,
    );
    const { scenario } = await loadScenario(file);
    assert.deepEqual(scenario.replace.ledger, { command: 'node my-ledger.js', replicas: 3, health: '/healthz', ready_timeout: 60, cwd: '/tmp', env: { LOG_LEVEL: 'debug' } });
    assert.deepEqual(scenario.replace['card-processor'], { url: 'http://localhost:9000', replicas: 1, health: '/health', ready_timeout: 20, env: {} });
    assert.equal(scenario.topology.ledgers, 3);
    assert.equal(scenario.topology.processors, 1);
    assert.deepEqual(replacedServices(scenario), [
      { service: 'card-processor', by: 'url', what: 'http://localhost:9000', replicas: 1 },
      { service: 'ledger', by: 'command', what: 'node my-ledger.js', replicas: 3 },
    ]);
  });

  it('names file, line and field for every bad value', async () => {
    const cases: Array<[string, RegExp]> = [
      [`  mainframe: { command: "x" }\n`, /bad\.yaml:5: replace: "mainframe" is not a service faultline can replace; replace one of card-processor, ledger, ledger-store, feed/],
      [`  discovery: { command: "x" }\n`, /replace: "discovery" is not a service faultline can replace/],
      [`  ledger: { command: "x", url: "http://127.0.0.1:1" }\n`, /bad\.yaml:5: replace\.ledger: give either `command`.*or `url`/],
      [`  ledger: { replicas: 2 }\n`, /replace\.ledger: give either/],
      [`  feed: { url: "https://127.0.0.1:9000" }\n`, /bad\.yaml:5: replace\.feed\.url: .*must be plain http/],
      [`  feed: { url: "http://10.1.2.3:9000" }\n`, /replace\.feed\.url: .*127\.0\.0\.1 or localhost: all traffic stays on loopback/],
      [`  feed: { url: "http://127.0.0.1" }\n`, /replace\.feed\.url: .*must name its port/],
      [`  feed: { url: "http://127.0.0.1:9000", replicas: 2 }\n`, /replace\.feed\.replicas: a URL is one replica/],
      [`  feed: { url: "http://127.0.0.1:9000", env: { A: b } }\n`, /replace\.feed\.env: `env` applies to a command/],
      [`  ledger: { command: "x", ready_timeout: soon }\n`, /replace\.ledger\.ready_timeout: must be a duration/],
      [`  ledger: { command: "x", replicas: 9 }\n`, /replace\.ledger\.replicas/],
      [`  ledger: { command: "x", health: health }\n`, /replace\.ledger\.health: must be a route starting with "\/"/],
      [`  ledger: { command: "x", colour: red }\n`, /replace\.ledger: unknown field "colour"/],
      [`  ledger-store: { command: "x", replicas: 2 }\n`, /replace\.ledger-store\.replicas: the ledger store is the one state owner/],
    ];
    for (const [block, expected] of cases) assert.match(await loadError(`${BASE}replace:\n${block}`), expected, block);
  });

  it('refuses a process fault on a service replaced by URL, naming the fault and the replacement', async () => {
    const faults = `faults:\n  - { name: kill-it, fault: process.kill, target: ledger-1, start_s: 5, end_s: 10 }\n`;
    const message = await loadError(`${BASE}replace:\n  ledger: { url: "http://127.0.0.1:9300" }\n${faults}`);
    assert.match(message, /bad\.yaml:7: faults\[0\]\.target: process\.kill on ledger-1 is refused: ledger is replaced by the URL http:\/\/127\.0\.0\.1:9300/);
    // By command it has a process: the same fault is fine.
    const ok = await scenarioWith(`  ledger: { command: "node my-ledger.js" }\n`, faults);
    assert.equal((await loadScenario(ok)).scenario.faults[0]?.target, 'ledger-1');
  });
});

describe('the replacement flags', () => {
  it('parse into replacements and counts that override the scenario', async () => {
    const { scenario } = await loadScenario('stale-discovery');
    const flags = replaceFlags({ replace: ['ledger=FOO=1 node my-ledger.js'], replaceUrl: ['feed=http://127.0.0.1:9400'], replicas: ['ledger=3', 'card-processor=1'] });
    assert.equal(flags.replace.ledger?.command, 'FOO=1 node my-ledger.js');
    assert.equal(flags.replace.feed?.url, 'http://127.0.0.1:9400');
    const next = applyOverrides(scenario, flags);
    assert.deepEqual([next.topology.ledgers, next.topology.processors, next.topology.feeds], [3, 1, 1]);
    assert.deepEqual(replacedServices(next).map((r) => [r.service, r.by, r.replicas]), [['ledger', 'command', 3], ['feed', 'url', 1]]);
    checkReplacements(next); // stale-discovery moves ledger-1 and ledger-2: they still exist, and run by command
  });

  it('are usage errors naming the flag when bad', () => {
    const cases: Array<[Parameters<typeof replaceFlags>[0], RegExp]> = [
      [{ replace: ['ledger'] }, /--replace must be <service>=<command>/],
      [{ replace: ['mainframe=node x.js'] }, /--replace: "mainframe" is not a service faultline can replace/],
      [{ replace: ['ledger=node a.js', 'ledger=node b.js'] }, /--replace: ledger is replaced twice/],
      [{ replaceUrl: ['ledger=https://127.0.0.1:9000'] }, /--replace-url ledger: .*must be plain http/],
      [{ replaceUrl: ['ledger=http://example.com:9000'] }, /--replace-url ledger: .*127\.0\.0\.1 or localhost/],
      [{ replicas: ['ledger=0'] }, /--replicas ledger must be an integer from 1 to 8, got "0"/],
      [{ replicas: ['feed=5'] }, /--replicas feed must be an integer from 1 to 4/],
      [{ replicas: ['ledger-store=2'] }, /--replicas: "ledger-store" does not scale/],
      [{ replaceUrl: ['ledger=http://127.0.0.1:9000'], replicas: ['ledger=2'] }, /--replicas ledger=2: ledger is replaced by a URL, which is one replica/],
    ];
    for (const [values, expected] of cases) assert.throws(() => replaceFlags(values), (err: Error) => err instanceof UsageError && expected.test(err.message), JSON.stringify(values));
  });

  it('refuse, once applied, process faults on a URL replacement and targets that no longer exist', async () => {
    const { scenario } = await loadScenario('rolling-deploy-sigterm');
    const byUrl = applyOverrides(scenario, replaceFlags({ replaceUrl: ['ledger=http://127.0.0.1:9300'] }));
    assert.throws(() => checkReplacements(byUrl), /faults\[0\]\.target: fault "[a-z-]+": process\.term on ledger is refused: ledger is replaced by the URL http:\/\/127\.0\.0\.1:9300/);
    assert.throws(() => checkReplacements(applyOverrides(scenario, replaceFlags({ replace: ['ledger=x'] })), 'compose'), /replace: replacing ledger works in embedded mode/);
    const { scenario: pinned } = await loadScenario(await tempFile('pinned.yaml', `${BASE}faults:\n  - { name: pause-two, fault: process.pause, target: ledger-2, start_s: 5, end_s: 10 }\n`));
    assert.throws(() => checkReplacements(applyOverrides(pinned, replaceFlags({ replicas: ['ledger=1'] }))), /faults\[0\]\.target: "ledger-2" is not a target of process\.pause with these replicas/);
  });
});

describe('the replacement flags on the command line', () => {
  it('are listed in run --help and up --help', async () => {
    for (const command of ['run', 'up']) {
      const help = await cli([command, '--help']);
      assert.equal(help.code, 0);
      for (const flag of ['--replace <service=command>', '--replace-url <service=url>', '--replicas <service=n>']) assert.ok(help.stdout.includes(flag), `${command} ${flag}`);
    }
  });

  it('exit 2 naming the flag, or the fault and the replacement, before anything starts', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['run', 'baseline', '--replace', 'mainframe=node x.js'], /--replace: "mainframe" is not a service faultline can replace/],
      [['run', 'baseline', '--replace-url', 'ledger=http://example.com:80'], /--replace-url ledger: .*loopback/],
      [['run', 'baseline', '--replicas', 'ledger=many'], /--replicas ledger must be an integer/],
      [['up', '--replace-url', 'feed=ftp://127.0.0.1:21'], /--replace-url feed: .*plain http/],
      [['run', 'rolling-deploy-sigterm', '--replace-url', 'ledger=http://127.0.0.1:9'], /process\.term on ledger is refused: ledger is replaced by the URL http:\/\/127\.0\.0\.1:9/],
    ];
    for (const [args, expected] of cases) {
      const r = await cli(args);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, expected);
      assert.doesNotMatch(r.stderr, /topology up/, 'nothing started');
    }
  });

  it('a bad replace: block in a scenario file is exit 2 naming file, line and field', async () => {
    const file = await scenarioWith(`  ledger:\n    command: "node my-ledger.js"\n    ready_timeout: -3s\n`);
    const r = await cli(['run', file]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /mine\.yaml:7: replace\.ledger\.ready_timeout: /);
  });
});
