// The OpenTelemetry auto-instrumentations every gifmesh service loads: outgoing
// HTTP (node:http/https), undici/fetch, pg, ioredis and the AWS SDK. Configured so
// that background pollers (the outbox relay, Redis pings) do not start traces of
// their own and secrets in URLs never reach a span. Incoming HTTP is not patched:
// the gateway's server spans come from its middleware (http-server-span.ts), which
// leaves probes and scrapes untraced and, at the edge (incoming-trust.ts), links
// the client's traceparent instead of continuing it.
import type { Instrumentation } from "@opentelemetry/instrumentation";
import { AwsInstrumentation } from "@opentelemetry/instrumentation-aws-sdk";
import { HttpInstrumentation } from "@opentelemetry/instrumentation-http";
import { IORedisInstrumentation } from "@opentelemetry/instrumentation-ioredis";
import { PgInstrumentation } from "@opentelemetry/instrumentation-pg";
import { UndiciInstrumentation } from "@opentelemetry/instrumentation-undici";
import { redactString } from "../logging/index.ts";

/** Paths of the admin server (and the gateway's own probes) that are never traced. */
export const UNTRACED_PATHS: readonly string[] = ["/healthz", "/readyz", "/livez", "/metrics"];

/** Query parameters masked in `url.full`/`url.query` of HTTP spans (server and client). */
export const REDACTED_QUERY_PARAMS: readonly string[] = [
  "api_key",
  "api-key",
  "apikey",
  "key",
  "token",
  "access_token",
  "sig",
  "signature",
  "Signature",
  "AWSAccessKeyId",
  "X-Amz-Credential",
  "X-Amz-Signature",
  "X-Amz-Security-Token",
];

/** True for a request target (`/readyz?x=1`) that must not be traced. */
export function isUntracedPath(target: string | undefined): boolean {
  const path = (target ?? "").split("?")[0] ?? "";
  return UNTRACED_PATHS.includes(path);
}

/**
 * The instrumentations for {@link startTracing}. Client spans of pg, ioredis and
 * outgoing HTTP need a parent span, so only work done on behalf of a traced
 * request, message or job is recorded.
 */
export function createInstrumentations(): Instrumentation[] {
  return [
    new HttpInstrumentation({
      // Outgoing calls only. The gateway, the one service serving HTTP/1 to callers,
      // starts its server spans in its own middleware (http-server-span.ts): patching
      // every Server's emit and binding both emitters cost more than the span itself.
      // Storage's gRPC server (HTTP/2, not patched by this instrumentation) has its
      // Connect interceptor; the admin servers answer probes, which are never traced.
      disableIncomingRequestInstrumentation: true,
      requireParentforOutgoingSpans: true,
      redactedQueryParams: [...REDACTED_QUERY_PARAMS],
    }),
    new UndiciInstrumentation({
      requireParentforSpans: true,
      startSpanHook: (request) => {
        const url = new URL(request.path, request.origin);
        return { "url.full": redactString(url.toString()), "url.query": redactString(url.search) };
      },
    }),
    new PgInstrumentation({ requireParentSpan: true, enhancedDatabaseReporting: false }),
    new IORedisInstrumentation({ requireParentSpan: true }),
    // One span per S3 operation; its HTTP round trips would only repeat it.
    new AwsInstrumentation({ suppressInternalInstrumentation: true }),
  ];
}
