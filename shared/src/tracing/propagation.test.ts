import { trace, SpanStatusCode, ROOT_CONTEXT } from "@opentelemetry/api";
import { describe, expect, it } from "vitest";
import { useInMemoryTracing } from "./test-fixtures/in-memory-tracing.ts";
import { extractTraceContext, injectTraceHeaders, withSpan } from "./index.ts";

const { exporter, tracer } = useInMemoryTracing("propagation-test");

describe("injectTraceHeaders / extractTraceContext", () => {
  it("writes the active span as a W3C traceparent", () => {
    const headers = tracer.startActiveSpan("produce", (span) => {
      span.end();
      return injectTraceHeaders();
    });
    const { traceId, spanId } = exporter.getFinishedSpans().at(-1)?.spanContext() ?? {};
    expect(headers.traceparent).toBe(`00-${String(traceId)}-${String(spanId)}-01`);
  });

  it("round-trips through Buffer headers, as Kafka delivers them", () => {
    const { headers, traceId, spanId } = tracer.startActiveSpan("produce", (span) => {
      span.end();
      return { headers: injectTraceHeaders(), ...span.spanContext() };
    });
    const asBuffers = Object.fromEntries(
      Object.entries(headers).map(([k, v]) => [k, Buffer.from(v)]),
    );
    const extracted = trace.getSpanContext(extractTraceContext(asBuffers, ROOT_CONTEXT));
    expect(extracted).toMatchObject({ traceId, spanId, isRemote: true });
  });

  it("accepts header lists and any header-name case", () => {
    const traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    const ctx = extractTraceContext({ TraceParent: [Buffer.from(traceparent)] }, ROOT_CONTEXT);
    expect(trace.getSpanContext(ctx)?.traceId).toBe("0af7651916cd43dd8448eb211c80319c");
  });

  it("yields no headers without an active span and no span from garbage", () => {
    expect(injectTraceHeaders(ROOT_CONTEXT)).toEqual({});
    expect(
      trace.getSpanContext(extractTraceContext({ traceparent: "nonsense" }, ROOT_CONTEXT)),
    ).toBeUndefined();
  });
});

describe("withSpan", () => {
  it("continues the extracted trace as a child span", async () => {
    const traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    const parent = extractTraceContext({ traceparent }, ROOT_CONTEXT);
    const ids = await withSpan(tracer, "consume", {}, (span) => span.spanContext(), parent);
    expect(ids.traceId).toBe("4bf92f3577b34da6a3ce929d0e0e4736");
    const finished = exporter.getFinishedSpans().find((s) => s.name === "consume");
    expect(finished?.parentSpanContext?.spanId).toBe("00f067aa0ba902b7");
  });

  it("records a thrown error, ends the span and rethrows", async () => {
    await expect(
      withSpan(tracer, "fails", {}, () => Promise.reject(new Error("boom"))),
    ).rejects.toThrow("boom");
    const finished = exporter.getFinishedSpans().find((s) => s.name === "fails");
    expect(finished?.status).toEqual({ code: SpanStatusCode.ERROR, message: "boom" });
    expect(finished?.events.map((e) => e.name)).toContain("exception");
  });
});
