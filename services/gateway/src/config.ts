// Every environment variable the gateway reads, with its default. Parsed once in
// main.ts; a bad value stops start-up with a message naming each variable.
import {
  baseConfigSchema,
  bool,
  csv,
  durationMs,
  int,
  port,
  str,
  url,
} from "@gifmesh/shared/config";
import { z } from "zod";
import { DEFAULT_WEB_TRACE_URL, isTraceUrlTemplate } from "./transport/web-assets.ts";

export const gatewayConfigSchema = baseConfigSchema({ adminPort: 9464 }).extend({
  GATEWAY_HOST: str("0.0.0.0"),
  GATEWAY_PORT: port(8080),
  /** Public origin used in media URLs of archived GIFs. */
  PUBLIC_BASE_URL: url("http://127.0.0.1:8080"),
  MEDIA_REWRITE_URLS: bool(true),
  MEDIA_REDIRECT_UNARCHIVED: bool(false),
  STORAGE_URL: url("http://127.0.0.1:50051"),
  STORAGE_TIMEOUT_MS: durationMs(3_000),
  STORAGE_RETRIES: int({ default: 2, min: 0, max: 5 }),
  REDIS_URL: url("redis://127.0.0.1:6379"),
  REDIS_COMMAND_TIMEOUT_MS: durationMs(250),
  S3_ENDPOINT: url("http://127.0.0.1:9000"),
  S3_REGION: str("us-east-1"),
  S3_ACCESS_KEY_ID: str("gifmesh"),
  S3_SECRET_ACCESS_KEY: str("gifmesh-secret"),
  S3_BUCKET: str("gifmesh"),
  S3_FORCE_PATH_STYLE: bool(true),
  /** Comma-separated client keys; empty = open mode. */
  GATEWAY_API_KEYS: csv([]),
  CORS_ORIGINS: csv(["*"]),
  TRUST_PROXY: bool(false),
  /** CSP img-src of the web page (space-separated sources in the header). */
  CSP_IMG_SOURCES: csv(["'self'", "data:", "https:", "http://127.0.0.1:*", "http://localhost:*"]),
  /**
   * Where the web page links each search's trace: {trace_id} is replaced. Default: the
   * local stack's trace UI (Zipkin, make up); e.g. http://jaeger:16686/trace/{trace_id}
   * where Jaeger's UI runs. "off" shows no link.
   */
  WEB_TRACE_URL: z
    .string()
    .default(DEFAULT_WEB_TRACE_URL)
    .refine(
      (v) => v === "off" || isTraceUrlTemplate(v),
      "must be an http(s) URL containing {trace_id}, or off",
    ),
  CACHE_L1_TTL_MS: durationMs(5_000),
  CACHE_L1_MAX_ENTRIES: int({ default: 5_000, min: 1 }),
  CACHE_TTL_MS: durationMs(300_000),
  CACHE_STALE_MS: durationMs(3_600_000),
  CACHE_EMPTY_TTL_MS: durationMs(30_000),
  CACHE_PENDING_TTL_MS: durationMs(5_000),
  RATE_LIMIT_MAX: int({ default: 600, min: 1 }),
  RATE_LIMIT_WINDOW_MS: durationMs(60_000),
  /** Most tokens an instance reserves from Redis per call (see redis-rate-limiter.ts). */
  RATE_LIMIT_BATCH: int({ default: 50, min: 1, max: 10_000 }),
});

export type GatewayConfig = ReturnType<typeof gatewayConfigSchema.parse>;
