#!/usr/bin/env node
// Entry point: loads the CLI (a cached bundle of the TypeScript sources, or the sources under tsx:
// bin/cli-bundle.mjs), then hands over to it.
import { loadCli } from './cli-bundle.mjs';

const { maskStream, main } = await loadCli();
// No full card number reaches the terminal or a CI log: everything printed is masked (last four kept).
maskStream(process.stdout);
maskStream(process.stderr);
process.exitCode = await main(process.argv.slice(2));
