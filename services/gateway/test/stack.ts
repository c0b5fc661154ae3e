// The real back end of the gateway's integration tests, private to one test file:
// startTestStack (@gifmesh/shared/testing) with the storage service (and, when asked,
// the real file worker) as child processes of their main.ts, on a fresh database and
// unique topics and consumer groups, in front of an in-process Giphy fixture the
// tests steer (faults, counters). The worker archives into the shared bucket
// (content-addressed keys, so runs share objects harmlessly). stop() removes it all,
// at the end of the test file if the test never called it.
// startGatewayProcess runs the gateway itself the same way (`node
// services/gateway/src/main.ts`), for tests of what only main.ts wires: /readyz,
// start-up logs.
import { createFixtureServer, type FixtureServer } from "@gifmesh/giphy-fixture";
import {
  deferCleanup,
  freePort,
  infra,
  spawnService,
  startTestStack,
} from "@gifmesh/shared/testing";
import {
  createStorageClient,
  createStorageTransport,
  type StorageClient,
} from "../src/infrastructure/storage-transport.ts";

const S3_ENV = {
  S3_ENDPOINT: infra.S3_ENDPOINT,
  S3_REGION: infra.S3_REGION,
  S3_ACCESS_KEY_ID: infra.S3_ACCESS_KEY_ID,
  S3_SECRET_ACCESS_KEY: infra.S3_SECRET_ACCESS_KEY,
  S3_BUCKET: infra.S3_BUCKET,
  S3_FORCE_PATH_STYLE: "true",
};

export interface Stack {
  readonly fixture: FixtureServer;
  /** A storage client as the gateway's main.ts builds it (gRPC over HTTP/2). */
  readonly storage: StorageClient;
  readonly storageUrl: string;
  /** Storage's admin origin (/metrics, /readyz). */
  readonly storageAdminUrl: string;
  /** The children's recent output, for failure messages. */
  logs(): string;
  stop(): Promise<void>;
}

export interface StackOptions {
  /** Also run the real file worker. */
  readonly worker?: boolean;
  /**
   * Storage's STORAGE_RPC_TOKEN: storage then refuses calls without it, and the
   * stack's own client (`storage`) sends it.
   */
  readonly storageToken?: string;
}

/** Starts the private stack. */
export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const fixture = await createFixtureServer({ port: 0 });
  const closeFixture = deferCleanup("giphy fixture", () => fixture.close());
  try {
    const stack = await startTestStack({
      prefix: "gwtest",
      services: options.worker === true ? ["storage", "file-worker"] : ["storage"],
      giphy: {
        baseUrl: fixture.baseUrl,
        apiKey: fixture.apiKey,
        mediaHosts: [`127.0.0.1:${String(fixture.port)}`],
      },
      bucket: "shared",
      partitions: 3,
      env: { storage: { STORAGE_RPC_TOKEN: options.storageToken } },
    });
    return {
      fixture,
      storage: createStorageClient(
        createStorageTransport({
          baseUrl: stack.storageUrl,
          timeoutMs: 5_000,
          token: options.storageToken,
        }),
      ),
      storageUrl: stack.storageUrl,
      storageAdminUrl: stack.storage.adminUrl,
      logs: () => stack.logs(),
      async stop() {
        await stack.close();
        await closeFixture();
      },
    };
  } catch (error) {
    await closeFixture();
    throw error;
  }
}

export interface GatewayProcess {
  readonly url: string;
  readonly adminUrl: string;
  /** Its recent output (stdout and stderr). */
  logs(): string;
  stop(): Promise<void>;
}

/**
 * Starts `node services/gateway/src/main.ts` in front of `storageUrl`, with the
 * shared S3 and `env` on top (REDIS_*, STORAGE_RPC_TOKEN, ...); resolves once its
 * /readyz answers 200 (ready, possibly degraded), or with `until: "live"` once
 * /healthz does (for a gateway that must NOT become ready). Stopped by stop() or
 * at the end of the test file.
 */
export async function startGatewayProcess(
  storageUrl: string,
  env: Record<string, string>,
  options: { until?: "ready" | "live" } = {},
): Promise<GatewayProcess> {
  const [port, adminPort] = [await freePort(), await freePort()];
  const url = `http://127.0.0.1:${String(port)}`;
  const adminUrl = `http://127.0.0.1:${String(adminPort)}`;
  const child = await spawnService({
    name: "gateway",
    script: "services/gateway/src/main.ts",
    env: {
      OTEL_SDK_DISABLED: "true",
      LOG_LEVEL: "info",
      ADMIN_HOST: "127.0.0.1",
      ADMIN_PORT: String(adminPort),
      GATEWAY_HOST: "127.0.0.1",
      GATEWAY_PORT: String(port),
      PUBLIC_BASE_URL: url,
      STORAGE_URL: storageUrl,
      ...S3_ENV,
      ...env,
    },
    ready: { url: `${adminUrl}${options.until === "live" ? "/healthz" : "/readyz"}` },
    readyTimeoutMs: 45_000,
    graceMs: 10_000,
  });
  return { url, adminUrl, logs: () => child.output(), stop: () => child.stop() };
}
