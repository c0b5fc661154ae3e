// Gateway → storage authentication end to end: the real storage service with
// STORAGE_RPC_TOKEN set (it refuses every call without `authorization: Bearer
// <token>`), and gateways with the right token, a wrong one and none. The right
// token serves; a wrong or missing one is the operator's mistake, not the
// client's: 503 STORAGE.UNAUTHENTICATED with an error log, the gateway (main.ts)
// is not ready, and the token never appears in a log or an answer.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGatewayProcess, startStack, type Stack } from "./stack.ts";
import { startGateway, type RunningGateway } from "./support.ts";

const TOKEN = `storage-token-${randomBytes(16).toString("hex")}`;
const WRONG = `wrong-token-${randomBytes(16).toString("hex")}`;
let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ storageToken: TOKEN });
});
afterAll(() => stack.stop());

const search = (gw: { url: string }) => fetch(`${gw.url}/v1/gifs/search?q=happy%20cat&limit=2`);

describe("with storage's token", () => {
  let gw: RunningGateway;
  beforeAll(async () => {
    gw = await startGateway(stack.storageUrl, { STORAGE_RPC_TOKEN: TOKEN, LOG_LEVEL: "info" });
  });
  afterAll(() => gw.close());

  it("searches through storage, and logs no token", async () => {
    const res = await search(gw);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { data: unknown[] }).data).toHaveLength(2);
    expect(gw.logs()).not.toContain(TOKEN);
  });
});

describe("without the right token", () => {
  it.each([
    ["a wrong token", { STORAGE_RPC_TOKEN: WRONG }],
    ["no token", {}],
  ])("with %s: 503 STORAGE.UNAUTHENTICATED, logged as an error", async (_, env) => {
    const gw = await startGateway(stack.storageUrl, { ...env, LOG_LEVEL: "info" });
    try {
      const res = await search(gw);
      const text = await res.text();
      expect(res.status).toBe(503);
      expect(
        (JSON.parse(text) as { meta: { error_code: string; msg: string } }).meta,
      ).toMatchObject({ error_code: "STORAGE.UNAUTHENTICATED", msg: "service unavailable" });
      const errorLine = gw
        .logs()
        .split("\n")
        .find((line) => line.includes('"level":"error"'));
      expect(errorLine).toContain("STORAGE.UNAUTHENTICATED");
      for (const secret of [TOKEN, WRONG]) {
        expect(text).not.toContain(secret);
        expect(gw.logs()).not.toContain(secret);
      }
    } finally {
      await gw.close();
    }
  });

  it("as deployed (main.ts) with a wrong token: live, never ready", async () => {
    const gw = await startGatewayProcess(
      stack.storageUrl,
      { STORAGE_RPC_TOKEN: WRONG },
      { until: "live" },
    );
    try {
      // Give the readiness probe time to run against storage.
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      const ready = await fetch(`${gw.adminUrl}/readyz`);
      const body = (await ready.json()) as { status: string; failing?: string[] };
      expect(ready.status).toBe(503);
      expect(body.failing).toContain("storage");
      expect(gw.logs()).not.toContain(WRONG);
    } finally {
      await gw.stop();
    }
  });
});
