// Decides whether the downloader may fetch a URL and to which IP address it connects.
// The address is resolved here, vetted, and then pinned for the connection, so a DNS
// answer that changes between check and connect (rebinding) cannot sneak past.
import { lookup } from "node:dns/promises";
import { isIP } from "node:net";
import { ArchiveError } from "../domain/archive-error.ts";
import { isForbiddenAddress } from "./address-policy.ts";

export interface UrlGuardOptions {
  /** Hostnames allowed on any port ("media.giphy.com"), or one port only ("host:8089"). */
  readonly allowedHosts: readonly string[];
  /**
   * Exact "host:port" pairs that may be fetched even though they are (or resolve to)
   * private or loopback addresses: the opt-in for the local Giphy fixture. Implies allowed.
   */
  readonly privateAllowedHosts: readonly string[];
  /** DNS resolver; defaults to the OS resolver (dns.lookup, all addresses). */
  readonly resolve?: (hostname: string) => Promise<readonly { address: string; family: number }[]>;
}

/** A URL cleared for fetching, with the vetted address to connect to. */
export interface VettedTarget {
  readonly url: URL;
  /** Hostname without IPv6 brackets (for Host/SNI). */
  readonly hostname: string;
  readonly port: number;
  readonly address: string;
  readonly family: 4 | 6;
}

export type UrlGuard = (url: URL) => Promise<VettedTarget>;

const systemResolve = (hostname: string) => lookup(hostname, { all: true, order: "verbatim" });

export function createUrlGuard(options: UrlGuardOptions): UrlGuard {
  const allowed = new Set(options.allowedHosts.map((h) => h.toLowerCase()));
  const privateAllowed = new Set(options.privateAllowedHosts.map((h) => h.toLowerCase()));
  const resolve = options.resolve ?? systemResolve;

  return async (url) => {
    if (url.protocol !== "http:" && url.protocol !== "https:") {
      throw new ArchiveError("ARCHIVE.HOST_NOT_ALLOWED", `scheme ${url.protocol} is not allowed`);
    }
    if (url.username !== "" || url.password !== "") {
      throw new ArchiveError("ARCHIVE.HOST_NOT_ALLOWED", "URLs with credentials are not allowed");
    }
    const host = url.hostname; // lowercased by the WHATWG parser; IPv4 shorthands normalised
    const port = url.port === "" ? (url.protocol === "https:" ? 443 : 80) : Number(url.port);
    const hostPort = `${host}:${port}`;
    const optedIn = privateAllowed.has(hostPort);
    const hostname = host.replace(/^\[|\]$/g, "");
    const literal = isIP(hostname) !== 0;

    if (literal && !optedIn && isForbiddenAddress(hostname)) {
      throw new ArchiveError("ARCHIVE.PRIVATE_ADDRESS", `${host} is a private or reserved address`);
    }
    if (!optedIn && !allowed.has(host) && !allowed.has(hostPort)) {
      throw new ArchiveError(
        "ARCHIVE.HOST_NOT_ALLOWED",
        `host ${host} is not on the download allowlist`,
      );
    }

    let addresses: readonly { address: string; family: number }[];
    try {
      addresses = literal
        ? [{ address: hostname, family: isIP(hostname) }]
        : await resolve(hostname);
    } catch (error) {
      throw new ArchiveError("ARCHIVE.UPSTREAM_ERROR", `cannot resolve ${host}`, { cause: error });
    }
    const [first] = addresses;
    if (first === undefined)
      throw new ArchiveError("ARCHIVE.UPSTREAM_ERROR", `${host} has no addresses`);
    // Every answer must be public: a mixed answer is how rebinding attacks hedge their bets.
    if (!optedIn && addresses.some((a) => isForbiddenAddress(a.address))) {
      throw new ArchiveError(
        "ARCHIVE.PRIVATE_ADDRESS",
        `${host} resolves to a private or reserved address`,
      );
    }
    return { url, hostname, port, address: first.address, family: first.family === 6 ? 6 : 4 };
  };
}
