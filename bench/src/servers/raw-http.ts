// Baseline of the gateway cache-hit benchmark: a bare node:http server answering
// every request with the bytes and headers the gateway sent for the same URL
// (captured by the orchestrator into BENCH_RAW_RESPONSE, a JSON file).
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import { HTTP_SERVER_OPTIONS } from "@gifmesh/shared/http";

interface Captured {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly bodyBase64: string;
}

const captured = JSON.parse(readFileSync(process.env.BENCH_RAW_RESPONSE ?? "", "utf8")) as Captured;
const body = Buffer.from(captured.bodyBase64, "base64");
const headers = { ...captured.headers, "content-length": String(body.length) };

// The gateway's own server options, so the baseline differs from it only in the code.
const server = createServer(HTTP_SERVER_OPTIONS, (_req, res) => {
  res.writeHead(captured.status, { ...headers, date: new Date().toUTCString() }).end(body);
});
server.listen(Number(process.env.BENCH_PORT ?? 0), "127.0.0.1", () => {
  process.stdout.write(`raw http on ${JSON.stringify(server.address())}\n`);
});
process.once("SIGTERM", () => {
  server.close();
  server.closeAllConnections();
});
