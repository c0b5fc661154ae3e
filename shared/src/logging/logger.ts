// Structured JSON logs on stdout, one object per line, correlated with traces:
// every line carries the active span's trace_id and span_id, and passes through
// redaction so secrets never reach the log pipeline. A line is bounded (truncate.ts):
// strings are cut to a few KiB and the whole line to a budget, so a hostile input
// cannot make one log call write a megabyte. winston's JSON format escapes quotes,
// newlines and control characters, so an outside value cannot forge a field or a line.
import { isSpanContextValid, trace } from "@opentelemetry/api";
import winston from "winston";
import type { LogLevel } from "./levels.ts";
import { redactFieldsInto, redactValue } from "./redact.ts";
import { lineBudget, spend } from "./truncate.ts";

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
 * `new Date().toISOString()`, formatted once per millisecond: a busy service writes
 * several lines in the same millisecond (the gateway's access log, one per request).
 */
let isoMs = -1;
let isoText = "";
function isoNow(): string {
  const ms = Date.now();
  if (ms !== isoMs) {
    isoMs = ms;
    isoText = new Date(ms).toISOString();
  }
  return isoText;
}

/**
 * Orders the fields, adds trace ids and redacts everything else. `service` comes
 * from the logger, never from metadata: a field that log pipelines route and
 * alert on must not be settable by whatever object a call site passes along.
 * One pass over the metadata's keys (this runs once per request in the gateway).
 */
const shapeLine = (service: string) =>
  winston.format((info) => {
    const budget = lineBudget();
    const line: Record<string | symbol, unknown> = {
      timestamp: isoNow(),
      level: info.level,
      service,
      message: redactValue(info.message, { budget }),
    };
    const spanContext = trace.getActiveSpan()?.spanContext();
    if (spanContext && isSpanContextValid(spanContext)) {
      line.trace_id = spanContext.traceId;
      line.span_id = spanContext.spanId;
    }
    // As redactValue(metadata) would, written into the line: the metadata object
    // is one node of the budget, its fields one level deeper.
    spend(budget, 1);
    const names: string[] = [];
    const values: unknown[] = [];
    const fields = info as Record<string, unknown>;
    for (const key of Object.keys(fields)) {
      if (key === "level" || key === "message") continue; // winston's own, written above
      names.push(FIXED_KEYS.has(key) ? `meta_${key}` : key);
      values.push(fields[key]);
    }
    redactFieldsInto(line, names, values, { budget, depth: 1 });
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

/**
 * The shaped line as one JSON text, viewer-unsafe characters escaped. The line is
 * redacted already (redact.ts: no cycles, bigints as strings, Errors, Dates and
 * Buffers as plain values), so JSON.stringify writes what logform's json format
 * (safe-stable-stringify, insertion order) wrote, without its per-line set-up.
 */
const finishLine = winston.format((info) => {
  const text = JSON.stringify(info);
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
    format: winston.format.combine(shapeLine(options.service), finishLine()),
    // winston types its transports as interfaces extending the TransportStream class.
    // eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment
    transports: [new winston.transports.Stream({ stream: options.stream ?? process.stdout })],
  });
}
