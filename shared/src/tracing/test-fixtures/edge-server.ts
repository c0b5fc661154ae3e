// Test fixture for edge.int.test.ts: a server built like the gateway (Hono on
// @hono/node-server, started with the tracing preload, its server span started by a
// middleware with startHttpServerSpan as the gateway's server-span.ts does), whose
// one route calls DOWNSTREAM_URL with fetch, as the gateway calls storage and Giphy.
// It prints `listening <port>` and answers with the trace id and baggage it sees.
import { serve, type HttpBindings } from "@hono/node-server";
import { context, propagation } from "@opentelemetry/api";
import { Hono } from "hono";
import type { AddressInfo } from "node:net";
import { activeTraceId, setHttpRoute, startHttpServerSpan } from "../index.ts";

const downstream = process.env.DOWNSTREAM_URL ?? "http://127.0.0.1:1";
const app = new Hono<{ Bindings: HttpBindings }>();
app.use(async (c, next) => {
  const traced = startHttpServerSpan(c.req.raw);
  if (!traced) return next();
  await context.with(traced.context, next);
  traced.endWhenSent(c.env.outgoing);
});
app.get("/v1/probe", async (c) => {
  setHttpRoute("GET", "/v1/probe");
  const res = await fetch(downstream);
  await res.arrayBuffer();
  const baggage = propagation.getBaggage(context.active())?.getAllEntries() ?? [];
  return c.json({ traceId: activeTraceId(), baggage: baggage.map(([key]) => key) });
});

const server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, (info: AddressInfo) => {
  process.stdout.write(`listening ${String(info.port)}\n`);
});
process.on("SIGTERM", () => {
  server.close();
});
