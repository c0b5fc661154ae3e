// Ground truth after a fault, read from the servers themselves rather than from the
// services' own reports: PostgreSQL (gifs and their archive state, the outbox),
// S3 (the bucket listing, and at the end every object's bytes) and Kafka (topic end
// offsets and the file worker group's committed offsets).
import { createHash } from "node:crypto";
import { GetObjectCommand, ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import { ARCHIVE_TOPICS } from "@gifmesh/shared/contracts";
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import pg from "pg";
import type { KafkaCounts } from "./kafka-counts.ts";
import type { FaultStack } from "./stack.ts";
import { BUCKET } from "./stack.ts";

export interface Truth {
  readonly accepted: number;
  readonly archived: number;
  readonly failed: number;
  readonly pending: number;
  /** failure code → count */
  readonly failedReasons: ReadonlyMap<string, number>;
  readonly outboxRows: number;
  readonly outboxUnsent: number;
  /** GIFs with more than one ArchiveRequested row (each would be archived again). */
  readonly outboxRepeatedGifs: number;
  readonly objects: number;
  /** Objects no archived GIF refers to, or whose key is not content-addressed. */
  readonly orphanObjects: readonly string[];
  /** Archived GIFs whose object is missing from the bucket. */
  readonly missingObjects: readonly string[];
  /** Messages on each topic (sum of end offsets). */
  readonly topicMessages: Readonly<Record<string, number>>;
  /** Requested messages the file worker group has not committed yet. */
  readonly workerLag: number;
}

const run = promisify(execFile);
const KEY = /^gifs\/sha256\/([0-9a-f]{2})\/([0-9a-f]{2})\/([0-9a-f]{64})\.gif$/;

export function createTruthReader(stack: FaultStack) {
  const s3 = new S3Client({
    endpoint: stack.s3.endpoint,
    region: stack.s3.region,
    forcePathStyle: true,
    credentials: { accessKeyId: stack.s3.accessKeyId, secretAccessKey: stack.s3.secretAccessKey },
  });

  async function query<R extends pg.QueryResultRow>(sql: string): Promise<R[]> {
    const client = new pg.Client({ connectionString: stack.postgres.url });
    await client.connect();
    try {
      return (await client.query<R>(sql)).rows;
    } finally {
      await client.end();
    }
  }

  async function listKeys(): Promise<string[]> {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await s3.send(
        new ListObjectsV2Command({ Bucket: BUCKET, ContinuationToken: token }),
      );
      for (const o of page.Contents ?? []) if (o.Key !== undefined) keys.push(o.Key);
      token = page.IsTruncated === true ? page.NextContinuationToken : undefined;
    } while (token !== undefined);
    return keys;
  }

  /** Topic end offsets and the worker group's lag, read in a child (see kafka-counts.ts). */
  async function kafkaCounts(): Promise<KafkaCounts> {
    const { stdout } = await run(
      process.execPath,
      [
        join(import.meta.dirname, "kafka-counts.ts"),
        stack.kafka.brokers.join(","),
        "faults-file-worker",
        ARCHIVE_TOPICS.requested,
        ...Object.values(ARCHIVE_TOPICS),
      ],
      { timeout: 30_000 },
    );
    return JSON.parse(stdout) as KafkaCounts;
  }

  async function read(): Promise<Truth> {
    const states = await query<{ archive_state: string; n: string }>(
      "select archive_state, count(*) as n from gifs group by archive_state",
    );
    const state = (s: string) => Number(states.find((r) => r.archive_state === s)?.n ?? 0);
    const reasons = await query<{ code: string | null; n: string }>(
      "select archive_failure_code as code, count(*) as n from gifs where archive_state = 'failed' group by 1",
    );
    const [outbox] = await query<{ rows: string; unsent: string; repeated: string }>(
      `select count(*) as rows, count(*) filter (where sent_at is null) as unsent,
        (select count(*) from (select aggregate_id from outbox group by 1 having count(*) > 1) r) as repeated
       from outbox`,
    );
    const archived = await query<{ id: string; key: string | null; sha: string | null }>(
      "select id, archive_object_key as key, archive_sha256 as sha from gifs where archive_state = 'archived'",
    );
    const keys = await listKeys();
    const referenced = new Set(archived.map((g) => g.key));
    const present = new Set(keys);
    const { topicMessages, workerLag } = await kafkaCounts();
    return {
      accepted: states.reduce((sum, r) => sum + Number(r.n), 0),
      archived: state("archived"),
      failed: state("failed"),
      pending: state("pending"),
      failedReasons: new Map(reasons.map((r) => [r.code ?? "?", Number(r.n)])),
      outboxRows: Number(outbox?.rows ?? 0),
      outboxUnsent: Number(outbox?.unsent ?? 0),
      outboxRepeatedGifs: Number(outbox?.repeated ?? 0),
      objects: keys.length,
      orphanObjects: keys.filter((k) => !referenced.has(k) || !KEY.test(k)),
      missingObjects: archived
        .filter((g) => g.key === null || !present.has(g.key) || !g.key.includes(g.sha ?? "-"))
        .map((g) => g.id),
      topicMessages,
      workerLag,
    };
  }

  /** Downloads every object and returns the keys whose bytes do not hash to their key. */
  async function verifyContent(): Promise<string[]> {
    const bad: string[] = [];
    for (const key of await listKeys()) {
      const res = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
      const bytes = await res.Body?.transformToByteArray();
      const sha = createHash("sha256")
        .update(bytes ?? new Uint8Array())
        .digest("hex");
      if (KEY.exec(key)?.[3] !== sha) bad.push(key);
    }
    return bad;
  }

  /** Ids users received that PostgreSQL does not hold (accepted, then lost). */
  async function unknownIds(ids: ReadonlySet<string>): Promise<string[]> {
    const rows = await query<{ id: string }>("select id from gifs");
    const known = new Set(rows.map((r) => r.id));
    return [...ids].filter((id) => !known.has(id));
  }

  return {
    read,
    verifyContent,
    unknownIds,
    query,
    close: () => {
      s3.destroy();
    },
  };
}

export type TruthReader = ReturnType<typeof createTruthReader>;
