// What /readyz asks before the gateway counts as ready: storage answers and the
// bucket exists (the gateway serves nothing useful without them), and Redis, which
// only makes it faster (its failure reports degraded, never not ready: taking every
// instance out of the load balancer for a missing cache would turn a slower API
// into no API).
import type { S3Client } from "@aws-sdk/client-s3";
import { Code, ConnectError } from "@connectrpc/connect";
import type { ReadinessCheck } from "@gifmesh/shared/admin";
import { bucketReadinessCheck } from "@gifmesh/shared/s3";

/** The one storage call the check makes; the gateway's Connect client fits. */
export interface ArchiveStatusReader {
  getArchiveStatus(
    request: { readonly gifId: string },
    options: { readonly signal: AbortSignal },
  ): Promise<unknown>;
}

/** What the Redis check asks; an ioredis client fits. */
export interface PingableRedis {
  readonly status: string;
  ping(): Promise<unknown>;
}

/** A well-formed id storage has never archived: any answer about it proves storage is up. */
const PROBE_GIF_ID = "readiness-probe";

/** Storage answers an archive-status question; NOT_FOUND and INVALID_ARGUMENT are answers too. */
export function storageReadinessCheck(storage: ArchiveStatusReader): ReadinessCheck {
  return {
    name: "storage",
    check: async (signal) => {
      try {
        await storage.getArchiveStatus({ gifId: PROBE_GIF_ID }, { signal });
      } catch (error) {
        const { code } = ConnectError.from(error);
        if (code !== Code.NotFound && code !== Code.InvalidArgument) throw error;
      }
    },
  };
}

/** Redis is connected and answers PING. Optional: without it the gateway serves from memory. */
export function redisReadinessCheck(redis: PingableRedis): ReadinessCheck {
  return {
    name: "redis",
    optional: true,
    check: async () => {
      if (redis.status !== "ready") throw new Error(`redis ${redis.status}`);
      await redis.ping();
    },
  };
}

export interface GatewayReadinessDeps {
  readonly redis: PingableRedis;
  readonly storage: ArchiveStatusReader;
  readonly s3: S3Client;
  readonly bucket: string;
}

export function gatewayReadinessChecks(deps: GatewayReadinessDeps): readonly ReadinessCheck[] {
  return [
    redisReadinessCheck(deps.redis),
    storageReadinessCheck(deps.storage),
    bucketReadinessCheck(deps.s3, deps.bucket),
  ];
}
