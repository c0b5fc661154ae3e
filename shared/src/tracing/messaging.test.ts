// Kafka span helpers: the producer span's context travels in the headers, the
// consumer span is its child, and both carry the messaging conventions.
import { ROOT_CONTEXT, SpanKind, SpanStatusCode } from "@opentelemetry/api";
import { describe, expect, it } from "vitest";
import { useInMemoryTracing } from "./test-fixtures/in-memory-tracing.ts";
import {
  endSpan,
  extractTraceContext,
  startProducerSpan,
  withConsumerSpan,
  withProducerSpan,
} from "./index.ts";

const { exporter, tracer } = useInMemoryTracing("messaging-test");

const finished = (name: string) => exporter.getFinishedSpans().find((s) => s.name === name);

describe("Kafka span helpers", () => {
  it("link produce and consume as parent and child through the headers", async () => {
    const headers = await withProducerSpan(tracer, { topic: "t.req", key: "gif1" }, (h) =>
      Promise.resolve(h),
    );
    await withConsumerSpan(
      tracer,
      { topic: "t.req", partition: 2, offset: "41", key: Buffer.from("gif1"), headers },
      () => Promise.resolve(),
    );
    const send = finished("send t.req");
    const process = finished("process t.req");
    expect(send?.kind).toBe(SpanKind.PRODUCER);
    expect(process?.kind).toBe(SpanKind.CONSUMER);
    expect(process?.parentSpanContext?.spanId).toBe(send?.spanContext().spanId);
    expect(process?.spanContext().traceId).toBe(send?.spanContext().traceId);
    expect(process?.attributes).toMatchObject({
      "messaging.system": "kafka",
      "messaging.operation.type": "process",
      "messaging.destination.name": "t.req",
      "messaging.destination.partition.id": "2",
      "messaging.kafka.offset": 41,
      "messaging.kafka.message.key": "gif1",
    });
  });

  it("starts the producer span under a stored context (the outbox row's)", () => {
    const stored = { traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01" };
    const { span, headers } = startProducerSpan(
      tracer,
      { topic: "t.out", key: "g" },
      extractTraceContext(stored, ROOT_CONTEXT),
    );
    endSpan(span, new Error("broker down"));
    const send = finished("send t.out");
    expect(send?.parentSpanContext?.spanId).toBe("00f067aa0ba902b7");
    expect(send?.status.code).toBe(SpanStatusCode.ERROR);
    expect(headers.traceparent).toBe(
      `00-4bf92f3577b34da6a3ce929d0e0e4736-${span.spanContext().spanId}-01`,
    );
  });

  it("marks a failed consume and rethrows", async () => {
    await expect(
      withConsumerSpan(tracer, { topic: "t.bad", headers: {} }, () =>
        Promise.reject(new Error("bad payload")),
      ),
    ).rejects.toThrow("bad payload");
    expect(finished("process t.bad")?.status.code).toBe(SpanStatusCode.ERROR);
  });
});
