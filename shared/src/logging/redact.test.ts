// Redaction runs on every logged string, much of it from outside, so it must take
// linear time and keep masking what it masked. Growth is judged by a ratio (10×
// the input may cost at most 30× the time; linear is about 10×, quadratic 100×),
// never by an absolute duration: the machine is shared and its speed unknown.
import { Worker } from "node:worker_threads";
import { describe, expect, it } from "vitest";
import { REDACTED, redactBounded, redactString, redactValue } from "./redact.ts";
import { lineBudget, MAX_STRING_CHARS, truncateString } from "./truncate.ts";

/** Inputs that defeat one pattern or another, `n` characters long (about). */
const HOSTILE: Readonly<Record<string, (n: number) => string>> = {
  // The old URL pattern tried a scheme at every word boundary: the measured case.
  "a. repeated, then =": (n) => `${"a.".repeat(n / 2)}=`,
  "a- repeated, then @": (n) => `${"a-".repeat(n / 2)}@`,
  "scheme characters, then ://": (n) => `${"a+".repeat(n / 2)}://=`,
  "many ://": (n) => `${"a://".repeat(n / 4)}@`,
  "many :// with user and colon": (n) => `${"x://u:".repeat(n / 6)}@`,
  "many : before @": (n) => `x://${":".repeat(n)}=`,
  "many user:pass pairs, no @": (n) => `x://u:${"p:".repeat(n / 2)}=`,
  "many @ in the password": (n) => `x://u:${"p@".repeat(n / 2)}`,
  "many &k=": (n) => `?${"&k=".repeat(n / 3)}`,
  "one long name, no =": (n) => `?${"a".repeat(n)}@`,
  "many ?a": (n) => `${"?a".repeat(n / 2)}@`,
  "many a= (name=value lists)": (n) => " a=".repeat(n / 3),
  "many =": (n) => "=".repeat(n),
  "whitespace runs": (n) => ` ${" ".repeat(n)}=`,
  "secret words repeated": (n) => `?${"passtoken".repeat(n / 9)}=x`,
  "many opening quotes": (n) => " a='".repeat(n / 4),
  "many double-quoted values": (n) => ' a="'.repeat(n / 4),
  "comma lists, no secret": (n) => `a=${"b=,".repeat(n / 3)}`,
  "many JSON names, no colon": (n) => '"a"'.repeat(n / 3),
  "many JSON members, unclosed": (n) => `"a":"${'\\"a\\":\\"'.repeat(n / 8)}`,
  "many bearer words": (n) => "bearer ".repeat(n / 7),
};

/** Fastest of `trials` runs of `fn` `reps` times, per run (the least disturbed sample). */
function fastest(fn: () => void, reps: number, trials: number, giveUpAfterMs: number): number {
  let best = Number.POSITIVE_INFINITY;
  for (let trial = 0; trial < trials; trial++) {
    const started = performance.now();
    for (let rep = 0; rep < reps; rep++) fn();
    best = Math.min(best, (performance.now() - started) / reps);
    // Already too slow: a quadratic run would take minutes more to say the same.
    if (best > giveUpAfterMs) break;
  }
  return best;
}

/**
 * Time of `fn(large)` over time of `fn(small)`, interleaved so that a busy moment
 * of the machine slows both. The best of a few attempts: noise rarely repeats, and
 * a quadratic cost (a ratio near 100) never passes.
 */
function growth(
  fn: (input: string) => unknown,
  small: string,
  large: string,
  limit = 30,
): string[] {
  fn(small); // let V8 compile the patterns (and flatten the strings) before timing
  fn(large);
  const seen: string[] = [];
  for (let attempt = 0; attempt < 3; attempt++) {
    const tSmall = fastest(() => fn(small), 10, 5, Number.POSITIVE_INFINITY);
    const tLarge = fastest(() => fn(large), 2, 5, limit * tSmall);
    seen.push(`${tSmall.toFixed(3)} ms → ${tLarge.toFixed(3)} ms`);
    if (tLarge / tSmall < limit) return [];
  }
  return seen;
}

describe("redactString takes time linear in its input", () => {
  const n = 4_000;
  for (const [name, make] of Object.entries(HOSTILE)) {
    it(`${name}: 10× the input costs well under 30× the time`, () => {
      expect(growth(redactString, make(n), make(10 * n)), "superlinear growth").toEqual([]);
    });
  }
});

/** Logs one line in a worker thread; undefined when it takes longer than `timeoutMs`. */
async function logInWorker(meta: Record<string, string>, timeoutMs: number) {
  const loggerUrl = new URL("./index.ts", import.meta.url).href;
  const worker = new Worker(
    `const { parentPort, workerData } = require("node:worker_threads");
     const { Writable } = require("node:stream");
     import(workerData.loggerUrl).then(({ createLogger }) => {
       let line = "";
       const stream = new Writable({ write(chunk, _e, cb) { line += chunk; cb(); } });
       const logger = createLogger({ service: "worker", stream });
       const started = performance.now();
       logger.info("consumed", workerData.meta);
       parentPort.postMessage({ line, ms: performance.now() - started });
     });`,
    { eval: true, workerData: { loggerUrl, meta } },
  );
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      new Promise<{ line: string; ms: number }>((resolve, reject) => {
        worker.once("message", resolve);
        worker.once("error", reject);
      }),
      new Promise<undefined>((resolve) => {
        timer = setTimeout(() => {
          resolve(undefined);
        }, timeoutMs);
      }),
    ]);
  } finally {
    clearTimeout(timer);
    await worker.terminate();
  }
}

