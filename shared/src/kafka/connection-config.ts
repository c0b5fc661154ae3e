// How a service reaches its Kafka cluster, as a config fragment every service spreads
// into its schema: the brokers, then TLS and SASL as managed clusters need them
// (Amazon MSK, Confluent Cloud, Aiven: SASL_SSL with SCRAM or PLAIN, sometimes mTLS).
// The rules between the variables (SASL needs a sasl_* protocol, a username and one
// password; TLS files need a TLS protocol) are checked at start-up with the other
// variables, so a half-configured deployment fails with a ConfigError naming the
// variables instead of falling back to plaintext or retrying an auth error forever.
import { accessSync, constants, readFileSync } from "node:fs";
import type { KafkaJS } from "@confluentinc/kafka-javascript";
import { z } from "zod";
import { ConfigError, type ConfigProblem } from "../config/config-error.ts";
import { csv, str } from "../config/fields.ts";

export const KAFKA_SECURITY_PROTOCOLS = ["plaintext", "ssl", "sasl_plaintext", "sasl_ssl"] as const;
export const KAFKA_SASL_MECHANISMS = ["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"] as const;

export type KafkaSecurityProtocol = (typeof KAFKA_SECURITY_PROTOCOLS)[number];
export type KafkaSaslMechanism = (typeof KAFKA_SASL_MECHANISMS)[number];

/** An enum that accepts any letter case (operators write SASL_SSL as often as sasl_ssl). */
function caseless<const T extends readonly [string, ...string[]]>(
  values: T,
  toCase: (value: string) => string,
) {
  return z.preprocess(
    (value) => (typeof value === "string" ? toCase(value) : value),
    z.enum(values, { error: `must be one of: ${values.join(", ")}` }),
  );
}

/**
 * The Kafka connection variables (docs/security.md, "Kafka TLS/SASL"):
 * - `KAFKA_BROKERS`: bootstrap host:port list (127.0.0.1:9092);
 * - `KAFKA_SECURITY_PROTOCOL`: plaintext (default) | ssl | sasl_plaintext | sasl_ssl;
 * - `KAFKA_SASL_MECHANISM`: PLAIN | SCRAM-SHA-256 | SCRAM-SHA-512;
 * - `KAFKA_SASL_USERNAME`, and `KAFKA_SASL_PASSWORD` or `KAFKA_SASL_PASSWORD_FILE`
 *   (a mounted Secret; read once at start, one trailing newline dropped);
 * - `KAFKA_SSL_CA_LOCATION`: PEM file of the CAs that sign the brokers (unset: the
 *   system's CAs);
 * - `KAFKA_SSL_CERTIFICATE_LOCATION` / `KAFKA_SSL_KEY_LOCATION` (and
 *   `KAFKA_SSL_KEY_PASSWORD` for an encrypted key): the client's own certificate, for mTLS.
 *
 * Spread it into a schema and add {@link refineKafkaConnection} for the cross-field rules.
 *
 * @example
 * baseConfigSchema({ adminPort: 9466 })
 *   .extend({ ...kafkaConnectionShape, KAFKA_CLIENT_ID: str("x") })
 *   .superRefine(refineKafkaConnection)
 */
export const kafkaConnectionShape = {
  KAFKA_BROKERS: csv(["127.0.0.1:9092"]),
  KAFKA_SECURITY_PROTOCOL: caseless(KAFKA_SECURITY_PROTOCOLS, (v) => v.toLowerCase()).default(
    "plaintext",
  ),
  KAFKA_SASL_MECHANISM: caseless(KAFKA_SASL_MECHANISMS, (v) => v.toUpperCase()).optional(),
  KAFKA_SASL_USERNAME: str().optional(),
  KAFKA_SASL_PASSWORD: str().optional(),
  KAFKA_SASL_PASSWORD_FILE: str().optional(),
  KAFKA_SSL_CA_LOCATION: str().optional(),
  KAFKA_SSL_CERTIFICATE_LOCATION: str().optional(),
  KAFKA_SSL_KEY_LOCATION: str().optional(),
  KAFKA_SSL_KEY_PASSWORD: str().optional(),
};

