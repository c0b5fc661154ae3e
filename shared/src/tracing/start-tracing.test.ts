import { context, propagation, ROOT_CONTEXT, trace } from "@opentelemetry/api";
import { afterAll, describe, expect, it } from "vitest";
import { extractTraceContext, injectTraceHeaders, startTracing } from "./index.ts";

afterAll(() => {
  context.disable();
  propagation.disable();
});

describe("startTracing({ enabled: false })", () => {
  it("exports nothing but still passes an incoming trace context through", async () => {
    const tracing = startTracing({
      serviceName: "t",
      otlpEndpoint: "http://127.0.0.1:1",
      enabled: false,
    });
    const traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    const incoming = extractTraceContext({ traceparent: Buffer.from(traceparent) }, ROOT_CONTEXT);
    const outgoing = context.with(incoming, () =>
      trace.getTracer("t").startActiveSpan("noop", (span) => {
        span.end();
        return injectTraceHeaders();
      }),
    );
    expect(outgoing.traceparent).toBe(traceparent);
    await tracing.shutdown();
  });
});

describe("startTracing without the preload", () => {
  it("decides trust as the preload does: TRACE_TRUST_INCOMING=false extracts nothing", async () => {
    // The API keeps the first global propagator registered: drop the previous test's.
    propagation.disable();
    context.disable();
    const saved = process.env.TRACE_TRUST_INCOMING;
    process.env.TRACE_TRUST_INCOMING = "false";
    try {
      const tracing = startTracing({
        serviceName: "t",
        otlpEndpoint: "http://127.0.0.1:1",
        enabled: false,
      });
      const traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
      const incoming = extractTraceContext({ traceparent, baggage: "user.id=admin" }, ROOT_CONTEXT);
      expect(trace.getSpanContext(incoming)).toBeUndefined();
      expect(propagation.getBaggage(incoming)).toBeUndefined();
      await tracing.shutdown();
    } finally {
      if (saved === undefined) delete process.env.TRACE_TRUST_INCOMING;
      else process.env.TRACE_TRUST_INCOMING = saved;
      propagation.disable();
      context.disable();
    }
  });
});
