// The worker's schema carries the shared Kafka connection variables and their rules
// (shared/src/kafka/connection-config.ts), so SASL_SSL is configured, not ignored.
import { ConfigError, loadConfig } from "@gifmesh/shared/config";
import { kafkaConnection } from "@gifmesh/shared/kafka";
import { describe, expect, it } from "vitest";
import { configSchema } from "./config.ts";

describe("worker config: Kafka connection", () => {
  it("maps SASL_SSL with SCRAM-SHA-512 to the client's properties", () => {
    const config = loadConfig(configSchema, {
      KAFKA_BROKERS: "b-1.msk:9096",
      KAFKA_SECURITY_PROTOCOL: "sasl_ssl",
      KAFKA_SASL_MECHANISM: "SCRAM-SHA-512",
      KAFKA_SASL_USERNAME: "worker",
      KAFKA_SASL_PASSWORD: "secret",
    });
    expect(kafkaConnection(config)).toMatchObject({
      brokers: ["b-1.msk:9096"],
      security: { "security.protocol": "sasl_ssl", "sasl.mechanisms": "SCRAM-SHA-512" },
    });
  });

  it("refuses a sasl_* protocol without credentials", () => {
    expect(() => loadConfig(configSchema, { KAFKA_SECURITY_PROTOCOL: "sasl_ssl" })).toThrow(
      ConfigError,
    );
  });
});
