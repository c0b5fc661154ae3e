// The MediaDownloader adapter: GET with every hop vetted by the UrlGuard.
//
// Why node:http(s) and not fetch/undici: the guard resolves and vets the address
// itself, and node:http's per-request `lookup` hook pins the connection to exactly
// that address (TLS still verifies the certificate against the hostname via SNI);
// `agent: false` means no pooled socket from an earlier hop is ever reused; redirects
// are never followed implicitly; and the response is a plain Readable with backpressure.
// undici can do the same through a custom Agent `connect.lookup`, but with more moving parts.
import http, { type IncomingMessage } from "node:http";
import https from "node:https";
import { isIP, type LookupFunction } from "node:net";
import { ArchiveError, toArchiveError } from "../domain/archive-error.ts";
import type { DownloadedBody, MediaDownloader } from "../application/ports.ts";
import type { UrlGuard, VettedTarget } from "./url-guard.ts";

export interface SafeDownloaderOptions {
  readonly guard: UrlGuard;
  readonly connectTimeoutMs: number;
  /** Whole download, headers and body, across all redirect hops. */
  readonly totalTimeoutMs: number;
  readonly maxRedirects: number;
  readonly userAgent?: string;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

export function createSafeDownloader(options: SafeDownloaderOptions): MediaDownloader {
  return {
    async download(rawUrl, signal) {
      const deadline = AbortSignal.timeout(options.totalTimeoutMs);
      const combined = AbortSignal.any([signal, deadline]);
      const timeoutError = () =>
        new ArchiveError(
          "ARCHIVE.TIMEOUT",
          deadline.aborted
            ? `download exceeded ${options.totalTimeoutMs} ms`
            : "download cancelled",
        );
      let url = parseUrl(rawUrl);
      for (let hop = 0; ; hop += 1) {
        const target = await options.guard(url);
        const response = await get(target, options, combined, timeoutError);
        const status = response.statusCode ?? 0;
        if (status !== 200) {
          // A redirect or error body is never read. Destroy, not resume(): with
          // `agent: false` draining cannot make the socket reusable, it only keeps
          // reading an endless body after the job ended (nothing aborts it any more).
          response.destroy();
          if (!REDIRECTS.has(status)) throw statusError(status);
          const location = response.headers.location;
          if (location === undefined)
            throw new ArchiveError(
              "ARCHIVE.UPSTREAM_REJECTED",
              `redirect ${status} without Location`,
            );
          if (hop >= options.maxRedirects)
            throw new ArchiveError(
              "ARCHIVE.TOO_MANY_REDIRECTS",
              `more than ${options.maxRedirects} redirects`,
            );
          url = parseUrl(location, url);
          continue;
        }
        if (combined.aborted) {
          response.destroy();
          throw timeoutError();
        }
        // The deadline keeps running while the caller streams the body.
        const onAbort = () => {
          response.destroy(timeoutError());
        };
        combined.addEventListener("abort", onAbort, { once: true });
        response.once("close", () => {
          combined.removeEventListener("abort", onAbort);
        });
        return describe(response, url);
      }
    },
  };
}

function parseUrl(raw: string, base?: URL): URL {
  try {
    return new URL(raw, base);
  } catch {
    throw new ArchiveError("ARCHIVE.HOST_NOT_ALLOWED", "not a valid URL");
  }
}

function get(
  target: VettedTarget,
  options: SafeDownloaderOptions,
  signal: AbortSignal,
  timeoutError: () => ArchiveError,
): Promise<IncomingMessage> {
  if (signal.aborted) return Promise.reject(timeoutError());
  const pinned: LookupFunction = (_hostname, lookupOptions, callback) => {
    if (lookupOptions.all) callback(null, [{ address: target.address, family: target.family }]);
    else callback(null, target.address, target.family);
  };
  const transport = target.url.protocol === "https:" ? https : http;
  return new Promise((resolve, reject) => {
    const request = transport.request({
      protocol: target.url.protocol,
      hostname: target.hostname,
      port: target.port,
      path: `${target.url.pathname}${target.url.search}`,
      method: "GET",
      agent: false,
      lookup: pinned,
      servername: isIP(target.hostname) === 0 ? target.hostname : undefined,
      headers: {
        "user-agent": options.userAgent ?? "gifmesh-file-worker",
        accept: "image/gif,image/*;q=0.8,*/*;q=0.1",
        "accept-encoding": "identity",
      },
    });
    const connectTimer = setTimeout(
      () =>
        request.destroy(
          new ArchiveError(
            "ARCHIVE.TIMEOUT",
            `no connection within ${options.connectTimeoutMs} ms`,
          ),
        ),
      options.connectTimeoutMs,
    );
    request.once("socket", (socket) => {
      socket.once(target.url.protocol === "https:" ? "secureConnect" : "connect", () => {
        clearTimeout(connectTimer);
      });
    });
    const onAbort = () => request.destroy(timeoutError());
    signal.addEventListener("abort", onAbort, { once: true });
    const cleanup = () => {
      clearTimeout(connectTimer);
      signal.removeEventListener("abort", onAbort);
    };
    request.once("response", (response) => {
      cleanup();
      resolve(response);
    });
    request.once("error", (error) => {
      cleanup();
      reject(toArchiveError(error, "ARCHIVE.UPSTREAM_ERROR"));
    });
    request.end();
  });
}

function statusError(status: number): ArchiveError {
  if (status === 404 || status === 410)
    return new ArchiveError("ARCHIVE.NOT_FOUND", `media host answered ${status}`);
  if (status === 408 || status === 429 || status >= 500)
    return new ArchiveError("ARCHIVE.UPSTREAM_ERROR", `media host answered ${status}`);
  return new ArchiveError("ARCHIVE.UPSTREAM_REJECTED", `media host answered ${status}`);
}

function describe(response: IncomingMessage, url: URL): DownloadedBody {
  const type = (response.headers["content-type"] ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
  const length = Number(response.headers["content-length"]);
  return {
    body: response,
    contentType: type,
    contentLength:
      Number.isSafeInteger(length) &&
      length >= 0 &&
      response.headers["content-length"] !== undefined
        ? length
        : undefined,
    finalUrl: url.toString(),
  };
}
