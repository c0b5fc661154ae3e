// The SQLSTATE classes that can never succeed on retry, and the rest.
import { describe, expect, it } from "vitest";
import { classifyDatabaseError, sqlState } from "./pg-error-class.ts";

const pgError = (code: string) => Object.assign(new Error("pg"), { code });

describe("classifyDatabaseError", () => {
  it.each(["22003", "22008", "22021", "22P02", "23505", "23514", "54000"])(
    "%s is a data error",
    (code) => {
      expect(classifyDatabaseError(pgError(code))).toBe("data");
    },
  );
  it.each(["57P01", "57014", "40001", "40P01", "55P03", "53300", "08006", "42P01", "XX000"])(
    "%s is transient",
    (code) => {
      expect(classifyDatabaseError(pgError(code))).toBe("transient");
    },
  );
  it("treats node socket errors and plain errors as transient", () => {
    expect(classifyDatabaseError(pgError("ECONNREFUSED"))).toBe("transient");
    expect(sqlState(pgError("ECONNREFUSED"))).toBeUndefined();
    expect(classifyDatabaseError(new Error("Connection terminated unexpectedly"))).toBe(
      "transient",
    );
    expect(classifyDatabaseError(undefined)).toBe("transient");
  });
});
