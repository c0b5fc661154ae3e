// Where a service's spans go. OTLP/HTTP (protobuf) to the trace store, Jaeger, always
// by default; and Zipkin's JSON v2 to a Zipkin server when OTEL_TRACES_EXPORTER names
// it (`otlp,zipkin`): that is the local stack's trace UI, since a Jaeger built with
// `go build` carries no UI (docs/observability.md). One batch processor per
// destination: each gets the same span stream, and one that is slow or down holds up
// only its own batches.
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-proto";
import { ZipkinExporter } from "@opentelemetry/exporter-zipkin";
import { BatchSpanProcessor, type SpanProcessor } from "@opentelemetry/sdk-trace";

/** The exporters gifmesh ships, by their OTEL_TRACES_EXPORTER names. */
export const TRACE_EXPORTERS = ["otlp", "zipkin"] as const;
export type TraceExporterName = (typeof TRACE_EXPORTERS)[number];

/** Zipkin's own default collector address (its HTTP API, JSON v2). */
export const DEFAULT_ZIPKIN_ENDPOINT = "http://127.0.0.1:9411/api/v2/spans";

const isExporter = (name: string): name is TraceExporterName =>
  (TRACE_EXPORTERS as readonly string[]).includes(name);

/**
 * Parses OTEL_TRACES_EXPORTER (comma-separated, as the OpenTelemetry spec has it).
 * Unset or empty means `otlp`; `none` means no export. A name we do not ship stops
 * start-up, like any other bad setting, instead of silently losing the spans.
 */
export function parseTraceExporters(value: string | undefined): TraceExporterName[] {
  const names = (value ?? "")
    .split(",")
    .map((name) => name.trim().toLowerCase())
    .filter((name) => name !== "");
  if (names.length === 0) return ["otlp"];
  if (names.includes("none")) return [];
  const unknown = names.filter((name) => !isExporter(name));
  if (unknown.length > 0)
    throw new Error(
      `OTEL_TRACES_EXPORTER: unsupported exporter ${unknown.join(", ")} (gifmesh ships ${TRACE_EXPORTERS.join(", ")}, or none)`,
    );
  return [...new Set(names.filter(isExporter))];
}

/** Where each exporter sends. */
export interface ExportTargets {
  /** OTLP/HTTP base URL; spans go to `${otlpEndpoint}/v1/traces`. */
  readonly otlpEndpoint: string;
  /** Zipkin's span endpoint, e.g. http://127.0.0.1:9411/api/v2/spans. */
  readonly zipkinEndpoint: string;
}

/** One BatchSpanProcessor (the SDK's defaults: 5 s, 512 a batch) per named exporter. */
export function createSpanProcessors(
  exporters: readonly TraceExporterName[],
  targets: ExportTargets,
): SpanProcessor[] {
  return exporters.map(
    (name) =>
      new BatchSpanProcessor({
        exporter:
          name === "otlp"
            ? new OTLPTraceExporter({
                url: `${targets.otlpEndpoint.replace(/\/+$/, "")}/v1/traces`,
              })
            : new ZipkinExporter({ url: targets.zipkinEndpoint }),
      }),
  );
}
