// The "done when" of storage against real PostgreSQL, real Kafka and the Giphy
// fixture: search stores and emits archive requests with traceparent, TTL avoids
// Giphy calls, Giphy failures give stale data or the right code, every RPC works
// over gRPC, gRPC-Web and Connect, and invalid arguments name their field.
import { fromBinary } from "@bufbuild/protobuf";
import { Code, ConnectError, createClient, type Transport } from "@connectrpc/connect";
import { waitFor } from "@gifmesh/shared/testing";
import {
  createConnectTransport,
  createGrpcTransport,
  createGrpcWebTransport,
} from "@connectrpc/connect-node";
import type { FixtureServer } from "@gifmesh/giphy-fixture";
import {
  ArchiveRequestedSchema,
  Rating,
  ResultSource,
  StorageService,
} from "@gifmesh/shared/contracts";
import { headersToStrings } from "@gifmesh/shared/kafka";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Storage } from "../src/storage.ts";
import { collectTopic, createTestBed, startTestStorage, type TestBed } from "./helpers.ts";

const TRACEPARENT = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
let fixture: FixtureServer;
let env: TestBed["env"];
let topics: TestBed["topics"];
let app: Storage;
let collector: Awaited<ReturnType<typeof collectTopic>>;

async function codeOf(promise: Promise<unknown>): Promise<ConnectError> {
  try {
    await promise;
  } catch (error) {
    return ConnectError.from(error);
  }
  throw new Error("expected the call to fail");
}

beforeAll(async () => {
  const bed = await createTestBed();
  ({ fixture, env, topics } = bed);
  ({ app } = await startTestStorage(
    {
      ...env,
      GIPHY_TIMEOUT_MS: "1500",
      GIPHY_RETRIES: "1",
      GIPHY_BREAKER_MIN_CALLS: "100000",
      SEARCH_TTL_SECONDS: "300",
    },
    topics,
  ));
  collector = await collectTopic(bed.kafka, topics.requested);
});

afterAll(async () => {
  await app.close();
  await collector.stop();
});

beforeEach(() => {
  fixture.reset();
});

const transports = (): { grpc: Transport; connect: Transport; grpcWeb: Transport } => ({
  grpc: createGrpcTransport({ baseUrl: app.rpc.url }),
  connect: createConnectTransport({ baseUrl: app.rpc.url, httpVersion: "2" }),
  grpcWeb: createGrpcWebTransport({ baseUrl: app.rpc.url, httpVersion: "2" }),
});

describe("search", () => {
  it("stores GIFs and the result, and emits one decodable archive.requested per new GIF with traceparent", async () => {
    const client = createClient(StorageService, transports().grpc);
    const res = await client.searchGifs(
      { query: "Happy  Otter", limit: 5 },
      { headers: { traceparent: TRACEPARENT } },
    );
    expect(res.source).toBe(ResultSource.GIPHY);
    expect(res.gifs).toHaveLength(5);
    expect(res.gifs.every((gif) => gif.archive?.state.case === "pending")).toBe(true);
    const original = res.gifs[0]?.renditions.find((r) => r.name === "original");
    expect(original?.url).toContain(`${fixture.url}/media/`);

    const ids = res.gifs.map((gif) => gif.id);
    const messages = await waitFor(
      "5 archive requests",
      () => (collector.messages.length >= 5 ? collector.messages : undefined),
      15_000,
    );
    const decoded = messages.map((m) => ({
      key: m.key?.toString(),
      event: fromBinary(ArchiveRequestedSchema, m.value ?? Buffer.alloc(0)),
      headers: headersToStrings(m.headers),
    }));
    expect(decoded.map((d) => d.key).sort()).toEqual([...ids].sort());
    for (const d of decoded) {
      expect(d.event.gifId).toBe(d.key);
      expect(d.event.rendition).toBe("original");
      expect(d.event.sourceUrl).toMatch(/\/media\/.+\/giphy\.gif/);
      expect(d.event.schemaVersion).toBe(1);
      expect(d.headers.traceparent).toMatch(
        /^00-0af7651916cd43dd8448eb211c80319c-[0-9a-f]{16}-01$/,
      );
    }

    // Same GIFs again through another query page: no second archive request.
    await client.searchGifs({
      query: "happy otter",
      limit: 5,
      lang: "en",
      rating: Rating.UNSPECIFIED,
    });
    const again = await client.searchGifs({ query: "otter happy", limit: 8 });
    expect(again.source).toBe(ResultSource.GIPHY);
    const newIds = again.gifs.map((g) => g.id).filter((id) => !ids.includes(id));
    await waitFor(
      "archive requests of new GIFs",
      () => (collector.messages.length >= 5 + newIds.length ? true : undefined),
      15_000,
    );
    const keys = collector.messages.map((m) => m.key?.toString());
    expect(new Set(keys).size).toBe(keys.length);
  });

  it("answers a repeated search within the TTL from PostgreSQL without calling Giphy", async () => {
    const client = createClient(StorageService, transports().connect);
    const first = await client.searchGifs({ query: "sleepy panda", limit: 3 });
    expect(fixture.stats().byEndpoint.search).toBe(1);
    const second = await client.searchGifs({ query: "  SLEEPY   panda ", limit: 3 });
    expect(second.source).toBe(ResultSource.DATABASE);
    expect(second.gifs.map((g) => g.id)).toEqual(first.gifs.map((g) => g.id));
    expect(fixture.stats().byEndpoint.search).toBe(1);
  });
});

