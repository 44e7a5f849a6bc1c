// Where the published contracts live in the repository: services/contracts/<service>.openapi.json.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { ContractService, OpenAPIDocument } from './types.ts';

/** The folder of the committed documents (an absolute path on this machine; never written into a document). */
export const CONTRACTS_DIR = fileURLToPath(new URL('../../services/contracts/', import.meta.url));

/** The document's file name, e.g. `ledger.openapi.json`. */
export function contractFileName(service: ContractService): string {
  return `${service}.openapi.json`;
}

export function contractPath(service: ContractService): string {
  return `${CONTRACTS_DIR}${contractFileName(service)}`;
}

/** The committed document of a service, as published (no service is built). */
export async function readPublishedContract(service: ContractService): Promise<OpenAPIDocument> {
  return JSON.parse(await readFile(contractPath(service), 'utf8')) as OpenAPIDocument;
}
