// Publishes outbox rows to Kafka. Each cycle claims a batch in a transaction
// (FOR UPDATE SKIP LOCKED, only the oldest unsent row per GIF), produces it with
// the idempotent acks=all producer, and marks the rows sent in the same transaction
// only after the broker acknowledged. A broker outage rolls the transaction back,
// so rows stay unsent and are retried with backoff: delayed, never lost.
//
// A row that can never be published (too large for the topic, an invalid topic:
// producer-errors.ts) must not hold back the rows after it. When a batch is refused
// for such a reason, its rows are sent one by one: the good ones are marked sent,
// the refused one counts a rejection, and after `parkAfterRejections` of them it is
// parked (parked_at, last_error, a log line, a metric, and `onParked` in the same
// transaction, which marks its GIF failed). A parked row keeps sent_at null, so
// its GIF's later rows stay behind it (per-GIF order holds); other GIFs flow.
import { setTimeout as sleep } from "node:timers/promises";
import { backoffDelay } from "@gifmesh/shared/lifecycle";
import type { Producer } from "@gifmesh/shared/kafka";
import type { Logger } from "@gifmesh/shared/logging";
import { ROOT_CONTEXT, context, trace } from "@opentelemetry/api";
import { endSpan, extractTraceContext, startProducerSpan } from "@gifmesh/shared/tracing";
import type { Kysely } from "kysely";
import { claimBatch, markSent, recordFailure, recordRejections } from "../db/outbox-repository.ts";
import type { DB, OutboxRow } from "../db/schema.ts";
import { unpublishableReason } from "../kafka/producer-errors.ts";

export interface OutboxRelayOptions {
  readonly db: Kysely<DB>;
  readonly producer: Producer;
  readonly logger: Logger;
  readonly batchSize: number;
  readonly pollIntervalMs: number;
  readonly retryMaxMs: number;
  /** Refusals for good after which a row is parked; default 3. */
  readonly parkAfterRejections?: number;
  /** Runs in the transaction that parks `rows` (e.g. marks their GIFs failed). */
  readonly onParked?: (trx: Kysely<DB>, rows: readonly OutboxRow[]) => Promise<void>;
  /** Counts parked rows (metrics). */
  readonly onRowsParked?: (count: number) => void;
  /** Observes each cycle (metrics). */
  readonly onPublished?: (count: number) => void;
  readonly onError?: (error: unknown) => void;
}

export interface OutboxRelay {
  start(): void;
  /** Ask for a cycle now (after a commit that wrote rows). */
  wake(): void;
  /** Publishes what is claimable now; returns how many rows were sent. For tests and drains. */
  runOnce(): Promise<number>;
  stop(): Promise<void>;
}

const tracer = trace.getTracer("gifmesh-storage");

interface OutboxMessage {
  readonly key: string;
  readonly value: Buffer;
  readonly headers: Record<string, string>;
}

