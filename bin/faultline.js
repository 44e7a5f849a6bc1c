#!/usr/bin/env node
// Entry point: registers tsx so the TypeScript sources run as they are, then hands over to the CLI.
import { register } from 'tsx/esm/api';
register();
// No full card number reaches the terminal or a CI log: everything printed is masked (last four kept).
const { maskStream } = await import('../services/common/pan.ts');
maskStream(process.stdout);
maskStream(process.stderr);
const { main } = await import('../harness/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
