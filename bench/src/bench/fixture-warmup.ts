// The Giphy fixture before the archive pipeline is timed: how fast it answers a page
// nobody asked for before (the first search after `make up` depends on it), and the
// originals rendered into its cache, since Giphy's CPU is not ours to measure.
import { FIXTURE_API_KEY } from "@gifmesh/giphy-fixture";
import { createLatencies, type LatencySummary } from "../lib/stats.ts";

export interface ColdPages {
  /** The fixture's very first API answer after start, ms. */
  readonly firstMs: number;
  /** One answer per page, each page asked for the first time, one at a time. */
  readonly latency: LatencySummary;
  readonly limit: number;
  /** Media files the fixture had rendered once every page was answered (0: the API renders nothing). */
  readonly rendered: number;
  readonly ids: readonly string[];
}

/** Asks the fixture for each planned page once, in order, timing each full answer. */
export async function measureColdPages(
  fixtureUrl: string,
  plan: readonly { q: string; offset: number }[],
  limit: number,
): Promise<ColdPages> {
  const latencies = createLatencies();
  const ids = new Set<string>();
  let firstMs: number | undefined;
  // Not an API call: it loads fetch's lazily initialised client (~100 ms in a fresh
  // process) and opens the connection, so the figures are the fixture's own.
  await (await fetch(`${fixtureUrl}/healthz`)).arrayBuffer();
  for (const item of plan) {
    const url = `${fixtureUrl}/v1/gifs/search?api_key=${FIXTURE_API_KEY}&q=${item.q}&limit=${limit}&offset=${item.offset}`;
    const started = performance.now();
    const res = await fetch(url);
    const body = (await res.json()) as { data: { id: string }[] };
    const ms = performance.now() - started;
    if (!res.ok) throw new Error(`fixture answered ${res.status} for ${item.q}@${item.offset}`);
    firstMs ??= ms;
    latencies.record(ms);
    for (const gif of body.data) ids.add(gif.id);
  }
  const stats = (await (await fetch(`${fixtureUrl}/__fixture/stats`)).json()) as {
    rendered: number;
  };
  return {
    firstMs: firstMs ?? 0,
    latency: latencies.summary(),
    limit,
    rendered: stats.rendered,
    ids: [...ids],
  };
}

/** Downloads every original once (two at a time) so the fixture has rendered it; returns ms. */
export async function prerenderOriginals(
  fixtureUrl: string,
  ids: readonly string[],
): Promise<number> {
  const started = Date.now();
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let id = ids[next++]; id !== undefined; id = ids[next++]) {
      const res = await fetch(`${fixtureUrl}/media/${id}/giphy.gif`);
      await res.arrayBuffer();
      if (!res.ok) throw new Error(`fixture answered ${res.status} for the original of ${id}`);
    }
  };
  await Promise.all([worker(), worker()]);
  return Date.now() - started;
}
