// Which IP addresses the downloader may connect to. Anything that could reach our own
// network — private, loopback, link-local (incl. cloud metadata 169.254.169.254 and
// fd00:ec2::254), CGNAT, ULA, multicast, reserved, unspecified — is refused, and IPv6
// forms that embed an IPv4 address (mapped, compatible, NAT64) are judged by that IPv4.
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
  ["100::", 64], // discard-only
  ["2001:db8::", 32], // documentation
  ["fc00::", 7], // unique local (incl. fd00:ec2::254)
  ["fe80::", 10], // link-local
  ["fec0::", 10], // site-local (deprecated)
  ["ff00::", 8], // multicast
] as const) {
  blocked.addSubnet(net, prefix, "ipv6");
}

/** The IPv4 address embedded in ::ffff:a.b.c.d, ::a.b.c.d or 64:ff9b::a.b.c.d, if any. */
export function embeddedIPv4(address: string): string | undefined {
  const words = expandIPv6(address);
  if (words === undefined) return undefined;
  const prefixZero = words.slice(0, 5).every((w) => w === 0);
  const mapped = prefixZero && words[5] === 0xffff;
  const compatible = prefixZero && words[5] === 0 && (words[6] !== 0 || (words[7] ?? 0) > 1);
  const nat64 = words[0] === 0x64 && words[1] === 0xff9b && words.slice(2, 6).every((w) => w === 0);
  if (!mapped && !compatible && !nat64) return undefined;
  const hi = words[6] ?? 0;
  const lo = words[7] ?? 0;
  return `${hi >> 8}.${hi & 0xff}.${lo >> 8}.${lo & 0xff}`;
}

/** True when `address` (an IP literal, IPv6 with or without brackets) must not be connected to. */
export function isForbiddenAddress(address: string): boolean {
  const ip = address.replace(/^\[|\]$/g, "").replace(/%.*$/, "");
  const family = isIP(ip);
  if (family === 4) return blocked.check(ip, "ipv4");
  if (family !== 6) return true; // not an IP at all: refuse rather than guess
  const v4 = embeddedIPv4(ip);
  if (v4 !== undefined) return blocked.check(v4, "ipv4");
  return blocked.check(ip, "ipv6");
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
