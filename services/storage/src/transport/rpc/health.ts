// grpc.health.v1.Health. The status follows a periodic probe of PostgreSQL
// (startup/health-probe.ts); "" and the StorageService name are known, other names NOT_FOUND.
import { Code, ConnectError, type ConnectRouter } from "@connectrpc/connect";
import {
  Health,
  HealthCheckResponse_ServingStatus as Status,
  StorageService,
} from "@gifmesh/shared/contracts";

export interface HealthState {
  serving(): boolean;
  /** Resolves on the next change of `serving()` or when the signal aborts. */
  changed(signal: AbortSignal): Promise<void>;
  set(serving: boolean): void;
  /** Watches currently waiting for a change (a gauge for tests and leaks). */
  waiting(): number;
}

export function createHealthState(initial = false): HealthState {
  let serving = initial;
  let waiters: (() => void)[] = [];
  return {
    serving: () => serving,
    set(next) {
      if (next === serving) return;
      serving = next;
      const wake = waiters;
      waiters = [];
      for (const fn of wake) fn();
    },
    changed: (signal) =>
      new Promise<void>((resolve) => {
        if (signal.aborted) {
          resolve();
          return;
        }
        // Whichever comes first resolves; the other is unhooked, so neither a
        // cancelled Watch leaves a waiter behind nor a status change a listener.
        const wake = (): void => {
          signal.removeEventListener("abort", abort);
          resolve();
        };
        const abort = (): void => {
          waiters = waiters.filter((fn) => fn !== wake);
          resolve();
        };
        waiters.push(wake);
        signal.addEventListener("abort", abort, { once: true });
      }),
    waiting: () => waiters.length,
  };
}

const KNOWN = new Set(["", StorageService.typeName]);

export function healthRoutes(state: HealthState) {
  const statusOf = (service: string): Status => {
    if (!KNOWN.has(service)) throw new ConnectError(`unknown service ${service}`, Code.NotFound);
    return state.serving() ? Status.SERVING : Status.NOT_SERVING;
  };
  return (router: ConnectRouter): void => {
    router.service(Health, {
      check: (req) => ({ status: statusOf(req.service) }),
      async *watch(req, ctx) {
        if (!KNOWN.has(req.service)) {
          yield { status: Status.SERVICE_UNKNOWN };
          return;
        }
        while (!ctx.signal.aborted) {
          yield { status: statusOf(req.service) };
          await state.changed(ctx.signal);
        }
      },
    });
  };
}
