// The scale-out stack: gifmesh with two of every service on the 3-broker cluster of
// scripts/cluster, built from two startTestStack runs with the production names (each:
// one storage, one file worker, one gateway), so both storages share the results
// consumer group and relay the one outbox, and both workers share the worker group.
// PostgreSQL, Redis, S3 and the two Giphy fixtures are private, as in the fault suite
// (tests/faults/stack.ts), whose truth reader and report this runner reuses.
//
// Load balancers (Debian's HAProxy, haproxy.ts): the gateways talk to storage through
// one in TCP mode (a Kubernetes Service), and users reach the gateways through one in
// HTTP mode that health-checks their /readyz (an ingress). Their ports are chosen up
// front and given to the services (STORAGE_RPC_PORT, GATEWAY_PORT).
//
// Links a fault can cut, each a TCP proxy (shared/src/testing/tcp-proxy.ts) in front
// of one instance's dependency, instance 1 of each pair: storage-1 → Kafka (the three
// LINK listeners, see scripts/cluster/lib.sh), file-worker-1 → S3, gateway-1 → Redis.
import { PassThrough } from "node:stream";
import { join } from "node:path";
import { createKafka } from "@gifmesh/shared/kafka";
import { createLogger } from "@gifmesh/shared/logging";
import {
  freePort,
  startPrivatePostgres,
  startPrivateRedis,
  startPrivateS3,
  startTcpProxy,
  startTestStack,
  type PrivatePostgres,
  type PrivateRedis,
  type PrivateS3,
  type TcpProxy,
  type TestStack,
  type TestStackOptions,
} from "@gifmesh/shared/testing";
import type { Durations } from "../faults/config.ts";
import {
  BUCKET,
  FAULT_SERVICE_ENV,
  privateInfra,
  startFaultFixture,
  type FaultStack,
  type Service,
} from "../faults/stack.ts";
import type { Cluster } from "./cluster.ts";
import { startLoadBalancer, type LoadBalancer } from "./haproxy.ts";

export interface ClusterStack extends FaultStack {
  readonly cluster: Cluster;
  readonly storages: readonly [Service, Service];
  readonly gateways: readonly [Service, Service];
  /** HAProxy in front of the storages (backends s1, s2) and the gateways (g1, g2). */
  readonly storageLb: LoadBalancer;
  readonly gatewayLb: LoadBalancer;
  readonly links: {
    /** storage-1 → each broker's LINK listener. */
    readonly storageKafka: readonly TcpProxy[];
    readonly workerS3: TcpProxy;
    readonly gatewayRedis: TcpProxy;
  };
}

const portOf = (url: string) => Number(new URL(url).port);

