// The observability promise: one fresh search through a private gifmesh yields ONE trace
// in Jaeger, parent-child, with spans from gateway, storage and file-worker,
// including the Kafka produce and consume and the S3 upload; and the gateway's log
// line for that request carries the trace id.
import { randomBytes } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { JAEGER_UI, startE2EStack, type E2EStack } from "./stack.ts";

/** A client API key that must never appear in any span. */
const CLIENT_KEY = "e2eClientSecretKey0123";

interface JaegerSpan {
  spanID: string;
  operationName: string;
  processID: string;
  references: { refType: string; spanID: string; traceID: string }[];
  tags: { key: string; value: unknown }[];
}
interface JaegerTrace {
  traceID: string;
  spans: JaegerSpan[];
  processes: Record<string, { serviceName: string }>;
}

let stack: E2EStack | undefined;
const running = (): E2EStack => {
  if (!stack) throw new Error("the private stack did not start");
  return stack;
};
// The caller's own trace: the gateway (the edge) starts a new one and links this one.
const callerTraceId = randomBytes(16).toString("hex");
const callerSpanId = randomBytes(8).toString("hex");
/** The gateway's trace, from its x-trace-id response header. */
let traceId = "";
let found: JaegerTrace | undefined;

/** Polls Jaeger until the trace holds storage's consume of the archive result (the last hop). */
async function waitForTrace(done: (t: JaegerTrace) => boolean, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  let last: JaegerTrace | undefined;
  while (Date.now() < deadline) {
    const res = await fetch(`${JAEGER_UI}/api/traces/${traceId}`).catch(() => undefined);
    if (res?.ok) {
      const body = (await res.json()) as { data?: JaegerTrace[] };
      last = body.data?.[0];
      if (last && done(last)) return last;
    }
    await sleep(500);
  }
  return last;
}

const service = (t: JaegerTrace, s: JaegerSpan) => t.processes[s.processID]?.serviceName;
const tag = (s: JaegerSpan, key: string) => s.tags.find((t) => t.key === key)?.value;
const parentOf = (s: JaegerSpan) => s.references.find((r) => r.refType === "CHILD_OF")?.spanID;

/** Every span the trace must hold, found by service and name (undefined when missing). */
function requiredSpans(t: JaegerTrace) {
  const { topics } = running();
  const has = (svc: string, match: (s: JaegerSpan) => boolean) =>
    t.spans.find((s) => service(t, s) === svc && match(s));

  return {
    http: has(
      "gateway",
      (s) => tag(s, "span.kind") === "server" && tag(s, "http.route") !== undefined,
    ),
    rpcClient: has(
      "gateway",
      (s) => s.operationName === "gifmesh.storage.v1.StorageService/SearchGifs",
    ),
    rpcServer: has(
      "storage",
      (s) => s.operationName === "gifmesh.storage.v1.StorageService/SearchGifs",
    ),
    sql: has("storage", (s) => tag(s, "db.system.name") === "postgresql"),
    giphy: has(
      "storage",
      (s) =>
        s.operationName === "GET" &&
        tag(s, "span.kind") === "client" &&
        String(tag(s, "url.full")).includes("/v1/gifs/search"),
    ),
    produce: has("storage", (s) => s.operationName === `send ${topics.requested}`),
    consume: has("file-worker", (s) => s.operationName === `process ${topics.requested}`),
    download: has("file-worker", (s) => s.operationName === "archive.download"),
    upload: has(
      "file-worker",
      (s) => s.operationName.startsWith("S3.") && /Put|Upload/.test(s.operationName),
    ),
    published: has("file-worker", (s) => s.operationName === `send ${topics.completed}`),
    applied: has("storage", (s) => s.operationName === `process ${topics.completed}`),
    outboxWrite: has("storage", (s) => s.operationName === "outbox.write"),
    giphyCall: has(
      "storage",
      // Named by the URL template (HTTP semantic conventions), as every Giphy call is.
      (s) => s.operationName === "GET /v1/{type}/search" && tag(s, "span.kind") === "client",
    ),
    stateUpdate: has(
      "storage",
      (s) =>
        tag(s, "db.system.name") === "postgresql" && s.operationName.startsWith("pg.query:UPDATE"),
    ),
  };
}

