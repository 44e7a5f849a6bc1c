// Preloaded (NODE_OPTIONS=--import) by test/measure/files.mjs into every test process and every CLI it
// starts: appends one line per process spawned (pid and entry) to $FAULTLINE_SPAWN_LOG, so the
// measurement can count the topologies a test file starts (one ledger store per topology).
import childProcess from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';

const log = process.env.FAULTLINE_SPAWN_LOG;
if (log) {
  const spawn = childProcess.spawn;
  childProcess.spawn = function loggedSpawn(file, args, ...rest) {
    const child = spawn.call(this, file, args, ...rest);
    const argv = Array.isArray(args) ? args : [];
    // The last script named: a bundled service is `code-cache-loader.cjs <bundle.cjs>`.
    const entry = argv.findLast((a) => /\.(c?js|mjs|ts)$/.test(a)) ?? argv[0] ?? '';
    try {
      appendFileSync(log, `${process.pid} ${child.pid ?? 0} ${file.split('/').pop()} ${entry}\n`);
    } catch {
      /* measurement only */
    }
    return child;
  };
  syncBuiltinESMExports();
}
