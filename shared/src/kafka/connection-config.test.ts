import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { ConfigError, loadConfig, str } from "../config/index.ts";
import { createTempDir } from "../testing/temp-dir.ts";
import { kafkaConnection, kafkaConnectionShape, refineKafkaConnection } from "./index.ts";

const schema = z
  .object({ ...kafkaConnectionShape, KAFKA_CLIENT_ID: str("test") })
  .superRefine(refineKafkaConnection);
const dir = createTempDir("kafka-config-").path;
const caFile = join(dir, "ca.pem");
const passwordFile = join(dir, "password");
writeFileSync(caFile, "-----BEGIN CERTIFICATE-----\n");
writeFileSync(passwordFile, "s3cret-from-file\n");

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(schema, env);
  } catch (error) {
    if (error instanceof ConfigError) return error.message.split("\n").slice(1);
    throw error;
  }
  throw new Error("expected a ConfigError");
}

const sasl = {
  KAFKA_SECURITY_PROTOCOL: "sasl_ssl",
  KAFKA_SASL_MECHANISM: "SCRAM-SHA-512",
  KAFKA_SASL_USERNAME: "gifmesh",
  KAFKA_SASL_PASSWORD: "s3cret",
};

describe("kafkaConnectionShape", () => {
  it("defaults to plaintext on the local broker, with no security properties but the protocol", () => {
    const config = loadConfig(schema, {});
    expect(kafkaConnection(config)).toEqual({
      brokers: ["127.0.0.1:9092"],
      security: { "security.protocol": "plaintext" },
    });
  });

  it("maps SASL_SSL with SCRAM (any letter case) to librdkafka properties, system CAs by default", () => {
    const config = loadConfig(schema, {
      ...sasl,
      KAFKA_BROKERS: "b-1.kafka:9096,b-2.kafka:9096",
      KAFKA_SECURITY_PROTOCOL: "SASL_SSL",
      KAFKA_SASL_MECHANISM: "scram-sha-512",
    });
    expect(kafkaConnection(config)).toEqual({
      brokers: ["b-1.kafka:9096", "b-2.kafka:9096"],
      security: {
        "security.protocol": "sasl_ssl",
        "sasl.mechanisms": "SCRAM-SHA-512",
        "sasl.username": "gifmesh",
        "sasl.password": "s3cret",
        "ssl.ca.location": "probe",
        "ssl.endpoint.identification.algorithm": "https",
      },
    });
  });

  it("reads the password from a file, without its trailing newline, and takes a CA file and a client certificate", () => {
    const config = loadConfig(schema, {
      ...sasl,
      KAFKA_SASL_PASSWORD: "", // empty = unset, as in a compose file
      KAFKA_SASL_MECHANISM: "PLAIN",
      KAFKA_SASL_PASSWORD_FILE: passwordFile,
      KAFKA_SSL_CA_LOCATION: caFile,
      KAFKA_SSL_CERTIFICATE_LOCATION: caFile,
      KAFKA_SSL_KEY_LOCATION: caFile,
      KAFKA_SSL_KEY_PASSWORD: "key-pass",
    });
    expect(kafkaConnection(config).security).toMatchObject({
      "sasl.mechanisms": "PLAIN",
      "sasl.password": "s3cret-from-file",
      "ssl.ca.location": caFile,
      "ssl.certificate.location": caFile,
      "ssl.key.location": caFile,
      "ssl.key.password": "key-pass",
    });
  });

  it("sets no TLS properties for sasl_plaintext", () => {
    const config = loadConfig(schema, { ...sasl, KAFKA_SECURITY_PROTOCOL: "sasl_plaintext" });
    expect(Object.keys(kafkaConnection(config).security).sort()).toEqual([
      "sasl.mechanisms",
      "sasl.password",
      "sasl.username",
      "security.protocol",
    ]);
  });

  it("names every missing SASL setting of a sasl_* protocol", () => {
    expect(problems({ KAFKA_SECURITY_PROTOCOL: "sasl_ssl" })).toEqual([
      "  KAFKA_SASL_MECHANISM: is required with KAFKA_SECURITY_PROTOCOL=sasl_ssl",
      "  KAFKA_SASL_USERNAME: is required with KAFKA_SECURITY_PROTOCOL=sasl_ssl",
      "  KAFKA_SASL_PASSWORD: KAFKA_SASL_PASSWORD or KAFKA_SASL_PASSWORD_FILE is required with KAFKA_SECURITY_PROTOCOL=sasl_ssl",
    ]);
  });

  it("refuses SASL or TLS settings that the protocol would silently ignore", () => {
    expect(
      problems({
        KAFKA_SASL_MECHANISM: "PLAIN",
        KAFKA_SASL_USERNAME: "u",
        KAFKA_SASL_PASSWORD: "p",
        KAFKA_SSL_CA_LOCATION: caFile,
      }),
    ).toEqual([
      "  KAFKA_SASL_MECHANISM: needs KAFKA_SECURITY_PROTOCOL=sasl_ssl or sasl_plaintext",
      "  KAFKA_SASL_USERNAME: needs KAFKA_SECURITY_PROTOCOL=sasl_ssl or sasl_plaintext",
      "  KAFKA_SASL_PASSWORD: needs KAFKA_SECURITY_PROTOCOL=sasl_ssl or sasl_plaintext",
      "  KAFKA_SSL_CA_LOCATION: needs KAFKA_SECURITY_PROTOCOL=ssl or sasl_ssl",
    ]);
  });

  it("refuses two passwords, half a client certificate and unreadable files, never echoing secrets", () => {
    const lines = problems({
      ...sasl,
      KAFKA_SASL_PASSWORD_FILE: passwordFile,
      KAFKA_SSL_CA_LOCATION: join(dir, "missing.pem"),
      KAFKA_SSL_KEY_LOCATION: caFile,
    });
    expect(lines).toEqual([
      "  KAFKA_SASL_PASSWORD: set either KAFKA_SASL_PASSWORD or KAFKA_SASL_PASSWORD_FILE, not both",
      "  KAFKA_SSL_CERTIFICATE_LOCATION: KAFKA_SSL_CERTIFICATE_LOCATION and KAFKA_SSL_KEY_LOCATION must be set together",
      "  KAFKA_SSL_CA_LOCATION: names a file that cannot be read",
    ]);
    expect(lines.join("\n")).not.toContain("s3cret");
  });

  it("refuses unknown protocols and mechanisms", () => {
    expect(problems({ KAFKA_SECURITY_PROTOCOL: "tls", KAFKA_SASL_MECHANISM: "GSSAPI" })).toEqual([
      "  KAFKA_SECURITY_PROTOCOL: must be one of: plaintext, ssl, sasl_plaintext, sasl_ssl",
      "  KAFKA_SASL_MECHANISM: must be one of: PLAIN, SCRAM-SHA-256, SCRAM-SHA-512",
    ]);
  });

  it("lets the mapper refuse what a schema without the refinement let through", () => {
    const loose = loadConfig(z.object(kafkaConnectionShape), {
      KAFKA_SECURITY_PROTOCOL: "ssl",
      KAFKA_SASL_USERNAME: "u",
    });
    expect(() => kafkaConnection(loose)).toThrow(ConfigError);
  });
});
