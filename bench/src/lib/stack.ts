// A private gifmesh stack for the benchmarks, beside (never instead of) `make up`:
// startTestStack of @gifmesh/shared/testing with its own database, Kafka topics and
// consumer groups, S3 bucket, a private Redis server (the gateway's cache keys have a
// fixed prefix) and free ports, all removed at the end, also when the start fails
// half-way. It uses the shared infrastructure servers; the services keep their
// production timings, and every log goes straight into the run directory.
import { startTestStack, type ServiceProcess } from "@gifmesh/shared/testing";
import type { GatewayTarget } from "../bench/gateway-cache.ts";
import { childExit, type Child } from "./proc.ts";

export interface StackOptions {
  /** The checkout (the services' main.ts are found from @gifmesh/shared/testing's REPO_ROOT). */
  readonly root: string;
  readonly logDir: string;
  readonly catalogueSize: number;
  /** Extra env for every service (e.g. OTEL_SDK_DISABLED). */
  readonly env: NodeJS.ProcessEnv;
  /** Node flags per service, e.g. { gateway: ["--cpu-prof", ...] }. */
  readonly nodeArgs?: Readonly<Record<string, string[]>>;
}

export interface Stack {
  readonly id: string;
  readonly databaseUrl: string;
  readonly bucket: string;
  readonly topics: { requested: string; completed: string; failed: string };
  readonly fixtureUrl: string;
  readonly storageUrl: string;
  readonly gatewayUrl: string;
  /** What another gateway needs to join this stack (the configuration runs). */
  readonly gatewayTarget: GatewayTarget;
  /** Admin origins (/metrics) by service name. */
  readonly adminUrls: Readonly<Record<"storage" | "file-worker" | "gateway", string>>;
  /** The service processes, by name (fixture, storage, file-worker, gateway). */
  readonly children: ReadonlyMap<string, Child>;
  stop(): Promise<void>;
}

function benchChild(name: string, service: ServiceProcess): Child {
  const child = service.process;
  if (child.pid === undefined) throw new Error(`${name} has no pid`);
  return {
    name,
    pid: child.pid,
    process: child,
    exited: childExit(child),
    stop: (graceMs = 8_000) => service.stop({ graceMs }),
  };
}

export async function startStack(options: StackOptions): Promise<Stack> {
  const nodeArgs = options.nodeArgs ?? {};
  const stack = await startTestStack({
    prefix: "bench",
    redis: "private",
    giphy: {
      script: "bench/src/servers/fixture.ts",
      portVariable: "BENCH_FIXTURE_PORT",
      env: { BENCH_CATALOGUE_SIZE: String(options.catalogueSize) },
    },
    testTimings: false,
    inheritEnv: true,
    logDir: options.logDir,
    logMode: "direct",
    readyTimeoutMs: 90_000,
    env: {
      all: options.env,
      // The benchmark is one client: the per-client limit would answer 429 at once.
      gateway: { RATE_LIMIT_MAX: "1000000000" },
    },
    nodeArgs: {
      ...(nodeArgs.fixture === undefined ? {} : { fixture: nodeArgs.fixture }),
      ...(nodeArgs.storage === undefined ? {} : { storage: nodeArgs.storage }),
      ...(nodeArgs["file-worker"] === undefined ? {} : { "file-worker": nodeArgs["file-worker"] }),
      ...(nodeArgs.gateway === undefined ? {} : { gateway: nodeArgs.gateway }),
    },
  });
  try {
    const worker = stack.workers[0];
    if (stack.fixture === undefined || worker === undefined)
      throw new Error("the bench stack runs its own fixture and one worker");
    const children = new Map<string, Child>([
      ["fixture", benchChild("fixture", stack.fixture.current())],
      ["storage", benchChild("storage", stack.storage.current())],
      ["file-worker", benchChild("file-worker", worker.current())],
      ["gateway", benchChild("gateway", stack.gateway.current())],
    ]);
    return {
      id: stack.id,
      databaseUrl: stack.databaseUrl,
      bucket: stack.bucket,
      topics: stack.topics,
      fixtureUrl: stack.fixtureUrl,
      storageUrl: stack.storageUrl,
      gatewayUrl: stack.gatewayUrl,
      gatewayTarget: {
        storageUrl: stack.storageUrl,
        redisUrl: stack.redisUrl,
        s3Env: {
          S3_ENDPOINT: stack.infra.s3.endpoint,
          S3_REGION: stack.infra.s3.region,
          S3_ACCESS_KEY_ID: stack.infra.s3.accessKeyId,
          S3_SECRET_ACCESS_KEY: stack.infra.s3.secretAccessKey,
          S3_BUCKET: stack.bucket,
          S3_FORCE_PATH_STYLE: "true",
        },
      },
      adminUrls: {
        storage: stack.storage.adminUrl,
        "file-worker": worker.adminUrl,
        gateway: stack.gateway.adminUrl,
      },
      children,
      stop: () => stack.close(),
    };
  } catch (error) {
    await stack.close();
    throw error;
  }
}
