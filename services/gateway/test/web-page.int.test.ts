// The web page in Debian's headless Chromium (driven by playwright-core), on the
// whole real stack (stack.ts): storage, the real file worker, Kafka, S3, Redis and
// the Giphy fixture. A first search shows pending badges; the worker archives those
// GIFs for real (storage's outbox → worker → S3 → result event → storage); once the
// gateway reports them archived, the page shows archived badges and loads the media
// from the gateway's /media endpoint; no console errors; a screenshot is saved.
import { mkdirSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { headlessChromium } from "@gifmesh/shared/testing";
import { chromium, type Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startStack, type Stack } from "./stack.ts";
import { startGateway, type RunningGateway } from "./support.ts";

const ARTIFACTS = new URL("./.artifacts/", import.meta.url);

describe("web page in headless Chromium", () => {
  let stack: Stack;
  let gw: RunningGateway;
  let browser: Browser;
  beforeAll(async () => {
    stack = await startStack({ worker: true });
    // Answers with pending GIFs are cached briefly (CACHE_PENDING_TTL_MS); keep that
    // short here so the archived state shows up as soon as storage has it.
    gw = await startGateway(stack.storage, { CACHE_PENDING_TTL_MS: "200" });
    browser = await chromium.launch(headlessChromium());
  });
  afterAll(async () => {
    await browser.close();
    await gw.close();
    await stack.stop();
  });

  it("finds GIFs, shows badges and archived media, pages, on a phone-sized screen", async () => {
    const page = await browser.newPage({
      viewport: { width: 390, height: 844 },
      deviceScaleFactor: 1,
    });
    const problems: string[] = [];
    page.on("console", (m) => {
      if (m.type() === "error") problems.push(m.text());
    });
    page.on("pageerror", (e) => problems.push(e.message));
    await page.goto(`${gw.url}/`);
    await page.fill("#q", "dog");
    await page.click("button[type=submit]");
    await page.waitForSelector(".card img");
    const cards = await page.locator(".card").count();
    expect(cards).toBeGreaterThan(3);
    // A fresh database: storage has just asked for every GIF of this page to be archived.
    expect(await page.locator(".badge.pending").count()).toBe(cards);

    // The worker archives them for real; wait until the gateway reports it (the page's own request).
    type Gif = {
      id: string;
      gifmesh: { archive: { status: string; url?: string; sha256?: string } };
    };
    const pageRequest = `${gw.url}/v1/gifs/search?q=dog&limit=24&offset=0`; // as app.js asks
    const deadline = Date.now() + 30_000;
    let gifs: Gif[];
    for (;;) {
      gifs = ((await (await fetch(pageRequest)).json()) as { data: Gif[] }).data;
      if (gifs.every((g) => g.gifmesh.archive.status !== "pending")) break;
      if (Date.now() > deadline)
        throw new Error(
          `GIFs not archived in time: ${JSON.stringify(gifs.map((g) => g.gifmesh.archive.status))}\n` +
            `fixture: ${JSON.stringify(stack.fixture.stats().byEndpoint)}\n${stack.logs()}`,
        );
      await sleep(250);
    }
    expect(gifs.map((g) => g.gifmesh.archive.status)).toEqual(gifs.map(() => "archived"));

    // The archived bytes are the fixture's original file, served from S3 by the gateway.
    const first = gifs[0];
    const media = await fetch(first?.gifmesh.archive.url ?? "");
    const original = await fetch(`${stack.fixture.url}/media/${first?.id ?? ""}/giphy.gif`);
    expect(media.headers.get("etag")).toBe(`"${first?.gifmesh.archive.sha256 ?? ""}"`);
    expect(Buffer.from(await media.arrayBuffer())).toEqual(
      Buffer.from(await original.arrayBuffer()),
    );
    const byId = await fetch(`${gw.url}/media/gifs/${first?.id ?? ""}`, { redirect: "manual" });
    expect(byId.status).toBe(302);
    expect(byId.headers.get("location")).toMatch(/^\/media\/gifs\/sha256\//);

    // Searching again, the page shows archived badges and loads media from our endpoint.
    await page.click("button[type=submit]");
    await expect
      .poll(() => page.locator(".badge.archived").count(), { timeout: 10_000 })
      .toBe(cards);
    const archivedImg = page.locator(".card[data-archive=archived] img").first();
    expect(await archivedImg.getAttribute("src")).toMatch(
      new RegExp(`^${gw.url}/media/gifs/sha256/`),
    );
    type Img = { complete: boolean; naturalWidth: number };
    const decoded = () =>
      page
        .locator(".card[data-archive=archived] img")
        .first()
        .evaluate((i) => (i as unknown as Img).complete && (i as unknown as Img).naturalWidth > 0);
    await expect.poll(decoded, { timeout: 15_000 }).toBe(true);
    expect(await page.textContent("#status")).toMatch(/GIFs for “dog”/);
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({
      path: new URL("web-page-search.png", ARTIFACTS).pathname,
      fullPage: true,
    });
    // Next page.
    await page.click("#next");
    await expect.poll(() => page.textContent("#page"), { timeout: 10_000 }).toMatch(/^Page 2/);
    expect(problems).toEqual([]);
  });
});
