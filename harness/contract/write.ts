// `npm run contracts`: regenerates services/contracts/<service>.openapi.json from the services' route schemas,
// and services/contracts/vectors/accounts.json (the seeded accounts) from services/common/accounts.ts.
// `npm run contracts -- --check` writes nothing and exits 1 naming every document that is out of date.
import { mkdir, readFile } from 'node:fs/promises';
import { writeFileAtomic } from '../files/atomic-write.ts';
import { CONTRACT_SERVICES } from './types.ts';
import { CONTRACTS_DIR, contractFileName, contractPath } from './files.ts';
import { openapiFor, serializeDocument } from './openapi.ts';
import { accountVectors, serializeVectors, VECTORS_FILE, VECTORS_PATH } from './vectors.ts';

async function main(): Promise<number> {
  const check = process.argv.includes('--check');
  const stale: string[] = [];
  if (!check) await mkdir(CONTRACTS_DIR, { recursive: true });
  for (const service of CONTRACT_SERVICES) {
    const text = serializeDocument(await openapiFor(service));
    const shown = `services/contracts/${contractFileName(service)}`;
    const current = await readFile(contractPath(service), 'utf8').catch(() => null);
    if (check) {
      if (current !== text) stale.push(shown);
      continue;
    }
    if (current === text) {
      process.stdout.write(`${shown}: up to date\n`);
      continue;
    }
    await writeFileAtomic(contractPath(service), text);
    process.stdout.write(`${shown}: written (${Object.keys(JSON.parse(text).paths as object).length} paths)\n`);
  }
  const vectors = serializeVectors(accountVectors());
  const shownVectors = `services/contracts/${VECTORS_FILE}`;
  const currentVectors = await readFile(VECTORS_PATH, 'utf8').catch(() => null);
  if (check) {
    if (currentVectors !== vectors) stale.push(shownVectors);
  } else if (currentVectors === vectors) {
    process.stdout.write(`${shownVectors}: up to date\n`);
  } else {
    await mkdir(`${CONTRACTS_DIR}vectors`, { recursive: true });
    await writeFileAtomic(VECTORS_PATH, vectors);
    process.stdout.write(`${shownVectors}: written\n`);
  }
  if (stale.length > 0) {
    process.stderr.write(`out of date (run npm run contracts): ${stale.join(', ')}\n`);
    return 1;
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`contracts: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(3);
  },
);
