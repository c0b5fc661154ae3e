// Call counters, so tests can assert "no Giphy call happened" (cache within TTL)
// or "exactly one call" (single flight). Read with GET /__fixture/stats.

export type Endpoint = "search" | "trending" | "gif" | "gifs" | "media";

export interface CallRecord {
  readonly endpoint: Endpoint;
  /** Path and query with api_key removed. */
  readonly path: string;
  readonly status: number;
}

export interface FixtureStats {
  readonly total: number;
  readonly byEndpoint: Readonly<Record<Endpoint, number>>;
  /** The API calls (not media) made so far. */
  readonly api: number;
  readonly faulted: number;
  /** The last 100 calls, oldest first. */
  readonly recent: readonly CallRecord[];
  /** Media files rendered. The API never renders, so only /media requests raise it. */
  readonly rendered: number;
}

export interface StatsRecorder {
  record(call: CallRecord, faulted: boolean): void;
  recordRender(): void;
  snapshot(): FixtureStats;
  reset(): void;
}

export function createStats(): StatsRecorder {
  let byEndpoint: Record<Endpoint, number> = { search: 0, trending: 0, gif: 0, gifs: 0, media: 0 };
  let faulted = 0;
  let recent: CallRecord[] = [];
  let rendered = 0;
  return {
    record(call, wasFaulted) {
      byEndpoint[call.endpoint] += 1;
      if (wasFaulted) faulted += 1;
      recent.push(call);
      if (recent.length > 100) recent = recent.slice(-100);
    },
    recordRender() {
      rendered += 1;
    },
    snapshot() {
      const total = Object.values(byEndpoint).reduce((a, b) => a + b, 0);
      return {
        total,
        byEndpoint: { ...byEndpoint },
        api: total - byEndpoint.media,
        faulted,
        recent: [...recent],
        rendered,
      };
    },
    reset() {
      byEndpoint = { search: 0, trending: 0, gif: 0, gifs: 0, media: 0 };
      faulted = 0;
      recent = [];
      rendered = 0;
    },
  };
}
