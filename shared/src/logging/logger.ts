// Structured JSON logs on stdout, one object per line, correlated with traces:
// every line carries the active span's trace_id and span_id, and passes through
// redaction so secrets never reach the log pipeline. A line is bounded (truncate.ts):
// strings are cut to a few KiB and the whole line to a budget, so a hostile input
// cannot make one log call write a megabyte. winston's JSON format escapes quotes,
// newlines and control characters, so an outside value cannot forge a field or a line.
import { isSpanContextValid, trace } from "@opentelemetry/api";
import winston from "winston";
import type { LogLevel } from "./levels.ts";
import { redactValue } from "./redact.ts";
import { lineBudget } from "./truncate.ts";

/** Metadata attached to a log line. Put errors under a key: `{ err }`. */
export type LogMeta = Readonly<Record<string, unknown>>;

/** The logging surface services depend on (a winston logger underneath). */
export interface Logger {
  error(message: string, meta?: LogMeta): void;
  warn(message: string, meta?: LogMeta): void;
  info(message: string, meta?: LogMeta): void;
  http(message: string, meta?: LogMeta): void;
  verbose(message: string, meta?: LogMeta): void;
  debug(message: string, meta?: LogMeta): void;
  log(level: LogLevel, message: string, meta?: LogMeta): void;
  /** A logger that adds `meta` to every line (e.g. `{ component: "outbox" }`). */
  child(meta: LogMeta): Logger;
  isLevelEnabled(level: LogLevel): boolean;
}

/** Options for {@link createLogger}. */
export interface LoggerOptions {
  /** Service name, written on every line as `service`. */
  readonly service: string;
  /** Lowest level written; default "info". */
  readonly level?: LogLevel;
  /** Where lines go; default stdout. Tests pass their own stream. */
  readonly stream?: NodeJS.WritableStream;
}

/** Fields the logger writes itself; metadata under these names is kept as `meta_<name>`. */
const FIXED_KEYS = new Set(["level", "message", "service", "timestamp", "trace_id", "span_id"]);

/**
 * Orders the fields, adds trace ids and redacts everything else. `service` comes
 * from the logger, never from metadata: a field that log pipelines route and
 * alert on must not be settable by whatever object a call site passes along.
 */
const shapeLine = (service: string) =>
  winston.format((info) => {
    const budget = lineBudget();
    const line: Record<string | symbol, unknown> = {
      timestamp: new Date().toISOString(),
      level: info.level,
      service,
      message: redactValue(info.message, { budget }),
    };
    const spanContext = trace.getActiveSpan()?.spanContext();
    if (spanContext && isSpanContextValid(spanContext)) {
      line.trace_id = spanContext.traceId;
      line.span_id = spanContext.spanId;
    }
    const rest: [string, unknown][] = [];
    for (const [key, value] of Object.entries(info)) {
      if (key === "level" || key === "message") continue; // winston's own, written above
      rest.push([FIXED_KEYS.has(key) ? `meta_${key}` : key, value]);
    }
    const redacted = redactValue(Object.fromEntries(rest), { budget }) as Record<string, unknown>;
    for (const [key, value] of Object.entries(redacted)) line[key] = value;
    for (const symbol of Object.getOwnPropertySymbols(info)) line[symbol] = info[symbol];
    return line as winston.Logform.TransformableInfo;
  })();

/** The key under which winston keeps the finished line (triple-beam's MESSAGE). */
const FINISHED_LINE = Symbol.for("message");
/**
 * Characters JSON may carry raw that still end a line or start a terminal escape in
 * some viewers: DEL, the C1 controls (0x9b is an 8-bit CSI) and the Unicode line and
 * paragraph separators. They only occur inside strings, where `\uXXXX` means the same.
 */
const VIEWER_UNSAFE = /[\u007f-\u009f\u2028\u2029]/g;

const escapeViewerUnsafe = winston.format((info) => {
  const text = (info as Record<symbol, unknown>)[FINISHED_LINE];
  if (typeof text === "string")
    (info as Record<symbol, unknown>)[FINISHED_LINE] = text.replace(
      VIEWER_UNSAFE,
      (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`,
    );
  return info;
});

/**
 * Creates the service's JSON logger: `timestamp`, `level`, `service`, `message`,
 * `trace_id`/`span_id` of the active span, then metadata, with secrets redacted.
 */
export function createLogger(options: LoggerOptions): Logger {
  return winston.createLogger({
    level: options.level ?? "info",
    levels: winston.config.npm.levels,
    format: winston.format.combine(
      shapeLine(options.service),
      winston.format.json({ deterministic: false }),
      escapeViewerUnsafe(),
    ),
    // winston types its transports as interfaces extending the TransportStream class.
    // eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment
    transports: [new winston.transports.Stream({ stream: options.stream ?? process.stdout })],
  });
}
