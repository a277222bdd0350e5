// No `vscode` import: the benchmark measures this in plain Node.
import { open } from 'node:fs/promises';

/** The first `length` bytes of a file on disk (fewer when it is shorter), without reading the rest. */
export async function readFileHead(path: string, length: number): Promise<Uint8Array> {
  return readFileRange(path, 0, length);
}

/** `length` bytes of a file from `offset` on (fewer at its end), without reading the rest. */
export async function readFileRange(path: string, offset: number, length: number): Promise<Uint8Array> {
  const handle = await open(path, 'r');
  try {
    const buffer = new Uint8Array(length);
    let filled = 0;
    while (filled < length) {
      const { bytesRead } = await handle.read(buffer, filled, length - filled, offset + filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    return buffer.subarray(0, filled);
  } finally {
    await handle.close();
  }
}
