// Storage RPC, hostile callers, against real storage instances:
// - with STORAGE_RPC_TOKEN set, a call without the token, or with a wrong one, is
//   refused `unauthenticated` (RPC.UNAUTHENTICATED) over gRPC, gRPC-Web and Connect,
//   before its body is read; gRPC Health/Check still answers without it (kubelet
//   probes), Health/Watch does not (rpc-health-watch.test.ts has the rest);
//   with the token every call works;
// - reflection is off unless STORAGE_RPC_REFLECTION=true, and then behind the token;
// - a body declaring 40 MB (Content-Length, gRPC frame prefix, gRPC-Web frame prefix,
//   no length at all, or a gzip bomb) is refused `resource_exhausted` after at most a
//   few MiB were taken, not read whole;
// - without a token storage warns once at start that RPC is unauthenticated.
import { Writable } from "node:stream";
import { gzipSync } from "node:zlib";
import { Code, ConnectError, createClient, type Interceptor } from "@connectrpc/connect";
import { waitFor } from "@gifmesh/shared/testing";
import {
  createConnectTransport,
  createGrpcTransport,
  createGrpcWebTransport,
} from "@connectrpc/connect-node";
import {
  bearer,
  Health,
  HealthCheckResponse_ServingStatus as Serving,
  reflectionV1,
  StorageService,
} from "@gifmesh/shared/contracts";
import { createLogger } from "@gifmesh/shared/logging";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Storage } from "../../src/storage.ts";
import { UNAUTHENTICATED_CODE } from "../../src/transport/rpc/rpc-auth.ts";
import {
  createTestBed,
  createTopics,
  startTestStorage,
  testKafka,
  uniqueTopics,
  type TestBed,
} from "../helpers.ts";
import { grpcFrame, grpcStatus, grpcWebStatus, rawH2 } from "./raw-h2.ts";

const TOKEN = "test-token-0123456789abcdef";
const DECLARED = 40 * 1024 * 1024;
/** What a refusing server may have taken: the limit (1 MiB) plus HTTP/2 flow-control windows. */
const TAKEN_AT_MOST = 4 * 1024 * 1024;
const SEARCH = `/${StorageService.typeName}/SearchGifs`;

let bed: TestBed;
let guarded: Storage;
let reflecting: Storage;

const withToken =
  (token: string): Interceptor =>
  (next) =>
  (req) => {
    req.header.set("authorization", bearer(token));
    return next(req);
  };

function transports(url: string, interceptors: Interceptor[] = []) {
  return {
    grpc: createGrpcTransport({ baseUrl: url, interceptors }),
    grpcWeb: createGrpcWebTransport({ baseUrl: url, httpVersion: "2", interceptors }),
    connect: createConnectTransport({ baseUrl: url, httpVersion: "2", interceptors }),
  };
}
const PROTOCOLS = ["grpc", "grpcWeb", "connect"] as const;

async function* toAsync<T>(items: Iterable<T>): AsyncIterable<T> {
  for (const item of items) yield await Promise.resolve(item);
}

async function failure(call: Promise<unknown>): Promise<ConnectError | undefined> {
  return call.then(
    () => undefined,
    (error: unknown) => ConnectError.from(error),
  );
}

beforeAll(async () => {
  bed = await createTestBed();
  const env = {
    ...bed.env,
    GIPHY_TIMEOUT_MS: "30000",
    GIPHY_BREAKER_MIN_CALLS: "100000",
    STORAGE_RPC_TOKEN: TOKEN,
  };
  const first = await startTestStorage(env, bed.topics);
  const second = await startTestStorage({ ...env, STORAGE_RPC_REFLECTION: "true" }, bed.topics);
  guarded = first.app;
  reflecting = second.app;
});

afterAll(async () => {
  await guarded.close();
  await reflecting.close();
});

describe("authentication", () => {
  it.each(PROTOCOLS)(
    "%s: no token or a wrong one is unauthenticated, with a stable code",
    async (p) => {
      for (const interceptors of [
        [],
        [withToken("wrong-token-0123456789abcdef")],
        [withToken("")],
      ]) {
        const client = createClient(StorageService, transports(guarded.rpc.url, interceptors)[p]);
        const error = await failure(client.getArchiveStatus({ gifId: "abc" }));
        expect(error?.code, `${p} ${interceptors.length}`).toBe(Code.Unauthenticated);
        expect(error?.metadata.get("gifmesh-error-code")).toBe(UNAUTHENTICATED_CODE);
        expect(error?.rawMessage).toContain(UNAUTHENTICATED_CODE);
      }
    },
  );

  it.each(PROTOCOLS)("%s: with the token every call works", async (p) => {
    const client = createClient(StorageService, transports(guarded.rpc.url, [withToken(TOKEN)])[p]);
    const trending = await client.listTrendingGifs({ limit: 2 });
    expect(trending.gifs).toHaveLength(2);
    const id = trending.gifs[0]?.id ?? "";
    expect((await client.getGif({ id })).gif?.id).toBe(id);
    expect((await client.batchGetGifs({ ids: [id] })).gifs).toHaveLength(1);
    expect((await failure(client.getArchiveStatus({ gifId: "nope" })))?.code).toBe(Code.NotFound);
  });

  it.each(PROTOCOLS)("%s: Health/Check answers without a token, Watch does not", async (p) => {
    const health = createClient(Health, transports(guarded.rpc.url)[p]);
    await waitFor(
      "SERVING",
      async () => ((await health.check({})).status === Serving.SERVING ? true : undefined),
      10_000,
    );
    const watching = (async () => {
      for await (const _answer of health.watch({})) return;
    })();
    const error = await failure(watching);
    expect(error?.code).toBe(Code.Unauthenticated);
  });

  it("an unauthenticated call declaring 40 MB is refused before its body is read", async () => {
    const raw = rawH2(guarded.rpc.url);
    try {
      const answer = await raw.sendUntilAnswered(
        SEARCH,
        { "content-type": "application/grpc+proto", te: "trailers" },
        grpcFrame(new Uint8Array(), 0, DECLARED).subarray(0, 5),
        DECLARED,
      );
      expect(grpcStatus(answer)).toBe(Code.Unauthenticated);
      expect(answer.answeredEarly).toBe(true);
      expect(answer.bytesSent).toBeLessThan(TAKEN_AT_MOST);
    } finally {
      await raw.close();
    }
  });
});

