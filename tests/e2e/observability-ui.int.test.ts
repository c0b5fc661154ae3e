// Observability as a person sees it, in Debian's headless Chromium (playwright-core): one
// search on the web page of a private gifmesh (stack.ts: the services as child
// processes with the tracing preload, sending their spans to Jaeger and to the shared
// Zipkin). Its "Trace of this search" link opens the trace UI at the search's trace
// id, where the file worker's S3 upload span is found (screenshot saved). A private
// Prometheus (Debian's, the project's rules loaded) scrapes that gateway, and its UI
// shows the gateway's request rate.
import { mkdirSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { headlessChromium } from "@gifmesh/shared/testing";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startPrivatePrometheus, type PrivatePrometheus } from "./prometheus.ts";
import { startE2EStack, ZIPKIN_UI, type E2EStack } from "./stack.ts";

const ARTIFACTS = new URL("./.artifacts/", import.meta.url);
const ZIPKIN_API = `${new URL(ZIPKIN_UI).origin}/api/v2`;

interface ZipkinSpan {
  readonly id: string;
  readonly parentId?: string;
  readonly name?: string;
  readonly localEndpoint?: { readonly serviceName?: string };
}

let started:
  { stack: E2EStack; prometheus: PrivatePrometheus; browser: Browser; page: Page } | undefined;
const problems: string[] = [];
const ready = () => {
  if (!started) throw new Error("the private stack, Prometheus or Chromium did not start");
  return started;
};
/** Stopped at the end, newest first, whatever started before a failure. */
const stops: (() => Promise<void>)[] = [];

const service = (s: ZipkinSpan) => s.localEndpoint?.serviceName;
/** The worker's S3 upload: the aws-sdk span of PutObject (Zipkin lowercases names). */
const isUpload = (s: ZipkinSpan) =>
  service(s) === "file-worker" && /^s3\.(putobject|upload)/i.test(s.name ?? "");

/** Polls Zipkin until the trace holds `done` (each service sends its spans every ~5 s). */
async function zipkinTrace(traceId: string, done: (spans: ZipkinSpan[]) => boolean) {
  const deadline = Date.now() + 45_000;
  let spans: ZipkinSpan[] = [];
  while (Date.now() < deadline) {
    const res = await fetch(`${ZIPKIN_API}/trace/${traceId}`).catch(() => undefined);
    if (res?.ok) {
      spans = (await res.json()) as ZipkinSpan[];
      if (done(spans)) return spans;
    }
    await sleep(500);
  }
  throw new Error(
    `trace ${traceId} incomplete in Zipkin; it has:\n${spans.map((s) => `${String(service(s))}: ${String(s.name)}`).join("\n")}`,
  );
}

beforeAll(async () => {
  const up = await fetch(`${ZIPKIN_API}/services`).catch(() => undefined);
  if (!up?.ok) throw new Error(`Zipkin is down at ${ZIPKIN_UI}: run 'make infra-up'`);
  const stack = await startE2EStack();
  stops.unshift(() => stack.stop());
  const prometheus = await startPrivatePrometheus({
    gateway: new URL(stack.gatewayAdminUrl).host,
  });
  stops.unshift(() => prometheus.stop());
  const browser = await chromium.launch(headlessChromium());
  stops.unshift(() => browser.close());
  const page = await browser.newPage({
    viewport: { width: 1280, height: 900 },
    deviceScaleFactor: 1,
  });
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(m.text());
  });
  page.on("pageerror", (e) => problems.push(e.message));
  started = { stack, prometheus, browser, page };
}, 150_000);

afterAll(async () => {
  for (const stop of stops) await stop();
});

