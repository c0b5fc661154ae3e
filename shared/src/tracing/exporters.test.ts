import { once } from "node:events";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { TracerProvider } from "@opentelemetry/sdk-trace";
import { afterEach, describe, expect, it } from "vitest";
import { createSpanProcessors, parseTraceExporters } from "./exporters.ts";

describe("parseTraceExporters (OTEL_TRACES_EXPORTER)", () => {
  it("defaults to otlp, reads a list, and none means no export", () => {
    expect(parseTraceExporters(undefined)).toEqual(["otlp"]);
    expect(parseTraceExporters(" ")).toEqual(["otlp"]);
    expect(parseTraceExporters("otlp,zipkin")).toEqual(["otlp", "zipkin"]);
    expect(parseTraceExporters(" Zipkin , otlp,zipkin")).toEqual(["zipkin", "otlp"]);
    expect(parseTraceExporters("none")).toEqual([]);
  });

  it("refuses an exporter gifmesh does not ship, naming it", () => {
    expect(() => parseTraceExporters("otlp,jaeger")).toThrow(/unsupported exporter jaeger/);
  });
});

/** A collector stand-in: records the path and body of every POST. */
async function recorder(): Promise<{ url: string; bodies: Map<string, string>; server: Server }> {
  const bodies = new Map<string, string>();
  const server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      bodies.set(req.url ?? "", Buffer.concat(chunks).toString("latin1"));
      res.writeHead(req.url === "/api/v2/spans" ? 202 : 200).end();
    });
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${String(port)}`, bodies, server };
}

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

describe("createSpanProcessors", () => {
  it("sends one span stream to both OTLP and Zipkin", async () => {
    const otlp = await recorder();
    const zipkin = await recorder();
    servers.push(otlp.server, zipkin.server);
    const provider = new TracerProvider({
      resource: resourceFromAttributes({ "service.name": "file-worker" }),
      spanProcessors: createSpanProcessors(["otlp", "zipkin"], {
        otlpEndpoint: `${otlp.url}/`,
        zipkinEndpoint: `${zipkin.url}/api/v2/spans`,
      }),
    });
    const span = provider.getTracer("t").startSpan("S3.PutObject");
    const traceId = span.spanContext().traceId;
    span.end();
    await provider.forceFlush();
    await provider.shutdown();

    // OTLP/protobuf: the span's name is in the body (the ids are raw bytes).
    expect(otlp.bodies.get("/v1/traces")).toContain("S3.PutObject");
    // Zipkin v2 JSON: same trace id, the service as the local endpoint.
    const spans = JSON.parse(zipkin.bodies.get("/api/v2/spans") ?? "[]") as {
      traceId: string;
      name: string;
      localEndpoint: { serviceName: string };
    }[];
    expect(spans.map((s) => [s.traceId, s.name, s.localEndpoint.serviceName])).toEqual([
      [traceId, "S3.PutObject", "file-worker"],
    ]);
  });

  it("exports nothing for none", () => {
    expect(createSpanProcessors([], { otlpEndpoint: "x", zipkinEndpoint: "y" })).toEqual([]);
  });
});
