// HTTP load in its own process (autocannon, closed loop, keep-alive): prints one
// JSON line with requests/s and latency percentiles. Used by the gateway benchmark
// against both the gateway and the raw node:http baseline, with the same settings
// and the same request headers (BENCH_HEADERS, a JSON object: API key, X-Forwarded-For).
import autocannon from "autocannon";

const url = process.env.BENCH_URL ?? "";
const connections = Number(process.env.BENCH_CONNECTIONS ?? 32);
const duration = Number(process.env.BENCH_DURATION_S ?? 10);
const warmup = Number(process.env.BENCH_WARMUP_S ?? 2);
const headers = JSON.parse(process.env.BENCH_HEADERS ?? "{}") as Record<string, string>;

async function run(seconds: number): Promise<autocannon.Result> {
  return autocannon({ url, connections, duration: seconds, pipelining: 1, headers });
}

if (warmup > 0) await run(warmup);
const result = await run(duration);
process.stdout.write(
  `${JSON.stringify({
    url,
    connections,
    durationS: duration,
    requests: result.requests.total,
    rps: result.requests.total / duration,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    maxMs: result.latency.max,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    bytesPerS: result.throughput.average,
  })}\n`,
);
