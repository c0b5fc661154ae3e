// What one test run left behind: entries in its private temp dir, and databases,
// Kafka topics and consumer groups, S3 buckets and Redis keys on the shared servers
// whose name carries the run's id (test-run.ts). Matching on the run id, never on a
// time window or a broad prefix, keeps a concurrent run's resources (another
// engineer's, the fault suite's) out of the result. Used by the leak guard of
// vitest.config.ts (tests/leak-guard.ts), which also removes what it finds.
import { readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import {
  DeleteBucketCommand,
  DeleteObjectsCommand,
  ListBucketsCommand,
  ListObjectsV2Command,
} from "@aws-sdk/client-s3";
import type { KafkaJS } from "@confluentinc/kafka-javascript";
import { Redis } from "ioredis";
import pg from "pg";
import { createS3Client } from "../s3/index.ts";
import { tcpOpen } from "./ports.ts";
import { testKafka, withKafkaAdmin } from "./test-kafka.ts";

export type LeftoverKind =
  "temp entry" | "database" | "topic" | "consumer group" | "bucket" | "redis key";

export interface Leftover {
  readonly kind: LeftoverKind;
  readonly name: string;
}

/** The shared servers of scripts/infra/up.sh (infra.ts reads their addresses). */
export interface SharedServers {
  readonly databaseUrl: string;
  readonly redisUrl: string;
  readonly kafkaBrokers: readonly string[];
  readonly s3: {
    readonly endpoint: string;
    readonly region: string;
    readonly accessKeyId: string;
    readonly secretAccessKey: string;
  };
}

/** Every entry directly under `dir` (the run's temp dir); none when it is gone. */
export function tempLeftovers(dir: string): Leftover[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names.sort().map((name) => ({ kind: "temp entry", name: join(dir, name) }));
}

/** Removes `dir` and everything in it. */
export function removeTempDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
}

/** One shared server: what of the run is on it, and how to remove it. */
interface Probe {
  readonly server: string;
  /** host:port or URL, to skip a server that is not running. */
  readonly address: string;
  find(runId: string): Promise<Leftover[]>;
  remove(leftovers: readonly Leftover[]): Promise<void>;
}

const quoteIdent = (name: string) => `"${name.replaceAll('"', '""')}"`;

/** `with(use)`: opens a client, runs `use` on it, and closes it even when `use` threw. */
function scoped<C>(open: () => Promise<C>, close: (client: C) => unknown) {
  return async <T>(use: (client: C) => Promise<T>): Promise<T> => {
    const client = await open();
    try {
      return await use(client);
    } finally {
      await close(client);
    }
  };
}

function postgresProbe(databaseUrl: string): Probe {
  const withClient = scoped(
    async () => {
      const client = new pg.Client({
        connectionString: databaseUrl,
        connectionTimeoutMillis: 5_000,
      });
      await client.connect();
      return client;
    },
    (client) => client.end(),
  );
  return {
    server: "PostgreSQL",
    address: databaseUrl,
    find: (runId) =>
      withClient(async (client) => {
        const { rows } = await client.query<{ datname: string }>(
          "SELECT datname FROM pg_database WHERE strpos(datname, $1) > 0 ORDER BY datname",
          [runId],
        );
        return rows.map((row) => ({ kind: "database", name: row.datname }));
      }),
    remove: (leftovers) =>
      withClient(async (client) => {
        for (const { name } of leftovers)
          await client.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
      }),
  };
}

function kafkaProbe(brokers: readonly string[]): Probe {
  const kafka = testKafka(brokers, "gifmesh-leak-check");
  const withAdmin = <T>(use: (admin: KafkaJS.Admin) => Promise<T>) => withKafkaAdmin(kafka, use);
  return {
    server: "Kafka",
    address: brokers[0] ?? "127.0.0.1:9092",
    find: (runId) =>
      withAdmin(async (admin) => {
        const topics = (await admin.listTopics({ timeout: 10_000 })).filter((t) =>
          t.includes(runId),
        );
        const { groups } = await admin.listGroups({ timeout: 10_000 });
        return [
          ...topics.sort().map((name): Leftover => ({ kind: "topic", name })),
          ...groups
            .map((g) => g.groupId)
            .filter((id) => id.includes(runId))
            .sort()
            .map((name): Leftover => ({ kind: "consumer group", name })),
        ];
      }),
    remove: (leftovers) =>
      withAdmin(async (admin) => {
        const of = (kind: LeftoverKind) =>
          leftovers.filter((l) => l.kind === kind).map((l) => l.name);
        const topics = of("topic");
        const groups = of("consumer group");
        if (topics.length > 0) await admin.deleteTopics({ topics, timeout: 30_000 });
        if (groups.length > 0) await admin.deleteGroups(groups, { timeout: 30_000 });
      }),
  };
}

