// Kafka as managed clusters serve it, on a real broker: one private KRaft broker with
// a SASL_SSL listener (SCRAM-SHA-512, SCRAM-SHA-256 and PLAIN users) and an SSL
// listener that requires a client certificate, its certificates issued by a test CA.
// Each case goes the way a service does: KAFKA_* variables -> loadConfig with
// kafkaConnectionShape -> kafkaConnection() -> createKafka, then a topic, a producer
// and a consumer. Wrong credentials and an untrusted CA must fail fast and say why:
// librdkafka retries a refused connection (as it should for a broker outage) and
// reports each refusal as an error log line, which createKafka routes to our logger;
// the caller's operation fails at its own deadline.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { loadConfig, type Env } from "../config/index.ts";
import { createLogger } from "../logging/index.ts";
import { startPrivateKafka, type PrivateKafka } from "../testing/kafka.ts";
import { createTestPki, type TestCertificate, type TestPki } from "../testing/test-pki.ts";
import { testId } from "../testing/test-run.ts";
import {
  createKafka,
  createProducer,
  ensureTopics,
  kafkaConnection,
  kafkaConnectionShape,
  refineKafkaConnection,
  type Kafka,
  type KafkaMessage,
} from "./index.ts";

const USERS = {
  "SCRAM-SHA-512": { name: "scram512", password: "scram512-secret" },
  "SCRAM-SHA-256": { name: "scram256", password: "scram256-secret" },
  PLAIN: { name: "plainuser", password: "plain-secret" },
} as const;

const schema = z.object(kafkaConnectionShape).superRefine(refineKafkaConnection);

let pki: TestPki;
let broker: PrivateKafka | undefined;

/** The address of one of the broker's listeners. */
function listener(name: "SASL_SSL" | "SSL" | "MISNAMED"): string {
  const port = broker?.listenerPorts[name];
  if (port === undefined) throw new Error(`the broker has no ${name} listener`);
  return `127.0.0.1:${String(port)}`;
}

/** `env` without `name`. */
function without(env: Env, name: string): Env {
  return Object.fromEntries(Object.entries(env).filter(([key]) => key !== name));
}

/** A PEM as one properties-file value (java.util.Properties turns \n back into newlines). */
const inline = (pem: string) => pem.trim().replaceAll("\n", "\\n");

beforeAll(async () => {
  pki = createTestPki();
  const server = pki.issue("kafka-broker");
  const keyStore = (certificate: TestCertificate) => ({
    "ssl.keystore.type": "PEM",
    "ssl.keystore.certificate.chain": inline(certificate.certPem),
    "ssl.keystore.key": inline(certificate.keyPem),
  });
  const on = (listener: string, props: Record<string, string>) =>
    Object.fromEntries(
      Object.entries(props).map(([k, v]) => [`listener.name.${listener}.${k}`, v]),
    );
  const scramModule = "org.apache.kafka.common.security.scram.ScramLoginModule required;";
  const saslListener = (certificate: TestCertificate) => ({
    ...keyStore(certificate),
    "plain.sasl.jaas.config": `org.apache.kafka.common.security.plain.PlainLoginModule required user_${USERS.PLAIN.name}="${USERS.PLAIN.password}";`,
    "scram-sha-512.sasl.jaas.config": scramModule,
    "scram-sha-256.sasl.jaas.config": scramModule,
  });
  broker = await startPrivateKafka({
    numPartitions: 1,
    // MISNAMED: SASL_SSL with a certificate from the same CA for another host name.
    listeners: { SASL_SSL: "SASL_SSL", SSL: "SSL", MISNAMED: "SASL_SSL" },
    properties: {
      "sasl.enabled.mechanisms": "PLAIN,SCRAM-SHA-256,SCRAM-SHA-512",
      ...on("sasl_ssl", saslListener(server)),
      ...on(
        "misnamed",
        saslListener(pki.issue("kafka-elsewhere", { hosts: ["kafka.example.net"] })),
      ),
      ...on("ssl", {
        ...keyStore(server),
        "ssl.client.auth": "required",
        "ssl.truststore.type": "PEM",
        "ssl.truststore.certificates": inline(pki.ca.certPem),
      }),
    },
    formatArgs: (["SCRAM-SHA-512", "SCRAM-SHA-256"] as const).flatMap((mechanism) => [
      "--add-scram",
      `${mechanism}=[name=${USERS[mechanism].name},password=${USERS[mechanism].password}]`,
    ]),
  });
});

