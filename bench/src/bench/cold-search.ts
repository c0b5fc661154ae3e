// Cold search: a search page nothing in gifmesh has cached (not the gateway's two cache
// levels, not storage's stored pages), so the gateway asks storage and storage asks
// the Giphy fixture, stores the page and answers. Its baseline is the fixture itself
// answering a page it was never asked for, measured in the same loop: the pairs
// alternate (fixture direct, then through gifmesh), so both see the machine and the
// fixture in the same state. The target is gifmesh's p50 ≤ the fixture's p50 + 15 ms.
//
// Run after the pipeline: every GIF of the catalogue is then known and archived, so a
// cold page costs a search, not an archive request per GIF. The pages are the
// pipeline's words at limit 25 (it asked for limit 50), the fixture's at the plan's
// offset and gifmesh's one further: new page keys for both sides, each asked for once.
import { FIXTURE_API_KEY } from "@gifmesh/giphy-fixture";
import { createLatencies, type LatencySummary } from "../lib/stats.ts";

export interface ColdSearchResult {
  readonly pairs: number;
  readonly limit: number;
  /** The fixture answering never-seen pages directly. */
  readonly fixture: LatencySummary;
  /** The same kind of page through the gateway, nothing cached. */
  readonly gateway: LatencySummary;
  /** Gateway answers that were not `X-Cache: MISS` (the measurement is then not cold). */
  readonly notMiss: number;
}

const LIMIT = 25;

async function timedGet(url: string): Promise<{ ms: number; gifs: number; cache: string | null }> {
  const started = performance.now();
  const res = await fetch(url);
  const body = (await res.json()) as { data?: unknown[] };
  const ms = performance.now() - started;
  if (!res.ok || !Array.isArray(body.data))
    throw new Error(`cold search ${url} answered ${String(res.status)}`);
  return { ms, gifs: body.data.length, cache: res.headers.get("x-cache") };
}

export async function runColdSearch(options: {
  gatewayUrl: string;
  fixtureUrl: string;
  /** Pages (word, offset) of the pipeline's plan: each gives two new pages at limit 25. */
  plan: readonly { q: string; offset: number }[];
  log: (line: string) => void;
}): Promise<ColdSearchResult> {
  const fixture = createLatencies();
  const gateway = createLatencies();
  let notMiss = 0;
  // Not measured: opens both keep-alive connections and loads fetch's lazily built
  // client. The gateway's is one of the pipeline's own pages, cached by now.
  const first = options.plan[0];
  if (first === undefined) throw new Error("cold search: the plan has no pages");
  await (await fetch(`${options.fixtureUrl}/healthz`)).arrayBuffer();
  await (
    await fetch(
      `${options.gatewayUrl}/v1/gifs/search?q=${encodeURIComponent(first.q)}&limit=50&offset=${String(first.offset)}`,
    )
  ).arrayBuffer();
  let pairs = 0;
  for (const { q, offset } of options.plan) {
    const word = encodeURIComponent(q);
    const direct = await timedGet(
      `${options.fixtureUrl}/v1/gifs/search?api_key=${FIXTURE_API_KEY}&q=${word}&limit=${String(LIMIT)}&offset=${String(offset)}`,
    );
    const through = await timedGet(
      `${options.gatewayUrl}/v1/gifs/search?q=${word}&limit=${String(LIMIT)}&offset=${String(offset + 1)}`,
    );
    // A page at the end of a word's hits may hold one GIF: then gifmesh's is empty, and
    // an empty page is not the same work. Such pairs are left out.
    if (direct.gifs < 2 || through.gifs === 0) continue;
    pairs++;
    fixture.record(direct.ms);
    gateway.record(through.ms);
    if (through.cache !== "MISS") notMiss++;
  }
  const result = {
    pairs,
    limit: LIMIT,
    fixture: fixture.summary(),
    gateway: gateway.summary(),
    notMiss,
  };
  options.log(
    `    ${String(result.pairs)} pairs: fixture p50 ${result.fixture.p50Ms.toFixed(1)} ms, ` +
      `through gifmesh p50 ${result.gateway.p50Ms.toFixed(1)} ms (${String(notMiss)} not a cache miss)`,
  );
  return result;
}
