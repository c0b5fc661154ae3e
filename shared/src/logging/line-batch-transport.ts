// The transport a service's log lines leave through: the lines of one event-loop
// turn go out in ONE write. winston's Stream transport writes each line on its own,
// and process.stdout is synchronous for files and pipes (where containers send it),
// so a busy gateway paid one write(2) per access-log line, and a setImmediate per
// line for its 'logged' event. The lines are the same, in the same order.
// Buffered lines are written before the process exits (process.exit included: the
// 'exit' listener writes synchronously to a file or pipe) and when the logger ends.
import winston from "winston";

/** The key under which winston keeps the finished line (triple-beam's MESSAGE). */
const FINISHED_LINE = Symbol.for("message");

/** The flushes of every open transport, run by one 'exit' listener. */
const openFlushes = new Set<() => void>();
let exitHooked = false;
function flushAtExit(flush: () => void): void {
  openFlushes.add(flush);
  if (exitHooked) return;
  exitHooked = true;
  process.on("exit", () => {
    for (const pending of openFlushes) pending();
  });
}

export interface LineBatchTransportOptions {
  readonly stream: NodeJS.WritableStream;
  /** Defers the flush to the end of the turn; default setImmediate (tests pass their own). */
  readonly schedule?: (flush: () => void) => void;
}

/** winston's Stream transport (its constructor and stream checks), writing by the turn. */
export class LineBatchTransport extends winston.transports.Stream {
  readonly #stream: NodeJS.WritableStream;
  readonly #schedule: (flush: () => void) => void;
  #pending = "";
  #scheduled = false;
  readonly #flush = (): void => {
    this.#scheduled = false;
    if (this.#pending === "") return;
    const text = this.#pending;
    this.#pending = "";
    this.#stream.write(text);
  };

  constructor(options: LineBatchTransportOptions) {
    super({ stream: options.stream });
    this.#stream = options.stream;
    this.#schedule =
      options.schedule ??
      ((flush) => {
        setImmediate(flush);
      });
    flushAtExit(this.#flush);
    this.once("finish", () => {
      this.#flush();
      openFlushes.delete(this.#flush);
    });
  }

  override log(info: winston.Logform.TransformableInfo, next: () => void): void {
    this.#pending += `${String((info as Record<symbol, unknown>)[FINISHED_LINE])}\n`;
    if (!this.#scheduled) {
      this.#scheduled = true;
      this.#schedule(this.#flush);
    }
    next();
  }
}
