// Where the published contracts live in the repository: services/contracts/<service>.openapi.json, as the
// service catalogue (services/catalogue.ts) names them.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { SERVICES } from '../../services/catalogue.ts';
import type { ContractService, OpenAPIDocument } from './types.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The folder of the committed documents (an absolute path on this machine; never written into a document). */
export const CONTRACTS_DIR = fileURLToPath(new URL('../../services/contracts/', import.meta.url));

/** The document's file name, e.g. `ledger.openapi.json` (the catalogue's `contract`). */
export function contractFileName(service: ContractService): string {
  return path.basename(SERVICES[service].contract);
}

export function contractPath(service: ContractService): string {
  return path.join(ROOT, SERVICES[service].contract);
}

/** The committed document of a service, as published (no service is built). */
export async function readPublishedContract(service: ContractService): Promise<OpenAPIDocument> {
  return JSON.parse(await readFile(contractPath(service), 'utf8')) as OpenAPIDocument;
}
