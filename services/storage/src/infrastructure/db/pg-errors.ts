// The one place that maps PostgreSQL driver errors to storage's error codes.
// Connection-level failures become DATABASE.UNAVAILABLE (→ RPC `unavailable`);
// a statement stopped by its statement_timeout (the call's deadline) becomes
// DATABASE.TIMEOUT (→ `deadline_exceeded`); anything else is a bug and stays as it
// is (→ `internal`).
import { StorageError } from "../../domain/errors.ts";

const CONNECTION_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "ENOTFOUND",
  "EHOSTUNREACH",
  "57P01",
  "57P02",
  "57P03",
  "53300",
  "08000",
  "08001",
  "08003",
  "08004",
  "08006",
]);

function isConnectionError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string" && CONNECTION_CODES.has(code)) return true;
  if (error instanceof AggregateError) return error.errors.some(isConnectionError);
  return /timeout exceeded when trying to connect|Connection terminated|connection.*(closed|ended)|Client has encountered a connection error/i.test(
    error.message,
  );
}

/** SQLSTATE 57014 query_canceled: statement_timeout fired (or a cancel request). */
function isStatementTimeout(error: unknown): boolean {
  return error instanceof Error && (error as { code?: unknown }).code === "57014";
}

/** Runs a database operation, turning connection failures into DATABASE.UNAVAILABLE. */
export async function withDb<T>(operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    if (error instanceof StorageError) throw error;
    if (isStatementTimeout(error))
      throw new StorageError("DATABASE.TIMEOUT", "database statement timed out", { cause: error });
    if (isConnectionError(error))
      throw new StorageError("DATABASE.UNAVAILABLE", "database unavailable", { cause: error });
    throw error;
  }
}
