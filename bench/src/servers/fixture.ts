// The Giphy fixture with a larger catalogue (createFixtureServer's `catalogueSize`
// option; its main.ts has no env for it), so the archive benchmark can ask for
// BENCH_GIFS distinct GIFs, and a media cache that holds every original the bench
// pre-renders, so no rendering happens while the pipeline is timed.
// Run as a child process: node bench/src/servers/fixture.ts
import { createFixtureServer } from "@gifmesh/giphy-fixture";

const server = await createFixtureServer({
  port: Number(process.env.BENCH_FIXTURE_PORT ?? 0),
  catalogueSize: Number(process.env.BENCH_CATALOGUE_SIZE ?? 360),
  mediaCacheBytes: Number(process.env.BENCH_FIXTURE_CACHE_MB ?? 1_024) * 1024 * 1024,
});
process.stdout.write(`fixture ${server.url} catalogue=${server.catalogue.all.length}\n`);
process.once("SIGTERM", () => {
  void server.close().then(() => process.exit(0));
});
