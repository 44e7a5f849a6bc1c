// Starts a service bundle (CommonJS, harness/topology/service-bundle.ts) with V8's code cache:
//   node [flags] code-cache-loader.cjs <bundle.cjs>
// The first start of a bundle compiles its source as node would and, when the process exits, asks V8 for
// the code it compiled (the top level and every function it ran) and keeps it beside the bundle
// (<bundle>.v8cache, written to a private file and renamed into place, so a concurrent start never reads half
// of one). Later starts hand it to V8, which then skips parsing and compiling what it holds: about a third of
// a service's start-up CPU. V8 checks the cache against the source, its version and its flags; a cache it
// rejects (another Node, --cpu-prof) is compiled past and rewritten. Nothing about the cache can stop a start:
// a missing, unreadable or unwritable cache only means compiling.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');
const { createRequire, wrap } = require('node:module');

const file = path.resolve(process.argv[2] ?? '');
if (!process.argv[2]) {
  process.stderr.write('code-cache-loader: usage: node code-cache-loader.cjs <bundle.cjs>\n');
  process.exit(2);
}
// The bundle sees the argv it would as `node <bundle.cjs>`.
process.argv.splice(1, 2, file);
const cacheFile = `${file}.v8cache`;
const source = fs.readFileSync(file, 'utf8');
// FAULTLINE_NO_CODE_CACHE=1: compile as node would, neither read nor write a cache (to compare the two).
const off = process.env.FAULTLINE_NO_CODE_CACHE === '1';
let cachedData;
try {
  cachedData = off ? undefined : fs.readFileSync(cacheFile);
} catch {
  cachedData = undefined;
}
const script = new vm.Script(wrap(source), { filename: file, cachedData });
const needsWrite = !off && (cachedData === undefined || script.cachedDataRejected === true);
// FAULTLINE_CODE_CACHE_DEBUG=1: one line on stderr saying what became of the cache (tests, diagnosis).
if (process.env.FAULTLINE_CODE_CACHE_DEBUG === '1') {
  process.stderr.write(`code cache: ${cachedData === undefined ? 'none' : script.cachedDataRejected ? 'rejected' : 'used'}\n`);
}
const module_ = { exports: {}, filename: file, id: '.', loaded: false };
script.runInThisContext()(module_.exports, createRequire(file), module_, file, path.dirname(file));
module_.loaded = true;
if (needsWrite) {
  // Written as the process exits (a stop is SIGTERM, then process.exit): by then V8 has compiled the start-up
  // and the request paths, so the next start skips those too. Synchronous, once per bundle and Node.
  process.once('exit', () => {
    const tmp = `${cacheFile}.tmp-${process.pid}`;
    try {
      fs.writeFileSync(tmp, script.createCachedData());
      fs.renameSync(tmp, cacheFile);
    } catch {
      try {
        fs.rmSync(tmp, { force: true });
      } catch {
        // Nothing to clean up.
      }
    }
  });
}
