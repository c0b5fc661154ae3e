// Every storage error code has a Connect code and leaves with its stable string
// code; unknown errors never leak their message.
import { Code, ConnectError } from "@connectrpc/connect";
import { describe, expect, it } from "vitest";
import {
  STORAGE_ERROR_CODES,
  StorageError,
  invalidArgument,
  type StorageErrorCode,
} from "../../domain/errors.ts";
import { toConnectError } from "./error-mapping.ts";

/** Who earns each Connect code, and what it tells the caller (the gateway branches on it). */
const MEANINGS: readonly (readonly [string, Code, readonly StorageErrorCode[]])[] = [
  [
    "the caller's argument is at fault",
    Code.InvalidArgument,
    ["REQUEST.INVALID_ARGUMENT", "GIPHY.REJECTED"],
  ],
  ["no such GIF, category, emoji or term", Code.NotFound, ["GIF.NOT_FOUND", "GIPHY.NOT_FOUND"]],
  ["Giphy's quota is spent", Code.ResourceExhausted, ["GIPHY.RATE_LIMITED"]],
  [
    "a dependency failed: try later",
    Code.Unavailable,
    ["GIPHY.UNAVAILABLE", "GIPHY.BAD_RESPONSE", "GIPHY.UNAUTHORIZED", "DATABASE.UNAVAILABLE"],
  ],
  ["the call ran out of time", Code.DeadlineExceeded, ["DATABASE.TIMEOUT"]],
];

describe("toConnectError", () => {
  it("gives every storage code exactly one meaning", () => {
    const meant = MEANINGS.flatMap(([, , codes]) => codes);
    expect([...meant].sort()).toEqual([...STORAGE_ERROR_CODES].sort());
  });

  it.each(MEANINGS)(
    "%s: Connect code %i, the storage code in metadata",
    (_why, connectCode, codes) => {
      for (const code of codes) {
        const error = toConnectError(new StorageError(code, "boom"));
        expect(error.code, code).toBe(connectCode);
        expect(error.metadata.get("gifmesh-error-code")).toBe(code);
        expect(error.metadata.get("gifmesh-error-field")).toBeNull();
      }
    },
  );

  it("names the field of an invalid argument", () => {
    const error = toConnectError(invalidArgument("ids[3]", "bad id"));
    expect(error.code).toBe(Code.InvalidArgument);
    expect(error.metadata.get("gifmesh-error-field")).toBe("ids[3]");
    expect(error.rawMessage).toBe("ids[3]: bad id");
  });

  it("hides unknown errors as internal, or deadline_exceeded once the call was aborted", () => {
    const secret = new Error("password=hunter2 at db");
    const internal = toConnectError(secret);
    expect(internal.code).toBe(Code.Internal);
    expect(internal.rawMessage).toBe("internal error");
    expect(internal.metadata.get("gifmesh-error-code")).toBe("INTERNAL");
    const aborted = toConnectError(secret, AbortSignal.abort());
    expect(aborted.code).toBe(Code.DeadlineExceeded);
    const existing = new ConnectError("x", Code.Aborted);
    expect(toConnectError(existing)).toBe(existing);
  });
});
