// The re-request policy: transient failures are asked for again with doubling
// waits, a bounded number of times; permanent ones never.
import { describe, expect, it } from "vitest";
import { isRerequestDue, nextRerequestAt } from "./archive-rerequest.ts";

const HOUR = 3_600_000;
const policy = { backoffMs: HOUR, maxRerequests: 3 };
const failedAt = new Date("2026-01-01T00:00:00Z");
const at = (hours: number) => new Date(failedAt.getTime() + hours * HOUR);

describe("archive re-request policy", () => {
  it("waits 1 h, then 2 h, then 4 h, then stops", () => {
    const failure = (rerequests: number) => ({ code: "ARCHIVE.TIMEOUT", failedAt, rerequests });
    expect(nextRerequestAt(failure(0), policy)).toEqual(at(1));
    expect(nextRerequestAt(failure(1), policy)).toEqual(at(2));
    expect(nextRerequestAt(failure(2), policy)).toEqual(at(4));
    expect(nextRerequestAt(failure(3), policy)).toBeUndefined();
    expect(isRerequestDue(failure(0), policy, at(0.99))).toBe(false);
    expect(isRerequestDue(failure(0), policy, at(1))).toBe(true);
  });

  it.each([
    "ARCHIVE.NOT_A_GIF",
    "ARCHIVE.TOO_LARGE",
    "ARCHIVE.NOT_FOUND",
    "OUTBOX.UNPUBLISHABLE",
    "",
  ])("never asks again after %s", (code) => {
    expect(isRerequestDue({ code, failedAt, rerequests: 0 }, policy, at(1000))).toBe(false);
  });

  it("is off with a zero backoff or a zero maximum", () => {
    const failure = { code: "ARCHIVE.UPSTREAM_ERROR", failedAt, rerequests: 0 };
    expect(isRerequestDue(failure, { backoffMs: 0, maxRerequests: 5 }, at(1000))).toBe(false);
    expect(isRerequestDue(failure, { backoffMs: HOUR, maxRerequests: 0 }, at(1000))).toBe(false);
  });
});
