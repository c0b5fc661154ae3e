// A private single-node KRaft Kafka broker for outage tests (stop it, restart it),
// never the shared one on :9092. Same jars, server.properties and format step as
// scripts/infra/up.sh, on free ports with its own temp log dir. JVM start takes
// ~5-10 s on 2 cores; restart keeps the data dir and ports, so clients reconnect.
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, tcpOpen } from "./ports.ts";
import { waitFor } from "./wait-for.ts";
import { startPrivateServer, type PrivateServerLife } from "./private-server.ts";
import {
  CACHE_DIR,
  REPO_ROOT,
  startServerProcess,
  withOutput,
  type ServerProcess,
} from "./server-process.ts";

const KAFKA_LIBS = join(CACHE_DIR, "kafka/libs");
const KAFKA_LOG4J = join(REPO_ROOT, "scripts/infra/kafka/log4j2.xml");
/** The JVM flags of up.sh's broker. */
const BROKER_JVM = [
  "-Xms256m",
  "-Xmx512m",
  "-XX:+UseG1GC",
  "-XX:MaxGCPauseMillis=20",
  "-Djava.awt.headless=true",
];

export interface PrivateKafkaOptions {
  /** Default partitions of topics created without a count (up.sh: 3). */
  readonly numPartitions?: number;
  /** Extra server.properties lines, e.g. { "log.retention.ms": "60000" }. */
  readonly properties?: Readonly<Record<string, string>>;
  /**
   * Client listeners besides PLAINTEXT (which stays the inter-broker one), by name,
   * each on its own free port: e.g. `{ SASL_SSL: "SASL_SSL" }`. Their settings go in
   * `properties` as `listener.name.<name lower case>.<key>`.
   */
  readonly listeners?: Readonly<
    Record<string, "PLAINTEXT" | "SSL" | "SASL_PLAINTEXT" | "SASL_SSL">
  >;
  /** Extra `kafka-storage format` arguments, e.g. `["--add-scram", "SCRAM-SHA-512=[name=u,password=p]"]`. */
  readonly formatArgs?: readonly string[];
  /** Bound on each start (format + JVM + "Kafka Server started"); default 90 s. */
  readonly startTimeoutMs?: number;
}

export interface PrivateKafka extends PrivateServerLife {
  /** Bootstrap servers, e.g. ["127.0.0.1:41234"]. */
  readonly brokers: readonly string[];
  readonly port: number;
  readonly controllerPort: number;
  /** The port of each extra listener of {@link PrivateKafkaOptions.listeners}. */
  readonly listenerPorts: Readonly<Record<string, number>>;
  readonly dataDir: string;
}

function properties(
  port: number,
  controllerPort: number,
  listenerPorts: Readonly<Record<string, number>>,
  logDir: string,
  options: PrivateKafkaOptions,
) {
  const extra = Object.entries(listenerPorts);
  const client = [
    `PLAINTEXT://127.0.0.1:${port}`,
    ...extra.map(([n, p]) => `${n}://127.0.0.1:${p}`),
  ];
  const protocols = Object.entries(options.listeners ?? {}).map(
    ([n, protocol]) => `${n}:${protocol}`,
  );
  const props: Record<string, string> = {
    "process.roles": "broker,controller",
    "node.id": "1",
    "controller.quorum.voters": `1@127.0.0.1:${controllerPort}`,
    listeners: [...client, `CONTROLLER://127.0.0.1:${controllerPort}`].join(","),
    "advertised.listeners": client.join(","),
    "controller.listener.names": "CONTROLLER",
    "inter.broker.listener.name": "PLAINTEXT",
    "listener.security.protocol.map": [
      "CONTROLLER:PLAINTEXT",
      "PLAINTEXT:PLAINTEXT",
      ...protocols,
    ].join(","),
    "log.dirs": logDir,
    "num.partitions": String(options.numPartitions ?? 3),
    "auto.create.topics.enable": "false",
    "offsets.topic.replication.factor": "1",
    "offsets.topic.num.partitions": "3",
    "transaction.state.log.replication.factor": "1",
    "transaction.state.log.min.isr": "1",
    "share.coordinator.state.topic.replication.factor": "1",
    "share.coordinator.state.topic.min.isr": "1",
    "group.initial.rebalance.delay.ms": "0",
    ...options.properties,
  };
  return (
    Object.entries(props)
      .map(([key, value]) => `${key}=${value}`)
      .join("\n") + "\n"
  );
}