describe("giphy failures", () => {
  it.each([
    ["429", { status: 429 as const }, Code.ResourceExhausted],
    ["500", { status: 500 as const }, Code.Unavailable],
    ["503", { status: 503 as const }, Code.Unavailable],
    ["timeout", { latencyMs: 2_000 }, Code.Unavailable],
    ["synthetic", { synthetic: true }, Code.Unavailable],
    ["malformed", { malformed: true }, Code.Unavailable],
  ])("%s without stored data gives the right code", async (_name, fault, code) => {
    fixture.setFault(fault);
    const client = createClient(StorageService, transports().grpc);
    const error = await codeOf(client.searchGifs({ query: `robot ${_name}`, limit: 2 }));
    expect(error.code).toBe(code);
    expect(error.message).not.toContain(fixture.apiKey);
  });

  it("serves the last stored result, marked stale, when Giphy fails after the TTL", async () => {
    // TTL 0 on a second instance sharing the database: every search goes to Giphy first.
    const { app: eager, abort: stop } = await startTestStorage(
      {
        ...env,
        SEARCH_TTL_SECONDS: "0",
        TRENDING_TTL_SECONDS: "0",
        GIPHY_RETRIES: "0",
        GIPHY_TIMEOUT_MS: "1500",
      },
      topics,
    );
    try {
      const client = createClient(StorageService, createGrpcTransport({ baseUrl: eager.rpc.url }));
      const fresh = await client.searchGifs({ query: "ninja dance", limit: 4 });
      const trending = await client.listTrendingGifs({ limit: 3 });
      for (const fault of [
        { status: 429 as const },
        { status: 500 as const },
        { synthetic: true },
        { latencyMs: 2_000 },
      ]) {
        fixture.setFault(fault);
        const stale = await client.searchGifs({ query: "ninja dance", limit: 4 });
        expect(stale.source).toBe(ResultSource.DATABASE_STALE);
        expect(stale.gifs.map((g) => g.id)).toEqual(fresh.gifs.map((g) => g.id));
        const staleTrending = await client.listTrendingGifs({ limit: 3 });
        expect(staleTrending.source).toBe(ResultSource.DATABASE_STALE);
        expect(staleTrending.gifs.map((g) => g.id)).toEqual(trending.gifs.map((g) => g.id));
      }
    } finally {
      stop.abort();
      await eager.close();
    }
  });
});

describe("every RPC over every protocol", () => {
  it.each([
    ["grpc", 201],
    ["connect", 202],
    ["grpcWeb", 203],
  ] as const)("%s", async (protocol, index) => {
    const transport = transports()[protocol];
    const client = createClient(StorageService, transport);
    const search = await client.searchGifs({ query: `wizard ${protocol}`, limit: 3 });
    expect(search.gifs.length).toBeGreaterThan(0);
    const trending = await client.listTrendingGifs({ limit: 4, rating: Rating.PG_13 });
    expect(trending.gifs).toHaveLength(4);
    const unknownToDb = fixture.catalogue.all[index]?.id ?? "";
    const one = await client.getGif({ id: unknownToDb });
    expect(one.gif?.id).toBe(unknownToDb);
    expect(one.source).toBe(ResultSource.GIPHY);
    expect((await client.getGif({ id: unknownToDb })).source).toBe(ResultSource.DATABASE);
    const ids = [search.gifs[0]?.id ?? "", fixture.catalogue.all[300]?.id ?? "", "NoSuchGif123"];
    const batch = await client.batchGetGifs({ ids });
    expect(batch.gifs.map((g) => g.id)).toEqual(ids.slice(0, 2));
    expect(batch.missingIds).toEqual(["NoSuchGif123"]);
    const status = await client.getArchiveStatus({ gifId: unknownToDb });
    expect(status.archive?.state.case).toBe("pending");
    expect((await codeOf(client.getGif({ id: "NoSuchGif123" }))).code).toBe(Code.NotFound);
    expect((await codeOf(client.getArchiveStatus({ gifId: "NoSuchGif123" }))).code).toBe(
      Code.NotFound,
    );
  });
});

describe("invalid arguments name the field", () => {
  it.each([
    ["query", { query: "" }],
    ["query", { query: "x".repeat(51) }],
    ["limit", { query: "cat", limit: 51 }],
    ["offset", { query: "cat", offset: 5000 }],
    // eslint-disable-next-line @typescript-eslint/no-unsafe-enum-assignment -- an out-of-range enum number on purpose
    ["rating", { query: "cat", rating: 99 as Rating }],
    ["lang", { query: "cat", lang: "english" }],
  ])("search %s", async (field, req) => {
    const error = await codeOf(createClient(StorageService, transports().grpc).searchGifs(req));
    expect(error.code).toBe(Code.InvalidArgument);
    expect(error.message).toContain(field);
    expect(error.metadata.get("gifmesh-error-field")).toBe(field);
  });

  it("batch ids: too many and malformed", async () => {
    const client = createClient(StorageService, transports().connect);
    const tooMany = await codeOf(
      client.batchGetGifs({ ids: Array.from({ length: 101 }, (_, i) => `id${i}`) }),
    );
    expect(tooMany.code).toBe(Code.InvalidArgument);
    expect(tooMany.metadata.get("gifmesh-error-field")).toBe("ids");
    const malformed = await codeOf(client.batchGetGifs({ ids: ["ok", "../etc/passwd"] }));
    expect(malformed.code).toBe(Code.InvalidArgument);
    expect(malformed.metadata.get("gifmesh-error-field")).toBe("ids[1]");
    expect((await codeOf(client.getGif({ id: "" }))).code).toBe(Code.InvalidArgument);
  });
});
