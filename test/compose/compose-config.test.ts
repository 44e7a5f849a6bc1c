// The compose files as Docker would read them. Debian's `docker-compose` (v1) validates and renders a
// compose file without a daemon, so it checks here what no engine can run: the stock file, the file with
// the driver's variables, and the file with the documented override example.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { execa, ExecaError } from 'execa';
import YAML from 'yaml';
import { scenarioSchema } from '../../harness/scenario/schema.ts';
import {
  COMPOSE_DIR,
  COMPOSE_FILE,
  composeVariables,
  listenPort,
  planStack,
  readComposeFiles,
  readProxyConfig,
  SPARE_PROXY_PORTS,
} from '../../harness/topology/compose/stack.ts';
import { feedConfigSchema } from '../../services/feed/config.ts';
import { ledgerReplicaConfigSchema, ledgerStoreConfigSchema } from '../../services/ledger/config.ts';

const ROOT = path.resolve(COMPOSE_DIR, '..');
const EXAMPLE_OVERRIDE = path.join(COMPOSE_DIR, 'docker-compose.override.example.yml');
const DEBIAN_PACKAGE = 'docker-compose';

interface RenderedService {
  image?: string;
  build?: { context: string; dockerfile: string };
  command?: string[];
  environment?: Record<string, string>;
  ports?: (string | { host_ip?: string; published?: string | number; target: number })[];
  healthcheck?: { test: string[] };
}

/** `docker-compose -f ... config`: throws if the files are invalid, else the rendered services. */
async function renderConfig(files: string[], env: Record<string, string> = {}): Promise<Record<string, RenderedService>> {
  const args = [...files.flatMap((f) => ['-f', f]), '-p', 'faultline', 'config'];
  let stdout: string;
  try {
    ({ stdout } = await execa('docker-compose', args, { env, timeout: 60_000 }));
  } catch (err) {
    if (err instanceof ExecaError && err.code === 'ENOENT') {
      assert.fail(
        `docker-compose is not installed: CI must install Debian's "${DEBIAN_PACKAGE}" package (apt-get install -y ${DEBIAN_PACKAGE}), which validates compose files without a Docker daemon`,
      );
    }
    if (err instanceof ExecaError) assert.fail(`docker-compose ${args.join(' ')} rejected the files:\n${String(err.stderr)}`);
    throw err;
  }
  return (YAML.parse(stdout) as { services: Record<string, RenderedService> }).services;
}

const configOf = (service: RenderedService): Record<string, unknown> => JSON.parse(service.environment?.FAULTLINE_CONFIG ?? 'null') as Record<string, unknown>;

