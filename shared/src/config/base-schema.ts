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
 * `ADMIN_HOST` (0.0.0.0) and `ADMIN_PORT` (per service).
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
    ADMIN_HOST: str("0.0.0.0"),
    ADMIN_PORT: port(options.adminPort),
  });
}

/** The parsed shape of {@link baseConfigSchema}. */
export type BaseConfig = z.output<ReturnType<typeof baseConfigSchema>>;
