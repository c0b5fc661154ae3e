// A test file's own keys on the shared Redis: a client, and key prefixes of this run
// (test-run.ts) whose keys are deleted again when the file ends (cleanup.ts), so a
// window or counter a test left behind cannot answer the next run.
import { Redis } from "ioredis";
import { deferCleanup } from "./cleanup.ts";
import { infra } from "./infra.ts";
import { testId } from "./test-run.ts";

/** What {@link testRedis} gives a test file. */
export interface TestRedis {
  /** A client on the shared Redis (REDIS_URL), quit at the file's end. */
  readonly redis: Redis;
  /** A fresh prefix, `gifmesh:test:<what>:<test id>:`; its keys go at the file's end. */
  readonly prefix: (what: string) => string;
}

/** Opens a client on the shared Redis for this test file; see the module's header. */
export function testRedis(): TestRedis {
  const redis = new Redis(infra.REDIS_URL);
  const prefixes: string[] = [];
  deferCleanup("test Redis keys", async () => {
    for (const prefix of prefixes) {
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length > 0) await redis.del(...keys);
    }
    await redis.quit();
  });
  return {
    redis,
    prefix: (what) => {
      const prefix = `gifmesh:test:${what}:${testId()}:`;
      prefixes.push(prefix);
      return prefix;
    },
  };
}
