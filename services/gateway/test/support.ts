// Helpers for the gateway's integration tests: a gateway HTTP server on a free
// port wired to real Redis and S3 (config from the environment of
// scripts/infra/env.sh), and storage backends that tests choose.
import { createHash } from "node:crypto";
import { createServer } from "node:net";
import { PassThrough } from "node:stream";
import type { AddressInfo } from "node:net";
import { PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { serve } from "@hono/node-server";
import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError, createClient, createRouterTransport } from "@connectrpc/connect";
import { loadConfig } from "@gifmesh/shared/config";
import { GifSchema, Rating, StorageService, type Gif } from "@gifmesh/shared/contracts";
import { createLogger } from "@gifmesh/shared/logging";
import { createMetrics, type Registry } from "@gifmesh/shared/metrics";
import type { FixtureServer, GifSpec } from "@gifmesh/giphy-fixture";
import { gatewayConfigSchema } from "../src/config.ts";
import { buildGateway } from "../src/gateway.ts";
import { createRedisClient } from "../src/infrastructure/redis-client.ts";
import { createS3 } from "../src/infrastructure/s3-client.ts";
import type { StorageClient } from "../src/infrastructure/storage-transport.ts";

export const env = process.env;

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer().listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as AddressInfo;
      srv.close(() => {
        resolve(port);
      });
    });
    srv.on("error", reject);
  });
}

export function testS3(): S3Client {
  return createS3({
    endpoint: env.S3_ENDPOINT ?? "http://127.0.0.1:9000",
    region: env.S3_REGION ?? "us-east-1",
    accessKeyId: env.S3_ACCESS_KEY_ID ?? "gifmesh",
    secretAccessKey: env.S3_SECRET_ACCESS_KEY ?? "gifmesh-secret",
    forcePathStyle: true,
  });
}

/** Puts bytes under their content-addressed key; returns key and hash. */
export async function putArchived(
  s3: S3Client,
  bytes: Uint8Array,
): Promise<{ key: string; sha256: string }> {
  const sha256 = createHash("sha256").update(bytes).digest("hex");
  const key = `sha256/${sha256.slice(0, 2)}/${sha256.slice(2, 4)}/${sha256}.gif`;
  await s3.send(
    new PutObjectCommand({
      Bucket: env.S3_BUCKET ?? "gifmesh",
      Key: key,
      Body: bytes,
      ContentType: "image/gif",
    }),
  );
  return { key, sha256 };
}

export interface RunningGateway {
  readonly url: string;
  readonly registry: Registry;
  metric(name: string, labels?: Record<string, string>): Promise<number>;
  close(): Promise<void>;
}

/** Starts the real gateway (buildGateway + @hono/node-server) on a free port. */
export async function startGateway(
  storage: StorageClient,
  overrides: Record<string, string> = {},
): Promise<RunningGateway> {
  const port = await freePort();
  const config = loadConfig(gatewayConfigSchema, {
    ...env,
    OTEL_SDK_DISABLED: "true",
    PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
    ...overrides,
  });
  const logger = createLogger({ service: "gateway", level: "error", stream: new PassThrough() });
  const registry = createMetrics({ service: "gateway", defaultMetrics: false });
  const redis = createRedisClient({
    url: config.REDIS_URL,
    commandTimeoutMs: config.REDIS_COMMAND_TIMEOUT_MS,
  });
  redis.on("error", () => undefined);
  const s3 = testS3();
  const { app } = buildGateway({ config, logger, registry, redis, s3, storage });
  const server = serve({ fetch: app.fetch, hostname: "127.0.0.1", port });
  await new Promise<void>((resolve) => {
    server.once("listening", () => {
      resolve();
    });
  });
  await new Promise<void>((resolve) => {
    if (redis.status === "ready") resolve();
    else {
      redis.once("ready", () => {
        resolve();
      });
      setTimeout(resolve, 2_000);
    }
  });
  return {
    url: `http://127.0.0.1:${port}`,
    registry,
    async metric(name, labels = {}) {
      const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === name);
      const values =
        (
          metric as
            { values?: { value: number; labels: Record<string, string | number> }[] } | undefined
        )?.values ?? [];
      return values
        .filter((v) => Object.entries(labels).every(([k, val]) => String(v.labels[k]) === val))
        .reduce((sum, v) => sum + v.value, 0);
    },
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
      });
      redis.disconnect();
      s3.destroy();
    },
  };
}

