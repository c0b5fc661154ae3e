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
import { s3ConfigShape } from "@gifmesh/shared/s3";
import { z } from "zod";
import { DEFAULT_WEB_TRACE_URL, isTraceUrlTemplate } from "./transport/web-assets.ts";

const MiB = 1024 * 1024;
/** An optional value; secrets among them are never logged (see docs/security.md). */
const optional = () => z.string().min(1).optional();

/** The variables, before the checks that relate two of them. */
const gatewayVariables = baseConfigSchema({ adminPort: 9464 }).extend({
  /** Loopback unless told otherwise: Helm and compose set 0.0.0.0. */
  GATEWAY_HOST: str("127.0.0.1"),
  GATEWAY_PORT: port(8080),
  /** Public origin used in media URLs of archived GIFs. */
  PUBLIC_BASE_URL: url("http://127.0.0.1:8080"),
  MEDIA_REWRITE_URLS: bool(true),
  MEDIA_REDIRECT_UNARCHIVED: bool(false),
  STORAGE_URL: url("http://127.0.0.1:50051"),
  STORAGE_TIMEOUT_MS: durationMs(3_000),
  STORAGE_RETRIES: int({ default: 2, min: 0, max: 5 }),
  /** Sent to storage as `authorization: Bearer <token>` (storage's STORAGE_RPC_TOKEN). Secret. */
  STORAGE_RPC_TOKEN: z.string().min(16, "must be at least 16 characters").optional(),
  /** redis:// or rediss:// (TLS); may carry user:password, but see REDIS_USERNAME/PASSWORD. */
  REDIS_URL: url("redis://127.0.0.1:6379"),
  /** ACL user and password; they override those in REDIS_URL. The password is a secret. */
  REDIS_USERNAME: optional(),
  REDIS_PASSWORD: optional(),
  /** PEM CA bundle that signs Redis's certificate (default: Node's public CAs). */
  REDIS_TLS_CA_FILE: optional(),
  /** Client certificate and key, for a Redis with tls-auth-clients yes. */
  REDIS_TLS_CERT_FILE: optional(),
  REDIS_TLS_KEY_FILE: optional(),
  REDIS_COMMAND_TIMEOUT_MS: durationMs(250),
  /** The worker's S3_* (shared): unset endpoint = AWS, unset keys = the default credential chain. */
  ...s3ConfigShape,
  /** Comma-separated client keys; empty = open mode. */
  GATEWAY_API_KEYS: csv([]),
  CORS_ORIGINS: csv(["*"]),
  /**
   * How many proxies in front of the gateway append to X-Forwarded-For; the client
   * is the entry that many from the right (transport/middleware/client-ip.ts). 0 =
   * ignore the header. Unset: 1 when TRUST_PROXY=true (the older switch), else 0.
   */
  TRUST_PROXY_HOPS: int({ min: 0, max: 10 }).optional(),
  TRUST_PROXY: bool(false),
  /** Invalid API keys one client IP may present per window before it gets 429s. */
  API_KEY_FAILURE_MAX: int({ default: 10, min: 1 }),
  API_KEY_FAILURE_WINDOW_MS: durationMs(15 * 60_000),
  /**
   * CSP img-src of the web page (space-separated sources in the header): Giphy's
   * media hosts are https, the local fixture is http on loopback.
   */
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
  /** L1's bound in (estimated) bytes of heap, and the largest entry it keeps. */
  CACHE_L1_MAX_BYTES: int({ default: 64 * MiB, min: MiB }),
  CACHE_L1_MAX_ENTRY_BYTES: int({ default: MiB, min: 1024 }),
  CACHE_TTL_MS: durationMs(300_000),
  CACHE_STALE_MS: durationMs(3_600_000),
  CACHE_EMPTY_TTL_MS: durationMs(30_000),
  CACHE_PENDING_TTL_MS: durationMs(5_000),
  RATE_LIMIT_MAX: int({ default: 600, min: 1 }),
  RATE_LIMIT_WINDOW_MS: durationMs(60_000),
  /** Most tokens an instance reserves from Redis per call (see redis-rate-limiter.ts). */
  RATE_LIMIT_BATCH: int({ default: 50, min: 1, max: 10_000 }),
});

export const gatewayConfigSchema = gatewayVariables
  .refine((c) => (c.REDIS_TLS_CERT_FILE === undefined) === (c.REDIS_TLS_KEY_FILE === undefined), {
    message: "REDIS_TLS_CERT_FILE and REDIS_TLS_KEY_FILE must be set together",
    path: ["REDIS_TLS_CERT_FILE"],
  })
  .refine(
    (c) =>
      c.REDIS_URL.startsWith("rediss:") ||
      [c.REDIS_TLS_CA_FILE, c.REDIS_TLS_CERT_FILE].every((f) => f === undefined),
    { message: "REDIS_TLS_* files need a rediss:// REDIS_URL", path: ["REDIS_URL"] },
  );

export type GatewayConfig = ReturnType<typeof gatewayConfigSchema.parse>;

/** Trusted proxy hops: TRUST_PROXY_HOPS when set, else 1 for TRUST_PROXY=true, else 0. */
export function trustedProxyHops(
  config: Pick<GatewayConfig, "TRUST_PROXY" | "TRUST_PROXY_HOPS">,
): number {
  return config.TRUST_PROXY_HOPS ?? (config.TRUST_PROXY ? 1 : 0);
}
