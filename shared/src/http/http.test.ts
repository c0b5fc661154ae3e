// The shared HTTP server rule: idle connections are kept longer than clients keep
// them (advertised in Keep-Alive), and closing does not wait out that long timeout.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, describe, expect, it } from "vitest";
import { closeServer, HTTP_SERVER_OPTIONS, KEEP_ALIVE_TIMEOUT_MS } from "./index.ts";

let server: Server | undefined;
afterEach(() => {
  server?.closeAllConnections();
  server?.close();
});

async function listen(delayMs: number): Promise<string> {
  const created = createServer(HTTP_SERVER_OPTIONS, (_req, res) => {
    setTimeout(() => res.end("ok"), delayMs);
  });
  server = created;
  await new Promise<void>((resolve) => created.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(created.address() as AddressInfo).port}/`;
}

describe("HTTP_SERVER_OPTIONS", () => {
  it("keeps idle connections for a minute and tells clients so", async () => {
    const url = await listen(0);
    const res = await fetch(url);
    await res.text();
    expect(res.headers.get("keep-alive")).toBe(`timeout=${KEEP_ALIVE_TIMEOUT_MS / 1_000}`);
    expect(KEEP_ALIVE_TIMEOUT_MS).toBeGreaterThan(60_000); // a load balancer's idle timeout
    expect(server?.headersTimeout).toBeGreaterThan(KEEP_ALIVE_TIMEOUT_MS);
  });
});

describe("closeServer", () => {
  it("answers the request in flight, then closes its connection instead of idling 65 s", async () => {
    const url = await listen(300);
    await (await fetch(url)).text(); // leaves one idle keep-alive connection
    const inFlight = fetch(url).then((res) => res.text());
    await sleep(50);
    const running = server;
    if (running === undefined) throw new Error("no server");
    const closed = closeServer(running);
    expect(await inFlight).toBe("ok");
    // Plain server.close() would wait for this connection's keep-alive timeout (65 s),
    // far past the test's 5 s timeout.
    await closed;
    expect(running.listening).toBe(false);
  });

  it("treats an already closed server as closed", async () => {
    await listen(0);
    const running = server;
    if (running === undefined) throw new Error("no server");
    await closeServer(running);
    await expect(closeServer(running)).resolves.toBeUndefined();
  });
});
