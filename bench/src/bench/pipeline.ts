// Archive pipeline through gifmesh: searches through the gateway that together
// return N distinct GIFs, then the time until storage marks each one archived.
// "Archived" is stamped by a trigger the bench adds to ITS OWN database
// (clock_timestamp() when gifs.archive_state leaves 'pending'), so no polling error.
import { createCatalogue } from "@gifmesh/giphy-fixture";
import pg from "pg";
import { setTimeout as sleep } from "node:timers/promises";
import { createLatencies, type LatencySummary } from "../lib/stats.ts";
import { measureColdPages, prerenderOriginals, type ColdPages } from "./fixture-warmup.ts";

export interface PipelineResult {
  readonly gifs: number;
  readonly archived: number;
  readonly failed: number;
  readonly searches: number;
  readonly seconds: number;
  readonly gifsPerS: number;
  readonly latency: LatencySummary;
  readonly ids: readonly string[];
  /** The fixture's answers to never-seen pages, measured before anything else asked it. */
  readonly fixture: ColdPages & { readonly prerenderMs: number };
}

const TRIGGER = `
create table if not exists bench_archived (id text primary key, state text not null, at timestamptz not null);
create or replace function bench_mark() returns trigger language plpgsql as $$
begin
  if new.archive_state <> old.archive_state and new.archive_state in ('archived', 'failed') then
    insert into bench_archived values (new.id, new.archive_state, clock_timestamp()) on conflict do nothing;
  end if;
  return new;
end $$;
drop trigger if exists bench_mark on gifs;
create trigger bench_mark after update on gifs for each row execute function bench_mark();`;

/** Search pages (one word, limit 50, offset) whose union covers the whole catalogue. */
export function planSearches(catalogueSize: number): { q: string; offset: number }[] {
  const catalogue = createCatalogue(catalogueSize);
  const words = new Map<string, number>();
  for (const spec of catalogue.all)
    for (const word of spec.title.toLowerCase().split(/\s+/))
      if (word !== "gif") words.set(word, (words.get(word) ?? 0) + 1);
  const covered = new Set<string>();
  const plan: { q: string; offset: number }[] = [];
  for (const [word] of [...words].sort((a, b) => b[1] - a[1])) {
    const hits = catalogue.search(word);
    for (let offset = 0; offset < hits.length && offset <= 4_950; offset += 50) {
      const page = hits.slice(offset, offset + 50);
      if (page.some((spec) => !covered.has(spec.id))) {
        plan.push({ q: word, offset });
        for (const spec of page) covered.add(spec.id);
      }
    }
    if (covered.size >= catalogue.all.length) break;
  }
  return plan;
}

/** 5xx answers the pipeline's searches got before one succeeded (in the run's log). */
let retried = 0;

/**
 * One gateway search, retried (up to 6 attempts, 2 s apart) on 5xx so a slow start
 * or a machine busy with other work does not end the run; the retries count in the
 * latency (it starts at the first attempt) and their number is logged.
 */
async function search(url: string): Promise<{ id: string }[]> {
  for (let attempt = 1; ; attempt++) {
    const res = await fetch(url);
    if (res.ok) return ((await res.json()) as { data: { id: string }[] }).data;
    await res.arrayBuffer();
    if (res.status < 500 || attempt >= 6) throw new Error(`search ${url} answered ${res.status}`);
    retried++;
    await sleep(2_000);
  }
}

export async function runPipeline(options: {
  gatewayUrl: string;
  fixtureUrl: string;
  databaseUrl: string;
  catalogueSize: number;
  timeoutS: number;
  log: (line: string) => void;
}): Promise<PipelineResult> {
  const db = new pg.Client({ connectionString: options.databaseUrl });
  db.on("error", () => undefined);
  await db.connect();
  await db.query(TRIGGER);
  const plan = planSearches(options.catalogueSize);
  const cold = await measureColdPages(options.fixtureUrl, plan, 50);
  options.log(
    `    fixture: first answer ${cold.firstMs.toFixed(1)} ms; ${cold.latency.count} never-seen pages p50 ${cold.latency.p50Ms.toFixed(1)} / max ${cold.latency.maxMs.toFixed(1)} ms; ${cold.rendered} files rendered by the API`,
  );
  const prerenderMs = await prerenderOriginals(options.fixtureUrl, cold.ids);
  options.log(`    fixture rendered ${cold.ids.length} originals in ${prerenderMs} ms (untimed)`);
  const searchedAt = new Map<string, number>();
  let next = 0;
  const searcher = async (): Promise<void> => {
    for (let item = plan[next++]; item !== undefined; item = plan[next++]) {
      const startedAt = Date.now();
      const url = `${options.gatewayUrl}/v1/gifs/search?q=${item.q}&limit=50&offset=${item.offset}`;
      for (const gif of await search(url))
        if (!searchedAt.has(gif.id)) searchedAt.set(gif.id, startedAt);
    }
  };
  const t0 = Date.now();
  await Promise.all(Array.from({ length: 4 }, searcher));
  if (retried > 0) options.log(`    ${retried} search answers were 5xx and retried`);
  options.log(
    `    ${plan.length} searches returned ${searchedAt.size} distinct GIFs in ${Date.now() - t0} ms`,
  );
  const deadline = Date.now() + options.timeoutS * 1_000;
  let done = 0;
  while (done < searchedAt.size && Date.now() < deadline) {
    await sleep(500);
    const row = await db.query<{ n: string }>("select count(*) as n from bench_archived");
    done = Number(row.rows[0]?.n ?? 0);
    options.log(`    archived or failed: ${done}/${searchedAt.size}`);
  }
  const rows = await db.query<{ id: string; state: string; at: Date }>(
    "select id, state, at from bench_archived",
  );
  await db.end();
  const latencies = createLatencies();
  let last = t0;
  let failed = 0;
  for (const row of rows.rows) {
    const start = searchedAt.get(row.id);
    if (start === undefined) continue;
    if (row.state === "failed") failed++;
    latencies.record(row.at.getTime() - start);
    last = Math.max(last, row.at.getTime());
  }
  const seconds = (last - t0) / 1_000;
  return {
    gifs: searchedAt.size,
    archived: rows.rows.length - failed,
    failed,
    searches: plan.length,
    seconds,
    gifsPerS: rows.rows.length / seconds,
    latency: latencies.summary(),
    ids: [...searchedAt.keys()],
    fixture: { ...cold, prerenderMs },
  };
}
