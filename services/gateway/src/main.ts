// The gateway's process (runService): config, runtime (logging, tracing, metrics,
// signals), the gateway (startGateway: clients, HTTP server) and the admin server
// (/metrics /healthz /readyz). On SIGTERM the admin server reports shutting down while
// the HTTP server drains, then the gateway closes its clients and the admin server goes.
import { runService } from "@gifmesh/shared/runtime";
import { gatewayConfigSchema } from "./config.ts";
import { startGateway } from "./gateway.ts";

runService({
  name: "gateway",
  schema: gatewayConfigSchema,
  start: ({ config, logger, registry }) => startGateway(config, { logger, registry }),
  adminAnswersWhileDraining: true,
  running: ({ runtime: { config, logger }, service: gateway, admin }) => {
    logger.info("gateway listening", {
      url: gateway.url,
      admin: admin.url,
      open_mode: config.GATEWAY_API_KEYS.length === 0,
    });
  },
});
