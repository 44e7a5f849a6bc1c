// What a mock service process gets from the driver's environment: everything, except the extra CA
// certificates (it never speaks TLS, and Node would parse that file at its start) and NODE_OPTIONS; and the
// folder where it keeps the validators Ajv generated for it (services/common/validator-cache.ts).
// A real process, read back from /proc.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { startServiceProcess, stopServiceProcess } from '../../harness/topology/service-process.ts';

function environOf(pid: number): Map<string, string> {
  const pairs = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').filter((e) => e.includes('='));
  return new Map(pairs.map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)]));
}

test('a mock service starts without NODE_EXTRA_CA_CERTS and NODE_OPTIONS, and with the rest of the environment', { timeout: 30_000 }, async () => {
  const saved = { ca: process.env.NODE_EXTRA_CA_CERTS, marker: process.env.FAULTLINE_ENV_MARKER };
  process.env.NODE_EXTRA_CA_CERTS = '/etc/ssl/certs/ca-certificates.crt';
  process.env.FAULTLINE_ENV_MARKER = 'kept';
  let proc: Awaited<ReturnType<typeof startServiceProcess>> | undefined;
  try {
    proc = await startServiceProcess({ replica: 'discovery', entry: 'services/discovery/main.ts', config: { namespace: 'payments' } });
    const pid = proc.child.pid;
    assert.ok(pid !== undefined);
    const env = environOf(pid);
    assert.equal(env.get('NODE_EXTRA_CA_CERTS'), '', 'set empty: Node loads no extra certificates');
    assert.equal(env.get('NODE_OPTIONS'), '');
    assert.equal(env.get('FAULTLINE_ENV_MARKER'), 'kept');
    // The validators' folder is inside the service bundles' folder (a rebuilt bundle starts an empty one), and
    // the service, once ready, has its route schemas there (kept now or by an earlier start).
    const validators = env.get('FAULTLINE_VALIDATOR_CACHE') ?? '';
    assert.match(validators, /node_modules\/\.cache\/faultline\/service-starts-[0-9a-f]+\/validators$/);
    assert.ok(readdirSync(validators).filter((f) => f.endsWith('.cjs')).length > 0, `entries in ${validators}`);
    assert.equal(path.dirname(validators), path.dirname(path.dirname(path.dirname(proc.child.spawnargs.at(-1) ?? ''))));
    // And it serves.
    const res = await fetch(`http://127.0.0.1:${proc.info.port}/health`, { signal: AbortSignal.timeout(5000) });
    assert.equal(res.status, 200);
  } finally {
    if (proc) await stopServiceProcess(proc, 3000);
    for (const [key, value] of [['NODE_EXTRA_CA_CERTS', saved.ca], ['FAULTLINE_ENV_MARKER', saved.marker]] as const) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
});
