// The gateway's process: config, runtime (logging, tracing, metrics, signals), the
// gateway (startGateway: clients, HTTP server) and the admin server (/metrics
// /healthz /readyz). On SIGTERM the admin server reports shutting down while the
// HTTP server drains, then the gateway closes its clients and the admin server goes.
import { startAdminServer } from "@gifmesh/shared/admin";
import { startServiceRuntime } from "@gifmesh/shared/runtime";
import { gatewayConfigSchema } from "./config.ts";
import { startGateway } from "./gateway.ts";

const { config, logger, shutdown, registry } = startServiceRuntime("gateway", gatewayConfigSchema);
const gateway = await startGateway(config, { logger, registry });
const admin = await startAdminServer({
  host: config.ADMIN_HOST,
  port: config.ADMIN_PORT,
  token: config.ADMIN_TOKEN,
  registry,
  logger,
  readiness: gateway.readiness,
});
// Closers run newest first: the gateway drains before the admin server closes.
shutdown.onShutdown("admin", () => admin.close());
shutdown.onShutdown("gateway", () => {
  admin.markShuttingDown();
  return gateway.close();
});
logger.info("gateway listening", {
  url: gateway.url,
  admin: admin.url,
  open_mode: config.GATEWAY_API_KEYS.length === 0,
});