/** The parsed Kafka connection variables. */
export interface KafkaConnectionConfig {
  readonly KAFKA_BROKERS: readonly string[];
  readonly KAFKA_SECURITY_PROTOCOL: KafkaSecurityProtocol;
  readonly KAFKA_SASL_MECHANISM?: KafkaSaslMechanism | undefined;
  readonly KAFKA_SASL_USERNAME?: string | undefined;
  readonly KAFKA_SASL_PASSWORD?: string | undefined;
  readonly KAFKA_SASL_PASSWORD_FILE?: string | undefined;
  readonly KAFKA_SSL_CA_LOCATION?: string | undefined;
  readonly KAFKA_SSL_CERTIFICATE_LOCATION?: string | undefined;
  readonly KAFKA_SSL_KEY_LOCATION?: string | undefined;
  readonly KAFKA_SSL_KEY_PASSWORD?: string | undefined;
}

/** The librdkafka properties this module sets. */
export type KafkaSecurityProperties = Pick<
  KafkaJS.CommonConstructorConfig,
  | "security.protocol"
  | "sasl.mechanisms"
  | "sasl.username"
  | "sasl.password"
  | "ssl.ca.location"
  | "ssl.certificate.location"
  | "ssl.key.location"
  | "ssl.key.password"
  | "ssl.endpoint.identification.algorithm"
>;

/** What {@link createKafka} needs to reach the cluster. */
export interface KafkaConnection {
  readonly brokers: readonly string[];
  readonly security: Readonly<KafkaSecurityProperties>;
}

const SASL_VARIABLES = [
  "KAFKA_SASL_MECHANISM",
  "KAFKA_SASL_USERNAME",
  "KAFKA_SASL_PASSWORD",
  "KAFKA_SASL_PASSWORD_FILE",
] as const;
const TLS_VARIABLES = [
  "KAFKA_SSL_CA_LOCATION",
  "KAFKA_SSL_CERTIFICATE_LOCATION",
  "KAFKA_SSL_KEY_LOCATION",
  "KAFKA_SSL_KEY_PASSWORD",
] as const;
const FILE_VARIABLES = [
  "KAFKA_SASL_PASSWORD_FILE",
  "KAFKA_SSL_CA_LOCATION",
  "KAFKA_SSL_CERTIFICATE_LOCATION",
  "KAFKA_SSL_KEY_LOCATION",
] as const;

const usesSasl = (protocol: KafkaSecurityProtocol) => protocol.startsWith("sasl_");
const usesTls = (protocol: KafkaSecurityProtocol) => protocol.endsWith("ssl");

function unreadable(path: string): boolean {
  try {
    accessSync(path, constants.R_OK);
    return false;
  } catch {
    return true;
  }
}

/**
 * Every way `config` is inconsistent, one problem per variable; empty when it is
 * usable. Files are checked for readability (a missing CA would otherwise surface
 * as a connection error retried forever).
 */
