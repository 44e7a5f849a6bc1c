// Whether a file is gzip-compressed: its first two bytes are gzip's magic number (1f 8b), whatever its name.
import { open } from 'node:fs/promises';

export async function isGzip(file: string): Promise<boolean> {
  const handle = await open(file, 'r');
  try {
    const head = Buffer.alloc(2);
    const { bytesRead } = await handle.read(head, 0, 2, 0);
    return bytesRead === 2 && head[0] === 0x1f && head[1] === 0x8b;
  } finally {
    await handle.close();
  }
}
