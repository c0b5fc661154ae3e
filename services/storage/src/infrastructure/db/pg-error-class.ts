// Whether a failed database write can ever succeed for the same input. A consumer
// needs the answer: retrying a "data" error stalls its partition forever (one
// poison message holds back every later one), while dead-lettering a "transient"
// one would throw away a good message because PostgreSQL was restarting.
//
// "data": SQLSTATE class 22 (data exception: out of range, invalid text, NUL,
// invalid datetime), 23 (integrity constraint: the statements we run have no
// conflict they expect to fail on; expected ones use ON CONFLICT), 54 (program
// limit exceeded: e.g. an index row too large). The same input fails the same way.
// "transient": everything else, deliberately: connection loss (08, 57P0x), query
// cancel and statement timeouts (57014), serialization failures and deadlocks
// (40001, 40P01), lock timeouts (55P03), resources (53), and errors we cannot place,
// including class 42, which is a bug or a missing grant, affecting every message
// alike: retried with backoff, visible in logs and metrics, never dropped.
const DATA_CLASSES = new Set(["22", "23", "54"]);

export type DatabaseErrorClass = "data" | "transient";

/** The SQLSTATE of a pg error, if the value is one. */
export function sqlState(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

/** Classifies an error thrown by a database call (see the module comment). */
export function classifyDatabaseError(error: unknown): DatabaseErrorClass {
  const state = sqlState(error);
  return state !== undefined && DATA_CLASSES.has(state.slice(0, 2)) ? "data" : "transient";
}
