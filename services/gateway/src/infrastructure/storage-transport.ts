// The Connect client to the storage service: gRPC protocol over one reused HTTP/2
// connection (h2c), with interceptors, outermost first: RED metrics, a client span with
// W3C trace propagation, retries on UNAVAILABLE for idempotent reads only, the
// storage RPC token (`authorization: Bearer`, when STORAGE_RPC_TOKEN is set), and a
// per-call deadline when the caller did not set one.
import {
  Code,
  ConnectError,
  createClient,
  type Client,
  type Interceptor,
  type Transport,
} from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { MethodOptions_IdempotencyLevel } from "@bufbuild/protobuf/wkt";
import {
  createClientTracingInterceptor,
  createRpcMetricsInterceptor,
} from "@gifmesh/shared/connect";
import type { Registry } from "@gifmesh/shared/metrics";
import { isTransportFailure } from "./storage-errors.ts";
import { bearer, STORAGE_RPC_AUTH_HEADER, StorageService } from "@gifmesh/shared/contracts";

export interface StorageTransportOptions {
  /** e.g. "http://127.0.0.1:50051" */
  readonly baseUrl: string;
  /** Per-call deadline in milliseconds. */
  readonly timeoutMs: number;
  /** Extra attempts after UNAVAILABLE on idempotent methods (default 2). */
  readonly retries?: number;
  /** Storage's STORAGE_RPC_TOKEN, sent on every call; none = no header (open storage). */
  readonly token?: string | undefined;
  /** Where the client RED metrics (gifmesh_rpc_client_*) go; none when left out. */
  readonly registry?: Registry;
}

export type StorageClient = Client<typeof StorageService>;

/** Client span + W3C context headers on every call (shared RPC conventions). */
export function tracingInterceptor(baseUrl: string): Interceptor {
  return createClientTracingInterceptor({ system: "grpc", baseUrl, tracerName: "gifmesh-gateway" });
}

/** Sends the shared token on every call (shared/src/contracts/storage-rpc-auth.ts). */
export function authInterceptor(token: string): Interceptor {
  const value = bearer(token);
  return (next) => (req) => {
    req.header.set(STORAGE_RPC_AUTH_HEADER, value);
    return next(req);
  };
}

function isIdempotent(level: MethodOptions_IdempotencyLevel): boolean {
  return (
    level === MethodOptions_IdempotencyLevel.NO_SIDE_EFFECTS ||
    level === MethodOptions_IdempotencyLevel.IDEMPOTENT
  );
}

/**
 * Retries UNAVAILABLE and broken connections (isTransportFailure) with jittered
 * backoff, for idempotent unary methods only.
 */
export function retryInterceptor(retries: number, baseDelayMs = 50): Interceptor {
  return (next) => async (req) => {
    if (req.stream || !isIdempotent(req.method.idempotency)) return next(req);
    for (let attempt = 0; ; attempt++) {
      try {
        return await next(req);
      } catch (error) {
        const err = ConnectError.from(error);
        const retryable = err.code === Code.Unavailable || isTransportFailure(err);
        if (!retryable || attempt >= retries || req.signal.aborted) throw error;
        const delay = baseDelayMs * 2 ** attempt * (0.5 + Math.random());
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  };
}

/** Creates the HTTP/2 transport; its session is reused by every call. */
export function createStorageTransport(options: StorageTransportOptions): Transport {
  return createGrpcTransport({
    baseUrl: options.baseUrl,
    defaultTimeoutMs: options.timeoutMs,
    pingIntervalMs: 30_000,
    idleConnectionTimeoutMs: 5 * 60_000,
    // No gzip between gateway and storage: on loopback / in-cluster, compressing
    // every answer over 1 KiB costs storage ~11 % CPU (bench/ANALYSIS.md) and saves
    // nothing worth having. Storage then answers uncompressed (requests are never
    // compressed: no sendCompression).
    acceptCompression: [],
    // Metrics outermost: one count per logical call, retries included in its latency.
    interceptors: [
      ...(options.registry
        ? [createRpcMetricsInterceptor({ registry: options.registry, side: "client" })]
        : []),
      tracingInterceptor(options.baseUrl),
      retryInterceptor(options.retries ?? 2),
      ...(options.token === undefined ? [] : [authInterceptor(options.token)]),
    ],
  });
}

export function createStorageClient(transport: Transport): StorageClient {
  return createClient(StorageService, transport);
}