export async function startClusterStack(
  cluster: Cluster,
  durations: Durations,
  runDir: string,
  logDir: string,
): Promise<ClusterStack> {
  const closers: (() => Promise<unknown>)[] = [];
  const closeAll = async () => {
    for (const close of closers.reverse()) await close().catch(() => undefined);
  };
  try {
    const started = await Promise.allSettled([
      startPrivateRedis(),
      startPrivateS3({ buckets: [BUCKET] }),
      startPrivatePostgres({ database: "gifmesh_cluster" }),
    ] as const);
    for (const r of started) if (r.status === "fulfilled") closers.push(() => r.value.close());
    const failed = started.find((r) => r.status === "rejected");
    if (failed !== undefined) throw failed.reason;
    const [redis, s3, postgres] = started.map((r) =>
      r.status === "fulfilled" ? r.value : undefined,
    ) as [PrivateRedis, PrivateS3, PrivatePostgres];

    const fixture = await startFaultFixture(durations.catalogueSize);
    closers.push(() => fixture.stop());
    const { fixtureUrl, mediaUrl } = fixture;

    const proxy = async (targetPort: number, port?: number) => {
      const p = await startTcpProxy({ targetPort, ...(port === undefined ? {} : { port }) });
      closers.push(() => p.close());
      return p;
    };
    const storageKafka: TcpProxy[] = [];
    for (const link of cluster.links) storageKafka.push(await proxy(link.target, link.listen));
    const workerS3 = await proxy(s3.port);
    const gatewayRedis = await proxy(redis.port);

    const port = {
      rpc: [await freePort(), await freePort()] as const,
      gateway: [await freePort(), await freePort()] as const,
      storageLb: await freePort(),
      gatewayLb: await freePort(),
    };
    const gatewayLbUrl = `http://127.0.0.1:${String(port.gatewayLb)}`;
    const storageLb = await startLoadBalancer({
      name: "storage",
      mode: "tcp",
      port: port.storageLb,
      backends: [
        { name: "s1", port: port.rpc[0] },
        { name: "s2", port: port.rpc[1] },
      ],
      dir: runDir,
    });
    closers.push(() => storageLb.close());

    // The fault suite's settings (tests/faults/stack.ts explains each), per instance.
    const instance = (n: 0 | 1): TestStackOptions => ({
      prefix: "faults",
      names: "contract",
      workers: 1,
      infra: privateInfra({ postgres, kafkaBrokers: cluster.brokers, s3, redis }),
      giphy: fixture.giphy,
      logLevel: "info",
      // Each run's children have the same names (storage, file-worker, gateway).
      logDir: join(logDir, `instance-${String(n + 1)}`),
      readyTimeoutMs: 120_000,
      env: {
        all: FAULT_SERVICE_ENV.all,
        // The production values' topic layout (k8s/values-production.yaml, kafka.topics);
        // scripts/cluster/up.sh created the topics with the same before anything started.
        storage: {
          KAFKA_TOPIC_REPLICATION_FACTOR: "3",
          KAFKA_TOPIC_MIN_INSYNC_REPLICAS: "2",
          ...FAULT_SERVICE_ENV.storage,
          STORAGE_RPC_PORT: String(port.rpc[n]),
          ...(n === 0 ? { KAFKA_BROKERS: cluster.linkBrokers.join(",") } : {}),
        },
        "file-worker": {
          KAFKA_TOPIC_REPLICATION_FACTOR: "3",
          KAFKA_TOPIC_MIN_INSYNC_REPLICAS: "2",
          ...FAULT_SERVICE_ENV["file-worker"],
          KAFKA_CLIENT_ID: `cluster-worker-${String(n + 1)}`,
          ...(n === 0 ? { S3_ENDPOINT: `http://127.0.0.1:${String(workerS3.port)}` } : {}),
        },
        gateway: {
          ...FAULT_SERVICE_ENV.gateway,
          GATEWAY_PORT: String(port.gateway[n]),
          STORAGE_URL: `http://127.0.0.1:${String(port.storageLb)}`,
          PUBLIC_BASE_URL: gatewayLbUrl,
          ...(n === 0 ? { REDIS_URL: `redis://127.0.0.1:${String(gatewayRedis.port)}` } : {}),
        },
      },
    });
    const stacks: TestStack[] = [];
    for (const n of [0, 1] as const) {
      const stack = await startTestStack(instance(n));
      stacks.push(stack);
      closers.push(() => stack.close());
    }
    const [a, b] = stacks as [TestStack, TestStack];
    const only = (services: readonly Service[], what: string): Service => {
      const [service] = services;
      if (service === undefined) throw new Error(`no ${what}`);
      return service;
    };
    const gatewayLb = await startLoadBalancer({
      name: "gateway",
      mode: "http",
      port: port.gatewayLb,
      backends: [
        { name: "g1", port: port.gateway[0], checkPort: portOf(a.gateway.adminUrl) },
        { name: "g2", port: port.gateway[1], checkPort: portOf(b.gateway.adminUrl) },
      ],
      dir: runDir,
    });
    closers.push(() => gatewayLb.close());
    await Promise.all([
      gatewayLb.waitUp("g1"),
      gatewayLb.waitUp("g2"),
      storageLb.waitUp("s1"),
      storageLb.waitUp("s2"),
    ]);

    const kafkaClient = createKafka({
      brokers: cluster.brokers,
      clientId: "cluster-runner",
      logger: createLogger({
        service: "cluster-runner",
        level: "error",
        stream: new PassThrough(),
      }),
      logLevel: "error",
    });
    const workers = [only(a.workers, "worker 1"), only(b.workers, "worker 2")] as const;
    return {
      cluster,
      kafka: cluster.asPrivateKafka(),
      redis,
      s3,
      postgres,
      kafkaClient,
      fixtureUrl,
      mediaUrl,
      gatewayUrl: gatewayLb.url,
      storage: a.storage,
      storages: [a.storage, b.storage],
      workers,
      gateway: a.gateway,
      gateways: [a.gateway, b.gateway],
      storageLb,
      gatewayLb,
      links: { storageKafka, workerS3, gatewayRedis },
      logs: () => `${a.logs()}\n${b.logs()}`,
      close: closeAll,
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}
