import { readFileSync } from "node:fs";
import { join } from "node:path";
import { context, propagation, ROOT_CONTEXT, trace } from "@opentelemetry/api";
import { afterEach, describe, expect, it } from "vitest";
import { useInMemoryTracing } from "./test-fixtures/in-memory-tracing.ts";
import { REPO_ROOT } from "../testing/index.ts";
import {
  CLIENT_TRACE_LINK,
  linkClientTrace,
  resolveTrustIncoming,
  type EdgeMarker,
} from "./incoming-trust.ts";
import { extractTraceContext, injectTraceHeaders, registerContextPropagation } from "./index.ts";

const { exporter, tracer } = useInMemoryTracing("incoming-trust-test", { propagate: false });
const HOSTILE = {
  traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
  tracestate: "evil=forged",
  baggage: "user.id=admin",
};

const packageOf = (service: string) =>
  JSON.parse(
    readFileSync(join(REPO_ROOT, "services", service, "package.json"), "utf8"),
  ) as EdgeMarker;

describe("resolveTrustIncoming", () => {
  it("distrusts by default at the gateway only (its package.json marks it the edge)", () => {
    expect(resolveTrustIncoming(undefined, packageOf("gateway"))).toBe(false);
    expect(resolveTrustIncoming(undefined, packageOf("storage"))).toBe(true);
    expect(resolveTrustIncoming(undefined, packageOf("file-worker"))).toBe(true);
    expect(resolveTrustIncoming("", {})).toBe(true);
  });

  it("lets TRACE_TRUST_INCOMING decide, and refuses what is not a flag", () => {
    expect(resolveTrustIncoming("true", packageOf("gateway"))).toBe(true);
    expect(resolveTrustIncoming("FALSE", {})).toBe(false);
    expect(resolveTrustIncoming("0", {})).toBe(false);
    expect(() => resolveTrustIncoming("flase", {})).toThrow(/TRACE_TRUST_INCOMING/);
  });
});

describe("registerContextPropagation({ trustIncoming: false })", () => {
  afterEach(() => {
    propagation.disable(); // the API registers a global once; each test registers its own
    context.disable();
  });

  it("extracts no trace context and no baggage, but still injects our own", () => {
    registerContextPropagation({ trustIncoming: false });
    const extracted = extractTraceContext(HOSTILE, ROOT_CONTEXT);
    expect(trace.getSpanContext(extracted)).toBeUndefined();
    expect(propagation.getBaggage(extracted)).toBeUndefined();
    const { headers, traceId } = tracer.startActiveSpan("ours", (span) => {
      span.end();
      return { headers: injectTraceHeaders(), traceId: span.spanContext().traceId };
    });
    expect(headers.traceparent).toMatch(new RegExp(`^00-${traceId}-`));
  });

  it("continues both when trusting (the default)", () => {
    registerContextPropagation();
    const extracted = extractTraceContext(HOSTILE, ROOT_CONTEXT);
    expect(trace.getSpanContext(extracted)?.traceId).toBe("4bf92f3577b34da6a3ce929d0e0e4736");
    expect(propagation.getBaggage(extracted)?.getEntry("user.id")?.value).toBe("admin");
  });
});

describe("linkClientTrace", () => {
  it("links a valid client traceparent, without its tracestate or sampling flag", () => {
    const span = tracer.startSpan("GET /v1/gifs");
    linkClientTrace(span, HOSTILE);
    span.end();
    const [finished] = exporter.getFinishedSpans();
    expect(finished?.parentSpanContext).toBeUndefined();
    expect(finished?.links).toEqual([
      {
        context: {
          traceId: "4bf92f3577b34da6a3ce929d0e0e4736",
          spanId: "00f067aa0ba902b7",
          traceFlags: 0,
          isRemote: true,
        },
        attributes: CLIENT_TRACE_LINK,
        droppedAttributesCount: 0,
      },
    ]);
  });

  it("ignores a malformed or missing traceparent", () => {
    const span = tracer.startSpan("GET /");
    for (const traceparent of [
      "00-zz-00-01",
      "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
      "x".repeat(10_000),
    ])
      linkClientTrace(span, { traceparent });
    linkClientTrace(span, {});
    span.end();
    expect(exporter.getFinishedSpans()[0]?.links).toEqual([]);
  });
});
