// Reading an answer body the harness asked a service for (an admin route, a drain): at most a bound, so a
// service that floods cannot fill the harness's memory. The request's own deadline (its AbortSignal)
// bounds the time; this bounds the size.

/** Admin answers are a few hundred bytes of JSON. */
export const MAX_ADMIN_BODY = 64 * 1024;

/** The body as text; throws (and stops reading) once it passes `maxBytes`. */
export async function boundedText(res: Response, maxBytes: number = MAX_ADMIN_BODY): Promise<string> {
  const reader = res.body?.getReader();
  if (!reader) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => {});
      throw new Error(`${res.url || 'the service'} answered ${res.status} with a body over ${Math.round(maxBytes / 1024)} KiB: not read further`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** The body parsed as JSON, read within `maxBytes`. */
export async function boundedJson(res: Response, maxBytes: number = MAX_ADMIN_BODY): Promise<unknown> {
  return JSON.parse(await boundedText(res, maxBytes)) as unknown;
}
