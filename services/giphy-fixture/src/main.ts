// Starts the Giphy fixture as a process (default http://127.0.0.1:8089), the
// stand-in storage uses whenever GIPHY_API_KEY is unset.
import { createFixtureServer, FIXTURE_API_KEY } from "./server.ts";
import { faultSchema } from "./faults.ts";

const env = process.env;
const fault = env.GIPHY_FIXTURE_FAULT
  ? faultSchema.parse(JSON.parse(env.GIPHY_FIXTURE_FAULT))
  : undefined;
const server = await createFixtureServer({
  port: Number(env.GIPHY_FIXTURE_PORT ?? 8089),
  host: env.GIPHY_FIXTURE_HOST ?? "127.0.0.1",
  apiKey: env.GIPHY_FIXTURE_API_KEY ?? FIXTURE_API_KEY,
  ...(env.GIPHY_FIXTURE_PUBLIC_URL
    ? { publicUrl: env.GIPHY_FIXTURE_PUBLIC_URL.replace(/\/+$/, "") }
    : {}),
  latencyMs: Number(env.GIPHY_FIXTURE_LATENCY_MS ?? 0),
  ...(fault ? { fault } : {}),
});
process.stdout.write(
  `${JSON.stringify({ level: "info", service: "giphy-fixture", message: "giphy fixture listening", url: server.url, baseUrl: server.baseUrl })}\n`,
);
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    void server.close().then(() => process.exit(0));
  });
}