describe("reflection", () => {
  const listServices = async (url: string, interceptors: Interceptor[]) => {
    const client = createClient(
      reflectionV1.ServerReflection,
      createGrpcTransport({ baseUrl: url, interceptors }),
    );
    const one = () => [{ messageRequest: { case: "listServices" as const, value: "" } }].values();
    const names: string[] = [];
    for await (const answer of client.serverReflectionInfo(toAsync(one()))) {
      if (answer.messageResponse.case === "listServicesResponse")
        names.push(...answer.messageResponse.value.service.map((s) => s.name));
    }
    return names;
  };

  it("is off by default", async () => {
    const error = await failure(listServices(guarded.rpc.url, [withToken(TOKEN)]));
    expect(error?.code).toBe(Code.Unimplemented);
  });

  it("when turned on, it is behind the token", async () => {
    expect((await failure(listServices(reflecting.rpc.url, [])))?.code).toBe(Code.Unauthenticated);
    expect(await listServices(reflecting.rpc.url, [withToken(TOKEN)])).toContain(
      StorageService.typeName,
    );
  });
});

describe("read limit", () => {
  const auth = { authorization: bearer(TOKEN) };
  let raw: ReturnType<typeof rawH2>;
  beforeAll(() => {
    raw = rawH2(guarded.rpc.url);
  });
  afterAll(async () => {
    await raw.close();
  });

  it.each([
    ["with Content-Length", { "content-length": String(DECLARED) }],
    ["without a length", {}],
  ])("Connect unary %s: resource_exhausted after at most a few MiB", async (_what, length) => {
    const answer = await raw.sendUntilAnswered(
      SEARCH,
      { "content-type": "application/proto", ...auth, ...length },
      new Uint8Array(),
      DECLARED,
    );
    expect(answer.answeredEarly).toBe(true);
    expect(answer.bytesSent).toBeLessThan(TAKEN_AT_MOST);
    expect(answer.status).toBe(429);
    expect((JSON.parse(answer.body.toString()) as { code: string }).code).toBe(
      "resource_exhausted",
    );
  });

  it.each([
    ["gRPC", { "content-type": "application/grpc+proto", te: "trailers" }, grpcStatus],
    [
      "gRPC-Web",
      { "content-type": "application/grpc-web+proto", "x-grpc-web": "1" },
      grpcWebStatus,
    ],
  ] as const)(
    "%s frame declaring 40 MB: resource_exhausted before the payload",
    async (_what, headers, status) => {
      const answer = await raw.sendUntilAnswered(
        SEARCH,
        { ...headers, ...auth },
        grpcFrame(new Uint8Array(), 0, DECLARED).subarray(0, 5),
        DECLARED,
      );
      expect(answer.answeredEarly).toBe(true);
      expect(answer.bytesSent).toBeLessThan(TAKEN_AT_MOST);
      expect(status(answer)).toBe(Code.ResourceExhausted);
    },
  );

  it("a 40 KB gzip frame inflating to 40 MB is resource_exhausted", async () => {
    const bomb = gzipSync(Buffer.alloc(DECLARED));
    expect(bomb.length).toBeLessThan(100 * 1024);
    const answer = await raw.request(
      SEARCH,
      {
        "content-type": "application/grpc+proto",
        te: "trailers",
        "grpc-encoding": "gzip",
        ...auth,
      },
      grpcFrame(bomb, 1),
    );
    expect(grpcStatus(answer)).toBe(Code.ResourceExhausted);
  });

  it("a normal request still works on the same connection", async () => {
    const client = createClient(
      StorageService,
      transports(guarded.rpc.url, [withToken(TOKEN)]).grpc,
    );
    expect((await client.listTrendingGifs({ limit: 1 })).gifs).toHaveLength(1);
  });
});

describe("without a token", () => {
  it("storage warns once at start that RPC is unauthenticated", async () => {
    const lines: string[] = [];
    const logger = createLogger({
      service: "storage-test",
      level: "warn",
      stream: new Writable({
        write: (chunk: Buffer, _e, cb) => {
          lines.push(chunk.toString());
          cb();
        },
      }),
    });
    const topics = uniqueTopics();
    await createTopics(testKafka(), topics);
    const { app, abort } = await startTestStorage(bed.env, topics, logger);
    try {
      const warnings = lines.filter((l) => l.includes("storage rpc is unauthenticated"));
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).not.toContain(TOKEN);
      // Open, as in local/dev mode: a call without a token is served.
      const client = createClient(StorageService, transports(app.rpc.url).grpc);
      expect((await failure(client.getArchiveStatus({ gifId: "nope" })))?.code).toBe(Code.NotFound);
    } finally {
      abort.abort();
      await app.close();
    }
  });
});
