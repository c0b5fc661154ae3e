// Which IP addresses the downloader may connect to. Anything that could reach our own
// network — private, loopback, link-local (incl. cloud metadata 169.254.169.254 and
// fd00:ec2::254), CGNAT, ULA, multicast, reserved, unspecified — is refused.
//
// IPv6 forms that carry an IPv4 address are judged by that IPv4 too, because a host
// with the matching tunnel or translator delivers them to it: IPv4-mapped
// (::ffff:0:0/96), IPv4-compatible (::/96), IPv4-translated (::ffff:0:0:0/96),
// NAT64 (64:ff9b::/96), 6to4 (2002::/16, the IPv4 in bits 16-47), Teredo
// (2001::/32: the server in bits 32-63 and the client in the last 32 bits, inverted)
// and ISATAP (interface id 0:5efe or 200:5efe, any prefix). Local-use NAT64
// (64:ff9b:1::/48) can place the IPv4 anywhere the operator chose, so all of it is
// refused. An operator-specific NAT64 prefix cannot be recognised from the address;
// that is the deployment's egress policy to close. ipaddr.js is not a dependency,
// and its subnet table covers fewer of these forms than this one.
import { BlockList, isIP } from "node:net";

const blocked = new BlockList();
for (const [net, prefix] of [
  ["0.0.0.0", 8], // "this network", unspecified
  ["10.0.0.0", 8],
  ["100.64.0.0", 10], // CGNAT
  ["127.0.0.0", 8],
  ["169.254.0.0", 16], // link-local, cloud metadata
  ["172.16.0.0", 12],
  ["192.0.0.0", 24], // IETF protocol assignments
  ["192.0.2.0", 24], // TEST-NET-1
  ["192.88.99.0", 24], // 6to4 relay anycast
  ["192.168.0.0", 16],
  ["198.18.0.0", 15], // benchmarking
  ["198.51.100.0", 24], // TEST-NET-2
  ["203.0.113.0", 24], // TEST-NET-3
  ["224.0.0.0", 4], // multicast
  ["240.0.0.0", 4], // reserved, broadcast
] as const) {
  blocked.addSubnet(net, prefix, "ipv4");
}
for (const [net, prefix] of [
  ["::", 128], // unspecified
  ["::1", 128], // loopback
  ["64:ff9b:1::", 48], // local-use NAT64 (RFC 8215): the IPv4 may sit anywhere
  ["100::", 64], // discard-only
  ["2001:2::", 48], // benchmarking
  ["2001:10::", 28], // ORCHID (deprecated)
  ["2001:db8::", 32], // documentation
  ["3fff::", 20], // documentation (RFC 9637)
  ["5f00::", 16], // SRv6 SIDs (RFC 9602)
  ["fc00::", 7], // unique local (incl. fd00:ec2::254)
  ["fe80::", 10], // link-local
  ["fec0::", 10], // site-local (deprecated)
  ["ff00::", 8], // multicast
] as const) {
  blocked.addSubnet(net, prefix, "ipv6");
}

/** a.b.c.d from two 16-bit words. */
const dotted = (hi: number, lo: number): string =>
  `${hi >> 8}.${hi & 0xff}.${lo >> 8}.${lo & 0xff}`;

/**
 * Every IPv4 address an IPv6 address carries (none for most). Teredo carries two:
 * its server and its client (stored inverted, as RFC 4380 says).
 */
export function embeddedIPv4s(address: string): string[] {
  const w = expandIPv6(address);
  if (w === undefined) return [];
  const word = (i: number): number => w[i] ?? 0;
  const zero = (from: number, to: number): boolean => w.slice(from, to).every((x) => x === 0);
  const last32 = dotted(word(6), word(7));
  const found: string[] = [];
  if (zero(0, 5) && (word(5) === 0xffff || word(5) === 0)) found.push(last32); // mapped, compatible
  if (zero(0, 4) && word(4) === 0xffff && word(5) === 0) found.push(last32); // translated
  if (word(0) === 0x64 && word(1) === 0xff9b && zero(2, 6)) found.push(last32); // NAT64
  if (word(0) === 0x2002) found.push(dotted(word(1), word(2))); // 6to4
  if (word(0) === 0x2001 && word(1) === 0) {
    found.push(dotted(word(2), word(3))); // Teredo server
    found.push(dotted(word(6) ^ 0xffff, word(7) ^ 0xffff)); // Teredo client
  }
  if ((word(4) & 0xfdff) === 0 && word(5) === 0x5efe) found.push(last32); // ISATAP
  return found;
}

/** True when `address` (an IP literal, IPv6 with or without brackets) must not be connected to. */
export function isForbiddenAddress(address: string): boolean {
  const ip = address.replace(/^\[|\]$/g, "").replace(/%.*$/, "");
  const family = isIP(ip);
  if (family === 4) return blocked.check(ip, "ipv4");
  if (family !== 6) return true; // not an IP at all: refuse rather than guess
  if (blocked.check(ip, "ipv6")) return true;
  return embeddedIPv4s(ip).some((v4) => blocked.check(v4, "ipv4"));
}

/** The eight 16-bit words of an IPv6 address (dotted IPv4 tail allowed), or undefined. */
function expandIPv6(address: string): number[] | undefined {
  if (isIP(address) !== 6) return undefined;
  let text = address.toLowerCase();
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [left = "", right] = text.split("::");
  const head = left === "" ? [] : left.split(":");
  const tail = right === undefined || right === "" ? [] : right.split(":");
  const zeros = right === undefined ? 0 : 8 - head.length - tail.length;
  const words = [...head, ...Array<string>(zeros).fill("0"), ...tail].map((w) => parseInt(w, 16));
  return words.length === 8 ? words : undefined;
}
