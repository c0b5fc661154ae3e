// Storage's stable code (`gifmesh-error-code`) and field (`gifmesh-error-field`) in
// response metadata decide the gateway's code, status and field problems.
import { Code, ConnectError } from "@connectrpc/connect";
import { describe, expect, it } from "vitest";
import { fromStorageError, httpField } from "./storage-errors.ts";

const storageError = (code: Code, message: string, meta: Record<string, string>) =>
  new ConnectError(message, code, new Headers(meta));

describe("fromStorageError", () => {
  it("turns an invalid argument into a 400 naming the HTTP parameter", () => {
    const err = fromStorageError(
      storageError(Code.InvalidArgument, "query: must be at most 50 characters", {
        "gifmesh-error-code": "REQUEST.INVALID_ARGUMENT",
        "gifmesh-error-field": "query",
      }),
    );
    expect([err.code, err.status, err.message]).toEqual([
      "REQUEST.INVALID",
      400,
      "q: must be at most 50 characters",
    ]);
    expect(err.fields).toEqual([{ field: "q", message: "must be at most 50 characters" }]);
  });

  it("branches on storage's stable code before the Connect code", () => {
    const limited = fromStorageError(
      storageError(Code.ResourceExhausted, "giphy said 429", {
        "gifmesh-error-code": "GIPHY.RATE_LIMITED",
        "retry-after": "7",
      }),
    );
    expect([limited.code, limited.status, limited.retryAfterSeconds]).toEqual([
      "STORAGE.RESOURCE_EXHAUSTED",
      429,
      7,
    ]);
    expect(limited.message).not.toContain("giphy said");
    const rejected = fromStorageError(
      storageError(Code.FailedPrecondition, "giphy rejected", {
        "gifmesh-error-code": "GIPHY.REJECTED",
      }),
    );
    expect([rejected.code, rejected.status]).toEqual(["STORAGE.FAILED", 502]);
    const db = fromStorageError(
      storageError(Code.Unavailable, "db down", { "gifmesh-error-code": "DATABASE.UNAVAILABLE" }),
    );
    expect([db.code, db.status, db.retryAfterSeconds]).toEqual(["STORAGE.UNAVAILABLE", 503, 1]);
  });

  it("falls back to the Connect code without metadata", () => {
    expect(fromStorageError(new ConnectError("x", Code.DeadlineExceeded)).code).toBe(
      "STORAGE.TIMEOUT",
    );
    expect(fromStorageError(new ConnectError("x", Code.Internal)).code).toBe("STORAGE.FAILED");
    expect(fromStorageError(new ConnectError("bad", Code.InvalidArgument)).fields).toEqual([]);
  });

  it("maps indexed and renamed fields", () => {
    expect([httpField("ids[3]"), httpField("query"), httpField("limit")]).toEqual([
      "ids",
      "q",
      "limit",
    ]);
  });
});
