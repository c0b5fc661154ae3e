// Helpers of storage's integration tests: a private database per test file (migrated,
// with a pool, if the test reads it directly), the test bed of a storage instance
// (Giphy fixture, database, private topics), storage itself on free ports, a
// collector of Kafka messages.
// Each registers the removal of what it creates (database, topics, consumer groups)
// for the end of the test file, so a failing test leaves nothing behind either.
import type { GifMetadata } from "../src/domain/gif.ts";
import { gifMetadata } from "../src/testing/fake-ports.ts";
import { Writable } from "node:stream";
import { createKafka, ensureTopics, type Kafka, type KafkaMessage } from "@gifmesh/shared/kafka";
import { loadConfig } from "@gifmesh/shared/config";
import { archiveTopicSpecs } from "@gifmesh/shared/contracts";
import { createLogger, type Logger } from "@gifmesh/shared/logging";
import { createMetrics } from "@gifmesh/shared/metrics";
import { registerContextPropagation } from "@gifmesh/shared/tracing";
import { deferCleanup, deferKafkaCleanup, testId } from "@gifmesh/shared/testing";
import { createFixtureServer, type FixtureServer } from "@gifmesh/giphy-fixture";
import { Kysely, PostgresDialect } from "kysely";
import pg from "pg";
import { migrateToLatest } from "../src/infrastructure/db/migrator.ts";
import type { DB } from "../src/infrastructure/db/schema.ts";
import { startStorage, type Storage, type StorageTopics } from "../src/storage.ts";
import { storageConfigSchema } from "../src/config.ts";
import { createStorageMetrics } from "../src/metrics.ts";

export const ADMIN_DATABASE_URL =
  process.env.DATABASE_URL ?? "postgres://gifmesh:gifmesh@127.0.0.1:5432/gifmesh";
// As main.ts does through startTracing: W3C propagation, so traceparent reaches the outbox.
registerContextPropagation();

export const BROKERS = (process.env.KAFKA_BROKERS ?? "127.0.0.1:9092").split(",");

/** A logger that drops everything below error (set TEST_LOG=1 to see all). */
export function quietLogger(): Logger {
  const sink = new Writable({
    write: (_c, _e, cb) => {
      cb();
    },
  });
  return createLogger({
    service: "storage-test",
    level: process.env.TEST_LOG ? "debug" : "error",
    ...(process.env.TEST_LOG ? {} : { stream: sink }),
  });
}

async function adminQuery(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: ADMIN_DATABASE_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** Creates a fresh database; `drop()` removes it (else the end of the test file does). */
export async function createTestDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `gifmesh_storage_test_${testId()}`;
  await adminQuery(`CREATE DATABASE ${name}`);
  const drop = deferCleanup(`database ${name}`, () =>
    adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  );
  const url = new URL(ADMIN_DATABASE_URL);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop };
}

/**
 * A Kysely pool over `connectionString` (a test's own view of storage's database),
 * destroyed at the end of the test file, before the database is dropped.
 */
export function testDb(
  connectionString: string,
  pool: Omit<pg.PoolConfig, "connectionString">,
): Kysely<DB> {
  const db = new Kysely<DB>({
    dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString, ...pool }) }),
  });
  deferCleanup("database pool", () => db.destroy());
  return db;
}

/** A fresh database at the latest schema, with a pool over it; both go at the end of the test file. */
export async function createMigratedDatabase(
  pool: Omit<pg.PoolConfig, "connectionString">,
): Promise<{ url: string; db: Kysely<DB> }> {
  const { url } = await createTestDatabase();
  const db = testDb(url, pool);
  await migrateToLatest(db);
  return { url, db };
}

/** Fresh topic names, deleted from the shared broker at the end of the test file. */
export function uniqueTopics(): StorageTopics {
  const suffix = testId();
  const topics = {
    requested: `test.storage.${suffix}.requested`,
    completed: `test.storage.${suffix}.completed`,
    failed: `test.storage.${suffix}.failed`,
    resultsDeadLetter: `test.storage.${suffix}.results.dlq`,
  };
  deferKafkaCleanup({ topics: Object.values(topics) });
  return topics;
}

