// Server spans for Connect RPCs: node:http2 is not auto-instrumented, so this
// interceptor extracts the W3C context from the request headers, runs the handler
// in a SERVER span, and records the Connect code on failure. A streaming answer
// (health Watch, reflection) ends its span when the stream is drained, fails, or
// the client goes away, not when the handler returns its iterator.
import {
  context,
  propagation,
  SpanKind,
  SpanStatusCode,
  trace,
  type Context,
  type Span,
  type TextMapGetter,
} from "@opentelemetry/api";
import { ConnectError, type Interceptor } from "@connectrpc/connect";

const headersGetter: TextMapGetter<Headers> = {
  keys: (carrier) => [...carrier.keys()],
  get: (carrier, key) => carrier.get(key) ?? undefined,
};

function endOk(span: Span): void {
  span.setAttribute("rpc.connect_rpc.status_code", "ok");
  span.end();
}

function endError(span: Span, error: unknown): void {
  const connectError = ConnectError.from(error);
  span.setAttribute("rpc.connect_rpc.error_code", connectError.code);
  span.setStatus({ code: SpanStatusCode.ERROR, message: connectError.rawMessage });
  span.end();
}

/** Passes `source` through, ending `span` once it is drained, fails or is closed early. */
export async function* endSpanWhenDrained<T>(
  source: AsyncIterable<T>,
  span: Span,
  ctx: Context,
): AsyncGenerator<T> {
  let messages = 0;
  let failed = false;
  let done = false;
  const iterator = source[Symbol.asyncIterator]();
  try {
    for (;;) {
      const next = await context.with(ctx, () => iterator.next());
      if (next.done === true) {
        done = true;
        break;
      }
      messages += 1;
      yield next.value;
    }
  } catch (error) {
    failed = true;
    done = true;
    endError(span, error);
    throw error;
  } finally {
    // Closed early (client cancelled): let the source clean up too.
    if (!done) await iterator.return?.();
    if (!failed) {
      span.setAttribute("rpc.connect_rpc.messages_sent", messages);
      endOk(span);
    }
  }
}

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
    const ctx = trace.setSpan(parent, span);
    let res;
    try {
      res = await context.with(ctx, () => next(req));
    } catch (error) {
      endError(span, error);
      throw error;
    }
    if (!res.stream) {
      endOk(span);
      return res;
    }
    return { ...res, message: endSpanWhenDrained(res.message, span, ctx) };
  };
}
