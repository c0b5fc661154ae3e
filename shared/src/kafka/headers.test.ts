import { describe, expect, it } from "vitest";
import { headersToStrings } from "./index.ts";

describe("headersToStrings", () => {
  it("decodes Buffers and strings, keeps the last of repeated values, drops undefined", () => {
    expect(
      headersToStrings({
        traceparent: Buffer.from("00-abc-def-01"),
        "content-type": "application/x-protobuf",
        attempt: [Buffer.from("1"), Buffer.from("2")],
        missing: undefined,
        utf8: Buffer.from("grüße"),
      }),
    ).toEqual({
      traceparent: "00-abc-def-01",
      "content-type": "application/x-protobuf",
      attempt: "2",
      utf8: "grüße",
    });
  });

  it("accepts no headers", () => {
    expect(headersToStrings(undefined)).toEqual({});
  });
});
