// Structured JSON logs on stdout, one object per line, correlated with traces:
// every line carries the active span's trace_id and span_id, and passes through
// redaction so secrets never reach the log pipeline.
import { isSpanContextValid, trace } from "@opentelemetry/api";
import winston from "winston";
import type { LogLevel } from "./levels.ts";
import { redactValue } from "./redact.ts";

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

const FIXED_KEYS = new Set(["level", "message", "service", "timestamp", "trace_id", "span_id"]);

/** Orders the fields, adds trace ids and redacts everything else. */
const shapeLine = winston.format((info) => {
  const line: Record<string | symbol, unknown> = {
    timestamp: new Date().toISOString(),
    level: info.level,
    service: info.service,
    message: redactValue(info.message),
  };
  const spanContext = trace.getActiveSpan()?.spanContext();
  if (spanContext && isSpanContextValid(spanContext)) {
    line.trace_id = spanContext.traceId;
    line.span_id = spanContext.spanId;
  }
  const rest: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(info)) if (!FIXED_KEYS.has(key)) rest[key] = value;
  Object.assign(line, redactValue(rest));
  for (const symbol of Object.getOwnPropertySymbols(info)) line[symbol] = info[symbol];
  return line as winston.Logform.TransformableInfo;
});

/**
 * Creates the service's JSON logger: `timestamp`, `level`, `service`, `message`,
 * `trace_id`/`span_id` of the active span, then metadata, with secrets redacted.
 */
export function createLogger(options: LoggerOptions): Logger {
  return winston.createLogger({
    level: options.level ?? "info",
    levels: winston.config.npm.levels,
    defaultMeta: { service: options.service },
    format: winston.format.combine(shapeLine(), winston.format.json({ deterministic: false })),
    // winston types its transports as interfaces extending the TransportStream class.
    // eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment
    transports: [new winston.transports.Stream({ stream: options.stream ?? process.stdout })],
  });
}
