// RED metrics for Connect calls: a counter by service, method and gRPC code, and a
// latency histogram by service and method. Labels come from the service
// descriptors and the closed set of codes, so cardinality is bounded. Streaming
// calls are measured until their response stream is drained.
import { Code, ConnectError, type Interceptor } from "@connectrpc/connect";
import { Counter, Histogram, METRIC, type Registry } from "../metrics/index.ts";
import { finishAfter } from "./rpc-span.ts";

/** Options for {@link createRpcMetricsInterceptor}. */
export interface RpcMetricsOptions {
  readonly registry: Registry;
  readonly side: "client" | "server";
  /** Service type names left out (default: gRPC health, probed every few seconds). */
  readonly ignoreServices?: readonly string[];
}

const SECONDS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** `not_found`-style name of a code; `ok` for success. */
function codeLabel(error?: unknown): string {
  if (error === undefined) return "ok";
  return Code[ConnectError.from(error).code].replace(/([a-z])([A-Z])/g, "$1_$2").toLowerCase();
}

/** Counts and times every call; put it outermost, next to the tracing interceptor. */
export function createRpcMetricsInterceptor(options: RpcMetricsOptions): Interceptor {
  const server = options.side === "server";
  const registers = [options.registry];
  const requests = new Counter({
    name: server ? METRIC.rpcServerRequests : METRIC.rpcClientRequests,
    help: `Connect calls ${server ? "served" : "made"}, by service, method and code`,
    labelNames: ["rpc_service", "rpc_method", "code"],
    registers,
  });
  const duration = new Histogram({
    name: server ? METRIC.rpcServerDuration : METRIC.rpcClientDuration,
    help: `Latency of Connect calls ${server ? "served" : "made"}, by service and method`,
    labelNames: ["rpc_service", "rpc_method"],
    buckets: SECONDS,
    registers,
  });
  const ignored = new Set(options.ignoreServices ?? ["grpc.health.v1.Health"]);
  return (next) => async (req) => {
    if (ignored.has(req.service.typeName)) return next(req);
    const labels = { rpc_service: req.service.typeName, rpc_method: req.method.name };
    const stop = duration.startTimer(labels);
    const record = (error?: unknown) => {
      stop();
      requests.inc({ ...labels, code: codeLabel(error) });
    };
    return finishAfter(() => next(req), record);
  };
}
