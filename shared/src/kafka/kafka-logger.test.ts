import { describe, expect, it } from "vitest";
import { captureLogLines } from "../testing/log-lines.ts";
import { createLogger } from "../logging/index.ts";
import { createKafkaLogger } from "./kafka-logger.ts";

function setup() {
  const { stream, lines } = captureLogLines();
  let time = 0;
  const kafkaLogger = createKafkaLogger({
    logger: createLogger({ service: "k", stream, level: "debug" }),
    repeatWindowMs: 1_000,
    now: () => time,
  });
  return { kafkaLogger, lines, advance: (ms: number) => (time += ms) };
}

describe("createKafkaLogger", () => {
  it("keeps levels and adds facility and client", () => {
    const { kafkaLogger, lines } = setup();
    kafkaLogger.info("Producer connected", {
      fac: "BINDING",
      name: "svc#producer-1",
      timestamp: 1,
    });
    kafkaLogger.error("Topic authorization failed", { fac: "TOPICERR" });
    expect(lines).toEqual([
      expect.objectContaining({
        level: "info",
        message: "Producer connected",
        component: "kafka",
        facility: "BINDING",
        client: "svc#producer-1",
      }),
      expect.objectContaining({
        level: "error",
        message: "Topic authorization failed",
        facility: "TOPICERR",
      }),
    ]);
    expect(lines[0]).not.toHaveProperty("timestamp", 1);
  });

  it("logs transient connection errors at warn", () => {
    const { kafkaLogger, lines } = setup();
    kafkaLogger.error("Error: all broker connections are down", { fac: "BINDING" });
    kafkaLogger.error(
      "127.0.0.1:9/bootstrap: Connect to ipv4#127.0.0.1:9 failed: Connection refused",
      { fac: "FAIL" },
    );
    expect(lines.map((l) => l.level)).toEqual(["warn", "warn"]);
  });

  it("folds repeats of one line within the window into a count", () => {
    const { kafkaLogger, lines, advance } = setup();
    for (let i = 0; i < 30; i++) kafkaLogger.error("Error: broker transport failure");
    expect(lines).toHaveLength(1);
    advance(1_500);
    kafkaLogger.error("Error: broker transport failure");
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatchObject({ repeated: 29 });
  });
});
