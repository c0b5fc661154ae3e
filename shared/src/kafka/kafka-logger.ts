// librdkafka's log lines, routed into our JSON logger. A broker outage makes the
// client report the same transient error dozens of times a second; those are
// retried by librdkafka itself (and shown by /readyz), so they are logged at
// warn, and repeats of one message are folded into a count for a while.
import type { KafkaJS } from "@confluentinc/kafka-javascript";
import type { Logger, LogMeta } from "../logging/index.ts";

/** Connection-level failures librdkafka recovers from by reconnecting. */
const TRANSIENT =
  /connection refused|transport failure|all broker connections are down|disconnected|timed out/i;
const MAX_TRACKED = 200;

/** Options for {@link createKafkaLogger}. */
export interface KafkaLoggerOptions {
  readonly logger: Logger;
  /** Identical lines within this window are counted, not written; default 10 s. */
  readonly repeatWindowMs?: number;
  readonly now?: () => number;
}

/** Adapts our logger to the KafkaJS logger shape (`fac` is librdkafka's facility, e.g. FAIL). */
export function createKafkaLogger(options: KafkaLoggerOptions): KafkaJS.Logger {
  const { logger } = options;
  const windowMs = options.repeatWindowMs ?? 10_000;
  const now = options.now ?? Date.now;
  const seen = new Map<string, { at: number; suppressed: number }>();

  function write(
    level: "error" | "warn" | "info" | "debug",
    message: string,
    extra?: object,
  ): void {
    const key = `${level}:${message}`;
    const previous = seen.get(key);
    const time = now();
    if (previous && time - previous.at < windowMs) {
      previous.suppressed++;
      return;
    }
    if (seen.size >= MAX_TRACKED) seen.clear();
    seen.set(key, { at: time, suppressed: 0 });
    const { fac, name } = (extra ?? {}) as { fac?: unknown; name?: unknown };
    const meta: LogMeta = {
      component: "kafka",
      ...(fac === undefined ? {} : { facility: fac }),
      ...(typeof name === "string" && name !== "" ? { client: name } : {}),
      ...(previous?.suppressed ? { repeated: previous.suppressed } : {}),
    };
    logger.log(level === "error" && TRANSIENT.test(message) ? "warn" : level, message, meta);
  }

  const adapter: KafkaJS.Logger = {
    error: (message, extra) => {
      write("error", message, extra);
    },
    warn: (message, extra) => {
      write("warn", message, extra);
    },
    info: (message, extra) => {
      write("info", message, extra);
    },
    debug: (message, extra) => {
      write("debug", message, extra);
    },
    namespace: () => adapter,
    setLogLevel: () => undefined,
  };
  return adapter;
}
