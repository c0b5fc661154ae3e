// gRPC load in its own process: BENCH_CONCURRENCY loops calling GetGif through
// createGrpcTransport (one HTTP/2 session, as the gateway uses it) for
// BENCH_DURATION_S after a warm-up; prints one JSON line.
import { createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { StorageService } from "@gifmesh/shared/contracts";
import { createLatencies } from "../lib/stats.ts";

const baseUrl = process.env.BENCH_URL ?? "";
const id = process.env.BENCH_GIF_ID ?? "";
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 32);
const duration = Number(process.env.BENCH_DURATION_S ?? 10);
const warmup = Number(process.env.BENCH_WARMUP_S ?? 2);
const client = createClient(StorageService, createGrpcTransport({ baseUrl }));

async function run(seconds: number) {
  const latencies = createLatencies();
  const end = performance.now() + seconds * 1_000;
  let errors = 0;
  const loop = async (): Promise<void> => {
    while (performance.now() < end) {
      const start = performance.now();
      try {
        await client.getGif({ id });
        latencies.record(performance.now() - start);
      } catch {
        errors++;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, loop));
  return { latencies: latencies.summary(), errors };
}

if (warmup > 0) await run(warmup);
const { latencies, errors } = await run(duration);
process.stdout.write(
  `${JSON.stringify({
    url: baseUrl,
    concurrency,
    durationS: duration,
    requests: latencies.count,
    rps: latencies.count / duration,
    p50Ms: latencies.p50Ms,
    p99Ms: latencies.p99Ms,
    errors,
  })}\n`,
);
