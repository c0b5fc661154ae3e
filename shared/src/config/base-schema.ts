// The variables every service reads, whatever it does: logging, tracing, shutdown
// and the admin server. A service extends this schema with its own variables.
import { z } from "zod";
import { LOG_LEVELS } from "../logging/levels.ts";
import { bool, durationMs, oneOf, port, str, url } from "./fields.ts";

/** Options for {@link baseConfigSchema}. */
export interface BaseConfigOptions {
  /** The service's default admin port (9464 gateway, 9465 storage, 9466 file-worker). */
  readonly adminPort: number;
}

/**
 * The service-independent part of every config:
 * `LOG_LEVEL` (info), `OTEL_EXPORTER_OTLP_ENDPOINT` (http://127.0.0.1:4318),
 * `OTEL_SDK_DISABLED` (false), `SHUTDOWN_TIMEOUT_MS` (10000),
 * `ADMIN_HOST` (127.0.0.1), `ADMIN_PORT` (per service) and `ADMIN_TOKEN` (unset).
 *
 * @example
 * const schema = baseConfigSchema({ adminPort: 9466 }).extend({ ...s3ConfigShape });
 * const config = loadConfig(schema);
 */
export function baseConfigSchema(options: BaseConfigOptions) {
  return z.object({
    LOG_LEVEL: oneOf(LOG_LEVELS, "info"),
    OTEL_EXPORTER_OTLP_ENDPOINT: url("http://127.0.0.1:4318"),
    OTEL_SDK_DISABLED: bool(false),
    SHUTDOWN_TIMEOUT_MS: durationMs(10_000),
    /**
     * Loopback unless told otherwise, so a laptop or a shared host does not expose
     * metrics and probes to its network. Helm and compose set 0.0.0.0, where the
     * kubelet and Prometheus reach the pod from outside it.
     */
    ADMIN_HOST: str("127.0.0.1"),
    ADMIN_PORT: port(options.adminPort),
    /**
     * When set, /metrics requires `Authorization: Bearer <token>` (/healthz and
     * /readyz stay open for the kubelet: admin-server.ts). Unset: no auth.
     */
    ADMIN_TOKEN: z.string().min(16, "must be at least 16 characters").optional(),
  });
}

/** The parsed shape of {@link baseConfigSchema}. */
export type BaseConfig = z.output<ReturnType<typeof baseConfigSchema>>;
