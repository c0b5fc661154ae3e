// Public face of @gifmesh/shared/tracing: SDK start-up and W3C context helpers.
export {
  registerContextPropagation,
  startTracing,
  type Tracing,
  type TracingOptions,
} from "./start-tracing.ts";
export { extractTraceContext, injectTraceHeaders, type MessageHeaders } from "./propagation.ts";
export { withSpan } from "./with-span.ts";
