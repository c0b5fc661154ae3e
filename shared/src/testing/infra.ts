// Test-only: where the real servers of the integration tests are, and a fast,
// clear failure when one is not running (instead of a 60 s hang in a client).
// Addresses come from the same variables as scripts/infra/env.sh, with its defaults.
import { connect } from "node:net";
import { z } from "zod";
import { csv, loadConfig, str, url } from "../config/index.ts";
import type { SharedServers } from "./leak-check.ts";

/** Addresses and credentials of the local stack. */
export const infra = loadConfig(
  z.object({
    DATABASE_URL: str("postgres://gifmesh:gifmesh@127.0.0.1:5432/gifmesh"),
    REDIS_URL: str("redis://127.0.0.1:6379"),
    KAFKA_BROKERS: csv(["127.0.0.1:9092"]),
    S3_ENDPOINT: url("http://127.0.0.1:9000"),
    S3_REGION: str("us-east-1"),
    S3_ACCESS_KEY_ID: str("gifmesh"),
    S3_SECRET_ACCESS_KEY: str("gifmesh-secret"),
    S3_BUCKET: str("gifmesh"),
    OTEL_EXPORTER_OTLP_ENDPOINT: url("http://127.0.0.1:4318"),
    JAEGER_UI: url("http://127.0.0.1:16686"),
  }),
);

/** The shared servers, as the leak check sweeps them. */
export const sharedServers: SharedServers = {
  databaseUrl: infra.DATABASE_URL,
  redisUrl: infra.REDIS_URL,
  kafkaBrokers: infra.KAFKA_BROKERS,
  s3: {
    endpoint: infra.S3_ENDPOINT,
    region: infra.S3_REGION,
    accessKeyId: infra.S3_ACCESS_KEY_ID,
    secretAccessKey: infra.S3_SECRET_ACCESS_KEY,
  },
};

/** host and port of a URL or a host:port pair. */
function hostPort(address: string): { host: string; port: number } {
  const parsed = new URL(address.includes("://") ? address : `tcp://${address}`);
  return { host: parsed.hostname, port: Number(parsed.port) };
}

/**
 * Resolves when a TCP connection to `address` succeeds within `timeoutMs`;
 * otherwise rejects with a message naming the server and how to start it.
 */
export async function requireReachable(
  name: string,
  address: string,
  timeoutMs = 3_000,
): Promise<void> {
  const { host, port } = hostPort(address);
  await new Promise<void>((resolve, reject) => {
    const socket = connect({ host, port, timeout: timeoutMs });
    const fail = (why: string): void => {
      socket.destroy();
      reject(
        new Error(
          `${name} is not reachable at ${host}:${port} (${why}); start the local stack with scripts/infra/up.sh`,
        ),
      );
    };
    socket.once("connect", () => {
      socket.end();
      resolve();
    });
    socket.once("timeout", () => {
      fail(`no answer within ${timeoutMs} ms`);
    });
    socket.once("error", (error: NodeJS.ErrnoException) => {
      fail(error.code ?? error.message);
    });
  });
}
