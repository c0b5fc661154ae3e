// Bounds what one log line can hold. Services log values that come from outside
// (a User-Agent, a path, a Kafka key of up to a megabyte): without a bound, one
// hostile request writes a megabyte line per log call, and the log pipeline pays
// for it. Each string is cut to a few KiB, and the whole line has a budget; past
// it, values are replaced by a marker. The marker says how much was dropped, so a
// reader knows the value was longer than shown.

/** The longest string written as is (a URL, a header, a message). */
export const MAX_STRING_CHARS = 4_096;
/** Stacks are longer than a field but begin with the message, which may be hostile. */
export const MAX_STACK_CHARS = 16_384;
/** The longest object key written as is. */
export const MAX_KEY_CHARS = 256;
/** Characters (and nodes) one line may carry before the rest becomes "[Truncated]". */
export const LINE_BUDGET = 65_536;

export const TRUNCATED = "[Truncated]";

/** What is left of one line's budget; spent by every value written. */
export interface LineBudget {
  remaining: number;
}

/** A fresh budget for one log line. */
export function lineBudget(chars: number = LINE_BUDGET): LineBudget {
  return { remaining: chars };
}

/** End of a cut at `max` that does not split a surrogate pair. */
function cutAt(value: string, max: number): number {
  const last = value.charCodeAt(max - 1);
  return last >= 0xd800 && last <= 0xdbff ? max - 1 : max;
}

/**
 * `value` cut to `max` UTF-16 units, with a marker giving the full length
 * (`totalChars`, when `value` is itself a part of a longer string). A surrogate
 * pair is never split, so the result is still well-formed text.
 */
export function truncateString(
  value: string,
  max: number = MAX_STRING_CHARS,
  totalChars: number = value.length,
): string {
  if (value.length <= max && totalChars <= value.length) return value;
  const end = Math.min(value.length, cutAt(value, max));
  return `${value.slice(0, end)}…[truncated: ${String(totalChars)} chars]`;
}

/**
 * The first `chars` of `value` (whole when shorter), without splitting a pair: the
 * window that redaction scans before the cut. Twice the kept length, so a secret
 * that starts before the cut is seen whole (a URL password up to `chars - max` long).
 */
export function scanWindow(value: string, chars: number): string {
  return value.length <= chars ? value : value.slice(0, cutAt(value, chars));
}

/** Takes `cost` from the budget; false when the line has nothing left for it. */
export function spend(budget: LineBudget, cost: number): boolean {
  if (budget.remaining <= 0) return false;
  budget.remaining -= cost;
  return true;
}
