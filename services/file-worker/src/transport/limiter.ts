// A counting semaphore: the bound on in-flight work (per partition and overall) that
// gives the consumer backpressure. Waiters are served first come, first served.

export interface Limiter {
  /** Resolves when a slot is free; the caller must call the returned release exactly once. */
  acquire(): Promise<() => void>;
  readonly active: number;
}

export function createLimiter(max: number): Limiter {
  if (!Number.isInteger(max) || max < 1) throw new Error(`limiter size must be ≥ 1, got ${max}`);
  let active = 0;
  const waiters: (() => void)[] = [];

  const release = (): void => {
    const next = waiters.shift();
    if (next)
      next(); // the slot passes straight to the next waiter
    else active -= 1;
  };
  const once = (): (() => void) => {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      release();
    };
  };

  return {
    acquire() {
      if (active < max) {
        active += 1;
        return Promise.resolve(once());
      }
      return new Promise((resolve) => {
        waiters.push(() => {
          resolve(once());
        });
      });
    },
    get active() {
      return active;
    },
  };
}
