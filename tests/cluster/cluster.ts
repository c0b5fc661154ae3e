// The runner's handle on the 3-broker cluster that scripts/cluster started (the runner
// never starts or stops the cluster as a whole: scripts/cluster/test.sh does). Broker n
// is node.id n; its pid comes from scripts/cluster/broker.sh (the pid file checked
// against the broker's command line), and a broker is started again by the same script.
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { REPO_ROOT, waitFor, type PrivateKafka } from "@gifmesh/shared/testing";
import type { PartitionLayout } from "./layout.ts";

const run = promisify(execFile);
const BROKER_SH = join(REPO_ROOT, "scripts/cluster/broker.sh");

export interface Cluster {
  /** Bootstrap servers (the PLAINTEXT listeners). */
  readonly brokers: readonly string[];
  /** Bootstrap through the LINK listeners' proxies (scripts/cluster/lib.sh): port + 200. */
  readonly linkBrokers: readonly string[];
  /** For each LINK proxy: where it listens and where it forwards (port + 100). */
  readonly links: readonly { readonly listen: number; readonly target: number }[];
  pid(broker: number): Promise<number | undefined>;
  signal(broker: number, signal: NodeJS.Signals): Promise<void>;
  /** Starts the broker if it does not run, waits for its port (broker.sh, bounded). */
  start(broker: number): Promise<void>;
  /**
   * SIGTERM, Kafka's controlled shutdown (leadership moved away first), and waits until
   * the process is gone; throws if it still runs after `timeoutMs`.
   */
  stop(broker: number, timeoutMs: number): Promise<void>;
  layout(topics: readonly string[]): Promise<PartitionLayout[]>;
  /** Waits (bounded) until every partition of `topics` has all its replicas in sync. */
  waitInSync(topics: readonly string[], timeoutMs: number): Promise<number>;
  /** The legacy shape the fault suite's truth reader takes (only `brokers` is read). */
  asPrivateKafka(): PrivateKafka;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export function clusterFromEnv(): Cluster {
  const bootstrap =
    process.env.GIFMESH_CLUSTER_BOOTSTRAP ?? "127.0.0.1:19092,127.0.0.1:19094,127.0.0.1:19096";
  const brokers = bootstrap.split(",");
  const ports = brokers.map((b) => Number(b.slice(b.lastIndexOf(":") + 1)));
  const links = ports.map((p) => ({ listen: p + 200, target: p + 100 }));
  const pid = async (broker: number): Promise<number | undefined> => {
    try {
      const { stdout } = await run("bash", [BROKER_SH, "pid", String(broker)], { timeout: 20_000 });
      const value = Number(stdout.trim());
      return Number.isInteger(value) && value > 0 ? value : undefined;
    } catch {
      return undefined;
    }
  };
  const layout = async (topics: readonly string[]): Promise<PartitionLayout[]> => {
    const { stdout } = await run(
      process.execPath,
      [join(import.meta.dirname, "layout.ts"), bootstrap, ...topics],
      { timeout: 30_000 },
    );
    return JSON.parse(stdout) as PartitionLayout[];
  };
  const start = async (broker: number): Promise<void> => {
    await run("bash", [BROKER_SH, "start", String(broker)], { timeout: 200_000 });
  };
  const stopAll = async () => {
    for (let n = 1; n <= brokers.length; n += 1) {
      const p = await pid(n);
      if (p !== undefined) process.kill(p, "SIGTERM");
    }
  };
  return {
    brokers,
    linkBrokers: links.map((l) => `127.0.0.1:${String(l.listen)}`),
    links,
    pid,
    async signal(broker, signal) {
      const p = await pid(broker);
      if (p === undefined) throw new Error(`broker ${String(broker)} does not run`);
      process.kill(p, signal);
    },
    start,
    async stop(broker, timeoutMs) {
      const p = await pid(broker);
      if (p === undefined) throw new Error(`broker ${String(broker)} does not run`);
      process.kill(p, "SIGTERM");
      await waitFor(`broker ${String(broker)} (pid ${String(p)}) to exit`, () => !alive(p), {
        timeoutMs,
        intervalMs: 200,
      });
    },
    layout,
    async waitInSync(topics, timeoutMs) {
      const t0 = Date.now();
      await waitFor(
        "every partition with all replicas in sync",
        async () => {
          const partitions = await layout(topics).catch(() => []);
          return (
            partitions.length > 0 &&
            partitions.every((p) => p.leader >= 0 && p.isr.length === p.replicas.length)
          );
        },
        { timeoutMs, intervalMs: 1_000 },
      );
      return Date.now() - t0;
    },
    asPrivateKafka() {
      return {
        brokers,
        port: ports[0] ?? 0,
        controllerPort: (ports[0] ?? 0) + 1,
        listenerPorts: { LINK: links[0]?.target ?? 0 },
        dataDir: join(process.env.GIFMESH_DATA ?? join(REPO_ROOT, ".data"), "cluster"),
        running: true,
        async start() {
          for (let n = 1; n <= brokers.length; n += 1) await start(n);
        },
        stop: stopAll,
        async restart() {
          await stopAll();
          for (let n = 1; n <= brokers.length; n += 1) await start(n);
        },
        output: () => "",
        // scripts/cluster/test.sh stops the cluster.
        close: () => Promise.resolve(),
      };
    },
  };
}
