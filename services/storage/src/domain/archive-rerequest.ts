// When storage asks again for a GIF whose archive failed. The file worker retries a
// transient failure (timeout, 5xx, 429 of the media host) within its own budget,
// minutes at most; when that budget runs out the GIF is `failed` and, before this
// policy, stayed so for good although the host may be fine an hour later. A
// permanent failure (not a GIF, too large, not allowed, 404) would fail the same way
// again, so it is never asked for again.
//
// The policy: a GIF failed with a retriable code is re-requested on a later search
// or lookup that sees it, once `backoffMs × 2^n` has passed since the failure (n =
// re-requests so far), at most `maxRerequests` times. With the defaults (1 h, 5)
// that is after 1, 2, 4, 8 and 16 hours: one more attempt a day later at most, and
// nothing for GIFs nobody looks at. Pure: no clock, no I/O.

/**
 * Failure codes worth asking again later: the file worker's transient codes
 * (services/file-worker/src/domain/archive-error.ts), whose cause is the media host
 * or the network at that moment, not the GIF.
 */
export const REREQUESTABLE_CODES: ReadonlySet<string> = new Set([
  "ARCHIVE.TIMEOUT",
  "ARCHIVE.UPSTREAM_ERROR",
]);

export interface RerequestPolicy {
  /** Wait after the first failure; doubles with each re-request. 0 turns re-requests off. */
  readonly backoffMs: number;
  /** Re-requests per GIF, ever; 0 turns them off. */
  readonly maxRerequests: number;
}

/** What the policy needs to know of a failed GIF. */
export interface FailedArchive {
  readonly code: string;
  readonly failedAt: Date;
  /** Re-requests so far. */
  readonly rerequests: number;
}

/** Earliest time of the next re-request, or undefined when there is none. */
export function nextRerequestAt(failure: FailedArchive, policy: RerequestPolicy): Date | undefined {
  if (policy.backoffMs <= 0 || failure.rerequests >= policy.maxRerequests) return undefined;
  if (!REREQUESTABLE_CODES.has(failure.code)) return undefined;
  const delay = policy.backoffMs * 2 ** Math.min(failure.rerequests, 40);
  return new Date(failure.failedAt.getTime() + delay);
}

/** Whether a failed GIF is due to be requested again at `now`. */
export function isRerequestDue(
  failure: FailedArchive,
  policy: RerequestPolicy,
  now: Date,
): boolean {
  const at = nextRerequestAt(failure, policy);
  return at !== undefined && at.getTime() <= now.getTime();
}
