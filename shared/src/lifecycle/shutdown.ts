// Graceful shutdown: on SIGTERM/SIGINT, close what was opened in reverse order
// (stop accepting, drain in-flight work, then close clients), within a deadline.
// If a closer hangs, the log names it and the process exits 1 instead of
// waiting for the orchestrator's SIGKILL.
import type { Logger } from "../logging/index.ts";

/** A function that releases one resource. */
export type Closer = () => Promise<void> | void;

/** Options for {@link createShutdown}. */
export interface ShutdownOptions {
  readonly logger: Logger;
  /** Deadline for all closers together (SHUTDOWN_TIMEOUT_MS). */
  readonly timeoutMs: number;
  /** Injectable for tests; default `process.exit`. */
  readonly exit?: (code: number) => void;
}

/** The process's shutdown coordinator. */
export interface Shutdown {
  /** Registers a closer. Closers run one at a time, last registered first. */
  onShutdown(name: string, fn: Closer): void;
  /** SIGTERM/SIGINT start shutdown then exit; a second signal forces exit(1). Returns an uninstaller. */
  installSignalHandlers(): () => void;
  /** Runs the closers once; later calls return the same promise. Resolves true when all closed cleanly. */
  shutdown(reason: string): Promise<boolean>;
  /** Aborted as soon as shutdown begins: pass it to retry loops and long waits. */
  readonly signal: AbortSignal;
}

/** Creates the shutdown coordinator; create one per process, in `main.ts`. */
export function createShutdown(options: ShutdownOptions): Shutdown {
  const { logger } = options;
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const closers: { name: string; fn: Closer }[] = [];
  const controller = new AbortController();
  let running: string | undefined;
  let result: Promise<boolean> | undefined;

  function force(why: string): void {
    logger.error(`forcing exit: ${why}`, { closer: running ?? null });
    exit(1);
  }

  async function runClosers(reason: string): Promise<boolean> {
    logger.info("shutting down", { reason, closers: closers.length, timeoutMs: options.timeoutMs });
    controller.abort(new Error(`shutting down: ${reason}`));
    const deadline = setTimeout(() => {
      force(
        `shutdown deadline of ${options.timeoutMs} ms passed while "${running ?? "?"}" was closing`,
      );
    }, options.timeoutMs);
    deadline.unref();
    let clean = true;
    for (const { name, fn } of [...closers].reverse()) {
      running = name;
      const started = performance.now();
      try {
        await fn();
        logger.debug("closed", {
          closer: name,
          durationMs: Math.round(performance.now() - started),
        });
      } catch (error) {
        clean = false;
        logger.error("closer failed", { closer: name, err: error });
      }
    }
    running = undefined;
    clearTimeout(deadline);
    logger.info("shutdown complete", { reason, clean });
    return clean;
  }

  const shutdown = (reason: string): Promise<boolean> => (result ??= runClosers(reason));

  return {
    signal: controller.signal,
    onShutdown(name, fn) {
      if (result)
        logger.warn("closer registered after shutdown began; it will not run", { closer: name });
      closers.push({ name, fn });
    },
    shutdown,
    installSignalHandlers() {
      const onSignal = (signal: NodeJS.Signals): void => {
        if (result) {
          force(`second ${signal} while "${running ?? "?"}" was closing`);
          return;
        }
        void shutdown(signal).then((clean) => {
          exit(clean ? 0 : 1);
        });
      };
      process.on("SIGTERM", onSignal);
      process.on("SIGINT", onSignal);
      return () => {
        process.off("SIGTERM", onSignal);
        process.off("SIGINT", onSignal);
      };
    },
  };
}
