// Policy tests of the root Dockerfile: every service target runs as a non-root
// user under tini, has a HEALTHCHECK on its own admin port, and starts its
// service's main.ts. Stages inherit from their parent (FROM runtime AS x), so
// each target's settings are resolved along that chain.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "./render.ts";

interface Stage {
  readonly name: string;
  readonly from: string;
  readonly instructions: { readonly op: string; readonly args: string }[];
}

/** Splits the Dockerfile into stages of instructions, joining continuation lines. */
function parseDockerfile(text: string): Stage[] {
  const lines = text
    .replace(/\\\n/g, " ")
    .split("\n")
    .map((l) => l.trim());
  const stages: { name: string; from: string; instructions: { op: string; args: string }[] }[] = [];
  for (const line of lines) {
    if (line === "" || line.startsWith("#")) continue;
    const match = /^(\w+)\s+(.*)$/.exec(line);
    if (!match) continue;
    const op = (match[1] ?? "").toUpperCase();
    const args = match[2] ?? "";
    if (op === "FROM") {
      const from = /^(\S+)(?:\s+AS\s+(\S+))?/i.exec(args);
      stages.push({
        from: from?.[1] ?? "",
        name: from?.[2] ?? String(stages.length),
        instructions: [],
      });
    } else {
      stages.at(-1)?.instructions.push({ op, args });
    }
  }
  return stages;
}

const stages = parseDockerfile(readFileSync(join(ROOT, "Dockerfile"), "utf8"));

/** The last value of an instruction along a target's stage chain (the target's own wins). */
function effective(target: string, op: string): string | undefined {
  const stage = stages.find((s) => s.name === target);
  if (!stage) return undefined;
  const own = stage.instructions.filter((i) => i.op === op).at(-1)?.args;
  return own ?? effective(stage.from, op);
}

const TARGETS = {
  gateway: {
    main: "services/gateway/src/main.ts",
    health: "http://127.0.0.1:9464/healthz",
    traced: true,
  },
  storage: {
    main: "services/storage/src/main.ts",
    health: "http://127.0.0.1:9465/healthz",
    traced: true,
  },
  "file-worker": {
    main: "services/file-worker/src/main.ts",
    health: "http://127.0.0.1:9466/healthz",
    traced: true,
  },
  "giphy-fixture": {
    main: "services/giphy-fixture/src/main.ts",
    health: "http://127.0.0.1:8089/healthz",
    traced: false,
  },
} as const;

/** The tracing preload every gifmesh service starts with (scripts/stack/services.sh, npm start). */
const PRELOAD = '"--import", "@gifmesh/shared/tracing/register", ';

describe.each(Object.entries(TARGETS))("Dockerfile target %s", (target, expected) => {
  it("exists and builds on Node 24 slim", () => {
    expect(stages.map((s) => s.name)).toContain(target);
    expect(readFileSync(join(ROOT, "Dockerfile"), "utf8")).toMatch(/ARG NODE_IMAGE=node:24-slim/);
  });

  it("runs as a numeric non-root user", () => {
    const user = effective(target, "USER");
    expect(user, "USER").toBeDefined();
    expect(user).toMatch(/^\d+(:\d+)?$/);
    expect(user?.split(":")[0]).not.toBe("0");
  });

  it("has a HEALTHCHECK against its own admin port's /healthz", () => {
    expect(effective(target, "HEALTHCHECK"), "HEALTHCHECK").toMatch(/CMD .*healthcheck\.mjs/);
    expect(effective(target, "ENV")).toContain(`HEALTHCHECK_URL=${expected.health}`);
  });

  it("runs under tini and starts its service's main.ts, a service with the tracing preload", () => {
    expect(effective(target, "ENTRYPOINT")).toBe('["/usr/bin/tini", "--"]');
    expect(effective(target, "CMD")).toBe(
      `["node", ${expected.traced ? PRELOAD : ""}"${expected.main}"]`,
    );
  });
});

describe("Dockerfile build", () => {
  it("builds the Kafka client in the builder only, linked against Debian's libraries", () => {
    const deps = stages.find((s) => s.name === "deps");
    expect(
      deps?.instructions.some((i) => i.op === "ENV" && i.args.includes("CKJS_LINKING=dynamic")),
    ).toBe(true);
    expect(
      deps?.instructions.some((i) => i.op === "RUN" && i.args.includes("npm ci --omit=dev")),
    ).toBe(true);
    const runtime = stages.find((s) => s.name === "runtime");
    expect(
      runtime?.instructions.some((i) => i.op === "RUN" && /build-essential|-dev\b/.test(i.args)),
    ).toBe(false);
  });

  it("keeps local state, secrets and tests out of the build context", () => {
    const ignored = readFileSync(join(ROOT, ".dockerignore"), "utf8").split("\n");
    for (const entry of [".git", "**/node_modules", ".cache", ".data", ".env", "**/*.test.ts"]) {
      expect(ignored).toContain(entry);
    }
  });
});
