// Whether a process continues the trace context and baggage it receives. Inside
// the cluster it should: storage continues the gateway's trace, the worker the one
// in each Kafka message, so one trace follows a search from end to end. At the
// edge it must not: there the `traceparent` and `baggage` headers come from the
// internet. Trusted, a client would choose our trace ids (joining or polluting
// other traces, forcing sampling on) and its baggage would ride along into every
// RPC, every Kafka message and every call to Giphy and the media hosts.
//
// An untrusting process starts a new root trace for each incoming request and
// reads no baggage; the client's trace, when it sent a valid one, is kept as a
// span link on the server span, so a client that traces its own calls can still
// find ours. Injection is unchanged: what we send downstream is our own context.
//
// TRACE_TRUST_INCOMING sets it (true/false). Unset, a service's package.json
// decides: `"gifmesh": { "edge": true }` (the gateway) means untrusting.
import {
  ROOT_CONTEXT,
  defaultTextMapGetter,
  trace,
  type Context,
  type Link,
  type Span,
  type TextMapPropagator,
} from "@opentelemetry/api";
import { W3CTraceContextPropagator } from "@opentelemetry/core";

/** The part of a package.json that marks a service as the edge. */
export interface EdgeMarker {
  readonly gifmesh?: { readonly edge?: boolean };
}

/** The span-link attribute naming where a linked context came from. */
export const CLIENT_TRACE_LINK = { "gifmesh.link.source": "client_traceparent" } as const;

/**
 * TRACE_TRUST_INCOMING as a flag, or (unset or empty) the package's default: true
 * except for a package marked as the edge. Throws on anything that is not a flag,
 * so a typo cannot silently turn trust on at the edge.
 */
export function resolveTrustIncoming(value: string | undefined, pkg: EdgeMarker = {}): boolean {
  const text = (value ?? "").trim().toLowerCase();
  if (text === "") return pkg.gifmesh?.edge !== true;
  if (["true", "1", "yes", "on"].includes(text)) return true;
  if (["false", "0", "no", "off"].includes(text)) return false;
  throw new Error("TRACE_TRUST_INCOMING: must be true or false");
}

/**
 * `inner` for everything we send, but extracting nothing: every incoming request,
 * RPC or message starts from the context it is given (a new root trace, no baggage).
 */
export function untrustingPropagator(inner: TextMapPropagator): TextMapPropagator {
  return {
    inject: (ctx, carrier, setter) => {
      inner.inject(ctx, carrier, setter);
    },
    extract: (ctx: Context) => ctx,
    fields: () => inner.fields(),
  };
}

const traceContext = new W3CTraceContextPropagator();

/**
 * The link to a client's `traceparent`, if it is valid W3C (its tracestate and
 * sampling flag are dropped): pass it in the server span's `links`. Nothing of it
 * becomes our parent, our sampling decision or our baggage.
 */
export function clientTraceLink(traceparent: string | undefined): Link | undefined {
  if (traceparent === undefined) return undefined;
  const client = trace.getSpanContext(
    traceContext.extract(ROOT_CONTEXT, { traceparent }, defaultTextMapGetter),
  );
  if (!client || !trace.isSpanContextValid(client)) return undefined;
  return {
    context: { traceId: client.traceId, spanId: client.spanId, traceFlags: 0, isRemote: true },
    attributes: CLIENT_TRACE_LINK,
  };
}

/** Adds {@link clientTraceLink} of `headers` to a span that has already started. */
export function linkClientTrace(
  span: Span,
  headers: Readonly<Record<string, string | string[] | undefined>>,
): void {
  const traceparent = headers.traceparent;
  // Repeated headers: the propagator reads the first, as instrumentation-http did.
  const link = clientTraceLink(Array.isArray(traceparent) ? traceparent[0] : traceparent);
  if (link) span.addLink(link);
}
