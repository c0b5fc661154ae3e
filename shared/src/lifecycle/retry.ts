// How a service starts before its dependencies without crash-looping: keep
// trying (with backoff) until the dependency answers or shutdown begins, and
// say so in the logs at every attempt.
import { setTimeout as sleep } from "node:timers/promises";
import type { Logger } from "../logging/index.ts";
import { backoffDelay } from "./backoff.ts";

/** Options for {@link retryUntil}. */
export interface RetryOptions {
  readonly logger: Logger;
  /** Stops retrying when aborted (pass the shutdown signal). */
  readonly signal?: AbortSignal;
  /** Default 200 ms. */
  readonly initialDelayMs?: number;
  /** Default 30 s. */
  readonly maxDelayMs?: number;
  /** Uniform [0, 1) source for jitter; injectable for tests. */
  readonly random?: () => number;
}

/**
 * Calls `fn` until it resolves, waiting a jittered exponential delay after each
 * failure and logging it at warn with the attempt number and the next delay.
 * Retries forever; rejects only with the abort reason once `signal` aborts.
 */
export async function retryUntil<T>(
  name: string,
  fn: (signal: AbortSignal) => Promise<T>,
  options: RetryOptions,
): Promise<T> {
  const signal = options.signal ?? new AbortController().signal;
  const backoff = {
    initial: options.initialDelayMs ?? 200,
    max: options.maxDelayMs ?? 30_000,
    random: options.random,
  };
  for (let attempt = 1; ; attempt++) {
    signal.throwIfAborted();
    try {
      const result = await fn(signal);
      if (attempt > 1) options.logger.info(`${name} succeeded`, { attempt });
      return result;
    } catch (error) {
      signal.throwIfAborted();
      const nextDelayMs = backoffDelay(attempt, backoff);
      options.logger.warn(`${name} failed; retrying`, { attempt, nextDelayMs, err: error });
      await sleep(nextDelayMs, undefined, { signal }).catch(() => undefined);
    }
  }
}
