// The web page in Debian's headless Chromium (driven by playwright-core): a search
// shows a grid with archive badges, archived GIFs load from the gateway's media
// endpoint (real S3), no console errors; a screenshot goes to test/.artifacts/.
import { mkdirSync } from "node:fs";
import { chromium, type Browser } from "playwright-core";
import { createFixtureServer, type FixtureServer } from "@gifmesh/giphy-fixture";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixtureStorage, startGateway, testS3, type RunningGateway } from "./support.ts";

const ARTIFACTS = new URL("./.artifacts/", import.meta.url);

describe("web page in headless Chromium", () => {
  const s3 = testS3();
  let fixture: FixtureServer;
  let gw: RunningGateway;
  let browser: Browser;
  beforeAll(async () => {
    fixture = await createFixtureServer({ port: 0 });
    gw = await startGateway(fixtureStorage(fixture, s3, 3).client);
    browser = await chromium.launch({
      executablePath: "/usr/bin/chromium",
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    });
  });
  afterAll(async () => {
    await browser.close();
    await gw.close();
    await fixture.close();
    s3.destroy();
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
    expect(await page.locator(".badge.archived").count()).toBe(3);
    expect(await page.locator(".badge.pending").count()).toBe(cards - 3);
    // Archived cards (first in the grid, so in view) load from our media endpoint and decode.
    const archivedImg = page.locator(".card[data-archive=archived] img").first();
    expect(await archivedImg.getAttribute("src")).toMatch(new RegExp(`^${gw.url}/media/sha256/`));
    type Img = { complete: boolean; naturalWidth: number };
    const decoded = () =>
      page
        .locator(".card[data-archive=archived] img")
        .evaluateAll((imgs) =>
          imgs.every(
            (i) => (i as unknown as Img).complete && (i as unknown as Img).naturalWidth > 0,
          ),
        );
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
