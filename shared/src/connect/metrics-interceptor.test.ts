// RED metrics of Connect calls, counted on both sides of an in-process transport.
import { Code, ConnectError, createClient, createRouterTransport } from "@connectrpc/connect";
import { describe, expect, it } from "vitest";
import { StorageService } from "../contracts/index.ts";
import { createMetrics } from "../metrics/index.ts";
import { createRpcMetricsInterceptor } from "./index.ts";

describe("createRpcMetricsInterceptor", () => {
  it("counts calls by method and code and times them", async () => {
    const registry = createMetrics({ service: "t", defaultMetrics: false });
    const transport = createRouterTransport(
      (router) => {
        router.service(StorageService, {
          getArchiveStatus(req) {
            if (req.gifId === "missing") throw new ConnectError("gone", Code.NotFound);
            return {};
          },
        });
      },
      {
        transport: { interceptors: [createRpcMetricsInterceptor({ registry, side: "client" })] },
        router: { interceptors: [createRpcMetricsInterceptor({ registry, side: "server" })] },
      },
    );
    const client = createClient(StorageService, transport);
    await client.getArchiveStatus({ gifId: "a" });
    await expect(client.getArchiveStatus({ gifId: "missing" })).rejects.toThrow("gone");
    const text = await registry.metrics();
    const labels = 'rpc_service="gifmesh.storage.v1.StorageService",rpc_method="GetArchiveStatus"';
    for (const side of ["server", "client"]) {
      expect(text).toContain(
        `gifmesh_rpc_${side}_requests_total{${labels},code="ok",service="t"} 1`,
      );
      expect(text).toContain(
        `gifmesh_rpc_${side}_requests_total{${labels},code="not_found",service="t"} 1`,
      );
      expect(text).toContain(
        `gifmesh_rpc_${side}_request_duration_seconds_count{service="t",${labels}} 2`,
      );
    }
  });
});
