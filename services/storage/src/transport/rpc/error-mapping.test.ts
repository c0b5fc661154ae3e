// Every storage error code has a Connect code and leaves with its stable string
// code; unknown errors never leak their message.
import { Code, ConnectError } from "@connectrpc/connect";
import { describe, expect, it } from "vitest";
import { STORAGE_ERROR_CODES, StorageError, invalidArgument } from "../../domain/errors.ts";
import { toConnectError } from "./error-mapping.ts";

describe("toConnectError", () => {
  it("maps each code and carries it in metadata", () => {
    const expected: Record<string, Code> = {
      "REQUEST.INVALID_ARGUMENT": Code.InvalidArgument,
      "GIF.NOT_FOUND": Code.NotFound,
      "GIPHY.NOT_FOUND": Code.NotFound,
      "GIPHY.RATE_LIMITED": Code.ResourceExhausted,
      "GIPHY.UNAVAILABLE": Code.Unavailable,
      "GIPHY.BAD_RESPONSE": Code.Unavailable,
      "GIPHY.UNAUTHORIZED": Code.Unavailable,
      "GIPHY.REJECTED": Code.InvalidArgument,
      "DATABASE.UNAVAILABLE": Code.Unavailable,
      "DATABASE.TIMEOUT": Code.DeadlineExceeded,
    };
    expect(Object.keys(expected).sort()).toEqual([...STORAGE_ERROR_CODES].sort());
    for (const code of STORAGE_ERROR_CODES) {
      const error = toConnectError(new StorageError(code, "boom"));
      expect(error.code, code).toBe(expected[code]);
      expect(error.metadata.get("gifmesh-error-code")).toBe(code);
      expect(error.metadata.get("gifmesh-error-field")).toBeNull();
    }
  });

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
