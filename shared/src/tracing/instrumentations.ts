// The OpenTelemetry auto-instrumentations every gifmesh service loads: HTTP
// (node:http/https, which also gives the gateway its server spans), undici/fetch,
// pg, ioredis and the AWS SDK. Configured so that probes and scrapes are never
// traced, background pollers (the outbox relay, Redis pings) do not start
// traces of their own, and secrets in URLs never reach a span. At the edge
// (incoming-trust.ts), each server span links the client's traceparent instead
// of continuing it.
import { IncomingMessage } from "node:http";
import type { Instrumentation } from "@opentelemetry/instrumentation";
import { AwsInstrumentation } from "@opentelemetry/instrumentation-aws-sdk";
import { HttpInstrumentation } from "@opentelemetry/instrumentation-http";
import { IORedisInstrumentation } from "@opentelemetry/instrumentation-ioredis";
import { PgInstrumentation } from "@opentelemetry/instrumentation-pg";
import { UndiciInstrumentation } from "@opentelemetry/instrumentation-undici";
import { redactString } from "../logging/index.ts";
import { linkClientTrace } from "./incoming-trust.ts";

/** Paths of the admin server (and the gateway's own probes) that are never traced. */
export const UNTRACED_PATHS: readonly string[] = ["/healthz", "/readyz", "/livez", "/metrics"];

/** Query parameters masked in `url.full`/`url.query` of HTTP spans. */
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

/** Options for {@link createInstrumentations}. */
export interface InstrumentationOptions {
  /**
   * False at the edge: the propagator then extracts nothing (start-tracing.ts), and
   * each HTTP server span gets the client's traceparent as a link. Default true.
   */
  readonly trustIncoming?: boolean;
}

/**
 * The instrumentations for {@link startTracing}. Client spans of pg, ioredis and
 * outgoing HTTP need a parent span, so only work done on behalf of a traced
 * request, message or job is recorded.
 */
export function createInstrumentations(options: InstrumentationOptions = {}): Instrumentation[] {
  const trustIncoming = options.trustIncoming ?? true;
  return [
    new HttpInstrumentation({
      ...(trustIncoming
        ? {}
        : {
            requestHook: (span, request) => {
              if (request instanceof IncomingMessage) linkClientTrace(span, request.headers);
            },
          }),
      ignoreIncomingRequestHook: (request) => isUntracedPath(request.url),
      requireParentforOutgoingSpans: true,
      // Outgoing (client) spans and incoming (server) spans have separate lists: the
      // gateway's server spans would otherwise keep a client's api_key in url.query.
      redactedQueryParams: [...REDACTED_QUERY_PARAMS],
      redactedQueryParamsServer: [...REDACTED_QUERY_PARAMS],
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
