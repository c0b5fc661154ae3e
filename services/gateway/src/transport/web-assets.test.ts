import { OpenAPIHono } from "@hono/zod-openapi";
import { describe, expect, it } from "vitest";
import { gatewayConfigSchema } from "../config.ts";
import { DEFAULT_WEB_TRACE_URL, isTraceUrlTemplate, webRoutes } from "./web-assets.ts";

const page = async (traceUrl: string) => {
  const app = new OpenAPIHono();
  webRoutes(app, { traceUrl });
  return (await app.request("/")).text();
};
const meta = (html: string) =>
  /<meta name="gifmesh-trace-url" content="([^"]*)" \/>/.exec(html)?.[1];

describe("the web page's trace link target", () => {
  it("is the local trace UI by default, and the configured template otherwise", async () => {
    expect(meta(await page(DEFAULT_WEB_TRACE_URL))).toBe(
      "http://127.0.0.1:9411/zipkin/traces/{trace_id}",
    );
    expect(meta(await page("https://jaeger.example/trace/{trace_id}?uiEmbed=v0&a=1"))).toBe(
      "https://jaeger.example/trace/{trace_id}?uiEmbed=v0&amp;a=1",
    );
    expect(meta(await page(""))).toBe("");
  });

  it("takes only http(s) URLs with a {trace_id} slot and nothing that leaves the attribute", () => {
    expect(isTraceUrlTemplate("http://127.0.0.1:16686/trace/{trace_id}")).toBe(true);
    for (const bad of [
      "javascript:alert(1)//{trace_id}",
      "data:text/html,{trace_id}",
      "http://127.0.0.1:9411/zipkin/",
      'http://x/{trace_id}" onmouseover="alert(1)',
      "http://x/{trace_id}><script>",
      "not a url {trace_id}",
    ])
      expect(isTraceUrlTemplate(bad), bad).toBe(false);
    expect(() => {
      webRoutes(new OpenAPIHono(), { traceUrl: "javascript:{trace_id}" });
    }).toThrow();
  });

  it("is read from WEB_TRACE_URL, off hides it, a bad value stops start-up", () => {
    expect(gatewayConfigSchema.parse({}).WEB_TRACE_URL).toBe(DEFAULT_WEB_TRACE_URL);
    expect(gatewayConfigSchema.parse({ WEB_TRACE_URL: "off" }).WEB_TRACE_URL).toBe("off");
    expect(gatewayConfigSchema.safeParse({ WEB_TRACE_URL: "ftp://x/{trace_id}" }).success).toBe(
      false,
    );
  });
});
