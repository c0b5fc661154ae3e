// Public face of @gifmesh/shared/connect: OpenTelemetry tracing interceptors for
// Connect clients and servers (W3C context in the request headers, RPC conventions).
export {
  createClientTracingInterceptor,
  createServerTracingInterceptor,
  UNTRACED_SERVICES,
  type ClientTracingOptions,
  type ServerTracingOptions,
} from "./tracing-interceptors.ts";
export { rpcSpanName, type RpcSystem } from "./rpc-span.ts";
export { createRpcMetricsInterceptor, type RpcMetricsOptions } from "./metrics-interceptor.ts";
