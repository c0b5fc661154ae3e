// Where downloaded bytes wait for the upload: in memory up to a limit, then a file.
//
// Most GIFs are small (the benchmark's average is ~85 KB), and writing each one to
// disk and reading it back cost more than the download. Below `memoryMaxBytes` the
// bytes stay in memory (so the worker's memory bound is in-flight jobs × that limit);
// the first chunk past it moves what was buffered into `spillPath` and streams the
// rest there, so a large file still costs one chunk of memory.
import { open, type FileHandle } from "node:fs/promises";
import { Writable } from "node:stream";

/** The bytes of one download, ready to upload. */
export type HeldBytes =
  | { readonly kind: "memory"; readonly bytes: Buffer }
  | { readonly kind: "file"; readonly path: string };

export interface SpillSink {
  readonly writable: Writable;
  /** Valid once the writable finished. */
  held(): HeldBytes;
}

async function writeAll(handle: FileHandle, data: Buffer): Promise<void> {
  let done = 0;
  while (done < data.length) {
    const { bytesWritten } = await handle.write(data, done, data.length - done);
    done += bytesWritten;
  }
}

export function createSpillSink(memoryMaxBytes: number, spillPath: string): SpillSink {
  let chunks: Buffer[] = [];
  let size = 0;
  let file: FileHandle | undefined;
  let spilled = false;

  const add = async (chunk: Buffer): Promise<void> => {
    if (!spilled && size + chunk.length <= memoryMaxBytes) {
      chunks.push(chunk);
      size += chunk.length;
      return;
    }
    if (!spilled) {
      spilled = true;
      file = await open(spillPath, "wx", 0o600);
      const buffered = Buffer.concat(chunks, size);
      chunks = [];
      await writeAll(file, buffered);
    }
    if (file) await writeAll(file, chunk);
  };
  const close = async (): Promise<void> => {
    const handle = file;
    file = undefined;
    await handle?.close();
  };

  const writable = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      add(chunk).then(() => {
        callback();
      }, callback);
    },
    final(callback) {
      close().then(() => {
        callback();
      }, callback);
    },
    destroy(error, callback) {
      close().then(
        () => {
          callback(error);
        },
        () => {
          callback(error);
        },
      );
    },
  });
  return {
    writable,
    held: () =>
      spilled
        ? { kind: "file", path: spillPath }
        : { kind: "memory", bytes: Buffer.concat(chunks, size) },
  };
}
