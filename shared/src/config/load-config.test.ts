import { describe, expect, it, vi } from "vitest";
import { z } from "zod";
import {
  ConfigError,
  baseConfigSchema,
  bool,
  csv,
  durationMs,
  loadConfig,
  loadConfigOrExit,
  port,
  str,
  url,
} from "./index.ts";

const schema = baseConfigSchema({ adminPort: 9466 }).extend({
  DATABASE_URL: str(),
  S3_SECRET_ACCESS_KEY: str(),
  PORT: port(8080),
  BROKERS: csv(["127.0.0.1:9092"]),
});

function problemsOf(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error("expected a ConfigError");
}

describe("loadConfig", () => {
  it("applies the defaults of the base schema", () => {
    const config = loadConfig(schema, { DATABASE_URL: "postgres://db", S3_SECRET_ACCESS_KEY: "s" });
    expect(config).toEqual({
      LOG_LEVEL: "info",
      OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:4318",
      OTEL_SDK_DISABLED: false,
      SHUTDOWN_TIMEOUT_MS: 10_000,
      ADMIN_HOST: "127.0.0.1",
      ADMIN_PORT: 9466,
      DATABASE_URL: "postgres://db",
      S3_SECRET_ACCESS_KEY: "s",
      PORT: 8080,
      BROKERS: ["127.0.0.1:9092"],
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it("lists every problem, one per line, naming each variable", () => {
    const error = problemsOf(() =>
      loadConfig(schema, {
        LOG_LEVEL: "loud",
        OTEL_SDK_DISABLED: "perhaps",
        SHUTDOWN_TIMEOUT_MS: "soon",
        ADMIN_PORT: "70000",
        PORT: "http",
      }),
    );
    const lines = error.message.split("\n");
    expect(lines[0]).toBe("invalid configuration (7 problems):");
    expect(lines.slice(1)).toEqual([
      "  LOG_LEVEL: must be one of: error, warn, info, http, verbose, debug, silly",
      "  OTEL_SDK_DISABLED: must be true or false",
      "  SHUTDOWN_TIMEOUT_MS: must be a duration such as 1500, 1500ms, 10s, 5m or 1h",
      "  ADMIN_PORT: must be a port number between 0 and 65535",
      "  DATABASE_URL: is required but not set",
      "  S3_SECRET_ACCESS_KEY: is required but not set",
      "  PORT: must be a port number",
    ]);
    expect(error.problems.map((p) => p.variable)).toContain("DATABASE_URL");
    expect(error.code).toBe("CONFIG.INVALID");
  });

  it("never echoes the values it rejects", () => {
    const secret = "hunter2-super-secret";
    const error = problemsOf(() =>
      loadConfig(
        z.object({
          S3_SECRET_ACCESS_KEY: z.string().length(4),
          ADMIN_PORT: port(),
          OTEL_EXPORTER_OTLP_ENDPOINT: url(),
          FLAG: bool(),
          WAIT: durationMs(),
        }),
        {
          S3_SECRET_ACCESS_KEY: secret,
          ADMIN_PORT: secret,
          OTEL_EXPORTER_OTLP_ENDPOINT: secret,
          FLAG: secret,
          WAIT: secret,
        },
      ),
    );
    expect(error.problems).toHaveLength(5);
    expect(error.message).not.toContain(secret);
    expect(JSON.stringify(error.problems)).not.toContain(secret);
  });

  it("treats empty strings as unset", () => {
    const config = loadConfig(schema, {
      DATABASE_URL: "x",
      S3_SECRET_ACCESS_KEY: "y",
      PORT: "",
      LOG_LEVEL: "",
    });
    expect(config.PORT).toBe(8080);
    expect(config.LOG_LEVEL).toBe("info");
  });
});

describe("loadConfigOrExit", () => {
  it("prints only the list of problems and exits with status 1", () => {
    const written: string[] = [];
    const write = vi.spyOn(process.stderr, "write").mockImplementation((chunk) => {
      written.push(String(chunk));
      return true;
    });
    const exit = (code: number): never => {
      throw new Error(`exit ${String(code)}`);
    };
    try {
      expect(() => loadConfigOrExit(schema, { ADMIN_PORT: "abc" }, exit)).toThrow("exit 1");
    } finally {
      write.mockRestore();
    }
    expect(written.join("")).toMatch(
      /^invalid configuration \(3 problems\):\n(?: {2}[A-Z0-9_]+: .+\n){3}$/,
    );
  });

  it("returns the config when the environment is valid", () => {
    const env = { DATABASE_URL: "postgres://x", S3_SECRET_ACCESS_KEY: "s" };
    expect(loadConfigOrExit(schema, env).PORT).toBe(8080);
  });
});

describe("field helpers", () => {
  const fields = z.object({ WAIT: durationMs(), LIST: csv(), ON: bool(), URL: url(), P: port() });

  it.each([
    ["1500", 1500],
    ["1500ms", 1500],
    ["10s", 10_000],
    ["5m", 300_000],
    ["1h", 3_600_000],
  ])("durationMs parses %s", (raw, ms) => {
    expect(
      loadConfig(fields, { WAIT: raw, LIST: "a", ON: "yes", URL: "http://h", P: "1" }).WAIT,
    ).toBe(ms);
  });

  it("parses lists, flags, URLs and ports", () => {
    const config = loadConfig(fields, {
      WAIT: "1",
      LIST: " a, b ,,c ",
      ON: "off",
      URL: "http://h:1/",
      P: "0",
    });
    expect(config).toEqual({ WAIT: 1, LIST: ["a", "b", "c"], ON: false, URL: "http://h:1", P: 0 });
  });
});
