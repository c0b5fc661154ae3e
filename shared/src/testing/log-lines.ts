// A log stream a test reads back: hand `stream` to createLogger (or to anything that
// writes JSON lines) and find each line, parsed, in `lines`, in the order written.
import { PassThrough } from "node:stream";

/** What {@link captureLogLines} gives a test. */
export interface LogLines<T = Record<string, unknown>> {
  readonly stream: PassThrough;
  /** Filled as lines arrive. */
  readonly lines: T[];
}

/** A stream that parses every JSON line written to it into `lines`. */
export function captureLogLines<T = Record<string, unknown>>(): LogLines<T> {
  const stream = new PassThrough();
  const lines: T[] = [];
  stream.on("data", (chunk: Buffer) => {
    for (const line of chunk.toString("utf8").split("\n").filter(Boolean))
      lines.push(JSON.parse(line) as T);
  });
  return { stream, lines };
}
