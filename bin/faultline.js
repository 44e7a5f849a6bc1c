#!/usr/bin/env node
// Entry point: loads the CLI (a cached bundle of the TypeScript sources, or the sources under tsx:
// bin/cli-bundle.mjs), then hands over to it.
import { loadCli } from './cli-bundle.mjs';

// Output piped into a reader that stops early (`faultline list | head`): the rest is not wanted, not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
}
const { maskStream, main } = await loadCli();
// No full card number reaches the terminal or a CI log: everything printed is masked (last four kept).
maskStream(process.stdout);
maskStream(process.stderr);
process.exitCode = await main(process.argv.slice(2));