afterAll(async () => {
  await broker?.close();
});

interface LogLine {
  readonly level: string;
  readonly message: string;
}

/** The service's path from environment variables to a client; `logs` gets its log lines. */
function kafkaFrom(env: Env, logs: LogLine[] = []): Kafka {
  const config = loadConfig(schema, env);
  const stream = new PassThrough();
  stream.on("data", (chunk: Buffer) => {
    for (const line of chunk.toString().split("\n").filter(Boolean))
      logs.push(JSON.parse(line) as LogLine);
  });
  const logger = createLogger({ service: "kafka-secure-test", stream });
  return createKafka({ ...kafkaConnection(config), clientId: "secure-test", logger });
}

function saslEnv(mechanism: keyof typeof USERS, password: string = USERS[mechanism].password) {
  return {
    KAFKA_BROKERS: listener("SASL_SSL"),
    KAFKA_SECURITY_PROTOCOL: "SASL_SSL",
    KAFKA_SASL_MECHANISM: mechanism,
    KAFKA_SASL_USERNAME: USERS[mechanism].name,
    KAFKA_SASL_PASSWORD: password,
    KAFKA_SSL_CA_LOCATION: pki.ca.certFile,
  };
}

/** Creates a topic, sends one message and reads it back, all through `kafka`. */
async function roundTrip(kafka: Kafka, label: string): Promise<KafkaMessage> {
  const topic = `gifmesh.test.secure.${label}.${testId()}`;
  await ensureTopics(kafka, [{ topic, numPartitions: 1 }], { timeoutMs: 20_000 });
  const producer = createProducer(kafka);
  await producer.connect();
  const consumer = kafka.consumer({
    kafkaJS: { groupId: `gifmesh-test-${label}-${testId()}`, fromBeginning: true },
  });
  try {
    await producer.send({ topic, messages: [{ key: label, value: `hello over ${label}` }] });
    await consumer.connect();
    await consumer.subscribe({ topics: [topic] });
    return await new Promise<KafkaMessage>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error(`no message on ${topic} within 30 s`));
      }, 30_000);
      consumer
        .run({
          eachMessage: ({ message }) => {
            clearTimeout(timer);
            resolve(message);
            return Promise.resolve();
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
    await producer.disconnect();
  }
}

/** Deadline of the refused operations below; the refusal must be logged well before it. */
const OPERATION_TIMEOUT_MS = 3_000;

/**
 * Lists topics with a client the broker must refuse: resolves with the error-level
 * log lines once the operation failed at its deadline, and how soon the first came.
 */
async function refused(env: Env): Promise<{ errors: string[]; firstErrorMs: number }> {
  const logs: LogLine[] = [];
  const admin = kafkaFrom(env, logs).admin();
  const started = Date.now();
  let firstErrorMs = Number.POSITIVE_INFINITY;
  const watch = setInterval(() => {
    if (firstErrorMs === Number.POSITIVE_INFINITY && logs.some((l) => l.level === "error"))
      firstErrorMs = Date.now() - started;
  }, 20);
  await admin.connect();
  try {
    await expect(admin.listTopics({ timeout: OPERATION_TIMEOUT_MS })).rejects.toThrow();
  } finally {
    clearInterval(watch);
    await admin.disconnect();
  }
  return { errors: logs.filter((l) => l.level === "error").map((l) => l.message), firstErrorMs };
}

describe("Kafka over SASL_SSL", () => {
  it.each(["SCRAM-SHA-512", "SCRAM-SHA-256", "PLAIN"] as const)(
    "round-trips a message with %s",
    async (mechanism) => {
      const label = mechanism.toLowerCase();
      const message = await roundTrip(kafkaFrom(saslEnv(mechanism)), label);
      expect(message.key?.toString()).toBe(label);
      expect(message.value?.toString()).toBe(`hello over ${label}`);
    },
  );

  it("reads the password from KAFKA_SASL_PASSWORD_FILE (a mounted Secret)", async () => {
    const file = join(pki.dir, "kafka-password");
    writeFileSync(file, `${USERS["SCRAM-SHA-512"].password}\n`);
    const env = without(saslEnv("SCRAM-SHA-512"), "KAFKA_SASL_PASSWORD");
    const message = await roundTrip(
      kafkaFrom({ ...env, KAFKA_SASL_PASSWORD_FILE: file }),
      "password-file",
    );
    expect(message.value?.toString()).toBe("hello over password-file");
  });

  it.each(["SCRAM-SHA-512", "PLAIN"] as const)(
    "refuses a wrong %s password with an authentication error, logged at once",
    async (mechanism) => {
      const { errors, firstErrorMs } = await refused(saslEnv(mechanism, "not-the-password"));
      // SCRAM: "...due to invalid credentials with SASL mechanism SCRAM-SHA-512";
      // PLAIN: "...: Invalid username or password".
      expect(errors.join("\n")).toMatch(
        /SASL authentication error: Authentication failed.*(invalid credentials|Invalid username or password)/,
      );
      expect(firstErrorMs).toBeLessThan(2_000);
    },
  );

  it("refuses a broker whose certificate the configured CA did not sign", async () => {
    const otherCa = createTestPki("some other CA");
    const { errors, firstErrorMs } = await refused({
      ...saslEnv("SCRAM-SHA-512"),
      KAFKA_SSL_CA_LOCATION: otherCa.ca.certFile,
    });
    expect(errors.join("\n")).toMatch(/SSL handshake failed.*certificate verify failed/);
    expect(firstErrorMs).toBeLessThan(2_000);
  });

  it("verifies against the system's CAs when no CA file is set, so a private CA is refused", async () => {
    const { errors } = await refused(without(saslEnv("SCRAM-SHA-512"), "KAFKA_SSL_CA_LOCATION"));
    expect(errors.join("\n")).toMatch(/certificate verify failed/);
  });

  it("refuses a broker whose certificate (from the trusted CA) names another host", async () => {
    const { errors } = await refused({
      ...saslEnv("SCRAM-SHA-512"),
      KAFKA_BROKERS: listener("MISNAMED"),
    });
    // librdkafka words it as a failed verification, as OpenSSL's hostname check reports it.
    expect(errors.join("\n")).toMatch(/SSL handshake failed.*certificate verify failed/);
  });
});

describe("Kafka over SSL with a client certificate (mTLS)", () => {
  const sslEnv = () => ({
    KAFKA_BROKERS: listener("SSL"),
    KAFKA_SECURITY_PROTOCOL: "ssl",
    KAFKA_SSL_CA_LOCATION: pki.ca.certFile,
  });

  it("round-trips a message with the client's certificate", async () => {
    const client = pki.issue("gifmesh-client");
    const kafka = kafkaFrom({
      ...sslEnv(),
      KAFKA_SSL_CERTIFICATE_LOCATION: client.certFile,
      KAFKA_SSL_KEY_LOCATION: client.keyFile,
    });
    expect((await roundTrip(kafka, "mtls")).value?.toString()).toBe("hello over mtls");
  });

  it("is refused without a client certificate", async () => {
    const { errors } = await refused(sslEnv());
    expect(errors.join("\n")).toMatch(/ssl\/tls alert bad certificate/);
  });
});
