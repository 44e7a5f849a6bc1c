// Waiting for a service to be healthy has a total deadline, body included: a /health that answers 200
// and streams its body forever, or answers with a huge body, is no answer, and the wait ends at its
// bound saying what it saw. A command replica with such a health route fails its ready_timeout, named.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type http from 'node:http';
import { fileURLToPath } from 'node:url';
import { httpStatus, MAX_STATUS_BODY, waitForHealth } from '../../harness/topology/health.ts';
import { startCommandProcess } from '../../harness/topology/command-process.ts';
import { ServiceStartError } from '../../harness/topology/service-process.ts';
import { childNodeProcesses, waitFor } from '../support/processes.ts';
import { serve } from '../support/local-server.ts';

const MISBEHAVING = fileURLToPath(new URL('../replace/fixtures/misbehaving.mjs', import.meta.url));
const ROOT = fileURLToPath(new URL('../../', import.meta.url));


const streaming: http.RequestListener = (_req, res) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  const timer = setInterval(() => res.write('x'), 20);
  res.on('close', () => clearInterval(timer));
};

describe('the health wait', () => {
  it('a body that never ends is no answer: the request ends at its deadline and says so', async () => {
    const base = await serve(streaming);
    const started = Date.now();
    await assert.rejects(httpStatus(`${base}/health`, 400), /answered 200 but its body did not end within 400 ms/);
    const took = Date.now() - started;
    assert.ok(took >= 350 && took < 5000, `took ${took} ms`);
  });

  it('a body over its cap is no answer; a whole small one is', async () => {
    const base = await serve((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(req.url === '/big' ? 'x'.repeat(MAX_STATUS_BODY + 1024) : '{"status":"ok"}');
    });
    await assert.rejects(httpStatus(`${base}/big`, 5000), /answered 200 with a body over 64 KiB/);
    assert.equal(await httpStatus(`${base}/health`, 5000), 200);
  });

  it('waitForHealth against a streaming /health ends at its bound, saying what it last saw', async () => {
    const base = await serve(streaming);
    const started = Date.now();
    const result = await waitForHealth({ url: `${base}/health`, timeoutMs: 1200 });
    const took = Date.now() - started;
    assert.equal(result.healthy, false);
    assert.match((result as { last: string }).last, /answered 200 but its body did not end within \d+ ms/);
    assert.ok(took >= 1100 && took < 6000, `took ${took} ms`);
  });

  it('a command replica whose /health streams forever fails its ready timeout, named, leaving nothing running', async () => {
    const command = `'${process.execPath}' '${MISBEHAVING}' --all=stream-health`;
    const started = Date.now();
    await assert.rejects(
      startCommandProcess({ replica: 'feed-1', service: 'feed', command, cwd: ROOT, env: {}, health: '/health', readyTimeoutMs: 1500 }, 0),
      (err: Error) => {
        assert.ok(err instanceof ServiceStartError, err.message);
        assert.match(err.message, /^feed-1 failed to start: feed replaced by command ".*misbehaving\.mjs' --all=stream-health": GET http:\/\/127\.0\.0\.1:\d+\/health did not answer 200 within 1\.5 s \(last: answered 200 but its body did not end within \d+ ms\)/);
        return true;
      },
    );
    assert.ok(Date.now() - started < 15_000, `took ${Date.now() - started} ms`);
    await waitFor(() => childNodeProcesses().length === 0, 10_000, 'the replica to be gone');
  });
});
