// A private gifmesh for the end-to-end tests: startTestStack (@gifmesh/shared/testing)
// with the Giphy fixture, storage, the file worker and the gateway as child processes
// started the way production starts them (with the tracing preload), on free ports,
// with a fresh database, a fresh bucket and unique Kafka topics and consumer groups,
// so runs never meet the shared stack's data. `stop()` stops the children and
// removes what it created, at the end of the test file if the test never called it.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT, startTestStack, type ServiceProcess } from "@gifmesh/shared/testing";

const env = process.env;
export const JAEGER_UI = env.JAEGER_UI ?? "http://127.0.0.1:16686";
const OTLP = env.OTEL_EXPORTER_OTLP_ENDPOINT ?? "http://127.0.0.1:4318";
/** The shared Zipkin (the trace UI, scripts/infra/observability.sh); spans go there too. */
export const ZIPKIN_UI = (env.ZIPKIN_UI ?? "http://127.0.0.1:9411/zipkin/").replace(/\/?$/, "/");
const ZIPKIN_SPANS =
  env.OTEL_EXPORTER_ZIPKIN_ENDPOINT ?? `${new URL(ZIPKIN_UI).origin}/api/v2/spans`;
const STORAGE_ENTRY = "services/storage/src/main.ts";

/** A child of the stack: its whole stdout (JSON log lines) and its recent output. */
export type Child = ServiceProcess;

export interface E2EStack {
  readonly gatewayUrl: string;
  /** The Giphy fixture's origin (it serves the API and the media). */
  readonly fixtureUrl: string;
  /** The gateway's admin server (/metrics, /readyz). */
  readonly gatewayAdminUrl: string;
  readonly topics: {
    readonly requested: string;
    readonly completed: string;
    readonly failed: string;
  };
  readonly children: {
    readonly gateway: Child;
    readonly storage: Child;
    readonly worker: Child;
    readonly fixture: Child;
  };
  stop(): Promise<void>;
}

export interface E2EOptions {
  /** Giphy's API for storage (default: the stack's own fixture). */
  readonly giphyBaseUrl?: string;
  /** Extra environment for storage, e.g. the archive set. */
  readonly storageEnv?: Readonly<Record<string, string>>;
}

/** Starts the private stack and waits until every service reports ready. */
export async function startE2EStack(options: E2EOptions = {}): Promise<E2EStack> {
  const stack = await startTestStack({
    prefix: "e2e",
    partitions: 1,
    logLevel: "debug",
    keepStdout: true,
    // E2E_LOG_DIR keeps every child's whole output (the in-memory tail is bounded).
    ...(env.E2E_LOG_DIR ? { logDir: env.E2E_LOG_DIR } : {}),
    tracing: {
      OTEL_EXPORTER_OTLP_ENDPOINT: OTLP,
      OTEL_TRACES_EXPORTER: "otlp,zipkin",
      OTEL_EXPORTER_ZIPKIN_ENDPOINT: ZIPKIN_SPANS,
    },
    env: {
      storage: {
        ...(options.giphyBaseUrl === undefined ? {} : { GIPHY_BASE_URL: options.giphyBaseUrl }),
        ...options.storageEnv,
      },
      gateway: { WEB_TRACE_URL: `${ZIPKIN_UI}traces/{trace_id}` },
    },
  });
  const worker = stack.workers[0];
  if (stack.fixture === undefined || worker === undefined)
    throw new Error("the e2e stack runs its own fixture and one worker");
  return {
    gatewayUrl: stack.gatewayUrl,
    gatewayAdminUrl: stack.gateway.adminUrl,
    fixtureUrl: stack.fixtureUrl,
    topics: stack.topics,
    children: {
      gateway: stack.gateway.current(),
      storage: stack.storage.current(),
      worker: worker.current(),
      fixture: stack.fixture.current(),
    },
    stop: () => stack.close(),
  };
}

/** True when the stack's entry points exist (a guard for clearer failures). */
export function stackEntriesExist(): boolean {
  return existsSync(join(REPO_ROOT, STORAGE_ENTRY));
}
