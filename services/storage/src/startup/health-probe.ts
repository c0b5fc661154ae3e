// gRPC health follows PostgreSQL: a periodic ping sets SERVING or NOT_SERVING. Each
// ping is bounded and only one runs at a time, so a ping stuck on a dead connection
// turns into NOT_SERVING, and an older, slower answer never overwrites a newer one.
import type { HealthState } from "../transport/rpc/health.ts";

/** How long one health probe of PostgreSQL may take before it counts as a failure. */
export const HEALTH_PROBE_TIMEOUT_MS = 2_000;

export interface HealthProbe {
  /** Ends the probing; a ping in flight still settles but sets nothing. */
  stop(): void;
}

/** Probes at once, then every `intervalMs`, until stopped. */
export function startHealthProbe(deps: {
  readonly ping: (signal: AbortSignal) => Promise<void>;
  readonly health: HealthState;
  readonly intervalMs: number;
  readonly timeoutMs?: number;
}): HealthProbe {
  const { ping, health, intervalMs, timeoutMs = HEALTH_PROBE_TIMEOUT_MS } = deps;
  let probing = false;
  let stopped = false;
  const probeOnce = async (): Promise<void> => {
    if (probing) return;
    probing = true;
    try {
      const ok = await ping(AbortSignal.timeout(timeoutMs)).then(
        () => true,
        () => false,
      );
      if (!stopped) health.set(ok);
    } finally {
      probing = false;
    }
  };
  void probeOnce();
  const timer = setInterval(() => void probeOnce(), intervalMs);
  return {
    stop() {
      stopped = true;
      clearInterval(timer);
    },
  };
}