describe("what a person sees", () => {
  it("links a search to its trace, where the trace UI shows the worker's S3 upload", async () => {
    const { stack, page } = ready();
    // A query of this run only: the shared Redis must not answer it from an earlier run.
    await page.goto(`${stack.gatewayUrl}/`);
    await page.fill("#q", `cat ui${Date.now().toString(36)}`);
    await page.click("button[type=submit]");
    await page.waitForSelector(".card img");
    const link = page.locator("#trace");
    await expect.poll(() => link.isVisible()).toBe(true);
    const traceId = (await link.getAttribute("data-trace-id")) ?? "";
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(await link.getAttribute("href")).toBe(`${ZIPKIN_UI}traces/${traceId}`);

    // Each card shows its renditions' states; the worker's result reaches the page by polling.
    const card = page.locator(".card").first();
    expect(await card.locator(".renditions li[data-rendition=original]").count()).toBe(1);
    await expect
      .poll(
        () => card.locator(".renditions li[data-rendition=original]").getAttribute("data-state"),
        {
          timeout: 30_000,
        },
      )
      .toBe("archived");
    expect(await card.getAttribute("data-archive")).toBe("archived");
    expect(await card.locator(".badge").textContent()).toBe("archived");
    await card.locator(".renditions summary").click();
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: new URL("web-page-trace-link.png", ARTIFACTS).pathname });

    // The whole path is in Zipkin (the last hop is storage applying the result).
    const spans = await zipkinTrace(
      traceId,
      (all) =>
        all.some(isUpload) &&
        all.some((s) => service(s) === "gateway" && s.parentId === undefined) &&
        all.some((s) => service(s) === "storage" && s.name === `process ${stack.topics.completed}`),
    );
    expect(new Set(spans.map(service))).toEqual(new Set(["gateway", "storage", "file-worker"]));

    // The link opens the trace UI on that trace; the upload span is there, by name.
    const [ui] = await Promise.all([page.context().waitForEvent("page"), link.click()]);
    await ui.setViewportSize({ width: 1400, height: 1000 });
    await ui.waitForLoadState("domcontentloaded");
    expect(ui.url()).toBe(`${ZIPKIN_UI}traces/${traceId}`);
    // Lens renders only the rows in view: a 25-GIF search is some 360 spans, and the
    // first upload lies far below the fold. Scroll the span list until it is drawn.
    await ui
      .getByText(/Total Spans/i)
      .first()
      .waitFor({ timeout: 20_000 });
    const upload = ui.getByText(/s3\.putobject/i).first();
    await ui.mouse.move(700, 600);
    for (let i = 0; i < 60 && (await upload.count()) === 0; i++) {
      await ui.mouse.wheel(0, 600);
      await sleep(150);
    }
    await upload.waitFor({ state: "attached", timeout: 5_000 });
    await upload.scrollIntoViewIfNeeded();
    await upload.click();
    // The span's details: its service and name, each alone in its own field.
    await ui.getByText("s3.putobject", { exact: true }).first().waitFor({ timeout: 10_000 });
    await ui.getByText("file-worker", { exact: true }).first().waitFor({ timeout: 10_000 });
    await ui.screenshot({ path: new URL("trace-ui-upload.png", ARTIFACTS).pathname });
    await ui.close();
    expect(problems).toEqual([]);
  });

  it("shows the gateway's request rate in Prometheus, with the alert rules loaded", async () => {
    const { stack, prometheus, browser } = ready();
    // Traffic for the rate (the 1 s scrape needs two samples apart to give one).
    for (let i = 0; i < 20; i++) {
      await fetch(`${stack.gatewayUrl}/v1/gifs/trending?limit=1`);
      await sleep(150);
    }
    const expr = 'sum(rate(gifmesh_http_server_requests_total{service="gateway"}[30s]))';
    const prom = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const graph = `${prometheus.url}/classic/graph?${new URLSearchParams({
      "g0.expr": expr,
      "g0.tab": "1",
      "g0.range_input": "5m",
    }).toString()}`;
    // The rate appears once two scrapes with traffic between them are in.
    let value = Number.NaN;
    const deadline = Date.now() + 30_000;
    while (!(value > 0) && Date.now() < deadline) {
      await prom.goto(graph);
      const cell = prom.locator("table.console_table tbody tr td:nth-child(2)").first();
      await cell.waitFor({ timeout: 10_000 }).catch(() => undefined);
      value = Number((await cell.textContent().catch(() => ""))?.trim());
      if (!(value > 0)) await sleep(1000);
    }
    expect(value, "request rate in the Prometheus UI").toBeGreaterThan(0);
    mkdirSync(ARTIFACTS, { recursive: true });
    await prom.screenshot({ path: new URL("prometheus-rate.png", ARTIFACTS).pathname });

    // The project's alerts are loaded: the Alerts page lists them.
    await prom.goto(`${prometheus.url}/classic/alerts`);
    for (const alert of [
      "GifmeshServiceDown",
      "GifmeshHttpErrorRateHigh",
      "GifmeshConsumerLagHigh",
    ])
      expect(await prom.getByText(alert).count(), alert).toBeGreaterThan(0);
    await prom.close();
  });
});
