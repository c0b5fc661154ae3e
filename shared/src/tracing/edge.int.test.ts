// The gateway is the edge: a request's traceparent and baggage come from the
// internet. A server built like the gateway (test-fixtures/edge-server.ts: Hono on
// @hono/node-server, started with the tracing preload) gets a hostile traceparent,
// tracestate and baggage; with TRACE_TRUST_INCOMING=false its spans are a fresh
// trace (exported to the real Jaeger) linking the client's, and nothing of the
// client's context reaches the call it makes downstream. With trust (storage and
// the worker, inside the cluster) the same request continues the client's trace.
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { infra, requireReachable } from "../testing/infra.ts";
import { REPO_ROOT, startServerProcess, type ServerProcess } from "../testing/index.ts";

const HOSTILE_TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
const HOSTILE_SPAN_ID = "00f067aa0ba902b7";
const HOSTILE = {
  traceparent: `00-${HOSTILE_TRACE_ID}-${HOSTILE_SPAN_ID}-01`,
  tracestate: "evil=forged",
  baggage: "user.id=admin,role=root,gifmesh.tenant=other",
};

interface JaegerSpan {
  spanID: string;
  operationName: string;
  references: { refType: string; traceID: string; spanID: string }[];
  processID: string;
}
interface JaegerTrace {
  spans: JaegerSpan[];
  processes: Record<string, { serviceName: string }>;
}

/** Polls Jaeger's query API until the trace holds `minSpans` spans (ingestion is asynchronous). */
async function fetchTrace(traceId: string, minSpans: number): Promise<JaegerTrace | undefined> {
  for (let attempt = 0; attempt < 60; attempt++) {
    const res = await fetch(`${infra.JAEGER_UI}/api/traces/${traceId}`);
    if (res.ok) {
      const found = ((await res.json()) as { data?: JaegerTrace[] }).data?.[0];
      if (found && found.spans.length >= minSpans) return found;
    }
    await sleep(250);
  }
  return undefined;
}

let downstream: Server;
let downstreamUrl: string;
const received: IncomingHttpHeaders[] = [];

beforeAll(async () => {
  await requireReachable("Jaeger (OTLP/HTTP)", infra.OTEL_EXPORTER_OTLP_ENDPOINT);
  await requireReachable("Jaeger (query)", infra.JAEGER_UI);
  downstream = createServer((req, res) => {
    received.push(req.headers);
    res.end("ok");
  });
  await new Promise<void>((resolve) => downstream.listen(0, "127.0.0.1", resolve));
  downstreamUrl = `http://127.0.0.1:${String((downstream.address() as AddressInfo).port)}/`;
});
afterAll(async () => {
  await new Promise((resolve) => downstream.close(resolve));
});

/** Starts the fixture with the preload; resolves with its base URL once it listens. */
async function startEdge(
  serviceName: string,
  trust: string,
): Promise<{ url: string; server: ServerProcess }> {
  const server = startServerProcess(
    serviceName,
    process.execPath,
    [
      "--import",
      "@gifmesh/shared/tracing/register",
      join(REPO_ROOT, "shared/src/tracing/test-fixtures/edge-server.ts"),
    ],
    {
      env: {
        OTEL_SERVICE_NAME: serviceName,
        OTEL_EXPORTER_OTLP_ENDPOINT: infra.OTEL_EXPORTER_OTLP_ENDPOINT,
        OTEL_TRACES_EXPORTER: "otlp",
        OTEL_BSP_SCHEDULE_DELAY: "100",
        TRACE_TRUST_INCOMING: trust,
        DOWNSTREAM_URL: downstreamUrl,
      },
    },
  );
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = /listening (\d+)/.exec(server.output())?.[1];
    if (port) return { url: `http://127.0.0.1:${port}`, server };
    if (server.exited()) break;
    await sleep(100);
  }
  await server.stop();
  throw new Error(`${serviceName} did not start:\n${server.output()}`);
}

/** One hostile request; what the fixture answered and what reached downstream. */
async function hostileRequest(url: string) {
  received.length = 0;
  const res = await fetch(`${url}/v1/probe`, { headers: HOSTILE });
  expect(res.status).toBe(200);
  const body = (await res.json()) as { traceId: string; baggage: string[] };
  expect(received).toHaveLength(1);
  return { body, sent: received[0] ?? {} };
}

describe("trace context at the edge", () => {
  it("TRACE_TRUST_INCOMING=false: a fresh root trace linking the client's, and no client baggage downstream", async () => {
    const serviceName = `gifmesh-edge-test-${String(process.pid)}`;
    const { url, server } = await startEdge(serviceName, "false");
    try {
      const { body, sent } = await hostileRequest(url);
      expect(body.traceId).toMatch(/^[0-9a-f]{32}$/);
      expect(body.traceId).not.toBe(HOSTILE_TRACE_ID);
      expect(body.baggage).toEqual([]);
      // Downstream sees our context, never the client's.
      expect(sent.traceparent).toMatch(new RegExp(`^00-${body.traceId}-[0-9a-f]{16}-01$`));
      expect(sent.baggage).toBeUndefined();
      expect(String(sent.tracestate ?? "")).not.toContain("evil");
      expect(JSON.stringify(sent)).not.toContain(HOSTILE_TRACE_ID);

      // The exported trace: a root server span (no parent) linking the client's trace,
      // and the outgoing call as its child.
      const found = await fetchTrace(body.traceId, 2);
      expect(found, `trace ${body.traceId} not in Jaeger`).toBeDefined();
      const spans = found?.spans ?? [];
      const serverSpan = spans.find((span) => span.operationName === "GET /v1/probe");
      expect(serverSpan?.references.filter((ref) => ref.refType === "CHILD_OF")).toEqual([]);
      expect(serverSpan?.references).toContainEqual(
        expect.objectContaining({ traceID: HOSTILE_TRACE_ID, spanID: HOSTILE_SPAN_ID }),
      );
      const client = spans.find((span) => span !== serverSpan);
      expect(client?.references).toContainEqual(
        expect.objectContaining({ refType: "CHILD_OF", spanID: serverSpan?.spanID }),
      );
      expect(Object.values(found?.processes ?? {}).map((p) => p.serviceName)).toContain(
        serviceName,
      );
    } finally {
      await server.stop();
    }
  });

  it("TRACE_TRUST_INCOMING=true (inside the cluster): the caller's trace and baggage continue", async () => {
    const { url, server } = await startEdge(`gifmesh-trusting-test-${String(process.pid)}`, "true");
    try {
      const { body, sent } = await hostileRequest(url);
      expect(body.traceId).toBe(HOSTILE_TRACE_ID);
      expect(body.baggage.sort()).toEqual(["gifmesh.tenant", "role", "user.id"]);
      expect(sent.traceparent).toMatch(new RegExp(`^00-${HOSTILE_TRACE_ID}-`));
      expect(sent.baggage).toContain("user.id=admin");
    } finally {
      await server.stop();
    }
  });
});
