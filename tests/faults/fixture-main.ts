// The Giphy fixture as a child process for the fault suite, with a larger catalogue
// than services/giphy-fixture/src/main.ts serves (its main has no size setting), so
// that a few thousand searches reach hundreds of distinct GIFs. A child, not
// in-process: rendering GIF files is CPU work that must not stall the traffic
// generator's event loop. The suite runs two: one answers the API and writes media
// URLs pointing at the other (GIPHY_FIXTURE_PUBLIC_URL), like Giphy's separate API
// and media hosts, so rendering files for the worker never delays search answers.
// Fault switches: POST /__fixture/faults.
import { createFixtureServer } from "@gifmesh/giphy-fixture";

const port = Number(process.env.GIPHY_FIXTURE_PORT ?? 0);
const catalogueSize = Number(process.env.FAULTS_CATALOGUE_SIZE ?? 1000);
const publicUrl = process.env.GIPHY_FIXTURE_PUBLIC_URL;
const server = await createFixtureServer({
  port,
  catalogueSize,
  ...(publicUrl === undefined ? {} : { publicUrl }),
});
process.stdout.write(`${JSON.stringify({ message: "fixture listening", url: server.url })}\n`);
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    void server.close().then(() => process.exit(0));
  });
}
