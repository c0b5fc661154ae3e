// startTracing against the real collector: a span ends up in Jaeger under the
// service name, exported over OTLP/HTTP protobuf, flushed by shutdown().
import { PassThrough } from "node:stream";
import { setTimeout as sleep } from "node:timers/promises";
import { trace } from "@opentelemetry/api";
import { describe, expect, it } from "vitest";
import { createLogger } from "../logging/index.ts";
import { infra, requireReachable } from "../testing/infra.ts";
import { startTracing } from "./index.ts";

interface JaegerTrace {
  spans: { operationName: string; traceID: string }[];
  processes: Record<string, { serviceName: string; tags: { key: string; value: unknown }[] }>;
}

/** Polls Jaeger's query API until the trace is indexed (ingestion is asynchronous). */
async function fetchTrace(traceId: string): Promise<JaegerTrace | undefined> {
  for (let attempt = 0; attempt < 40; attempt++) {
    const res = await fetch(`${infra.JAEGER_UI}/api/traces/${traceId}`);
    if (res.ok) {
      const body = (await res.json()) as { data?: JaegerTrace[] };
      if (body.data?.[0]) return body.data[0];
    }
    await sleep(250);
  }
  return undefined;
}

describe("startTracing", () => {
  it("exports spans to the OTLP endpoint with the service name and version", async () => {
    await requireReachable("Jaeger (OTLP/HTTP)", infra.OTEL_EXPORTER_OTLP_ENDPOINT);
    await requireReachable("Jaeger (query)", infra.JAEGER_UI);
    const serviceName = `gifmesh-shared-int-${String(process.pid)}`;
    const tracing = startTracing({
      serviceName,
      serviceVersion: "0.0.0-test",
      otlpEndpoint: infra.OTEL_EXPORTER_OTLP_ENDPOINT,
      enabled: true,
      logger: createLogger({ service: "tracing-int-test", stream: new PassThrough() }),
    });
    const traceId = trace.getTracer("int-test").startActiveSpan("int-test span", (span) => {
      span.end();
      return span.spanContext().traceId;
    });
    await tracing.shutdown();

    const found = await fetchTrace(traceId);
    expect(found?.spans.map((s) => s.operationName)).toEqual(["int-test span"]);
    const jaegerProcess = Object.values(found?.processes ?? {})[0];
    expect(jaegerProcess?.serviceName).toBe(serviceName);
    expect(jaegerProcess?.tags).toContainEqual(
      expect.objectContaining({ key: "service.version", value: "0.0.0-test" }),
    );
  });
});
