// Storage's RPC server as configured: the StorageService routes over the use cases,
// gRPC health, reflection when enabled, the bearer-token gate when a token is set,
// tracing and RED metrics on every call, TLS when a certificate is given.
import type { ConnectRouter } from "@connectrpc/connect";
import {
  file_gifmesh_storage_v1_storage,
  file_grpc_health_v1_health,
  Health,
  StorageService,
  reflectionV1,
  reflectionV1alpha,
} from "@gifmesh/shared/contracts";
import {
  createRpcMetricsInterceptor,
  createServerTracingInterceptor,
} from "@gifmesh/shared/connect";
import type { Logger } from "@gifmesh/shared/logging";
import type { Registry } from "@gifmesh/shared/metrics";
import type { StorageUseCases } from "../application/use-cases.ts";
import type { StorageConfig } from "../config.ts";
import { healthRoutes, type HealthState } from "../transport/rpc/health.ts";
import { createReflection, reflectionRoutes } from "../transport/rpc/reflection.ts";
import { createRpcAuthGate } from "../transport/rpc/rpc-auth.ts";
import { startRpcServer, type RpcServer } from "../transport/rpc/rpc-server.ts";
import { storageRoutes } from "../transport/rpc/storage-handlers.ts";

/** Every service reflection describes, with the files that declare them. */
function storageReflection() {
  return createReflection(
    [
      file_gifmesh_storage_v1_storage,
      file_grpc_health_v1_health,
      reflectionV1.file_grpc_reflection_v1_reflection,
      reflectionV1alpha.file_grpc_reflection_v1alpha_reflection,
    ],
    [
      StorageService.typeName,
      Health.typeName,
      reflectionV1.ServerReflection.typeName,
      reflectionV1alpha.ServerReflection.typeName,
    ],
  );
}

export async function serveRpc(
  config: StorageConfig,
  deps: {
    readonly useCases: StorageUseCases;
    readonly health: HealthState;
    readonly logger: Logger;
    /** Where RPC RED metrics go; none in some tests. */
    readonly registry?: Registry | undefined;
  },
): Promise<RpcServer> {
  const { logger, registry } = deps;
  const reflection = storageReflection();
  const rpc = await startRpcServer({
    host: config.STORAGE_RPC_HOST,
    port: config.STORAGE_RPC_PORT,
    routes: (router: ConnectRouter) => {
      storageRoutes(deps.useCases, {
        // The caller only sees "internal error"; the cause must be findable here.
        onInternal: (error, procedure) => {
          logger.error("rpc failed with an internal error", { procedure, err: error });
        },
      })(router);
      healthRoutes(deps.health)(router);
      if (config.STORAGE_RPC_REFLECTION) reflectionRoutes(reflection)(router);
    },
    readMaxBytes: config.STORAGE_RPC_MAX_REQUEST_BYTES,
    maxConnections: config.STORAGE_RPC_MAX_CONNECTIONS,
    idleTimeoutMs: config.STORAGE_RPC_IDLE_TIMEOUT_MS,
    ...(config.STORAGE_RPC_TOKEN
      ? { requestGate: createRpcAuthGate(config.STORAGE_RPC_TOKEN) }
      : {}),
    interceptors: [
      createServerTracingInterceptor({ tracerName: "gifmesh-storage" }),
      ...(registry ? [createRpcMetricsInterceptor({ registry, side: "server" })] : []),
    ],
    ...(config.TLS_CERT_FILE && config.TLS_KEY_FILE
      ? { tls: { certFile: config.TLS_CERT_FILE, keyFile: config.TLS_KEY_FILE } }
      : {}),
    corsOrigins: config.CORS_ORIGINS,
  });
  if (config.STORAGE_RPC_TOKEN === undefined)
    logger.warn(
      "storage rpc is unauthenticated: STORAGE_RPC_TOKEN is unset (local/dev mode only)",
      { host: config.STORAGE_RPC_HOST },
    );
  logger.info("storage rpc listening", {
    url: rpc.url,
    authenticated: config.STORAGE_RPC_TOKEN !== undefined,
    reflection: config.STORAGE_RPC_REFLECTION,
    giphy: config.GIPHY_USES_FIXTURE ? "fixture" : "giphy",
    giphyBaseUrl: config.GIPHY_BASE_URL,
  });
  return rpc;
}