export function kafkaConnectionProblems(config: KafkaConnectionConfig): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const protocol = config.KAFKA_SECURITY_PROTOCOL;
  const add = (variable: string, problem: string) => problems.push({ variable, problem });
  if (usesSasl(protocol)) {
    if (config.KAFKA_SASL_MECHANISM === undefined)
      add("KAFKA_SASL_MECHANISM", `is required with KAFKA_SECURITY_PROTOCOL=${protocol}`);
    if (config.KAFKA_SASL_USERNAME === undefined)
      add("KAFKA_SASL_USERNAME", `is required with KAFKA_SECURITY_PROTOCOL=${protocol}`);
    const password = config.KAFKA_SASL_PASSWORD !== undefined;
    const passwordFile = config.KAFKA_SASL_PASSWORD_FILE !== undefined;
    if (password === passwordFile)
      add(
        "KAFKA_SASL_PASSWORD",
        password
          ? "set either KAFKA_SASL_PASSWORD or KAFKA_SASL_PASSWORD_FILE, not both"
          : `KAFKA_SASL_PASSWORD or KAFKA_SASL_PASSWORD_FILE is required with KAFKA_SECURITY_PROTOCOL=${protocol}`,
      );
  } else {
    for (const variable of SASL_VARIABLES)
      if (config[variable] !== undefined)
        add(variable, "needs KAFKA_SECURITY_PROTOCOL=sasl_ssl or sasl_plaintext");
  }
  if (usesTls(protocol)) {
    if (
      (config.KAFKA_SSL_CERTIFICATE_LOCATION === undefined) !==
      (config.KAFKA_SSL_KEY_LOCATION === undefined)
    )
      add(
        "KAFKA_SSL_CERTIFICATE_LOCATION",
        "KAFKA_SSL_CERTIFICATE_LOCATION and KAFKA_SSL_KEY_LOCATION must be set together",
      );
    if (config.KAFKA_SSL_KEY_PASSWORD !== undefined && config.KAFKA_SSL_KEY_LOCATION === undefined)
      add("KAFKA_SSL_KEY_PASSWORD", "needs KAFKA_SSL_KEY_LOCATION");
  } else {
    for (const variable of TLS_VARIABLES)
      if (config[variable] !== undefined)
        add(variable, "needs KAFKA_SECURITY_PROTOCOL=ssl or sasl_ssl");
  }
  for (const variable of FILE_VARIABLES) {
    const path = config[variable];
    if (path !== undefined && unreadable(path)) add(variable, "names a file that cannot be read");
  }
  return problems;
}

/** A zod `superRefine` step that reports {@link kafkaConnectionProblems} as issues. */
export function refineKafkaConnection(config: KafkaConnectionConfig, ctx: z.RefinementCtx): void {
  for (const { variable, problem } of kafkaConnectionProblems(config))
    ctx.addIssue({ code: "custom", path: [variable], message: problem });
}

/** The password file's content, without the one trailing newline editors and `echo` add. */
function readPasswordFile(path: string): string {
  return readFileSync(path, "utf8").replace(/\r?\n$/, "");
}

/**
 * Maps parsed config to the brokers and librdkafka properties of {@link createKafka};
 * throws a {@link ConfigError} when the config is inconsistent (a schema without
 * {@link refineKafkaConnection}). With TLS and no CA file, the system's CAs are used
 * (`probe`), and the broker's hostname is always verified against its certificate.
 */
export function kafkaConnection(config: KafkaConnectionConfig): KafkaConnection {
  const problems = kafkaConnectionProblems(config);
  if (problems.length > 0) throw new ConfigError(problems);
  const protocol = config.KAFKA_SECURITY_PROTOCOL;
  const security: KafkaSecurityProperties = { "security.protocol": protocol };
  const { KAFKA_SASL_MECHANISM: mechanism, KAFKA_SASL_USERNAME: username } = config;
  if (usesSasl(protocol) && mechanism !== undefined && username !== undefined) {
    security["sasl.mechanisms"] = mechanism;
    security["sasl.username"] = username;
    security["sasl.password"] =
      config.KAFKA_SASL_PASSWORD ?? readPasswordFile(config.KAFKA_SASL_PASSWORD_FILE ?? "");
  }
  if (usesTls(protocol)) {
    security["ssl.ca.location"] = config.KAFKA_SSL_CA_LOCATION ?? "probe";
    security["ssl.endpoint.identification.algorithm"] = "https";
    if (config.KAFKA_SSL_CERTIFICATE_LOCATION !== undefined)
      security["ssl.certificate.location"] = config.KAFKA_SSL_CERTIFICATE_LOCATION;
    if (config.KAFKA_SSL_KEY_LOCATION !== undefined)
      security["ssl.key.location"] = config.KAFKA_SSL_KEY_LOCATION;
    if (config.KAFKA_SSL_KEY_PASSWORD !== undefined)
      security["ssl.key.password"] = config.KAFKA_SSL_KEY_PASSWORD;
  }
  return { brokers: config.KAFKA_BROKERS, security };
}
