// The gateway configurations the cache-hit benchmark runs side by side, each read
// from where users get it, so the bench follows when a default changes:
// - production: what k8s/values-production.yaml makes the chart set (LOG_LEVEL,
//   tracing on towards a collector, the gateway's extraEnv: proxy hops, sampler),
//   the image's NODE_ENV/NODE_OPTIONS/MALLOC_ARENA_MAX (Dockerfile), API keys
//   (production has them) and the tracing preload (`npm start`; see docs/performance.md
//   about the image's CMD). Spans go to a discarding OTLP server instead of the
//   collector, which production runs in pods of its own (servers/otlp-sink.ts).
// - local: `make up` (scripts/stack/env.sh sourced in a subshell, the preload of
//   scripts/stack/services.sh): spans to Jaeger and Zipkin.
// - off: `make up` with OTEL_SDK_DISABLED=true and no preload, for reference.
// All keep the rate limiter on with a limit one client cannot reach (the bench is
// one client; the per-request limiter work is the same).
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";

export type GatewayConfigName = "production" | "local" | "off";
export const GATEWAY_CONFIG_NAMES: readonly GatewayConfigName[] = ["production", "local", "off"];

export interface GatewayConfiguration {
  readonly name: GatewayConfigName;
  /** One line for RESULTS.md: what is on. */
  readonly summary: string;
  readonly env: Readonly<Record<string, string>>;
  readonly nodeArgs: readonly string[];
  /** Request headers the load sends (API key, the ingress's X-Forwarded-For). */
  readonly headers: Readonly<Record<string, string>>;
  /**
   * Where spans go: "sink" = a discarding OTLP server (servers/otlp-sink.ts) standing
   * in for production's collector pods; "local" = the local Jaeger (and Zipkin).
   */
  readonly spans: "sink" | "local" | "none";
}

const PRELOAD = ["--import", "@gifmesh/shared/tracing/register"];
const BENCH_KEY = "bench-api-key-0123456789abcdef";
/** Kept on, out of one client's reach. */
const RATE_LIMIT = { RATE_LIMIT_MAX: "1000000000" };

interface ChartValues {
  readonly config?: { logLevel?: string; otlpEndpoint?: string; webTraceUrl?: string };
  readonly gateway?: { extraEnv?: readonly { name: string; value: string }[] };
}

