// The Connect tracing interceptors, in process (createRouterTransport): one trace
// across client and server, the RPC attributes, status mapping, streaming spans
// that end only when drained, and untraced gRPC health.
import { SpanKind, SpanStatusCode } from "@opentelemetry/api";
import { Code, ConnectError, createClient, createRouterTransport } from "@connectrpc/connect";
import { describe, expect, it } from "vitest";
import { useInMemoryTracing } from "../tracing/test-fixtures/in-memory-tracing.ts";
import { Health, HealthCheckResponse_ServingStatus, StorageService } from "../contracts/index.ts";
import { createClientTracingInterceptor, createServerTracingInterceptor } from "./index.ts";

const { exporter, tracer } = useInMemoryTracing("tracing-interceptors-test");

function transport(ignoreServices?: readonly string[]) {
  return createRouterTransport(
    (router) => {
      router.service(StorageService, {
        getArchiveStatus(req) {
          if (req.gifId === "missing") throw new ConnectError("no such gif", Code.NotFound);
          if (req.gifId === "broken") throw new ConnectError("db down", Code.Unavailable);
          return {};
        },
      });
      router.service(Health, {
        check: () => ({ status: HealthCheckResponse_ServingStatus.SERVING }),
        async *watch() {
          yield { status: HealthCheckResponse_ServingStatus.SERVING };
          await Promise.resolve();
          yield { status: HealthCheckResponse_ServingStatus.NOT_SERVING };
        },
      });
    },
    {
      transport: {
        interceptors: [
          createClientTracingInterceptor({
            system: "grpc",
            baseUrl: "http://storage:50051",
            ...(ignoreServices ? { ignoreServices } : {}),
          }),
        ],
      },
      router: {
        interceptors: [createServerTracingInterceptor(ignoreServices ? { ignoreServices } : {})],
      },
    },
  );
}

const spans = () => exporter.getFinishedSpans();
const byKind = (kind: SpanKind) => spans().find((s) => s.kind === kind);

describe("Connect tracing interceptors", () => {
  it("make a client and a server span in one trace, parent and child", async () => {
    await createClient(StorageService, transport()).getArchiveStatus({ gifId: "abc" });
    const client = byKind(SpanKind.CLIENT);
    const server = byKind(SpanKind.SERVER);
    expect(client?.name).toBe("gifmesh.storage.v1.StorageService/GetArchiveStatus");
    expect(server?.name).toBe(client?.name);
    expect(server?.spanContext().traceId).toBe(client?.spanContext().traceId);
    expect(server?.parentSpanContext?.spanId).toBe(client?.spanContext().spanId);
    expect(client?.attributes).toMatchObject({
      "rpc.system": "grpc",
      "rpc.service": "gifmesh.storage.v1.StorageService",
      "rpc.method": "GetArchiveStatus",
      "rpc.grpc.status_code": 0,
      "server.address": "storage",
      "server.port": 50051,
    });
    // The router transport speaks the Connect protocol.
    expect(server?.attributes).toMatchObject({ "rpc.system": "connect_rpc" });
  });

  it("continue the caller's active trace", async () => {
    const traceId = await tracer.startActiveSpan("caller", async (span) => {
      await createClient(StorageService, transport()).getArchiveStatus({ gifId: "abc" });
      span.end();
      return span.spanContext().traceId;
    });
    expect(new Set(spans().map((s) => s.spanContext().traceId))).toEqual(new Set([traceId]));
  });

  it("mark client errors, and server errors only for server faults", async () => {
    const client = createClient(StorageService, transport());
    await expect(client.getArchiveStatus({ gifId: "missing" })).rejects.toThrow("no such gif");
    expect(byKind(SpanKind.CLIENT)?.status.code).toBe(SpanStatusCode.ERROR);
    expect(byKind(SpanKind.CLIENT)?.attributes["rpc.grpc.status_code"]).toBe(Code.NotFound);
    expect(byKind(SpanKind.SERVER)?.status.code).toBe(SpanStatusCode.UNSET);
    expect(byKind(SpanKind.SERVER)?.attributes["rpc.connect_rpc.error_code"]).toBe("not_found");

    exporter.reset();
    await expect(client.getArchiveStatus({ gifId: "broken" })).rejects.toThrow("db down");
    expect(byKind(SpanKind.SERVER)?.status.code).toBe(SpanStatusCode.ERROR);
  });

  it("end streaming spans only when the stream is drained", async () => {
    const client = createClient(Health, transport([]));
    const stream = client.watch({ service: "" });
    const iterator = stream[Symbol.asyncIterator]();
    expect((await iterator.next()).done).toBe(false);
    expect(spans()).toHaveLength(0);
    expect((await iterator.next()).done).toBe(false);
    expect((await iterator.next()).done).toBe(true);
    expect(spans().map((s) => s.name)).toEqual([
      "grpc.health.v1.Health/Watch",
      "grpc.health.v1.Health/Watch",
    ]);
  });

  it("do not trace gRPC health checks by default", async () => {
    await tracer.startActiveSpan("probe", async (span) => {
      await createClient(Health, transport()).check({ service: "" });
      span.end();
    });
    expect(spans().map((s) => s.name)).toEqual(["probe"]);
  });
});
