// The HTTP server span the gateway starts itself: the span instrumentation-http's
// incoming side made (kind, stable-semconv attributes, 5xx = error, masked query,
// untraced probes), the edge's link to the client's trace, and its end once a
// node:http response is sent.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { context, propagation, SpanKind, SpanStatusCode } from "@opentelemetry/api";
import { afterEach, describe, expect, it } from "vitest";
import { useInMemoryTracing } from "./test-fixtures/in-memory-tracing.ts";
import { CLIENT_TRACE_LINK } from "./incoming-trust.ts";
import {
  redactQuery,
  registerContextPropagation,
  setHttpRoute,
  startHttpServerSpan,
} from "./index.ts";

const { exporter, tracer } = useInMemoryTracing("http-server-span-test", { propagate: false });
const CLIENT_TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
const CLIENT_SPAN_ID = "00f067aa0ba902b7";
const traceparent = `00-${CLIENT_TRACE_ID}-${CLIENT_SPAN_ID}-01`;

afterEach(() => {
  propagation.disable();
  context.disable();
});

const finished = () => exporter.getFinishedSpans();

describe("startHttpServerSpan", () => {
  it("records a SERVER span with the stable HTTP attributes, named by the route once known", () => {
    registerContextPropagation();
    const request = new Request(
      "http://gifs.example:8080/v1/gifs/search?q=cat&api_key=client-secret",
      { headers: { "user-agent": "test-agent/1.0" } },
    );
    const traced = startHttpServerSpan(request, "203.0.113.7");
    expect(traced).toBeDefined();
    context.with(traced?.context ?? context.active(), () => {
      setHttpRoute("GET", "/v1/gifs/search");
    });
    traced?.end(200);
    traced?.end(500); // idempotent

    const [span] = finished();
    expect(finished()).toHaveLength(1);
    expect(span?.kind).toBe(SpanKind.SERVER);
    expect(span?.name).toBe("GET /v1/gifs/search");
    expect(span?.parentSpanContext).toBeUndefined();
    expect(span?.status.code).toBe(SpanStatusCode.UNSET);
    expect(span?.attributes).toEqual({
      "http.request.method": "GET",
      "url.scheme": "http",
      "url.path": "/v1/gifs/search",
      "url.query": "q=cat&api_key=REDACTED",
      "server.address": "gifs.example",
      "server.port": 8080,
      "user_agent.original": "test-agent/1.0",
      "client.address": "203.0.113.7",
      "http.route": "/v1/gifs/search",
      "http.response.status_code": 200,
    });
    expect(JSON.stringify(span?.attributes)).not.toContain("client-secret");
  });

  it("marks a 5xx answer an error (error.type = the status), not a 4xx", () => {
    registerContextPropagation();
    startHttpServerSpan(new Request("https://gifs.example/v1/gifs/x"))?.end(503);
    startHttpServerSpan(new Request("https://gifs.example/v1/gifs/y"))?.end(404);
    const [failed, missing] = finished();
    expect(failed?.status.code).toBe(SpanStatusCode.ERROR);
    expect(failed?.attributes).toMatchObject({
      "error.type": "503",
      "url.scheme": "https",
      "server.port": 443,
    });
    expect(missing?.status.code).toBe(SpanStatusCode.UNSET);
    expect(missing?.attributes["error.type"]).toBeUndefined();
  });

  it("names an unknown method _OTHER and keeps the original", () => {
    registerContextPropagation();
    startHttpServerSpan(new Request("http://gifs.example/", { method: "PURGE" }))?.end(405);
    expect(finished()[0]?.name).toBe("HTTP");
    expect(finished()[0]?.attributes).toMatchObject({
      "http.request.method": "_OTHER",
      "http.request.method_original": "PURGE",
    });
  });

  it("at the edge (untrusting): a new root trace linking the client's traceparent", () => {
    registerContextPropagation({ trustIncoming: false });
    const traced = startHttpServerSpan(
      new Request("http://gifs.example/v1/gifs", {
        headers: { traceparent, tracestate: "evil=forged", baggage: "user.id=admin" },
      }),
    );
    expect(traced?.span.spanContext().traceId).not.toBe(CLIENT_TRACE_ID);
    expect(propagation.getBaggage(traced?.context ?? context.active())).toBeUndefined();
    traced?.end(200);
    const [span] = finished();
    expect(span?.parentSpanContext).toBeUndefined();
    expect(span?.links).toEqual([
      {
        context: {
          traceId: CLIENT_TRACE_ID,
          spanId: CLIENT_SPAN_ID,
          traceFlags: 0,
          isRemote: true,
        },
        attributes: CLIENT_TRACE_LINK,
        droppedAttributesCount: 0,
      },
    ]);
  });

  it("trusting (inside the cluster): continues the caller's trace, no link", () => {
    registerContextPropagation();
    startHttpServerSpan(new Request("http://storage/", { headers: { traceparent } }))?.end(200);
    const [span] = finished();
    expect(span?.spanContext().traceId).toBe(CLIENT_TRACE_ID);
    expect(span?.parentSpanContext?.spanId).toBe(CLIENT_SPAN_ID);
    expect(span?.links).toEqual([]);
  });

  it("traces no probe, nor what a probe calls", () => {
    registerContextPropagation();
    for (const path of ["/healthz", "/readyz?verbose=1", "/metrics"]) {
      const traced = startHttpServerSpan(new Request(`http://gifs.example${path}`));
      context.with(traced?.context ?? context.active(), () => {
        tracer.startSpan("child").end();
      });
      traced?.end(200);
    }
    expect(finished()).toEqual([]);
  });

  it("ends when a node:http response has been sent, with the status it was sent with", async () => {
    registerContextPropagation();
    const server = createServer((req, res) => {
      const traced = startHttpServerSpan(
        new Request(`http://${req.headers.host ?? ""}${req.url ?? "/"}`),
      );
      if (traced) traced.endWhenSent(res);
      // Not ended before the answer is written.
      expect(finished()).toHaveLength(0);
      res.statusCode = 502;
      res.end("bad gateway");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const port = (server.address() as AddressInfo).port;
      const res = await fetch(`http://127.0.0.1:${String(port)}/v1/gifs/z`);
      expect(res.status).toBe(502);
      await res.text();
      for (let i = 0; i < 50 && finished().length === 0; i++)
        await new Promise((resolve) => setTimeout(resolve, 10));
      expect(finished()[0]?.attributes).toMatchObject({
        "http.response.status_code": 502,
        "server.port": port,
        "error.type": "502",
      });
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it("is an error when the answer breaks off with one (a stream failing half-way)", async () => {
    registerContextPropagation();
    const server = createServer((req, res) => {
      startHttpServerSpan(
        new Request(`http://${req.headers.host ?? ""}${req.url ?? "/"}`),
      )?.endWhenSent(res);
      res.writeHead(200, { "content-type": "image/gif" });
      res.write("GIF89a");
      setTimeout(() => res.destroy(new Error("upstream stream failed")), 20);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const port = (server.address() as AddressInfo).port;
      await fetch(`http://127.0.0.1:${String(port)}/media/x.gif`)
        .then((res) => res.arrayBuffer())
        .catch(() => undefined);
      for (let i = 0; i < 50 && finished().length === 0; i++)
        await new Promise((resolve) => setTimeout(resolve, 10));
      const [span] = finished();
      expect(span?.status).toEqual({
        code: SpanStatusCode.ERROR,
        message: "upstream stream failed",
      });
      expect(span?.attributes["error.type"]).toBe("Error");
      expect(span?.events.map((event) => event.name)).toEqual(["exception"]);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe("redactQuery", () => {
  it("masks secret parameters, encoded names included, and leaves other queries as sent", () => {
    expect(redactQuery("q=cat&limit=2")).toBe("q=cat&limit=2");
    expect(redactQuery("q=a+b&offset=0")).toBe("q=a+b&offset=0");
    expect(redactQuery("api_key=s3cret&q=cat")).toBe("api_key=REDACTED&q=cat");
    expect(redactQuery("q=cat&api%5Fkey=s3cret")).toBe("q=cat&api_key=REDACTED");
    expect(redactQuery("token&q=x")).toBe("token=REDACTED&q=x");
    expect(redactQuery("monkey=1&keyring=2")).toBe("monkey=1&keyring=2");
  });
});
