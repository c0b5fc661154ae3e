// Only errors about the message itself make a row unpublishable; outages never do.
import { describe, expect, it } from "vitest";
import { unpublishableReason } from "./producer-errors.ts";

const kafkaError = (code: number, message: string) => Object.assign(new Error(message), { code });

describe("unpublishableReason", () => {
  it("names the size and topic errors librdkafka reports", () => {
    expect(unpublishableReason(kafkaError(10, "Broker: Message size too large"))).toBe(
      "MSG_SIZE_TOO_LARGE: Broker: Message size too large",
    );
    expect(unpublishableReason(kafkaError(17, "Broker: Invalid topic"))).toMatch(/^TOPIC_EXC/);
  });
  it.each([
    [-192, "Local: Message timed out"],
    [-195, "Local: Broker transport failure"],
    [29, "Broker: Topic authorization failed"],
    [7, "Broker: Request timed out"],
  ])("retries code %d (%s)", (code, message) => {
    expect(unpublishableReason(kafkaError(code, message))).toBeUndefined();
  });
  it("retries anything without a numeric code", () => {
    expect(unpublishableReason(new Error("boom"))).toBeUndefined();
    expect(unpublishableReason(Object.assign(new Error("x"), { code: "10" }))).toBeUndefined();
    expect(unpublishableReason(null)).toBeUndefined();
  });
});
