// Cancellation flows down into PostgreSQL. Kysely 0.29 takes no AbortSignal and pg
// has no per-query deadline, so a call's deadline becomes a server-side
// `statement_timeout` for its statements (SET LOCAL in the call's transaction):
// PostgreSQL itself stops the query when the RPC's time is up. An abort without a
// deadline (the client went away) stops waiting at once; the statement then ends
// by itself within the pool-wide DATABASE_STATEMENT_TIMEOUT_MS.
import { sql, type Kysely } from "kysely";
import type { CallBounds } from "../../application/ports.ts";
import { StorageError } from "../../domain/errors.ts";
import type { DB } from "./schema.ts";

/** The signal's abort as an error, racing `work` (which keeps its own rejection handled). */
function raceAbort<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return work;
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => {
      reject(signal.reason instanceof Error ? signal.reason : new Error("aborted"));
    };
    signal.addEventListener("abort", onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

/** Milliseconds left before `deadline` (epoch ms), at least 1; throws when none is left. */
export function remainingMs(deadline: number, now = Date.now()): number {
  const left = Math.ceil(deadline - now);
  if (left <= 0) throw new StorageError("DATABASE.TIMEOUT", "deadline exceeded before the query");
  return left;
}

/** Lowers `statement_timeout` for the rest of the current transaction. */
export async function applyDeadline(trx: Kysely<DB>, deadline: number | undefined): Promise<void> {
  if (deadline === undefined) return;
  const ms = remainingMs(deadline);
  await sql`select set_config('statement_timeout', ${String(ms)}, true)`.execute(trx);
}

/**
 * Runs `fn` bounded by the call: refuses to start when already aborted, runs in a
 * transaction with a lowered statement_timeout when there is a deadline, and stops
 * waiting when the signal aborts.
 */
export async function bounded<T>(
  db: Kysely<DB>,
  call: CallBounds | undefined,
  fn: (db: Kysely<DB>) => Promise<T>,
): Promise<T> {
  call?.signal?.throwIfAborted();
  const deadline = call?.deadline;
  const work =
    deadline === undefined
      ? fn(db)
      : db.transaction().execute(async (trx) => {
          await applyDeadline(trx, deadline);
          return fn(trx);
        });
  return raceAbort(work, call?.signal);
}
