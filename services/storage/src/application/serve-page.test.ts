// The freshness policy every stored answer follows, against an in-memory catalogue:
// fresh → PostgreSQL, no Giphy call; stale or missing → Giphy, stored; Giphy down →
// the last stored answer as DATABASE_STALE; otherwise the error as it was.
import { describe, expect, it } from "vitest";
import { StorageError } from "../domain/errors.ts";
import { fakeClock, gifMetadata, memoryCatalog, storedGif, T0 } from "../testing/fake-ports.ts";
import { servePage, type FetchedAnswer, type ServePageInput } from "./serve-page.ts";
import { UnreadablePayload } from "./stored-answers.ts";

const TTL_SECONDS = 300;
const KEY = "search:cats";

function setup(storedAgeSeconds?: number) {
  const clock = fakeClock(T0);
  const store = memoryCatalog(clock);
  if (storedAgeSeconds !== undefined)
    store.results.set(KEY, {
      gifs: [storedGif("old1"), storedGif("old2")],
      totalCount: 120,
      fetchedAt: new Date(T0.getTime() - storedAgeSeconds * 1000),
      payload: { shape: "stored" },
    });
  const fetched: FetchedAnswer = {
    gifs: [gifMetadata("new1")],
    totalCount: 7,
    offset: 25,
    payload: { shape: "fresh" },
  };
  let giphyCalls = 0;
  const stale: unknown[] = [];
  const input = (
    fetch: () => Promise<FetchedAnswer> = () => Promise.resolve(fetched),
  ): ServePageInput<unknown> => ({
    key: KEY,
    offset: 25,
    ttlSeconds: TTL_SECONDS,
    traceHeaders: { traceparent: "00-abc-def-01" },
    fetch: () => {
      giphyCalls += 1;
      return fetch();
    },
    onStale: (error) => stale.push(error),
    read: (payload) => payload,
  });
  return { clock, store, input, stale, giphyCalls: () => giphyCalls };
}

describe("servePage", () => {
  it("serves a stored answer younger than its TTL from the database, without asking Giphy", async () => {
    const s = setup(TTL_SECONDS - 1);
    const page = await servePage(s, s.input());
    expect(page).toMatchObject({
      source: "database",
      totalCount: 120,
      offset: 25,
      value: { shape: "stored" },
    });
    expect(page.gifs.map((gif) => gif.id)).toEqual(["old1", "old2"]);
    expect(s.giphyCalls()).toBe(0);
    expect(s.store.saves).toEqual([]);
  });

  it("asks Giphy once the stored answer is as old as its TTL, and stores the answer", async () => {
    const s = setup(TTL_SECONDS);
    const page = await servePage(s, s.input());
    expect(page).toMatchObject({ source: "giphy", totalCount: 7, offset: 25 });
    expect(page.value).toEqual({ shape: "fresh" });
    expect(page.gifs.map((gif) => gif.id)).toEqual(["new1"]);
    expect(page.gifs[0]?.archive).toEqual({ kind: "pending", requestedAt: T0 });
    expect(s.giphyCalls()).toBe(1);
    expect(s.store.saves).toMatchObject([
      {
        key: KEY,
        totalCount: 7,
        payload: { shape: "fresh" },
        traceHeaders: { traceparent: "00-abc-def-01" },
      },
    ]);
    expect(s.store.archiveRequests).toEqual(["new1"]);
    // Stored under the key: the next call within the TTL is the database's.
    expect((await servePage(s, s.input())).source).toBe("database");
    expect(s.giphyCalls()).toBe(1);
  });

  it("asks Giphy when nothing is stored", async () => {
    const s = setup();
    expect((await servePage(s, s.input())).source).toBe("giphy");
    expect(s.giphyCalls()).toBe(1);
  });

  for (const code of [
    "GIPHY.UNAVAILABLE",
    "GIPHY.RATE_LIMITED",
    "GIPHY.BAD_RESPONSE",
    "GIPHY.UNAUTHORIZED",
  ] as const)
    it(`serves the stale stored answer as DATABASE_STALE when Giphy fails with ${code}`, async () => {
      const s = setup(86_400);
      const outage = new StorageError(code, "giphy down");
      const page = await servePage(
        s,
        s.input(() => Promise.reject(outage)),
      );
      expect(page).toMatchObject({
        source: "database_stale",
        totalCount: 120,
        value: { shape: "stored" },
      });
      expect(page.gifs.map((gif) => gif.id)).toEqual(["old1", "old2"]);
      expect(s.stale).toEqual([outage]);
      expect(s.store.saves).toEqual([]);
    });

  it.each([
    [
      "fails with Giphy's error when Giphy is down and nothing is stored",
      undefined,
      "GIPHY.UNAVAILABLE",
    ],
    ["does not cover Giphy refusing the request itself with stale data", 86_400, "GIPHY.REJECTED"],
  ] as const)("%s", async (_title, storedAgeSeconds, code) => {
    const s = setup(storedAgeSeconds);
    const error = new StorageError(code, "giphy said no");
    await expect(
      servePage(
        s,
        s.input(() => Promise.reject(error)),
      ),
    ).rejects.toBe(error);
    expect(s.stale).toEqual([]);
  });

  it("fails with DATABASE.UNAVAILABLE, without asking Giphy, when PostgreSQL is down", async () => {
    const s = setup(1);
    s.store.failWith = new StorageError("DATABASE.UNAVAILABLE", "postgres down");
    await expect(servePage(s, s.input())).rejects.toMatchObject({ code: "DATABASE.UNAVAILABLE" });
    expect(s.giphyCalls()).toBe(0);
  });

  it("fails when Giphy answered but the answer cannot be stored", async () => {
    const s = setup(86_400);
    const down = new StorageError("DATABASE.UNAVAILABLE", "postgres down");
    const fetch = () => {
      s.store.failWith = down;
      return Promise.resolve({ gifs: [gifMetadata("new1")], totalCount: 1, offset: 0 });
    };
    await expect(servePage(s, s.input(fetch))).rejects.toBe(down);
  });

  it("treats a stored answer it cannot read as none: Giphy is asked, never the stale row served", async () => {
    const s = setup(1);
    const page = await servePage(s, {
      ...s.input(),
      read: (payload) => {
        if ((payload as { shape?: string }).shape === "stored")
          throw new UnreadablePayload("written by another version");
        return payload;
      },
    });
    expect(page.source).toBe("giphy");
    expect(s.giphyCalls()).toBe(1);
  });

  it("serves stored pages of plain GIFs without a reader (value undefined)", async () => {
    const s = setup(1);
    const withReader = s.input();
    const page = await servePage(s, {
      key: withReader.key,
      offset: withReader.offset,
      ttlSeconds: withReader.ttlSeconds,
      traceHeaders: withReader.traceHeaders,
      fetch: withReader.fetch,
    });
    expect(page.source).toBe("database");
    expect(page.value).toBeUndefined();
  });
});