beforeAll(async () => {
  const res = await fetch(`${JAEGER_UI}/api/services`).catch(() => undefined);
  if (!res?.ok) throw new Error(`Jaeger query API is down at ${JAEGER_UI}: run 'make infra-up'`);
  stack = await startE2EStack();
  // "cat" matches GIFs in the fixture's catalogue (a query matching none gives an
  // empty page, hence nothing to archive); the trace id's prefix keeps the query,
  // and so the gateway's cache key in the shared Redis, unique to this run.
  const q = `cat e2e${callerTraceId.slice(0, 8)}`;
  const search = await fetch(
    // A client's api_key (the gateway runs in open mode and ignores it) must never
    // reach a span: it is checked below on every span of the trace.
    `${stack.gatewayUrl}/v1/gifs/search?q=${encodeURIComponent(q)}&limit=2&api_key=${CLIENT_KEY}`,
    {
      headers: { traceparent: `00-${callerTraceId}-${callerSpanId}-01` },
    },
  );
  expect(search.status).toBe(200);
  traceId = search.headers.get("x-trace-id") ?? "";
  expect(traceId).toMatch(/^[0-9a-f]{32}$/);
  expect(traceId).not.toBe(callerTraceId);
  // Each service exports its spans in its own batches (every few seconds), so any
  // hop's span can reach Jaeger after the last hop's: wait until every one is there.
  found = await waitForTrace(
    (t) => Object.values(requiredSpans(t)).every((span) => span !== undefined),
    40_000,
  );
}, 110_000);

afterAll(async () => {
  await stack?.stop();
});

