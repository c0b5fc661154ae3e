// Server spans for Connect RPCs: node:http2 is not auto-instrumented, so this
// interceptor extracts the W3C context from the request headers, runs the handler
// in a SERVER span, and records the Connect code on failure.
import {
  context,
  propagation,
  SpanKind,
  SpanStatusCode,
  trace,
  type TextMapGetter,
} from "@opentelemetry/api";
import { ConnectError, type Interceptor } from "@connectrpc/connect";

const headersGetter: TextMapGetter<Headers> = {
  keys: (carrier) => [...carrier.keys()],
  get: (carrier, key) => carrier.get(key) ?? undefined,
};

export function tracingInterceptor(tracerName = "gifmesh-storage"): Interceptor {
  const tracer = trace.getTracer(tracerName);
  return (next) => async (req) => {
    const parent = propagation.extract(context.active(), req.header, headersGetter);
    const name = `${req.service.typeName}/${req.method.name}`;
    const span = tracer.startSpan(
      name,
      {
        kind: SpanKind.SERVER,
        attributes: {
          "rpc.system": "connect_rpc",
          "rpc.service": req.service.typeName,
          "rpc.method": req.method.name,
        },
      },
      parent,
    );
    try {
      const res = await context.with(trace.setSpan(parent, span), () => next(req));
      if (res.stream) {
        // Streaming answers end the span when drained; reflection/health watch only.
        span.end();
      } else {
        span.setAttribute("rpc.connect_rpc.status_code", "ok");
        span.end();
      }
      return res;
    } catch (error) {
      const connectError = ConnectError.from(error);
      span.setAttribute("rpc.connect_rpc.error_code", connectError.code);
      span.setStatus({ code: SpanStatusCode.ERROR, message: connectError.rawMessage });
      span.end();
      throw error;
    }
  };
}
