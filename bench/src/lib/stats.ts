// Latency recording in microseconds with HdrHistogram (constant memory, exact
// percentiles to 3 significant digits), and the few number formats the reports use.
import { build, type Histogram } from "hdr-histogram-js";

export interface LatencySummary {
  readonly count: number;
  readonly meanMs: number;
  readonly p50Ms: number;
  readonly p90Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

export interface Latencies {
  /** Records one latency in milliseconds. */
  record(ms: number): void;
  summary(): LatencySummary;
}

export function createLatencies(): Latencies {
  const histogram: Histogram = build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 3_600_000_000,
    numberOfSignificantValueDigits: 3,
  });
  const ms = (us: number): number => us / 1_000;
  return {
    record(value) {
      histogram.recordValue(Math.max(1, Math.round(value * 1_000)));
    },
    summary() {
      return {
        count: histogram.totalCount,
        meanMs: ms(histogram.mean),
        p50Ms: ms(histogram.getValueAtPercentile(50)),
        p90Ms: ms(histogram.getValueAtPercentile(90)),
        p99Ms: ms(histogram.getValueAtPercentile(99)),
        maxMs: ms(histogram.maxValue),
      };
    },
  };
}

/** "1234.5" → "1,235"; small numbers keep two decimals. */
export function fmt(n: number): string {
  if (!Number.isFinite(n)) return "n/a";
  const digits = Math.abs(n) >= 100 ? 0 : Math.abs(n) >= 10 ? 1 : 2;
  return n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: 0 });
}

export function ratio(value: number, baseline: number): string {
  return baseline > 0 ? (value / baseline).toFixed(2) : "n/a";
}

export function mib(kib: number): string {
  return (kib / 1024).toFixed(0);
}
