// W3C trace context through message headers. Kafka and the outbox carry
// `traceparent`/`tracestate` as plain headers; these helpers turn the active
// context into headers and headers back into a context, via the global propagator.
import { context, propagation, type Context, type TextMapGetter } from "@opentelemetry/api";

/** Message headers as Kafka clients deliver them: strings, Buffers, or lists of either. */
export type MessageHeaders = Readonly<
  Record<string, string | Buffer | undefined | readonly (string | Buffer)[]>
>;

const headerGetter: TextMapGetter<MessageHeaders> = {
  keys: (carrier) => Object.keys(carrier),
  get(carrier, key) {
    const name = key.toLowerCase();
    const found = Object.keys(carrier).find((candidate) => candidate.toLowerCase() === name);
    const value = found === undefined ? undefined : carrier[found];
    if (value === undefined) return undefined;
    if (typeof value === "string") return value;
    if (Buffer.isBuffer(value)) return value.toString("utf8");
    return (value as readonly (string | Buffer)[]).map((item) => item.toString());
  },
};

/**
 * Headers (`traceparent`, and `tracestate`/`baggage` when present) describing
 * `ctx`, by default the active context. Empty when there is no valid span.
 */
export function injectTraceHeaders(ctx: Context = context.active()): Record<string, string> {
  const headers: Record<string, string> = {};
  propagation.inject(ctx, headers);
  return headers;
}

/**
 * The context carried by `headers`, on top of `base` (default: the active
 * context). Start the consumer's span in it: `tracer.startActiveSpan(name, {}, ctx, fn)`.
 */
export function extractTraceContext(
  headers: MessageHeaders,
  base: Context = context.active(),
): Context {
  return propagation.extract(base, headers, headerGetter);
}