/** A fresh consumer group name, deleted from the shared broker at the end of the test file. */
export function uniqueGroup(prefix: string): string {
  const group = `${prefix}-${testId()}`;
  deferKafkaCleanup({ groups: [group] });
  return group;
}

export async function startTestStorage(
  env: Record<string, string>,
  topics: StorageTopics,
  logger: Logger = quietLogger(),
): Promise<{ app: Storage; abort: AbortController }> {
  const config = loadConfig(storageConfigSchema, {
    STORAGE_RPC_HOST: "127.0.0.1",
    STORAGE_RPC_PORT: "0",
    KAFKA_BROKERS: BROKERS.join(","),
    OUTBOX_POLL_INTERVAL_MS: "100",
    KAFKA_RESULTS_GROUP: uniqueGroup("storage-test"),
    ...env,
  });
  const abort = new AbortController();
  const metrics = createStorageMetrics(
    createMetrics({ service: "storage-test", defaultMetrics: false }),
  );
  const started = await startStorage(config, {
    logger,
    metrics,
    signal: abort.signal,
    topics,
  });
  // Closed at the end of the file at the latest: before its group and database go.
  const app = { ...started, close: deferCleanup("storage app", () => started.close()) };
  await app.migrated;
  return { app, abort };
}

/** Collects every message of a topic from the beginning. */
export async function collectTopic(kafka: Kafka, topic: string) {
  const messages: KafkaMessage[] = [];
  const consumer = kafka.consumer({
    kafkaJS: { groupId: uniqueGroup("collector"), fromBeginning: true },
  });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic] });
  await consumer.run({
    eachMessage: ({ message }) => {
      messages.push(message);
      return Promise.resolve();
    },
  });
  return { messages, stop: () => consumer.disconnect() };
}

export function testKafka(brokers: readonly string[] = BROKERS): Kafka {
  return createKafka({
    brokers,
    clientId: "storage-test",
    logger: quietLogger(),
    logLevel: "error",
  });
}

/**
 * Storage's topics, from the contract's specs as storage itself creates them, with
 * fewer partitions: the result topics have one, so a test can follow a group's offset
 * on partition 0 and read events in the order they were sent; `requested` keeps
 * three, so the relay still spreads requests over partitions.
 */
export async function createTopics(kafka: Kafka, names: StorageTopics): Promise<void> {
  await ensureTopics(kafka, [
    ...archiveTopicSpecs(["requested"], { names, partitions: 3 }),
    ...archiveTopicSpecs(["completed", "failed", "resultsDeadLetter"], { names, partitions: 1 }),
  ]);
}

/** What storage runs against in most integration tests; it all goes at the end of the test file. */
export interface TestBed {
  readonly fixture: FixtureServer;
  /** The client the topics were created with (the broker storage is to use). */
  readonly kafka: Kafka;
  readonly topics: StorageTopics;
  /** DATABASE_URL (a fresh database) and GIPHY_BASE_URL (the fixture), for startTestStorage. */
  readonly env: { readonly DATABASE_URL: string; readonly GIPHY_BASE_URL: string };
}

/**
 * The Giphy fixture, a fresh database and private topics created on `kafka` (the
 * shared broker unless a test runs its own), ready for startTestStorage.
 */
export async function createTestBed(kafka: Kafka = testKafka()): Promise<TestBed> {
  const [fixture, database] = await Promise.all([
    createFixtureServer({ port: 0 }),
    createTestDatabase(),
  ]);
  deferCleanup("giphy fixture", () => fixture.close());
  const topics = uniqueTopics();
  await createTopics(kafka, topics);
  const env = { DATABASE_URL: database.url, GIPHY_BASE_URL: fixture.baseUrl };
  return { fixture, kafka, topics, env };
}

/** A minimal GIF as the Giphy mapper yields it, for tests that write GIFs directly. */
export function testGif(id: string, renditions: GifMetadata["renditions"] = []): GifMetadata {
  return gifMetadata(id, { slug: id, title: id, url: "", renditions, giphyObject: null });
}
