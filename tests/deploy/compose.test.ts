// Tests of docker-compose.yml beyond its schema (scripts/deploy/check.sh runs
// compose-check and dclint for that): the apps run hardened as in Kubernetes,
// start only after what they need is healthy, and the light default stays light.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { ROOT } from "./render.ts";

interface ComposeService {
  readonly image?: string;
  readonly build?: { readonly target?: string };
  readonly profiles?: readonly string[];
  readonly read_only?: boolean;
  readonly cap_drop?: readonly string[];
  readonly healthcheck?: object;
  readonly ports?: readonly string[];
  readonly environment?: Readonly<Record<string, string>>;
  readonly depends_on?: Readonly<Record<string, { readonly condition?: string }>>;
  readonly restart?: string;
  readonly command?: readonly string[];
}

const compose = parse(readFileSync(join(ROOT, "docker-compose.yml"), "utf8"), { merge: true }) as {
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
};
const services = compose.services;
const APPS = ["gateway", "storage", "file-worker", "giphy-fixture"];

describe("docker-compose.yml", () => {
  it.each(APPS)(
    "builds %s from its Dockerfile target and runs it read-only without capabilities",
    (name) => {
      const service = services[name];
      expect(service?.build?.target).toBe(name);
      expect(service?.read_only).toBe(true);
      expect(service?.cap_drop).toContain("ALL");
    },
  );

  it("starts every service only after its dependencies are healthy or done", () => {
    for (const [name, service] of Object.entries(services)) {
      for (const [dep, { condition }] of Object.entries(service.depends_on ?? {})) {
        const target = services[dep];
        expect(target, `${name} depends on undefined ${dep}`).toBeDefined();
        const allowed =
          target?.healthcheck || APPS.includes(dep)
            ? ["service_healthy"]
            : ["service_completed_successfully", "service_started"];
        expect(allowed, `${name} → ${dep}: ${String(condition)}`).toContain(condition);
      }
    }
  });

  it("keeps the default profile light: observability services only in their profile", () => {
    for (const name of ["prometheus", "grafana", "loki", "alloy"]) {
      expect(services[name]?.profiles).toEqual(["observability"]);
    }
    const defaults = Object.entries(services)
      .filter(([, s]) => !s.profiles)
      .map(([n]) => n);
    expect(defaults.sort()).toEqual(
      [
        "file-worker",
        "gateway",
        "giphy-fixture",
        "jaeger",
        "kafka",
        "postgres",
        "redis",
        "s3",
        "s3-init",
        "storage",
        "storage-migrate",
        "storage-rpc-token",
      ].sort(),
    );
  });

  it("gives storage and the gateway a generated RPC token, never a value in the file", () => {
    const init = services["storage-rpc-token"];
    expect(init?.restart).toBe("no");
    for (const name of ["storage", "gateway"]) {
      const command = services[name]?.command;
      expect(command, name).toContain("--env-file=/run/gifmesh/storage-rpc.env");
      expect(JSON.stringify(services[name]), name).not.toMatch(/STORAGE_RPC_TOKEN/);
    }
    expect(services["storage"]?.depends_on?.["storage-rpc-token"]).toEqual({
      condition: "service_completed_successfully",
    });
  });

  it("publishes ports on loopback only", () => {
    for (const [name, service] of Object.entries(services)) {
      for (const port of service.ports ?? []) expect(port, name).toMatch(/^127\.0\.0\.1:/);
    }
  });

  it("keeps state in named volumes", () => {
    expect(Object.keys(compose.volumes ?? {})).toEqual(
      expect.arrayContaining(["postgres-data", "kafka-data", "s3-data"]),
    );
  });

  it("lets the file worker reach only the fixture among private addresses", () => {
    expect(services["file-worker"]?.environment?.DOWNLOAD_PRIVATE_ALLOWED_HOSTS).toBe(
      "giphy-fixture:8089",
    );
  });
});

describe("compose-check, the Compose validator of scripts/deploy/check.sh", () => {
  const bin = join(ROOT, ".cache/bin/compose-check");
  const dirs: string[] = [];
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });
  const check = (yaml: string, ...args: string[]) => {
    if (!existsSync(bin))
      throw new Error(
        `compose-check is not installed at ${bin}: run \`bash scripts/deploy/install-tools.sh\``,
      );
    const dir = mkdtempSync(join(tmpdir(), "compose-check-"));
    dirs.push(dir);
    writeFileSync(join(dir, "compose.yml"), yaml);
    return spawnSync(bin, [...args, join(dir, "compose.yml")], { encoding: "utf8" });
  };

  it("accepts the project's file with each profile", () => {
    for (const profile of [[], ["--profile", "observability"]]) {
      const result = spawnSync(
        bin,
        [...profile, "--env-file", join(ROOT, ".env.example"), join(ROOT, "docker-compose.yml")],
        {
          encoding: "utf8",
        },
      );
      expect(result.stderr).toBe("");
      expect(result.status).toBe(0);
    }
  });

  it("rejects an unknown key, as the Compose specification does", () => {
    const result = check("services:\n  a:\n    image: x\n    healthcheck:\n      intervall: 5s\n");
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("intervall");
  });

  it("rejects a dependency that the selected profiles leave out", () => {
    const yaml =
      "services:\n  a:\n    image: x\n    depends_on: [b]\n  b:\n    image: y\n    profiles: [extra]\n";
    expect(check(yaml).stderr).toContain('depends on undefined service "b"');
    expect(check(yaml, "--profile", "extra").status).toBe(0);
  });
});