function fixtureGif(
  fixture: FixtureServer,
  spec: GifSpec,
  archive?: { key: string; sha256: string; size: number },
): Gif {
  const media = (file: string) => `${fixture.url}/media/${spec.id}/${file}`;
  return create(GifSchema, {
    id: spec.id,
    slug: spec.slug,
    title: spec.title,
    url: `https://giphy.com/gifs/${spec.slug}`,
    rating: Rating.G,
    username: spec.username,
    renditions: [
      {
        name: "original",
        url: media("giphy.gif"),
        width: spec.width,
        height: spec.height,
        frames: spec.frames,
      },
      {
        name: "fixed_width",
        url: media("200w.gif"),
        width: 200,
        height: Math.round((200 * spec.height) / spec.width),
      },
    ],
    archive: archive
      ? {
          state: {
            case: "archived",
            value: {
              objectKey: archive.key,
              sha256: archive.sha256,
              sizeBytes: BigInt(archive.size),
              contentType: "image/gif",
              rendition: "original",
              archivedAt: timestampFromDate(new Date()),
            },
          },
        }
      : { state: { case: "pending", value: { requestedAt: timestampFromDate(new Date()) } } },
  });
}

/**
 * An in-process StorageService over the fixture's catalogue (used until the real
 * storage service runs): the first `archived` results of each search are archived
 * for real (bytes from the fixture, stored in S3 under their hash).
 */
export function fixtureStorage(fixture: FixtureServer, s3: S3Client, archived: number) {
  const archivedById = new Map<string, { key: string; sha256: string; size: number }>();
  const calls = { search: 0 };
  async function toGifs(specs: readonly GifSpec[]): Promise<Gif[]> {
    const out: Gif[] = [];
    for (const [i, spec] of specs.entries()) {
      if (i < archived && !archivedById.has(spec.id)) {
        const bytes = new Uint8Array(
          await (await fetch(`${fixture.url}/media/${spec.id}/giphy.gif`)).arrayBuffer(),
        );
        archivedById.set(spec.id, { ...(await putArchived(s3, bytes)), size: bytes.length });
      }
      out.push(fixtureGif(fixture, spec, archivedById.get(spec.id)));
    }
    return out;
  }
  const transport = createRouterTransport(({ service }) => {
    service(StorageService, {
      async searchGifs(req) {
        calls.search++;
        const all = fixture.catalogue.search(req.query);
        const limit = req.limit || 25;
        return {
          gifs: await toGifs(all.slice(req.offset, req.offset + limit)),
          pagination: {
            totalCount: all.length,
            count: Math.min(limit, Math.max(0, all.length - req.offset)),
            offset: req.offset,
          },
        };
      },
      async listTrendingGifs(req) {
        const all = fixture.catalogue.trending();
        const limit = req.limit || 25;
        return {
          gifs: await toGifs(all.slice(req.offset, req.offset + limit)),
          pagination: {
            totalCount: all.length,
            count: Math.min(limit, all.length),
            offset: req.offset,
          },
        };
      },
      async getGif(req) {
        const spec = fixture.catalogue.byId(req.id);
        if (!spec) throw new ConnectError("not found", Code.NotFound);
        return { gif: (await toGifs([spec]))[0] };
      },
      async batchGetGifs(req) {
        const specs = req.ids
          .map((id) => fixture.catalogue.byId(id))
          .filter((s) => s !== undefined);
        return {
          gifs: await toGifs(specs),
          missingIds: req.ids.filter((id) => !fixture.catalogue.byId(id)),
        };
      },
      getArchiveStatus(req) {
        return { gifId: req.gifId };
      },
    });
  });
  return { client: createClient(StorageService, transport), calls };
}
