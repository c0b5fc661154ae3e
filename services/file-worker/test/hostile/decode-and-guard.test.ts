// Hostile Kafka payloads and hostile source URLs, unit level. Random bytes,
// truncated and bit-flipped Protobuf, valid ArchiveRequested messages carrying
// hostile URLs: the decoder either yields a valid job or throws ARCHIVE.BAD_MESSAGE,
// and the URL guard either clears an allowed public target or throws
// HOST_NOT_ALLOWED / PRIVATE_ADDRESS: never any other error, never a private address.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { archiveErrorCode } from "../archive-error-code.ts";
import { archiveRequest, type ArchiveRequestFields } from "../archive-request.ts";
import { isForbiddenAddress } from "../../src/infrastructure/address-policy.ts";
import { createUrlGuard } from "../../src/infrastructure/url-guard.ts";
import { decodeArchiveRequest } from "../../src/transport/request-codec.ts";
import { HOSTILE_URLS } from "./hostile-urls.ts";

const SEED = 20_261_108;

const request = (sourceUrl: string, overrides: ArchiveRequestFields = {}) =>
  archiveRequest({ sourceUrl, ...overrides });

/** Decodes, returning the job or the ArchiveError code; anything else fails the test. */
function decode(value: Buffer | null): { code: string } | { url: string } {
  try {
    return { url: decodeArchiveRequest(value).sourceUrl };
  } catch (error) {
    return { code: archiveErrorCode(error) };
  }
}

describe("ArchiveRequested decoding", () => {
  it("random bytes decode to a valid job or ARCHIVE.BAD_MESSAGE", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const result = decode(Buffer.from(bytes));
        if ("code" in result) expect(result.code).toBe("ARCHIVE.BAD_MESSAGE");
      }),
      { seed: SEED, numRuns: 2_000 },
    );
  });

  it("truncated and bit-flipped valid messages decode to a valid job or ARCHIVE.BAD_MESSAGE", () => {
    const valid = request("https://media.giphy.com/media/abc123/giphy.gif");
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: valid.length }),
        fc.array(fc.tuple(fc.nat(valid.length - 1), fc.integer({ min: 0, max: 255 })), {
          maxLength: 4,
        }),
        (cut, flips) => {
          const bytes = Buffer.from(valid.subarray(0, cut));
          for (const [at, value] of flips) if (at < bytes.length) bytes[at] = value;
          const result = decode(bytes);
          if ("code" in result) expect(result.code).toBe("ARCHIVE.BAD_MESSAGE");
          else expect(() => new URL(result.url)).not.toThrow();
        },
      ),
      { seed: SEED, numRuns: 2_000 },
    );
  });

  it("null, empty and wrong field values are ARCHIVE.BAD_MESSAGE", () => {
    for (const value of [
      null,
      Buffer.alloc(0),
      request("https://media.giphy.com/x.gif", { schemaVersion: 0 }),
      request("https://media.giphy.com/x.gif", { gifId: "../../etc" }),
      request("https://media.giphy.com/x.gif", { eventId: "" }),
      request("https://media.giphy.com/x.gif", { expectedContentType: "text/html" }),
      request("https://media.giphy.com/x.gif", { rendition: "ORIGINAL/../x" }),
      request(`https://media.giphy.com/${"a".repeat(3_000)}.gif`),
      Buffer.alloc(64 * 1024 + 1, 0x0a),
      Buffer.concat([request("https://media.giphy.com/x.gif"), Buffer.alloc(70_000, 0xff)]),
    ])
      expect(decode(value)).toEqual({ code: "ARCHIVE.BAD_MESSAGE" });
  });
});

