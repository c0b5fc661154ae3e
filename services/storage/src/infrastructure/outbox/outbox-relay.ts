// Publishes outbox rows to Kafka. Each cycle claims a batch in a transaction
// (FOR UPDATE SKIP LOCKED, only the oldest unsent row per GIF), produces it with
// the idempotent acks=all producer, and marks the rows sent in the same transaction
// only after the broker acknowledged. A broker outage rolls the transaction back,
// so rows stay unsent and are retried with backoff: delayed, never lost.
import { setTimeout as sleep } from "node:timers/promises";
import { backoffDelay } from "@gifmesh/shared/lifecycle";
import type { Producer } from "@gifmesh/shared/kafka";
import type { Logger } from "@gifmesh/shared/logging";
import { ROOT_CONTEXT, context, trace } from "@opentelemetry/api";
import { endSpan, extractTraceContext, startProducerSpan } from "@gifmesh/shared/tracing";
import type { Kysely } from "kysely";
import { claimBatch, markSent, recordFailure } from "../db/outbox-repository.ts";
import type { DB } from "../db/schema.ts";

export interface OutboxRelayOptions {
  readonly db: Kysely<DB>;
  readonly producer: Producer;
  readonly logger: Logger;
  readonly batchSize: number;
  readonly pollIntervalMs: number;
  readonly retryMaxMs: number;
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
        const byTopic = new Map<string, OutboxMessage[]>();
        rows.forEach((row, i) => {
          const message = {
            key: row.message_key,
            value: row.payload,
            headers: { ...row.headers, ...spans[i]?.headers, "gifmesh-event-id": row.event_id },
          };
          byTopic.set(row.topic, [...(byTopic.get(row.topic) ?? []), message]);
        });
        try {
          await producer.sendBatch({
            topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
          });
        } catch (error) {
          for (const { span } of spans) endSpan(span, error);
          throw error;
        }
        for (const { span } of spans) endSpan(span);
        await markSent(trx, claimedIds, new Date());
        options.onPublished?.(rows.length);
        return rows.length;
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