function s3Probe(options: SharedServers["s3"]): Probe {
  const withS3 = scoped(
    () => Promise.resolve(createS3Client({ ...options, forcePathStyle: true, maxAttempts: 2 })),
    (s3) => {
      s3.destroy();
    },
  );
  return {
    server: "S3",
    address: options.endpoint,
    find: (runId) =>
      withS3(async (s3) => {
        const { Buckets = [] } = await s3.send(new ListBucketsCommand({}));
        return Buckets.map((b) => b.Name ?? "")
          .filter((name) => name.includes(runId))
          .sort()
          .map((name): Leftover => ({ kind: "bucket", name }));
      }),
    remove: (leftovers) =>
      withS3(async (s3) => {
        for (const { name: bucket } of leftovers) {
          // Bounded: a test bucket holds a handful of objects; 100 pages is far beyond that.
          for (let page = 0; page < 100; page++) {
            const { Contents = [] } = await s3.send(new ListObjectsV2Command({ Bucket: bucket }));
            const objects = Contents.flatMap((o) => (o.Key === undefined ? [] : [{ Key: o.Key }]));
            if (objects.length === 0) break;
            await s3.send(
              new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: objects } }),
            );
          }
          await s3.send(new DeleteBucketCommand({ Bucket: bucket }));
        }
      }),
  };
}

function redisProbe(url: string): Probe {
  const withRedis = scoped(
    async () => {
      const redis = new Redis(url, {
        lazyConnect: true,
        connectTimeout: 5_000,
        maxRetriesPerRequest: 1,
      });
      await redis.connect();
      return redis;
    },
    (redis) => {
      redis.disconnect();
    },
  );
  return {
    server: "Redis",
    address: url,
    find: (runId) =>
      withRedis(async (redis) => {
        const keys = new Set<string>();
        let cursor = "0";
        do {
          const [next, batch] = await redis.scan(cursor, "MATCH", `*${runId}*`, "COUNT", 1_000);
          for (const key of batch) keys.add(key);
          cursor = next;
        } while (cursor !== "0");
        return [...keys].sort().map((name): Leftover => ({ kind: "redis key", name }));
      }),
    remove: (leftovers) =>
      withRedis(async (redis) => {
        if (leftovers.length > 0) await redis.del(...leftovers.map((l) => l.name));
      }),
  };
}

function hostPort(address: string): { host: string; port: number } {
  const parsed = new URL(address.includes("://") ? address : `tcp://${address}`);
  return { host: parsed.hostname, port: Number(parsed.port) };
}

export interface ServerLeftovers {
  readonly leftovers: readonly Leftover[];
  /** Servers that did not answer (not running: nothing of the run can be on them). */
  readonly skipped: readonly string[];
  /** Servers whose listing or removal failed, with the reason. */
  readonly errors: readonly string[];
}

/**
 * Finds what carries `runId` on the shared servers and, with `remove`, deletes it.
 * A server that does not accept connections is skipped.
 */
export async function sweepServers(
  runId: string,
  servers: SharedServers,
  options: { remove: boolean },
): Promise<ServerLeftovers> {
  const probes = [
    postgresProbe(servers.databaseUrl),
    kafkaProbe(servers.kafkaBrokers),
    s3Probe(servers.s3),
    redisProbe(servers.redisUrl),
  ];
  const results = await Promise.all(
    probes.map(async (probe) => {
      const { host, port } = hostPort(probe.address);
      if (!(await tcpOpen(port, host))) return { skipped: probe.server };
      try {
        const found = await probe.find(runId);
        if (options.remove && found.length > 0) await probe.remove(found);
        return { found };
      } catch (error) {
        return {
          error: `${probe.server}: ${error instanceof Error ? error.message : String(error)}`,
        };
      }
    }),
  );
  return {
    leftovers: results.flatMap((r) => r.found ?? []),
    skipped: results.flatMap((r) => (r.skipped === undefined ? [] : [r.skipped])),
    errors: results.flatMap((r) => (r.error === undefined ? [] : [r.error])),
  };
}
