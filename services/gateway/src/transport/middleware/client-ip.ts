// The client's address, for rate limits and failed-key limits. Behind `hops`
// trusted proxies (TRUST_PROXY_HOPS), each proxy APPENDS the address it was
// connected from to X-Forwarded-For, so only the right-most `hops` entries were
// written by proxies we trust; everything left of them is whatever the client
// sent. The client is therefore the entry `hops` from the right, never the
// left-most one (which the client picks, and with it its own rate-limit bucket).
// With hops = 0 the header is ignored. An entry that is not an IP address (a
// proxy's "unknown", garbage) is not skipped, since skipping would shift the pick
// into the client's part of the list: the peer's own address is used instead.
import { isIP } from "node:net";
import type { Context } from "hono";
import { getConnInfo } from "@hono/node-server/conninfo";

/** The socket's remote address, or "unknown" (app.request() in tests has no socket). */
function peerAddress(c: Context): string {
  try {
    return getConnInfo(c).remote.address ?? "unknown";
  } catch {
    return "unknown";
  }
}

/**
 * An X-Forwarded-For entry as a bare IP address (port and IPv6 brackets removed,
 * IPv6 lower-cased), or undefined when it is not one.
 */
export function parseForwardedAddress(entry: string): string | undefined {
  let value = entry.trim();
  const bracketed = /^\[([^\]]+)\](?::\d{1,5})?$/.exec(value);
  if (bracketed?.[1] !== undefined) value = bracketed[1];
  else if (/^[\d.]+:\d{1,5}$/.test(value)) value = value.slice(0, value.lastIndexOf(":"));
  const family = isIP(value);
  if (family === 4) return value;
  if (family === 6) return value.toLowerCase();
  return undefined;
}

/**
 * The entry `hops` from the right of an X-Forwarded-For value; the left-most one
 * when there are fewer entries (all of them then come from trusted proxies).
 */
export function forwardedClient(header: string, hops: number): string | undefined {
  const entries = header.split(",");
  const entry = entries[Math.max(0, entries.length - hops)];
  return entry === undefined ? undefined : parseForwardedAddress(entry);
}

export function clientIp(c: Context, hops: number): string {
  if (hops > 0) {
    // Several X-Forwarded-For headers arrive joined with ", ", in order: one list.
    const header = c.req.header("x-forwarded-for");
    const forwarded = header === undefined ? undefined : forwardedClient(header, hops);
    if (forwarded !== undefined) return forwarded;
  }
  return peerAddress(c);
}