/** Same format as `StorageTool random-uuid`: 22 url-safe base64 chars, not starting with '-'. */
function clusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString("base64url");
    if (!id.startsWith("-")) return id;
  }
}

/** Creates the broker's config and data dir and starts it. */
export async function startPrivateKafka(options: PrivateKafkaOptions = {}): Promise<PrivateKafka> {
  const taken = new Set<number>();
  const nextPort = async (): Promise<number> => {
    let candidate = await freePort();
    while (taken.has(candidate)) candidate = await freePort();
    taken.add(candidate);
    return candidate;
  };
  const port = await nextPort();
  const controllerPort = await nextPort();
  const listenerPorts: Record<string, number> = {};
  for (const name of Object.keys(options.listeners ?? {})) listenerPorts[name] = await nextPort();
  const dataDir = mkdtempSync(join(tmpdir(), "gifmesh-kafka-"));
  // The JVM's own temp files (lz4-java and snappy unpack native libraries there and
  // leave them behind) go into the data dir, and no hsperfdata file into /tmp: a
  // JVM ignores TMPDIR, and close() removes only the data dir.
  const javaTmp = join(dataDir, "tmp");
  mkdirSync(javaTmp);
  const jvmTemp = [`-Djava.io.tmpdir=${javaTmp}`, "-XX:-UsePerfData"];
  const propsFile = join(dataDir, "server.properties");
  writeFileSync(
    propsFile,
    properties(port, controllerPort, listenerPorts, join(dataDir, "log"), options),
  );
  const timeoutMs = options.startTimeoutMs ?? 90_000;
  let formatted = false;

  async function format(): Promise<void> {
    const tool = startServerProcess("kafka-storage-format", "java", [
      ...jvmTemp,
      `-Dlog4j2.configurationFile=${KAFKA_LOG4J}`,
      "-Dgifmesh.kafka.level=warn",
      "-cp",
      `${KAFKA_LIBS}/*`,
      "kafka.tools.StorageTool",
      "format",
      "-t",
      clusterId(),
      "-c",
      propsFile,
      "--ignore-formatted",
      ...(options.formatArgs ?? []),
    ]);
    // A hung tool is reported by the check below, with its output.
    await waitFor("kafka storage format", () => tool.exited() !== undefined, timeoutMs).catch(
      () => undefined,
    );
    if (tool.exited() !== "exit code 0")
      throw withOutput(
        tool,
        new Error(`kafka storage format failed (${tool.exited() ?? "timeout"})`),
      );
    formatted = true;
  }

  /** Formats the log dir the first time, then starts the broker and waits until it serves. */
  async function launch(): Promise<ServerProcess> {
    if (!formatted) await format();
    const broker = startServerProcess(
      "kafka",
      "java",
      [
        ...BROKER_JVM,
        ...jvmTemp,
        `-Dlog4j2.configurationFile=${KAFKA_LOG4J}`,
        "-Dgifmesh.kafka.level=info",
        "-Dlog4j2.shutdownHookEnabled=false",
        "-cp",
        `${KAFKA_LIBS}/*`,
        "kafka.Kafka",
        propsFile,
      ],
      { keepLines: 2_000 },
    );
    // Ready = the broker logged that it started and its client port accepts connections.
    try {
      await waitFor(
        "kafka start",
        async () => /Kafka Server started/.test(broker.output()) && (await tcpOpen(port)),
        {
          timeoutMs,
          failFast: () => {
            const dead = broker.exited();
            return dead === undefined ? undefined : `exited during start (${dead})`;
          },
        },
      );
    } catch (error) {
      await broker.stop({ signal: "SIGKILL" });
      throw withOutput(broker, error);
    }
    return broker;
  }

  return startPrivateServer(
    { brokers: [`127.0.0.1:${port}`], port, controllerPort, listenerPorts, dataDir },
    // A controlled shutdown of a broker can take a while: 30 s before SIGKILL.
    { launch, graceMs: 30_000, dataDir },
  );
}
