// Abuse of the gateway's own protections, over real HTTP, with the real storage
// service (stack.ts), the shared Redis and S3. One case per class of abuse the
// gateway must withstand:
// - cache-size abuse: orders and subsets of one id list must neither multiply
//   cache entries nor grow L1 past CACHE_L1_MAX_BYTES;
// - spoofed X-Forwarded-For: behind one proxy, the client's left-most entries do
//   not choose its rate-limit bucket (nor its failed-key bucket);
// - API-key brute force: after API_KEY_FAILURE_MAX wrong keys the client IP gets
//   429, even with the right key, on every instance; no attempted key is logged;
// - media error caching: whatever path is asked under /media, only a successful
//   answer for a stored object is cacheable.
// Every client address is random per run: the shared Redis keeps windows for a minute.
import { randomBytes, randomInt } from "node:crypto";
import fc from "fast-check";
import { contentAddressedKey } from "@gifmesh/shared/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startStack, type Stack } from "../stack.ts";
import { putArchived, startGateway, testS3, type RunningGateway } from "../support.ts";
import { hostilePath } from "./hostile-inputs.ts";

const SEED = 20_261_202;
let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack.stop());

/** A documentation-range address nobody else in the shared Redis uses this run. */
const randomIp = () => `198.18.${String(randomInt(256))}.${String(randomInt(1, 255))}`;
const spoofedFor = (client: string) => ({
  "x-forwarded-for": `${randomIp()}, 10.${String(randomInt(256))}.0.1, ${client}`,
});

describe("cache-size abuse through /v1/gifs?ids=", () => {
  let gw: RunningGateway;
  let ids: string[] = [];
  beforeAll(async () => {
    gw = await startGateway(stack.storageUrl, {
      PUBLIC_BASE_URL: `http://abuse-${randomBytes(4).toString("hex")}.example`,
      CACHE_L1_MAX_BYTES: String(1024 * 1024),
      RATE_LIMIT_MAX: "1000000",
    });
    const trending = (await (await fetch(`${gw.url}/v1/gifs/trending?limit=25`)).json()) as {
      data: { id: string }[];
    };
    ids = trending.data.map((g) => g.id);
    expect(ids.length).toBe(25);
  });
  afterAll(() => gw.close());

  const batchGets = () =>
    gw.metric("gifmesh_rpc_client_requests_total", { rpc_method: "BatchGetGifs" });

  it("answers 100 orders of the same ids from one storage call, each in the order asked", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.shuffledSubarray(ids, { minLength: 25, maxLength: 25 }),
        async (order) => {
          const res = await fetch(`${gw.url}/v1/gifs?ids=${order.join(",")}`);
          const body = (await res.json()) as { data: { id: string }[] };
          expect(body.data.map((g) => g.id)).toEqual(order);
        },
      ),
      { seed: SEED, numRuns: 100 },
    );
    expect(await batchGets()).toBe(1);
  });

  it("keeps L1 within CACHE_L1_MAX_BYTES when every request asks a different set", async () => {
    for (let drop = 0; drop < ids.length; drop++) {
      const res = await fetch(
        `${gw.url}/v1/gifs?ids=${ids.filter((_, i) => i !== drop).join(",")}`,
      );
      expect(res.status).toBe(200);
      await res.arrayBuffer();
    }
    expect(await batchGets()).toBe(1 + ids.length);
    const bytes = await gw.metric("gifmesh_gateway_cache_l1_bytes");
    expect(bytes).toBeGreaterThan(0);
    expect(bytes).toBeLessThanOrEqual(1024 * 1024);
    expect(await gw.metric("gifmesh_gateway_cache_l1_entries")).toBeLessThan(1 + ids.length);
  });
});

