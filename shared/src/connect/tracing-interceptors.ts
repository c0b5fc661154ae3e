// OpenTelemetry for Connect: node:http2 has no auto-instrumentation and there is no
// maintained Connect instrumentation (connect-es #523), so these interceptors make
// the spans. The client interceptor starts a CLIENT span and injects the W3C
// context (traceparent, tracestate, baggage) into the request headers; the server
// interceptor extracts it and runs the handler inside a SERVER span. Both follow
// the RPC conventions and end streaming calls when the response stream is drained.
import {
  SpanKind,
  context,
  propagation,
  trace,
  type Attributes,
  type TextMapGetter,
  type TextMapSetter,
} from "@opentelemetry/api";
import { suppressTracing } from "@opentelemetry/core";
import type { Interceptor } from "@connectrpc/connect";
import {
  finishAfter,
  finishRpcSpan,
  rpcAttributes,
  rpcSpanName,
  systemOfContentType,
  type RpcSystem,
} from "./rpc-span.ts";

const headerSetter: TextMapSetter<Headers> = {
  set: (carrier, key, value) => {
    carrier.set(key, value);
  },
};

const headerGetter: TextMapGetter<Headers> = {
  keys: (carrier) => [...carrier.keys()],
  get: (carrier, key) => carrier.get(key) ?? undefined,
};

/** gRPC health is probed every few seconds; its calls are never traced. */
export const UNTRACED_SERVICES: readonly string[] = ["grpc.health.v1.Health"];

/** Options for {@link createClientTracingInterceptor}. */
export interface ClientTracingOptions {
  /** The transport's protocol: `grpc` (gRPC and gRPC-Web) or `connect_rpc`. */
  readonly system: RpcSystem;
  /** The server's base URL, recorded as `server.address` / `server.port`. */
  readonly baseUrl?: string;
  readonly tracerName?: string;
  /** Service type names whose calls get no span (default {@link UNTRACED_SERVICES}). */
  readonly ignoreServices?: readonly string[];
}

function serverAttributes(baseUrl: string | undefined): Attributes {
  if (!baseUrl) return {};
  const url = new URL(baseUrl);
  const port = url.port ? Number(url.port) : url.protocol === "https:" ? 443 : 80;
  return { "server.address": url.hostname, "server.port": port };
}

/**
 * A CLIENT span per call, named `package.Service/Method`, with the trace context
 * in the request headers. Put it first (outermost) so retries happen inside it.
 */
export function createClientTracingInterceptor(options: ClientTracingOptions): Interceptor {
  const tracer = trace.getTracer(options.tracerName ?? "@gifmesh/shared/connect");
  const ignored = new Set(options.ignoreServices ?? UNTRACED_SERVICES);
  const server = serverAttributes(options.baseUrl);
  return (next) => async (req) => {
    if (ignored.has(req.service.typeName))
      return context.with(suppressTracing(context.active()), () => next(req));
    const span = tracer.startSpan(rpcSpanName(req), {
      kind: SpanKind.CLIENT,
      attributes: { ...rpcAttributes(options.system, req), ...server },
    });
    const ctx = trace.setSpan(context.active(), span);
    propagation.inject(ctx, req.header, headerSetter);
    const finish = (error?: unknown) => {
      finishRpcSpan(span, options.system, "client", error);
    };
    return finishAfter(() => context.with(ctx, () => next(req)), finish);
  };
}

/** Options for {@link createServerTracingInterceptor}. */
export interface ServerTracingOptions {
  readonly tracerName?: string;
  /** Service type names whose calls get no span (default {@link UNTRACED_SERVICES}). */
  readonly ignoreServices?: readonly string[];
}

/**
 * A SERVER span per call, child of the caller's context from the request
 * headers; the handler runs inside it, so its own spans and logs join the trace.
 */
export function createServerTracingInterceptor(options: ServerTracingOptions = {}): Interceptor {
  const tracer = trace.getTracer(options.tracerName ?? "@gifmesh/shared/connect");
  const ignored = new Set(options.ignoreServices ?? UNTRACED_SERVICES);
  return (next) => async (req) => {
    if (ignored.has(req.service.typeName))
      return context.with(suppressTracing(context.active()), () => next(req));
    const system = systemOfContentType(req.header.get("content-type"));
    const parent = propagation.extract(context.active(), req.header, headerGetter);
    const span = tracer.startSpan(
      rpcSpanName(req),
      { kind: SpanKind.SERVER, attributes: rpcAttributes(system, req) },
      parent,
    );
    const finish = (error?: unknown) => {
      finishRpcSpan(span, system, "server", error);
    };
    return finishAfter(() => context.with(trace.setSpan(parent, span), () => next(req)), finish);
  };
}
