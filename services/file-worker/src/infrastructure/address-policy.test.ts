import { describe, expect, it } from "vitest";
import { embeddedIPv4s, isForbiddenAddress } from "./address-policy.ts";

describe("isForbiddenAddress", () => {
  it.each([
    "127.0.0.1",
    "127.9.9.9",
    "10.1.2.3",
    "172.16.0.1",
    "172.31.255.255",
    "192.168.1.1",
    "169.254.169.254",
    "100.64.0.1",
    "0.0.0.0",
    "224.0.0.1",
    "255.255.255.255",
    "::",
    "::1",
    "fe80::1",
    "fd00:ec2::254",
    "fc00::1",
    "ff02::1",
    "::ffff:127.0.0.1",
    "::ffff:7f00:1",
    "::ffff:169.254.169.254",
    "64:ff9b::a9fe:a9fe",
    "[::1]",
    "not-an-ip",
  ])("refuses %s", (address) => {
    expect(isForbiddenAddress(address)).toBe(true);
  });

  it.each([
    "8.8.8.8",
    "151.101.1.1",
    "172.32.0.1",
    "2606:4700::1111",
    "::ffff:8.8.8.8",
    "2001:4860:4860::8888",
  ])("allows %s", (address) => {
    expect(isForbiddenAddress(address)).toBe(false);
  });

  it("extracts IPv4 from mapped and NAT64 forms only", () => {
    expect(embeddedIPv4s("::ffff:10.0.0.1")).toEqual(["10.0.0.1"]);
    expect(embeddedIPv4s("64:ff9b::808:808")).toEqual(["8.8.8.8"]);
    expect(embeddedIPv4s("2606:4700::1111")).toEqual([]);
  });
});

/** Teredo address of a client at `v4` (RFC 4380: the last 32 bits, inverted), server 65.54.227.120. */
function teredo(v4: string): string {
  const [a = 0, b = 0, c = 0, d = 0] = v4.split(".").map(Number);
  const hex = (n: number) => ((n ^ 0xffff) & 0xffff).toString(16);
  return `2001:0:4136:e378:8000:63bf:${hex((a << 8) | b)}:${hex((c << 8) | d)}`;
}

describe("IPv6 forms that embed an IPv4 address are judged by it", () => {
  it.each([
    ["6to4 of 127.0.0.1", "2002:7f00:0001::"],
    ["6to4 of 169.254.169.254", "2002:a9fe:a9fe::"],
    ["6to4 of 192.168.1.1", "2002:c0a8:0101::1"],
    ["6to4 of 10.0.0.1, written short", "2002:a00:1::"],
    ["Teredo client 127.0.0.1", teredo("127.0.0.1")],
    ["Teredo client 169.254.169.254", teredo("169.254.169.254")],
    ["Teredo client 10.1.2.3", teredo("10.1.2.3")],
    ["Teredo with a private server", "2001:0:a00:1:8000:63bf:f7f7:f7f7"],
    ["NAT64 of 127.0.0.1", "64:ff9b::7f00:1"],
    ["NAT64 of 127.0.0.1, dotted", "64:ff9b::127.0.0.1"],
    ["local-use NAT64", "64:ff9b:1::a9fe:a9fe"],
    ["IPv4-mapped 127.0.0.1", "::ffff:127.0.0.1"],
    ["IPv4-mapped, hex", "::ffff:a9fe:a9fe"],
    ["IPv4-translated 127.0.0.1", "::ffff:0:7f00:1"],
    ["IPv4-compatible 127.0.0.1", "::127.0.0.1"],
    ["IPv4-compatible 169.254.169.254", "::a9fe:a9fe"],
    ["ISATAP of 127.0.0.1 on a public prefix", "2001:4860:1::5efe:7f00:1"],
    ["ISATAP (u bit) of 10.0.0.1", "2001:4860:1::200:5efe:a00:1"],
    ["documentation 3fff::/20", "3fff::1"],
    ["benchmarking", "2001:2::1"],
  ])("refuses %s (%s)", (_what, address) => {
    expect(isForbiddenAddress(address)).toBe(true);
  });

  it.each([
    ["6to4 of 8.8.8.8", "2002:808:808::1"],
    ["Teredo client 8.8.8.8", teredo("8.8.8.8")],
    ["NAT64 of 8.8.8.8", "64:ff9b::808:808"],
    ["IPv4-mapped 8.8.8.8", "::ffff:8.8.8.8"],
    ["a public address", "2a04:4e42::396"],
  ])("allows %s (%s)", (_what, address) => {
    expect(isForbiddenAddress(address)).toBe(false);
  });

  it("finds both of Teredo's addresses", () => {
    expect(embeddedIPv4s(teredo("127.0.0.1"))).toEqual(["65.54.227.120", "127.0.0.1"]);
  });
});