describe("URL guard", () => {
  /** Allows media.giphy.com; its DNS answer is whatever the test says. */
  const guard = (answer: string[]) =>
    createUrlGuard({
      allowedHosts: ["media.giphy.com", "i.giphy.com"],
      privateAllowedHosts: [],
      resolve: () =>
        Promise.resolve(
          answer.map((address) => ({ address, family: address.includes(":") ? 6 : 4 })),
        ),
    });

  /** Decode + guard, as the worker does: the outcome is a code or a vetted public address. */
  async function vet(url: string, answer: string[]): Promise<string> {
    const decoded = decode(request(url));
    if ("code" in decoded) return decoded.code;
    try {
      const target = await guard(answer)(new URL(decoded.url));
      expect(isForbiddenAddress(target.address), url).toBe(false);
      return "ALLOWED";
    } catch (error) {
      return archiveErrorCode(error, url);
    }
  }

  it.each(HOSTILE_URLS.map((url) => [url.slice(0, 80), url]))("refuses %s", async (_, url) => {
    expect([
      "ARCHIVE.BAD_MESSAGE",
      "ARCHIVE.HOST_NOT_ALLOWED",
      "ARCHIVE.PRIVATE_ADDRESS",
    ]).toContain(await vet(url, ["151.101.1.1"]));
  });

  it("never clears a private answer for an allowed host (DNS rebinding)", async () => {
    const privateAnswer = fc.constantFrom(
      "127.0.0.1",
      "10.0.0.1",
      "169.254.169.254",
      "192.168.1.1",
      "::1",
      "::ffff:127.0.0.1",
      "fd00::1",
      "0.0.0.0",
      "100.64.0.1",
      "fe80::1",
      // IPv6 forms that carry a private IPv4: 6to4, Teredo, NAT64, translated.
      "2002:7f00:1::",
      "2002:a9fe:a9fe::",
      "2001:0:4136:e378:8000:63bf:80ff:fffe",
      "2001:0:4136:e378:8000:63bf:5601:5601",
      "64:ff9b::7f00:1",
      "64:ff9b:1::a9fe:a9fe",
      "::ffff:0:a9fe:a9fe",
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom("151.101.1.1", "2a04:4e42::1"), { maxLength: 2 }),
        privateAnswer,
        async (publics, bad) => {
          const code = await vet("https://media.giphy.com/media/abc/giphy.gif", [...publics, bad]);
          expect(code).toBe("ARCHIVE.PRIVATE_ADDRESS");
        },
      ),
      { seed: SEED, numRuns: 200 },
    );
  });

  it("generated URLs end in a clean code or a vetted public target", async () => {
    const host = fc.oneof(
      fc.constantFrom(
        "media.giphy.com",
        "MEDIA.GIPHY.COM",
        "media.giphy.com.",
        "media.giphy.com.evil.com",
        "evil.com",
        "127.0.0.1",
        "0x7f.1",
        "2130706433",
        "017700000001",
        "[::1]",
        "[::ffff:7f00:1]",
        "[0:0:0:0:0:ffff:127.0.0.1]",
        "169.254.169.254",
        "localhost",
        "xn--mdia-bpa.giphy.com",
        "a".repeat(300),
      ),
      fc.domain(),
      fc.ipV4().map(String),
      fc.ipV6().map((ip) => `[${ip}]`),
    );
    const url = fc
      .tuple(
        fc.constantFrom("http", "https", "file", "gopher", "ftp", "data", "javascript", "HTTPS"),
        fc.option(fc.constantFrom("user:pass@", "user@", ":@", "%40@")),
        host,
        fc.option(fc.constantFrom(":80", ":443", ":0", ":65536", ":22", ":99999")),
        fc.webPath(),
      )
      .map(([scheme, cred, h, port, path]) => `${scheme}://${cred ?? ""}${h}${port ?? ""}${path}`);
    await fc.assert(
      fc.asyncProperty(url, fc.constantFrom("151.101.1.1", "10.1.2.3"), async (u, answer) => {
        const code = await vet(u, [answer]);
        expect(
          ["ALLOWED", "ARCHIVE.BAD_MESSAGE", "ARCHIVE.HOST_NOT_ALLOWED", "ARCHIVE.PRIVATE_ADDRESS"],
          u,
        ).toContain(code);
        if (code === "ALLOWED")
          expect(new URL(u).hostname.replace(/\.$/, "")).toMatch(/^(media|i)\.giphy\.com$/);
      }),
      { seed: SEED, numRuns: 1_500 },
    );
  });
});

describe("message key", () => {
  const value = request("https://media.giphy.com/media/abc/giphy.gif"); // gif_id abc123

  it("must be the request's gif_id, or absent", () => {
    for (const key of [Buffer.from("abc123"), null, Buffer.alloc(0)])
      expect(decodeArchiveRequest(value, key).gifId).toBe("abc123");
  });

  it.each([
    ["another id", Buffer.from("someone-else")],
    ["a megabyte", Buffer.alloc(1_000_000, 0x61)],
    ["the id plus a NUL", Buffer.from("abc123\u0000")],
  ])("is ARCHIVE.BAD_MESSAGE when it is %s", (_what, key) => {
    expect(() => decodeArchiveRequest(value, key)).toThrow(
      expect.objectContaining({ code: "ARCHIVE.BAD_MESSAGE" }) as Error,
    );
  });
});
