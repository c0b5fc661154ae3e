// A service's whole process, the same for all three: the runtime (startServiceRuntime),
// the service itself (the caller's start function), and the admin server that answers
// /metrics, /healthz and /readyz for it; both close on SIGTERM. A start-up cut short
// by SIGTERM ends quietly (shutdown exits); any other start-up failure exits 1.
import type { z } from "zod";
import { startAdminServer, type AdminServer, type ReadinessCheck } from "../admin/index.ts";
import type { BaseConfig } from "../config/index.ts";
import { startServiceRuntime, type ServiceRuntime } from "./service-runtime.ts";

/** What a service's start function hands back to {@link runService}. */
export interface RunnableService {
  /** The checks behind the admin server's /readyz. */
  readonly readiness: readonly ReadinessCheck[];
  /** Drains and releases what the service opened. */
  close(): Promise<void>;
}

/** The running process, as {@link RunServiceOptions.running} sees it. */
export interface StartedService<C extends BaseConfig, T extends RunnableService> {
  readonly runtime: ServiceRuntime<C>;
  readonly service: T;
  readonly admin: AdminServer;
}

/** Options for {@link runService}. */
export interface RunServiceOptions<S extends z.ZodType<BaseConfig>, T extends RunnableService> {
  /** The service's name, in logs, metrics and traces (`gateway`, `storage`, `file-worker`). */
  readonly name: string;
  readonly schema: S;
  /** Builds the service; it may return before its dependencies answer (readiness says so). */
  readonly start: (runtime: ServiceRuntime<z.output<S>>) => Promise<T>;
  /** Runs once the admin server listens: wait for the service, log that it runs. */
  readonly running?: (process: StartedService<z.output<S>, T>) => Promise<void> | void;
  /**
   * On SIGTERM the admin server answers 503 `shutting_down` while the service drains and
   * closes after it: for a service behind a load balancer that routes by /readyz. By
   * default the admin server closes first, then the service.
   */
  readonly adminAnswersWhileDraining?: boolean;
}

function isShutdownAbort(error: unknown): boolean {
  return error instanceof Error && error.message.startsWith("shutting down");
}

async function run<S extends z.ZodType<BaseConfig>, T extends RunnableService>(
  options: RunServiceOptions<S, T>,
): Promise<void> {
  const { name } = options;
  const runtime = startServiceRuntime(name, options.schema);
  const { config, logger, shutdown, registry } = runtime;
  const service = await options.start(runtime);
  // Closers run newest first.
  if (!options.adminAnswersWhileDraining) shutdown.onShutdown(name, () => service.close());
  const admin = await startAdminServer({
    host: config.ADMIN_HOST,
    port: config.ADMIN_PORT,
    token: config.ADMIN_TOKEN,
    registry,
    logger,
    readiness: service.readiness,
  });
  shutdown.onShutdown("admin", () => admin.close());
  if (options.adminAnswersWhileDraining) {
    shutdown.onShutdown(name, () => {
      admin.markShuttingDown();
      return service.close();
    });
  }
  await options.running?.({ runtime, service, admin });
}

/** Runs a service as its process: see the module's header. Call it once, from main.ts. */
export function runService<S extends z.ZodType<BaseConfig>, T extends RunnableService>(
  options: RunServiceOptions<S, T>,
): void {
  run(options).catch((error: unknown) => {
    if (isShutdownAbort(error)) return;
    process.stderr.write(
      `${options.name} failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  });
}