/** ENV lines of the Dockerfile's runtime stage (NAME=value pairs, quotes removed). */
function dockerRuntimeEnv(root: string): Record<string, string> {
  const text = readFileSync(join(root, "Dockerfile"), "utf8");
  const stage = /FROM \S+ AS runtime\n([\s\S]*?)\nFROM /.exec(text)?.[1] ?? "";
  const env = /\nENV ((?:.*\\\n)*.*)/.exec(stage)?.[1] ?? "";
  const out: Record<string, string> = {};
  for (const m of env.replace(/\\\n/g, " ").matchAll(/(\w+)=("[^"]*"|\S+)/g))
    if (m[1] !== undefined && m[2] !== undefined) out[m[1]] = m[2].replace(/^"|"$/g, "");
  return out;
}

function production(root: string): GatewayConfiguration {
  const read = (file: string) => parse(readFileSync(join(root, file), "utf8")) as ChartValues;
  const chart = read("k8s/gifmesh/values.yaml");
  const prod = read("k8s/values-production.yaml");
  const docker = dockerRuntimeEnv(root);
  const extra = Object.fromEntries((prod.gateway?.extraEnv ?? []).map((e) => [e.name, e.value]));
  const tracing = (prod.config?.otlpEndpoint ?? chart.config?.otlpEndpoint ?? "") !== "";
  const env: Record<string, string> = {
    NODE_ENV: docker.NODE_ENV ?? "production",
    NODE_OPTIONS: docker.NODE_OPTIONS ?? "",
    MALLOC_ARENA_MAX: docker.MALLOC_ARENA_MAX ?? "",
    LOG_LEVEL: prod.config?.logLevel ?? chart.config?.logLevel ?? "info",
    WEB_TRACE_URL: prod.config?.webTraceUrl ?? chart.config?.webTraceUrl ?? "off",
    OTEL_SDK_DISABLED: tracing ? "false" : "true",
    OTEL_TRACES_EXPORTER: "otlp",
    GATEWAY_API_KEYS: BENCH_KEY,
    ...RATE_LIMIT,
    ...extra,
  };
  const sampler = env.OTEL_TRACES_SAMPLER ?? "(code default)";
  return {
    name: "production",
    summary: `k8s/values-production.yaml: LOG_LEVEL=${env.LOG_LEVEL}, tracing ${tracing ? "on" : "off"} (sampler ${sampler}${env.OTEL_TRACES_SAMPLER_ARG ? ` ${env.OTEL_TRACES_SAMPLER_ARG}` : ""}, OTLP), API key, rate limit, TRUST_PROXY_HOPS=${env.TRUST_PROXY_HOPS ?? "0"}, NODE_OPTIONS="${env.NODE_OPTIONS}"`,
    env,
    nodeArgs: tracing ? PRELOAD : [],
    headers: { "x-api-key": BENCH_KEY, "x-forwarded-for": "203.0.113.7" },
    spans: tracing ? "sink" : "none",
  };
}

/**
 * make up's memory settings (NODE_OPTIONS' semi-space size, MALLOC_ARENA_MAX; the
 * images carry the same): the bench stack's own services run with them too, so
 * their RSS is what users see.
 */
export function makeUpMemoryEnv(root: string, scratch: string): Record<string, string> {
  const env = makeUpEnv(root, scratch);
  return Object.fromEntries(
    ["NODE_OPTIONS", "MALLOC_ARENA_MAX"].flatMap((name) =>
      env[name] === undefined ? [] : [[name, env[name]]],
    ),
  );
}

/** What scripts/stack/env.sh exports that changes how a service runs. */
function makeUpEnv(root: string, scratch: string): Record<string, string> {
  const out = execFileSync(
    "bash",
    ["-c", ". scripts/stack/env.sh >/dev/null && env -0", "make-up-env"],
    {
      cwd: root,
      // Its token file goes into the run's directory, not the stack's .data.
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", GIFMESH_DATA: scratch },
    },
  ).toString("utf8");
  const wanted = /^(NODE_OPTIONS|MALLOC_ARENA_MAX|LOG_LEVEL|OTEL_\w+|WEB_TRACE_URL)$/;
  const env: Record<string, string> = {};
  for (const entry of out.split("\0")) {
    const at = entry.indexOf("=");
    const name = entry.slice(0, at);
    if (at > 0 && wanted.test(name)) env[name] = entry.slice(at + 1);
  }
  // Exported by scripts/infra/env.sh, which this process was started with.
  for (const name of ["OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_ZIPKIN_ENDPOINT"]) {
    const value = process.env[name];
    if (value !== undefined && env[name] === undefined) env[name] = value;
  }
  return env;
}

function local(root: string, scratch: string, tracing: boolean): GatewayConfiguration {
  const env: Record<string, string> = {
    LOG_LEVEL: "info",
    ...makeUpEnv(root, scratch),
    ...RATE_LIMIT,
    OTEL_SDK_DISABLED: tracing ? "false" : "true",
  };
  const sampler = env.OTEL_TRACES_SAMPLER ?? "(code default)";
  return {
    name: tracing ? "local" : "off",
    summary: tracing
      ? `\`make up\` (scripts/stack/env.sh): LOG_LEVEL=${env.LOG_LEVEL}, tracing on (sampler ${sampler}, exporters ${env.OTEL_TRACES_EXPORTER ?? "otlp"}), open mode, NODE_OPTIONS="${env.NODE_OPTIONS ?? ""}"`
      : "`make up` with OTEL_SDK_DISABLED=true and no tracing preload",
    env,
    nodeArgs: tracing ? PRELOAD : [],
    headers: {},
    spans: tracing ? "local" : "none",
  };
}

/** The configurations named in `names` (BENCH_GATEWAY_CONFIGS), in that order. */
export function gatewayConfigurations(
  root: string,
  scratch: string,
  names: readonly GatewayConfigName[],
): GatewayConfiguration[] {
  return names.map((name) =>
    name === "production" ? production(root) : local(root, scratch, name === "local"),
  );
}
