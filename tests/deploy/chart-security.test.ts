// Policy tests of the Helm chart: whatever the values, every workload runs
// non-root on a read-only root filesystem without privilege escalation, has
// liveness and readiness probes and bounded resources. Dropping any of these
// from a template makes a test here fail.
import { describe, expect, it } from "vitest";
import { componentOf, ofKind, renderChart, VALUES_SETS } from "./render.ts";
import type { Container, K8sObject, PodSpec } from "./k8s-types.ts";

function podSpec(obj: K8sObject): PodSpec {
  const spec = obj.spec?.template?.spec;
  if (!spec) throw new Error(`${obj.kind} ${obj.metadata.name} has no pod template`);
  return spec;
}

function containers(obj: K8sObject): readonly Container[] {
  const list = podSpec(obj).containers ?? [];
  expect(list.length, `${obj.metadata.name} has containers`).toBeGreaterThan(0);
  return list;
}

/** The pods of Deployments and Jobs: what the security rules apply to. */
function workloads(objects: readonly K8sObject[]): K8sObject[] {
  return [...ofKind(objects, "Deployment"), ...ofKind(objects, "Job")];
}

describe.each(Object.entries(VALUES_SETS))("chart with %s values", (_name, valuesFiles) => {
  const objects = renderChart({ valuesFiles });

  it("renders a Deployment for gateway, storage and file-worker", () => {
    const components = ofKind(objects, "Deployment").map(componentOf);
    expect(components).toEqual(expect.arrayContaining(["gateway", "storage", "file-worker"]));
  });

  it("runs every pod as non-root with the RuntimeDefault seccomp profile", () => {
    for (const obj of workloads(objects)) {
      const pod = podSpec(obj);
      expect(pod.securityContext?.runAsNonRoot, `${obj.metadata.name}: pod runAsNonRoot`).toBe(
        true,
      );
      expect(
        pod.securityContext?.runAsUser ?? 1000,
        `${obj.metadata.name}: pod runAsUser`,
      ).not.toBe(0);
      expect(pod.securityContext?.seccompProfile?.type, `${obj.metadata.name}: seccomp`).toBe(
        "RuntimeDefault",
      );
      expect(pod.automountServiceAccountToken, `${obj.metadata.name}: no API token`).toBe(false);
    }
  });

  it("gives every container a read-only root fs, no privilege escalation, no capabilities", () => {
    for (const obj of workloads(objects)) {
      for (const c of containers(obj)) {
        const where = `${obj.metadata.name}/${c.name}`;
        expect(c.securityContext, `${where}: securityContext`).toBeDefined();
        expect(c.securityContext?.runAsNonRoot, `${where}: runAsNonRoot`).toBe(true);
        expect(c.securityContext?.readOnlyRootFilesystem, `${where}: readOnlyRootFilesystem`).toBe(
          true,
        );
        expect(
          c.securityContext?.allowPrivilegeEscalation,
          `${where}: allowPrivilegeEscalation`,
        ).toBe(false);
        expect(c.securityContext?.privileged ?? false, `${where}: privileged`).toBe(false);
        expect(c.securityContext?.capabilities?.drop, `${where}: drops ALL`).toContain("ALL");
        expect(c.securityContext?.capabilities?.add ?? [], `${where}: adds none`).toEqual([]);
      }
    }
  });

  it("mounts a writable emptyDir on /tmp, the only place the images write", () => {
    for (const obj of workloads(objects)) {
      const tmpVolumes = (podSpec(obj).volumes ?? [])
        .filter((v) => v.emptyDir !== undefined)
        .map((v) => v.name);
      for (const c of containers(obj)) {
        const tmp = c.volumeMounts?.find((m) => m.mountPath === "/tmp");
        expect(tmp, `${obj.metadata.name}/${c.name}: /tmp mount`).toBeDefined();
        expect(tmpVolumes, `${obj.metadata.name}: /tmp is an emptyDir`).toContain(tmp?.name);
      }
    }
  });

  it("has liveness and readiness probes on every Deployment's containers", () => {
    for (const obj of ofKind(objects, "Deployment")) {
      for (const c of containers(obj)) {
        expect(c.livenessProbe, `${obj.metadata.name}/${c.name}: livenessProbe`).toBeDefined();
        expect(c.readinessProbe, `${obj.metadata.name}/${c.name}: readinessProbe`).toBeDefined();
      }
    }
  });

  it("checks storage's readiness with the native gRPC probe on its RPC port", () => {
    const storage = ofKind(objects, "Deployment").find((d) => componentOf(d) === "storage");
    const c = storage ? containers(storage)[0] : undefined;
    expect(c?.readinessProbe?.grpc?.port).toBe(50051);
    expect(c?.readinessProbe?.grpc?.service).toBe("gifmesh.storage.v1.StorageService");
  });

  it("checks liveness on the admin /healthz, which a dependency outage does not fail", () => {
    const services = ofKind(objects, "Deployment").filter(
      (d) => componentOf(d) !== "giphy-fixture",
    );
    for (const obj of services) {
      const probe = containers(obj)[0]?.livenessProbe?.httpGet;
      expect(probe, obj.metadata.name).toMatchObject({ path: "/healthz", port: "admin" });
    }
  });

  it("checks readiness of the HTTP services on the admin /readyz", () => {
    const http = ofKind(objects, "Deployment").filter((d) =>
      ["gateway", "file-worker"].includes(componentOf(d)),
    );
    for (const obj of http) {
      const probe = containers(obj)[0]?.readinessProbe?.httpGet;
      expect(probe, obj.metadata.name).toMatchObject({ path: "/readyz", port: "admin" });
    }
  });

  it("sets CPU and memory requests and limits on every container", () => {
    for (const obj of workloads(objects)) {
      for (const c of containers(obj)) {
        const where = `${obj.metadata.name}/${c.name}`;
        for (const kind of ["requests", "limits"] as const) {
          expect(c.resources?.[kind]?.cpu, `${where}: ${kind}.cpu`).toBeDefined();
          expect(c.resources?.[kind]?.memory, `${where}: ${kind}.memory`).toBeDefined();
        }
      }
    }
  });
});
