// How REDIS_* become ioredis options: TLS from the scheme, the ACL user and
// password from the URL unless REDIS_USERNAME / REDIS_PASSWORD override them
// (ioredis itself would let the URL win), the db from the path.
import { describe, expect, it } from "vitest";
import { connectionOptions } from "./redis-client.ts";

const base = { commandTimeoutMs: 250 };

describe("connectionOptions", () => {
  it("reads host, port, db, user and password from the URL", () => {
    expect(connectionOptions({ ...base, url: "redis://gw:p%40ss@cache.internal:6380/2" })).toEqual({
      host: "cache.internal",
      port: 6380,
      db: 2,
      username: "gw",
      password: "p@ss",
    });
  });

  it("lets REDIS_USERNAME / REDIS_PASSWORD win over the URL", () => {
    expect(
      connectionOptions({
        ...base,
        url: "rediss://old:old@r:6379",
        username: "gw",
        password: "new",
      }),
    ).toMatchObject({ username: "gw", password: "new", tls: {} });
  });

  it("turns TLS on for rediss:// only, and sends no empty credentials", () => {
    const plain = connectionOptions({ ...base, url: "redis://127.0.0.1" });
    expect(plain).toEqual({ host: "127.0.0.1", port: 6379, db: 0 });
    expect(connectionOptions({ ...base, url: "rediss://[::1]:7000" })).toEqual({
      host: "::1",
      port: 7000,
      db: 0,
      tls: {},
    });
  });
});
