// Storage's error details reach the gateway's 4xx bodies. Storage puts its stable
// code in `gifmesh-error-code` and the field in `gifmesh-error-field`; the gateway
// maps them to its own code and to the HTTP parameter in `meta.errors`. The real
// storage service runs behind the gateway (stack.ts).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startStack, type Stack } from "./stack.ts";
import { startGateway, type RunningGateway } from "./support.ts";

interface ErrorBody {
  data: unknown[];
  meta: {
    status: number;
    msg: string;
    error_code: string;
    errors?: { field: string; message: string }[];
  };
}

describe("storage errors through the gateway", () => {
  let stack: Stack;
  let gw: RunningGateway;
  beforeAll(async () => {
    stack = await startStack();
    gw = await startGateway(stack.storageUrl);
  });
  afterAll(async () => {
    await gw.close();
    await stack.stop();
  });

  it("a query valid for the gateway but not for storage is a 400 naming q", async () => {
    // 50 UTF-16 units pass the gateway's limit; lower-casing "İ" gives "i̇" (2 code
    // points), so the normalised query storage checks has 100 characters.
    const q = "İ".repeat(50);
    const res = await fetch(`${gw.url}/v1/gifs/search?q=${encodeURIComponent(q)}`);
    const body = (await res.json()) as ErrorBody;
    expect(res.status).toBe(400);
    expect(body.meta).toMatchObject({ status: 400, error_code: "REQUEST.INVALID" });
    expect(body.meta.errors).toEqual([{ field: "q", message: "must be at most 50 characters" }]);
    expect(body.meta.msg).toBe("q: must be at most 50 characters");
    expect(await gw.metric("gifmesh_rpc_client_requests_total", { code: "invalid_argument" })).toBe(
      1,
    );
  });

  it("an id unknown to storage and to Giphy is a 404 GIF.NOT_FOUND", async () => {
    const res = await fetch(`${gw.url}/v1/gifs/NoSuchGif0000000000`);
    const body = (await res.json()) as ErrorBody;
    expect(res.status).toBe(404);
    expect(body.meta).toMatchObject({ status: 404, error_code: "GIF.NOT_FOUND" });
    expect(await gw.metric("gifmesh_rpc_client_requests_total", { rpc_method: "GetGif" })).toBe(1);
    expect(stack.fixture.stats().byEndpoint.gif).toBeGreaterThanOrEqual(1);
  });

  it("Giphy rate-limiting storage becomes a 429 with Retry-After", async () => {
    stack.fixture.setFault({ status: 429, count: 1 });
    const res = await fetch(`${gw.url}/v1/gifs/search?q=rate+limited+now`);
    const body = (await res.json()) as ErrorBody;
    expect(res.status).toBe(429);
    expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(body.meta.error_code).toBe("STORAGE.RESOURCE_EXHAUSTED");
  });
});