describe("spoofed X-Forwarded-For behind one proxy (TRUST_PROXY=true)", () => {
  let gw: RunningGateway;
  beforeAll(async () => {
    gw = await startGateway(stack.storageUrl, { TRUST_PROXY: "true", RATE_LIMIT_MAX: "3" });
  });
  afterAll(() => gw.close());

  it("keeps one rate-limit bucket per real client, whatever it writes on the left", async () => {
    const client = randomIp();
    const statuses = [];
    for (let i = 0; i < 5; i++)
      statuses.push(
        (await fetch(`${gw.url}/v1/gifs/trending?limit=1`, { headers: spoofedFor(client) })).status,
      );
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    const other = await fetch(`${gw.url}/v1/gifs/trending?limit=1`, {
      headers: spoofedFor(randomIp()),
    });
    expect(other.status).toBe(200);
  });
});

describe("API-key brute force", () => {
  const key = `key-${randomBytes(12).toString("hex")}`;
  const env = {
    GATEWAY_API_KEYS: key,
    TRUST_PROXY_HOPS: "1",
    API_KEY_FAILURE_MAX: "3",
    API_KEY_FAILURE_WINDOW_MS: "60s",
    LOG_LEVEL: "info",
  };
  let a: RunningGateway;
  let b: RunningGateway;
  beforeAll(async () => {
    a = await startGateway(stack.storageUrl, env);
    b = await startGateway(stack.storageUrl, env);
  });
  afterAll(async () => {
    await a.close();
    await b.close();
  });

  const attempt = (gw: RunningGateway, client: string, tried: string, path = "/v1/gifs/trending") =>
    fetch(`${gw.url}${path}?api_key=${encodeURIComponent(tried)}`, {
      headers: spoofedFor(client),
    });

  it("refuses the client IP after 3 wrong keys, the right key included, on every instance", async () => {
    const attacker = randomIp();
    const guesses = Array.from({ length: 3 }, () => `guess-${randomBytes(8).toString("hex")}`);
    const statuses = [];
    for (const guess of guesses) statuses.push((await attempt(a, attacker, guess)).status);
    expect(statuses).toEqual([403, 403, 403]);

    const right = await attempt(a, attacker, key);
    expect(right.status).toBe(429);
    expect(Number(right.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(((await right.json()) as { meta: { error_code: string } }).meta.error_code).toBe(
      "AUTH.TOO_MANY_FAILURES",
    );
    // The id route of /media counts and refuses the same way.
    expect((await attempt(a, attacker, key, "/media/gifs/someGifId")).status).toBe(429);
    // The other instance refuses at the attacker's first wrong key there.
    expect((await attempt(b, attacker, "one-more")).status).toBe(429);
    // Everyone else is untouched.
    expect((await attempt(a, randomIp(), key)).status).toBe(200);
    for (const logs of [a.logs(), b.logs()])
      for (const tried of [...guesses, "one-more", key]) expect(logs).not.toContain(tried);
  });
});

describe("media answers that caches keep", () => {
  let gw: RunningGateway;
  let stored = "";
  beforeAll(async () => {
    const s3 = testS3();
    ({ key: stored } = await putArchived(s3, randomBytes(256)));
    s3.destroy();
    gw = await startGateway(stack.storageUrl, { RATE_LIMIT_MAX: "1000000" });
  });
  afterAll(() => gw.close());

  it("are only successful answers for stored objects: every error is no-store", async () => {
    const paths = fc.oneof(
      hostilePath.filter((p) => p.startsWith("/media/")),
      fc
        .stringMatching(/^[0-9a-f]{64}$/)
        .map((h) => `/media/${contentAddressedKey(h, "image/gif")}`),
      fc.constant(`/media/${stored}`),
    );
    await fc.assert(
      fc.asyncProperty(
        paths,
        fc.constantFrom(undefined, "bytes=0-9", "bytes=999999-"),
        async (path, range) => {
          const res = await fetch(`${gw.url}${path}`, {
            redirect: "manual",
            headers: range === undefined ? {} : { range },
          });
          await res.arrayBuffer();
          const cc = res.headers.get("cache-control");
          if (res.status >= 400) expect(cc, `${path} ${String(res.status)}`).toBe("no-store");
          else if (cc?.includes("immutable")) expect(path).toBe(`/media/${stored}`);
        },
      ),
      { seed: SEED, numRuns: 150 },
    );
  });
});
