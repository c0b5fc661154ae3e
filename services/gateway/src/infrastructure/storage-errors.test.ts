// Storage's stable code (`gifmesh-error-code`) and field (`gifmesh-error-field`) in
// response metadata decide the gateway's code, status and field problems.
import { Code, ConnectError } from "@connectrpc/connect";
import { describe, expect, it } from "vitest";
import { fromStorageError, httpField } from "./storage-errors.ts";

const storageError = (code: Code, message: string, meta: Record<string, string>) =>
  new ConnectError(message, code, new Headers(meta));

describe("fromStorageError", () => {
  it("turns storage refusing our token into a 503 that blames no client and names no token", () => {
    for (const err of [
      storageError(Code.Unauthenticated, "RPC.UNAUTHENTICATED: a valid bearer token is required", {
        "gifmesh-error-code": "RPC.UNAUTHENTICATED",
      }),
      storageError(Code.Unauthenticated, "no metadata", {}),
    ]) {
      const mapped = fromStorageError(err);
      expect([mapped.code, mapped.status, mapped.message]).toEqual([
        "STORAGE.UNAUTHENTICATED",
        503,
        "service unavailable",
      ]);
      expect(mapped.retryAfterSeconds).toBeUndefined();
    }
  });

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

  it.each([
    [
      "GIPHY.RATE_LIMITED",
      Code.ResourceExhausted,
      { "retry-after": "7" },
      { code: "STORAGE.RESOURCE_EXHAUSTED", status: 429, retryAfterSeconds: 7 },
    ],
    ["GIPHY.REJECTED", Code.FailedPrecondition, {}, { code: "STORAGE.FAILED", status: 502 }],
    [
      "DATABASE.UNAVAILABLE",
      Code.Unavailable,
      {},
      { code: "STORAGE.UNAVAILABLE", status: 503, retryAfterSeconds: 1 },
    ],
  ])(
    "branches on storage's stable code (%s) before the Connect code",
    (stable, code, meta, want) => {
      const err = fromStorageError(
        storageError(code, `storage said ${stable}`, { "gifmesh-error-code": stable, ...meta }),
      );
      expect(err).toMatchObject(want);
      expect(err.message).not.toContain("storage said");
    },
  );

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

describe("broken connections to storage", () => {
  const withCause = (code: Code, cause: Error & { code?: string }) => {
    const err = new ConnectError("transport failed", code);
    err.cause = cause;
    return err;
  };
  const nodeError = (code: string) => Object.assign(new Error(code), { code });

  it("maps a reset, GOAWAY or stream error (storage killed mid-call) to 503 with Retry-After", () => {
    for (const [code, cause] of [
      [Code.Aborted, nodeError("ECONNRESET")],
      [Code.Internal, nodeError("ERR_HTTP2_STREAM_ERROR")],
      [
        Code.Unknown,
        Object.assign(new Error("wrapped"), { cause: nodeError("ERR_HTTP2_GOAWAY_SESSION") }),
      ],
    ] as const) {
      const err = fromStorageError(withCause(code, cause));
      expect([err.code, err.status, err.retryAfterSeconds]).toEqual([
        "STORAGE.UNAVAILABLE",
        503,
        1,
      ]);
    }
    const rst = fromStorageError(
      new ConnectError("http/2 stream closed with error code INTERNAL_ERROR (0x2)", Code.Internal),
    );
    expect(rst.code).toBe("STORAGE.UNAVAILABLE");
  });

  it("keeps a real internal error from storage's handler a 502", () => {
    const fromHandler = fromStorageError(
      storageError(Code.Internal, "internal error", { "gifmesh-error-code": "INTERNAL" }),
    );
    expect([fromHandler.code, fromHandler.status]).toEqual(["STORAGE.FAILED", 502]);
    const noCause = fromStorageError(new ConnectError("boom", Code.Internal));
    expect(noCause.code).toBe("STORAGE.FAILED");
    const otherCause = fromStorageError(
      withCause(Code.Internal, nodeError("ERR_INVALID_ARG_TYPE")),
    );
    expect(otherCause.code).toBe("STORAGE.FAILED");
  });
});
