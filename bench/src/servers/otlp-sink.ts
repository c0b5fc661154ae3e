// Stand-in for the production configuration's OpenTelemetry Collector: accepts
// OTLP/HTTP exports (POST /v1/traces, protobuf or JSON) and discards them. In
// production the collector runs in its own pods, so the gateway pays for making
// and sending spans, not for ingesting them; the local Jaeger and Zipkin would put
// their ingest on the bench's 2 cores. GET /stats reports what arrived.
import { createServer } from "node:http";

let exports = 0;
let bytes = 0;
const server = createServer((req, res) => {
  if (req.method === "GET" && req.url === "/stats") {
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ exports, bytes }));
    return;
  }
  req.on("data", (chunk: Buffer) => (bytes += chunk.length));
  req.on("end", () => {
    exports++;
    // An empty ExportTraceServiceResponse: zero bytes in protobuf, {} in JSON.
    const json = (req.headers["content-type"] ?? "").includes("json");
    res.writeHead(200, { "content-type": json ? "application/json" : "application/x-protobuf" });
    res.end(json ? "{}" : "");
  });
});
server.listen(Number(process.env.BENCH_PORT ?? 0), "127.0.0.1", () => {
  process.stdout.write(`otlp sink on ${JSON.stringify(server.address())}\n`);
});
process.once("SIGTERM", () => {
  server.close();
  server.closeAllConnections();
});