describe("logging hostile values", () => {
  it("logs the measured 15.8 KB User-Agent and a 1 MB Kafka key as one bounded line", async () => {
    const userAgent = `${"a.".repeat(7_900)}=`;
    const key = `${"a.".repeat(500_000)}=`;
    // The bound is a hang guard for the old code (minutes), not a speed claim.
    const logged = await logInWorker({ user_agent: userAgent, key }, 20_000);
    expect(logged, "the log call did not return within 20 s").toBeDefined();
    const line = JSON.parse(logged?.line ?? "{}") as Record<string, string>;
    expect(line.key).toMatch(/…\[truncated: 1000001 chars\]$/);
    expect(line.user_agent).toMatch(/…\[truncated: 15801 chars\]$/);
    expect(logged?.line.length).toBeLessThan(3 * MAX_STRING_CHARS);
  });

  it("costs no more for a 1 MB string than for a 100 KB one", () => {
    const make = HOSTILE["many &k="] ?? String;
    // Only a window of twice the kept length is scanned, so both cost about the same.
    const seen = growth((input) => redactValue(input), make(100_000), make(1_000_000), 3);
    expect(seen, "redaction of a long string grows with its length").toEqual([]);
  });
});

describe("redactString masks", () => {
  it.each([
    ["postgres://u:p@h/db", "postgres://u:[REDACTED]@h/db"],
    [
      "postgresql://gifmesh:PG@127.0.0.1:5432/x?sslmode=verify-full",
      "postgresql://gifmesh:[REDACTED]@127.0.0.1:5432/x?sslmode=verify-full",
    ],
    ["redis://user:pass@h", "redis://user:[REDACTED]@h"],
    ["rediss://:pass@h:6380/0", "rediss://:[REDACTED]@h:6380/0"],
    ["amqp://guest:guest@rabbit:5672/vhost", "amqp://guest:[REDACTED]@rabbit:5672/vhost"],
    ["mongodb+srv://u:p@cluster0.example.net", "mongodb+srv://u:[REDACTED]@cluster0.example.net"],
    ["connect to postgres://u:p@ss@h/db now", "connect to postgres://u:[REDACTED]@h/db now"],
    ["a:b://u:p@h", "a:b://u:[REDACTED]@h"],
    ["https://x/?next=/a?api_key=K&q=1", "https://x/?next=/a?api_key=[REDACTED]&q=1"],
    ["host=db user=u password=p dbname=d", "host=db user=u password=[REDACTED] dbname=d"],
    ["token=abc", "token=[REDACTED]"],
    ["sasl.password=pw;sasl.username=u", "sasl.password=[REDACTED];sasl.username=u"],
  ])("%s", (input, expected) => {
    expect(redactString(input)).toBe(expected);
  });

  it("leaves what is not a secret alone", () => {
    for (const text of [
      "https://user@host:8080/path@x",
      "http://host:8080/a?q=cats&limit=5",
      "mailto:someone@example.com",
      "count=3 offset=10",
    ])
      expect(redactString(text)).toBe(text);
  });
});

describe("redactValue", () => {
  it("masks passwords in Kafka, Redis and PostgreSQL config objects", () => {
    const out = JSON.stringify(
      redactValue({
        kafka: {
          brokers: ["b:9093"],
          sasl: { mechanism: "scram-sha-512", username: "u", password: "SASLPW" },
          ssl: { ca: "ca", key: "k", passphrase: "PASSPHRASE", privateKey: "PRIVKEY" },
        },
        "sasl.password": "RDKAFKAPW",
        "ssl.key.password": "KEYPW",
        redis: { url: "rediss://app:REDISPW@r:6380", password: "REDISPW2" },
        database: "postgres://gifmesh:PGPW@h/db?sslmode=verify-full",
      }),
    );
    for (const secret of [
      "SASLPW",
      "PASSPHRASE",
      "PRIVKEY",
      "RDKAFKAPW",
      "KEYPW",
      "REDISPW",
      "PGPW",
    ])
      expect(out).not.toContain(secret);
    expect(out).toContain('"username":"u"');
  });

  it("masks a secret that straddles the cut before cutting", () => {
    const head = "x".repeat(MAX_STRING_CHARS - 20);
    const input = `${head} postgres://u:${"S".repeat(3_000)}@h/db`;
    const out = String(redactValue(input));
    expect(out).not.toContain("SSSS");
    expect(out.endsWith(`…[truncated: ${String(input.length)} chars]`)).toBe(true);
  });

  it("never splits a surrogate pair", () => {
    const text = `${"x".repeat(MAX_STRING_CHARS - 1)}😀😀`;
    const cut = truncateString(text);
    expect(cut.startsWith(`${"x".repeat(MAX_STRING_CHARS - 1)}…`)).toBe(true);
    expect(redactBounded("short")).toBe("short");
  });

  it("keeps a line within its budget, however many values it has", () => {
    const many = Array.from({ length: 10_000 }, (_, i) => `value-${String(i)}-${"v".repeat(100)}`);
    const wide = Object.fromEntries(many.map((v, i) => [`k${String(i)}`, v]));
    const out = JSON.stringify(redactValue({ many, wide }, { budget: lineBudget(10_000) }));
    expect(out.length).toBeLessThan(12_000);
    expect(out).toMatch(/\[Truncated \d+ more items\]/);
    expect(out).toMatch(/"\d+ more keys"/);
  });

  it("cuts long keys, and a __proto__ key stays a plain field", () => {
    const parsed = JSON.parse(
      `{"__proto__": {"polluted": true}, "${"k".repeat(10_000)}": 1}`,
    ) as object;
    const out = redactValue({ body: parsed }) as { body: Record<string, unknown> };
    expect(Object.getPrototypeOf(out.body)).toBe(Object.prototype);
    expect(Object.keys(out.body)[0]).toBe("__proto__");
    expect(Object.keys(out.body)[1]?.length).toBeLessThan(300);
    expect(REDACTED).toBe("[REDACTED]");
  });
});