describe('compose files (validated by Debian docker-compose, no daemon)', () => {
  it('docker-compose config passes on the stock file with its defaults', async () => {
    const services = await renderConfig([COMPOSE_FILE]);
    assert.deepEqual(Object.keys(services).sort(), [
      'card-processor-1',
      'card-processor-2',
      'discovery',
      'feed-1',
      'ledger-1',
      'ledger-2',
      'ledger-store',
      'toxiproxy',
    ]);
  });

  it("docker-compose config passes with the driver's variables, and every service's FAULTLINE_CONFIG is the JSON it expects", async () => {
    const scenario = scenarioSchema.parse({ name: 'vars', description: 'x', seed: 42, topology: { router: 'naive', accounts: 250 } });
    const plan = planStack(scenario.topology, readComposeFiles([COMPOSE_FILE]), readProxyConfig());
    const env = composeVariables(scenario.topology, plan, {
      seed: 42,
      defects: { 'ledger-store': { idempotency: false }, ledger: { decline_holds_percent: 7 }, feed: { miss_events_percent: 5 }, 'card-processor': { drop_advices_percent: 10, idempotency_by_id_only: true } },
    });
    const services = await renderConfig([COMPOSE_FILE], env);

    assert.deepEqual(ledgerStoreConfigSchema.parse(configOf(services['ledger-store']!)), { seed: 42, accounts: 250, idempotency: false, replica: 'ledger-store' });
    for (const name of ['ledger-1', 'ledger-2']) {
      const config = ledgerReplicaConfigSchema.parse(configOf(services[name]!));
      assert.equal(config.replica, name);
      assert.equal(config.storeUrl, 'http://ledger-store:8080');
      assert.equal(config.seed, 42);
      assert.equal(config.decline_holds_percent, 7, 'compose passes every defect the embedded mode passes');
    }
    assert.deepEqual(feedConfigSchema.parse(configOf(services['feed-1']!)), { replica: 'feed-1', seed: 42, accounts: 250, miss_events_percent: 5 });
    for (const name of ['card-processor-1', 'card-processor-2']) {
      assert.deepEqual(configOf(services[name]!), {
        replica: name,
        router: 'naive',
        discoveryUrl: 'http://toxiproxy:26301',
        namespace: 'payments',
        seed: 42,
        accounts: 250,
        drop_advices_percent: 10,
        idempotency_by_id_only: true,
      });
    }
    assert.deepEqual(configOf(services.discovery!), { namespace: 'payments', admin_any_source: true });
    // An empty FAULTLINE_TOXIPROXY_PORT publishes the API on an ephemeral 127.0.0.1 port.
    assert.ok(services.toxiproxy!.ports!.some((p) => String(typeof p === 'string' ? p : '') === '127.0.0.1::8474/tcp'), JSON.stringify(services.toxiproxy!.ports));
    assert.ok(services.toxiproxy!.command!.includes('-seed=42'));
  });

  it('docker-compose config passes with the override example merged over the stock file', async () => {
    const services = await renderConfig([COMPOSE_FILE, EXAMPLE_OVERRIDE]);
    assert.equal(services['ledger-1']!.image, 'registry.example.com/payments/ledger-api:1.4.2');
    assert.deepEqual(services['ledger-1']!.healthcheck!.test, ['CMD', '/usr/local/bin/ledger-api', 'healthcheck']);
    assert.deepEqual(readComposeFiles([COMPOSE_FILE, EXAMPLE_OVERRIDE]).upstreams, new Map([['feed-1', 'host.docker.internal:9300']]));
  });

  it('publishes ports on 127.0.0.1 only, has a health check on every service, and pins its images', async () => {
    const services = await renderConfig([COMPOSE_FILE]);
    for (const [name, service] of Object.entries(services)) {
      assert.ok(service.healthcheck?.test?.length, `${name} has a health check`);
      for (const port of service.ports ?? []) {
        const text = typeof port === 'string' ? port : `${port.host_ip ?? ''}:${port.published ?? ''}:${port.target}`;
        assert.match(text, /^127\.0\.0\.1:/, `${name} publishes ${text} on 127.0.0.1 only`);
      }
      if (name !== 'toxiproxy') {
        assert.deepEqual(service.build, { context: ROOT, dockerfile: 'compose/Dockerfile' }, `${name} is built from compose/Dockerfile`);
        assert.match(service.healthcheck!.test.join(' '), /fetch\('http:\/\/127\.0\.0\.1:8080\/health'\)/);
        assert.equal(service.environment?.FAULTLINE_CONFIG !== undefined, true, `${name} gets FAULTLINE_CONFIG`);
      }
    }
    assert.match(services.toxiproxy!.image!, /^ghcr\.io\/shopify\/toxiproxy:2\.\d+\.\d+$/);
    assert.deepEqual(services.toxiproxy!.healthcheck!.test, ['CMD', '/toxiproxy-cli', 'list']);
    const dockerfile = readFileSync(path.join(COMPOSE_DIR, 'Dockerfile'), 'utf8');
    assert.match(dockerfile, /^FROM node:20\.\d+\.\d+-[a-z]+(-slim)?$/m, 'an official Node 20 image pinned to a version');
    assert.match(dockerfile, /RUN npm ci --omit=dev/);
    assert.match(dockerfile, /^USER node$/m, 'runs as the image\'s non-root user');
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    assert.ok(pkg.dependencies.tsx, 'tsx is a runtime dependency (npm ci --omit=dev keeps it)');
  });

  it('toxiproxy.json has the embedded mode\'s proxy names, each published by the toxiproxy service on the same port', async () => {
    const services = await renderConfig([COMPOSE_FILE]);
    const proxies = readProxyConfig();
    assert.deepEqual(proxies.map((p) => p.name).sort(), ['card-processor-1', 'card-processor-2', 'discovery', 'feed-1', 'ledger-1', 'ledger-2']);
    const published = new Set((services.toxiproxy!.ports ?? []).map((p) => String(p)));
    for (const proxy of proxies) {
      assert.equal(proxy.upstream, `${proxy.name}:8080`);
      assert.match(proxy.listen, /^0\.0\.0\.0:\d+$/);
      const port = listenPort(proxy);
      assert.ok(published.has(`127.0.0.1:${port}:${port}/tcp`), `proxy ${proxy.name} (${port}) is published on 127.0.0.1:${port}`);
      assert.ok(!SPARE_PROXY_PORTS.includes(port), `${proxy.name}'s port is not a spare`);
    }
    for (const spare of SPARE_PROXY_PORTS) {
      assert.ok(published.has(`127.0.0.1:${spare}:${spare}/tcp`), `the spare proxy port ${spare} is published on 127.0.0.1`);
    }
  });

  it('the image holds everything the services import (services/ and npm dependencies only)', () => {
    const servicesDir = path.join(ROOT, 'services');
    const files: string[] = [];
    const walk = (dir: string): void => {
      for (const name of readdirSync(dir)) {
        const full = path.join(dir, name);
        if (statSync(full).isDirectory()) walk(full);
        else if (name.endsWith('.ts')) files.push(full);
      }
    };
    walk(servicesDir);
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    const outside: string[] = [];
    const notInstalled: string[] = [];
    for (const file of files) {
      for (const match of readFileSync(file, 'utf8').matchAll(/(?:from|import)\s*\(?\s*['"]([^'"]+)['"]/g)) {
        const spec = match[1]!;
        if (spec.startsWith('.')) {
          const target = path.resolve(path.dirname(file), spec);
          if (!target.startsWith(servicesDir + path.sep)) outside.push(`${path.relative(ROOT, file)} -> ${spec}`);
        } else if (!spec.startsWith('node:')) {
          const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!;
          if (!pkg.dependencies[name]) notInstalled.push(`${path.relative(ROOT, file)} -> ${spec}`);
        }
      }
    }
    assert.deepEqual(outside, [], 'compose/Dockerfile copies only services/: these imports would be missing in the image');
    assert.deepEqual(notInstalled, [], 'npm ci --omit=dev installs only "dependencies": these packages would be missing in the image');
  });
});
