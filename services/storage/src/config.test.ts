// Storage's schema carries the shared Kafka connection variables and their rules
// (shared/src/kafka/connection-config.ts), so SASL_SSL is configured, not ignored.
import { ConfigError, loadConfig } from "@gifmesh/shared/config";
import { kafkaConnection } from "@gifmesh/shared/kafka";
import { describe, expect, it } from "vitest";
import { storageConfigSchema } from "./config.ts";

describe("storage config: Kafka connection", () => {
  it("maps SASL_SSL with PLAIN to the client's properties", () => {
    const config = loadConfig(storageConfigSchema, {
      KAFKA_BROKERS: "pkc-1.confluent.cloud:9092",
      KAFKA_SECURITY_PROTOCOL: "SASL_SSL",
      KAFKA_SASL_MECHANISM: "PLAIN",
      KAFKA_SASL_USERNAME: "api-key",
      KAFKA_SASL_PASSWORD: "api-secret",
    });
    expect(kafkaConnection(config)).toMatchObject({
      brokers: ["pkc-1.confluent.cloud:9092"],
      security: { "security.protocol": "sasl_ssl", "sasl.mechanisms": "PLAIN" },
    });
  });

  it("refuses a sasl_* protocol without credentials", () => {
    expect(() => loadConfig(storageConfigSchema, { KAFKA_SECURITY_PROTOCOL: "sasl_ssl" })).toThrow(
      ConfigError,
    );
  });
});