export function createOutboxRelay(options: OutboxRelayOptions): OutboxRelay {
  const { db, producer, logger } = options;
  const controller = new AbortController();
  let wakeUp: (() => void) | undefined;
  let pendingWake = false;
  let connected = false;
  let loop: Promise<void> | undefined;

  const parkAfter = options.parkAfterRejections ?? 3;

  /**
   * Sends the batch; when it is refused for a reason about a message, sends each
   * row alone (one row per GIF per batch, so their order does not matter) and
   * returns the rows refused for good with their errors. Throws on anything else.
   * Both paths may leave some rows delivered and others not when they throw.
   */
  async function sendAll(
    messages: readonly { topic: string; message: OutboxMessage }[],
    rows: readonly OutboxRow[],
  ): Promise<Map<string, unknown>> {
    // Copies each time: the client rewrites a message's headers in place on send.
    const copy = (message: OutboxMessage): OutboxMessage => ({
      ...message,
      headers: { ...message.headers },
    });
    const byTopic = new Map<string, OutboxMessage[]>();
    for (const { topic, message } of messages)
      byTopic.set(topic, [...(byTopic.get(topic) ?? []), copy(message)]);
    try {
      await producer.sendBatch({
        topicMessages: [...byTopic].map(([topic, batch]) => ({ topic, messages: batch })),
      });
      return new Map();
    } catch (error) {
      if (unpublishableReason(error) === undefined) throw error;
    }
    // One at a time: sends in flight together share a record batch, which the
    // broker refuses whole when one message in it is too large.
    const failed = new Map<string, unknown>();
    for (const [i, { topic, message }] of messages.entries()) {
      const row = rows[i];
      try {
        await producer.send({ topic, messages: [copy(message)] });
      } catch (error) {
        // A reason a retry may cure: roll the whole cycle back (what was sent is sent
        // again later: at least once, deduplicated downstream).
        if (row === undefined || unpublishableReason(error) === undefined) throw error;
        failed.set(row.id, error);
      }
    }
    return failed;
  }

  /** Counts the refusals, parks the rows that reached the bound, and says so. */
  async function reject(
    trx: Kysely<DB>,
    rows: readonly OutboxRow[],
    failed: ReadonlyMap<string, unknown>,
  ): Promise<void> {
    for (const row of rows) {
      const error = failed.get(row.id);
      if (error === undefined) continue;
      const reason =
        unpublishableReason(error) ?? (error instanceof Error ? error.message : "refused");
      const parked = await recordRejections(trx, [row.id], reason, parkAfter, new Date());
      logger[parked.length > 0 ? "error" : "warn"](
        parked.length > 0
          ? "outbox row can never be published; parked"
          : "outbox row refused by Kafka; will retry",
        {
          outboxId: row.id,
          eventId: row.event_id,
          topic: row.topic,
          aggregateId: row.aggregate_id,
          reason,
          rejections: row.rejections + 1,
        },
      );
      if (parked.length > 0) {
        await options.onParked?.(trx, parked);
        options.onRowsParked?.(parked.length);
      }
    }
  }

  async function runOnce(): Promise<number> {
    if (!connected) {
      await producer.connect();
      connected = true;
    }
    let claimedIds: string[] = [];
    try {
      return await db.transaction().execute(async (trx) => {
        const rows = await claimBatch(trx, options.batchSize);
        if (rows.length === 0) return 0;
        claimedIds = rows.map((row) => row.id);
        // One PRODUCER span per row, a CHILD of the context stored with the row (the
        // request that wrote it), so the asynchronous publish is part of its trace.
        const spans = rows.map((row) =>
          startProducerSpan(
            tracer,
            { topic: row.topic, key: row.message_key, messageId: row.event_id },
            extractTraceContext(row.headers, ROOT_CONTEXT),
          ),
        );
        const messages = rows.map((row, i) => ({
          topic: row.topic,
          message: {
            key: row.message_key,
            value: row.payload,
            headers: { ...row.headers, ...spans[i]?.headers, "gifmesh-event-id": row.event_id },
          },
        }));
        let failed: Map<string, unknown>;
        try {
          failed = await sendAll(messages, rows);
        } catch (error) {
          for (const { span } of spans) endSpan(span, error);
          throw error;
        }
        rows.forEach((row, i) => {
          const span = spans[i]?.span;
          if (span) endSpan(span, failed.get(row.id));
        });
        const sent = rows.filter((row) => !failed.has(row.id));
        await markSent(
          trx,
          sent.map((row) => row.id),
          new Date(),
        );
        await reject(trx, rows, failed);
        claimedIds = [];
        if (sent.length > 0) options.onPublished?.(sent.length);
        return sent.length;
      });
    } catch (error) {
      await recordFailure(
        db,
        claimedIds,
        error instanceof Error ? error.message : String(error),
      ).catch(() => undefined);
      throw error;
    }
  }

  async function waitForWork(ms: number): Promise<void> {
    if (pendingWake) {
      pendingWake = false;
      return;
    }
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        wakeUp = undefined;
        resolve();
      }
      wakeUp = done;
      controller.signal.addEventListener("abort", done, { once: true });
    });
    pendingWake = false;
  }

  async function run(): Promise<void> {
    let failures = 0;
    while (!controller.signal.aborted) {
      try {
        // A cycle serves every request's rows, not the one whose commit woke it:
        // it runs outside any trace, explicitly (its claim queries must never be
        // pinned to whichever request is active). Each row's publish still joins
        // the trace of the request that wrote it (runOnce).
        const sent = await context.with(ROOT_CONTEXT, runOnce);
        failures = 0;
        if (sent < options.batchSize) await waitForWork(options.pollIntervalMs);
      } catch (error) {
        failures += 1;
        const delay = backoffDelay(failures, { initial: 200, max: options.retryMaxMs });
        logger.warn("outbox relay cycle failed; retrying", {
          err: error,
          attempt: failures,
          nextDelayMs: delay,
        });
        options.onError?.(error);
        await sleep(delay, undefined, { signal: controller.signal }).catch(() => undefined);
      }
    }
  }

  return {
    start() {
      loop ??= run();
    },
    wake() {
      pendingWake = true;
      wakeUp?.();
    },
    runOnce,
    async stop() {
      controller.abort();
      wakeUp?.();
      await loop;
      if (connected) await producer.disconnect().catch(() => undefined);
    },
  };
}