describe("one search, one trace", () => {
  it("joins gateway, storage and file-worker, Kafka and S3 under one trace id, parent-child", () => {
    expect(found, "no trace in Jaeger").toBeDefined();
    const t = found as JaegerTrace;
    const { topics } = running();
    const names = t.spans.map((s) => `${String(service(t, s))}: ${s.operationName}`);
    expect(
      new Set(t.spans.map((s) => service(t, s))),
      `trace has:\n${names.join("\n")}\nworker output:\n${running().children.worker.output().slice(-3000)}\nstorage output:\n${running().children.storage.output().slice(-6000)}`,
    ).toEqual(new Set(["gateway", "storage", "file-worker"]));
    const spans = requiredSpans(t);
    const {
      http,
      rpcClient,
      rpcServer,
      giphy,
      produce,
      download,
      upload,
      published,
      applied,
      outboxWrite,
      giphyCall,
      stateUpdate,
    } = spans;
    for (const [what, span] of Object.entries(spans))
      expect(span, `${what} span missing; trace has:\n${names.join("\n")}`).toBeDefined();

    // Parent-child: the gateway's server span is the root and links our caller's span
    // (the edge continues no client trace), every other span's parent is in the trace,
    // and the asynchronous hops are children.
    const ids = new Set(t.spans.map((s) => s.spanID));
    expect(parentOf(http as JaegerSpan)).toBeUndefined();
    expect(http?.references).toContainEqual(
      expect.objectContaining({ traceID: callerTraceId, spanID: callerSpanId }),
    );
    for (const s of t.spans)
      if (s !== http)
        expect(ids.has(parentOf(s) ?? ""), `${s.operationName} is orphaned`).toBe(true);
    expect(parentOf(rpcServer as JaegerSpan)).toBe(rpcClient?.spanID);
    // A search archives several GIFs: pair each hop with the span of the same
    // message (same Kafka key, the GIF id), not just any span of the kind.
    const spanById = new Map(t.spans.map((s) => [s.spanID, s]));
    const keyOf = (s: JaegerSpan | undefined) =>
      s === undefined ? undefined : tag(s, "messaging.kafka.message.key");
    /** `svc`'s consumes of `topic`, each checked to sit under the send of its own message. */
    const consumesUnderTheirSend = (svc: string, topic: string) => {
      const consumes = t.spans.filter(
        (s) => service(t, s) === svc && s.operationName === `process ${topic}`,
      );
      for (const c of consumes) {
        const parent = spanById.get(parentOf(c) ?? "");
        expect(parent?.operationName).toBe(`send ${topic}`);
        expect(keyOf(parent)).toBe(keyOf(c));
      }
      return consumes;
    };
    const consumed = consumesUnderTheirSend("file-worker", topics.requested);
    const appliedAll = consumesUnderTheirSend("storage", topics.completed);
    // Each hop sits under the one before it: HTTP → RPC → Giphy call and outbox write
    // → relay publish → worker consume → download, S3 upload, result publish →
    // storage's consume → its UPDATE of the archive state.
    const under = (s: JaegerSpan | undefined, ancestor: JaegerSpan | undefined): boolean => {
      for (
        let p = spanById.get(parentOf(s as JaegerSpan) ?? "");
        p;
        p = spanById.get(parentOf(p) ?? "")
      )
        if (p === ancestor) return true;
      return false;
    };
    // (Several GIFs are archived: a worker or result span sits under ITS message's consume.)
    const chain: [string, JaegerSpan | undefined, (JaegerSpan | undefined)[]][] = [
      ["rpc client under http", rpcClient, [http]],
      ["giphy call under rpc server", giphyCall, [rpcServer]],
      ["undici fetch under giphy call", giphy, [giphyCall]],
      ["outbox write under rpc server", outboxWrite, [rpcServer]],
      ["relay publish under outbox write", produce, [outboxWrite]],
      ["download under consume", download, consumed],
      ["upload under consume", upload, consumed],
      ["result publish under consume", published, consumed],
      ["state update under result consume", stateUpdate, appliedAll],
      ["result consume under http (one trace)", applied, [http]],
    ];
    for (const [what, child, ancestors] of chain)
      expect(
        ancestors.some((a) => under(child, a)),
        what,
      ).toBe(true);
    expect(tag(produce as JaegerSpan, "messaging.system")).toBe("kafka");
    expect(tag(giphyCall as JaegerSpan, "http.response.status_code")).toBe(200);
    expect(String(tag(giphy as JaegerSpan, "url.full"))).not.toMatch(/api_key=(?!\[REDACTED\])/);
    expect(String(tag(giphyCall as JaegerSpan, "url.full"))).not.toMatch(
      /api_key=(?!\[REDACTED\])/,
    );
    const leaks = t.spans.filter((s) => JSON.stringify(s.tags).includes(CLIENT_KEY));
    expect(
      leaks.map((s) => `${String(service(t, s))}: ${s.operationName}`),
      "spans holding the client's api_key",
    ).toEqual([]);
  });

  it("writes the trace id and the GIF id on the worker's 'archived' log line", () => {
    const archived = running()
      .children.worker.stdout()
      .split("\n")
      .filter((line) => line.startsWith("{"))
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((line) => line.message === "archived" && line.trace_id === traceId);
    expect(archived.length, "no 'archived' line with the trace id").toBeGreaterThan(0);
    expect(String(archived[0]?.gif_id)).toMatch(/^\w+$/);
    expect(String(archived[0]?.span_id)).toMatch(/^[0-9a-f]{16}$/);
  });

  it("writes the request's trace id on the gateway's log line for it", () => {
    const lines = running()
      .children.gateway.stdout()
      .split("\n")
      .filter((line) => line.startsWith("{"))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const mine = lines.filter((line) => line.trace_id === traceId);
    expect(mine.length, "no gateway log line with the trace id").toBeGreaterThan(0);
    expect(mine.some((line) => String(line.path).startsWith("/v1/gifs/search"))).toBe(true);
    expect(mine[0]?.service).toBe("gateway");
    expect(String(mine[0]?.span_id)).toMatch(/^[0-9a-f]{16}$/);
  });
});
