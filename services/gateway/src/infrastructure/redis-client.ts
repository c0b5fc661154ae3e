// The gateway's Redis connection. Redis only speeds things up (cache, rate
// limits), so commands fail fast instead of queueing while it is down: no offline
// queue, no per-request retries, a short command timeout. ioredis keeps
// reconnecting in the background, and callers check `status === "ready"`.
// A managed Redis needs TLS and an ACL user: `rediss://` turns TLS on, verified
// against REDIS_TLS_CA_FILE (else Node's public CAs), with an optional client
// certificate; REDIS_USERNAME / REDIS_PASSWORD override the URL's user and
// password, so the password can come from a secret of its own. Neither the URL nor
// the credentials are ever logged; a refused login is logged as what it is.
import { readFileSync } from "node:fs";
import type { ConnectionOptions } from "node:tls";
import { Redis, type RedisOptions } from "ioredis";
import type { Logger } from "@gifmesh/shared/logging";
import type { GatewayConfig } from "../config.ts";

export interface RedisClientOptions {
  /** redis://[user:password@]host:port[/db] or rediss:// for TLS. */
  readonly url: string;
  readonly commandTimeoutMs: number;
  /** ACL user and password; override those in `url`. */
  readonly username?: string;
  readonly password?: string;
  /** PEM files: the CA that signs the server's certificate, and a client certificate. */
  readonly tlsCaFile?: string;
  readonly tlsCertFile?: string;
  readonly tlsKeyFile?: string;
  readonly logger?: Logger;
}

/** The gateway's Redis variables (config.ts). */
export type RedisConfig = Pick<
  GatewayConfig,
  | "REDIS_URL"
  | "REDIS_COMMAND_TIMEOUT_MS"
  | "REDIS_USERNAME"
  | "REDIS_PASSWORD"
  | "REDIS_TLS_CA_FILE"
  | "REDIS_TLS_CERT_FILE"
  | "REDIS_TLS_KEY_FILE"
>;

/** The client options from the gateway's config variables. */
export function redisClientOptions(config: Readonly<RedisConfig>): RedisClientOptions {
  return {
    url: config.REDIS_URL,
    commandTimeoutMs: config.REDIS_COMMAND_TIMEOUT_MS,
    ...(config.REDIS_USERNAME === undefined ? {} : { username: config.REDIS_USERNAME }),
    ...(config.REDIS_PASSWORD === undefined ? {} : { password: config.REDIS_PASSWORD }),
    ...(config.REDIS_TLS_CA_FILE === undefined ? {} : { tlsCaFile: config.REDIS_TLS_CA_FILE }),
    ...(config.REDIS_TLS_CERT_FILE === undefined
      ? {}
      : { tlsCertFile: config.REDIS_TLS_CERT_FILE }),
    ...(config.REDIS_TLS_KEY_FILE === undefined ? {} : { tlsKeyFile: config.REDIS_TLS_KEY_FILE }),
  };
}

/**
 * Where to connect and as whom, from the URL and the overrides. Parsed here rather
 * than by ioredis, whose URL values would win over explicit options.
 */
export function connectionOptions(options: RedisClientOptions): RedisOptions {
  const url = new URL(options.url);
  const tlsOn = url.protocol === "rediss:";
  const db = url.pathname.length > 1 ? Number.parseInt(url.pathname.slice(1), 10) : 0;
  const username = options.username ?? decodeURIComponent(url.username);
  const password = options.password ?? decodeURIComponent(url.password);
  const tls: ConnectionOptions = {
    ...(options.tlsCaFile === undefined ? {} : { ca: readFileSync(options.tlsCaFile) }),
    ...(options.tlsCertFile === undefined ? {} : { cert: readFileSync(options.tlsCertFile) }),
    ...(options.tlsKeyFile === undefined ? {} : { key: readFileSync(options.tlsKeyFile) }),
  };
  return {
    host: url.hostname.replace(/^\[|\]$/g, ""),
    port: url.port === "" ? 6379 : Number(url.port),
    db: Number.isFinite(db) ? db : 0,
    ...(username === "" ? {} : { username }),
    ...(password === "" ? {} : { password }),
    ...(tlsOn ? { tls } : {}),
  };
}

/** Errors that mean Redis refused our login: no retry will fix them, the config will. */
const AUTH_REFUSED = /^(WRONGPASS|NOAUTH|NOPERM)\b|invalid username-password|user is disabled/i;

export function createRedisClient(options: RedisClientOptions): Redis {
  const redis = new Redis({
    ...connectionOptions(options),
    lazyConnect: false,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: options.commandTimeoutMs,
    connectTimeout: 2_000,
    retryStrategy: (attempt) => Math.min(100 * 2 ** Math.min(attempt, 5), 2_000),
  });
  let wasReady = false;
  let lastProblem: string | undefined;
  redis.on("ready", () => {
    wasReady = true;
    lastProblem = undefined;
    options.logger?.info("redis ready");
  });
  redis.on("error", (error: Error) => {
    // ioredis emits an error per failed reconnect: log a loss, or a new kind of
    // failure (never connected yet, refused login, bad certificate), once each.
    const code = (error as { code?: unknown }).code;
    const problem = AUTH_REFUSED.test(error.message)
      ? "auth"
      : typeof code === "string"
        ? code
        : error.name;
    if (wasReady || problem !== lastProblem) {
      if (problem === "auth")
        options.logger?.error(
          "redis refused the gateway's credentials (REDIS_USERNAME / REDIS_PASSWORD); serving without it",
          { err: error.message },
        );
      else options.logger?.warn("redis unavailable; serving without it", { err: error.message });
    }
    wasReady = false;
    lastProblem = problem;
  });
  return redis;
}
