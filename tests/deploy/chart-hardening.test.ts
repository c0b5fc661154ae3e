// The chart's secure defaults (docs/security.md): the services listen on loopback
// unless configured, so the chart must bind them to the pod's address; storage's
// RPC needs a bearer token that storage and the gateway read from one Secret; S3
// may run on the default credential chain with no static keys; the worker's spool
// must hold every download in flight. Each test fails if a template forgets one.
import { describe, expect, it } from "vitest";
import { componentOf, ofKind, renderChart, VALUES_SETS } from "./render.ts";
import type { Container, EnvVar, K8sObject } from "./k8s-types.ts";

function deployment(objects: readonly K8sObject[], component: string): K8sObject {
  const found = ofKind(objects, "Deployment").find((d) => componentOf(d) === component);
  if (!found) throw new Error(`no ${component} Deployment`);
  return found;
}

function container(obj: K8sObject): Container {
  const c = obj.spec?.template?.spec?.containers?.[0];
  if (!c) throw new Error(`${obj.metadata.name} has no container`);
  return c;
}

function env(obj: K8sObject, name: string): EnvVar | undefined {
  return container(obj).env?.find((e) => e.name === name);
}

/** The ConfigMap a Deployment's container loads with envFrom. */
function configData(
  objects: readonly K8sObject[],
  obj: K8sObject,
): Readonly<Record<string, string>> {
  const names = (container(obj).envFrom ?? []).map((e) => e.configMapRef?.name);
  const map = ofKind(objects, "ConfigMap").find((m) => names.includes(m.metadata.name));
  return map?.data ?? {};
}

/** "448Mi" → bytes. */
function quantityBytes(quantity: string): number {
  const match = /^(\d+)(Ki|Mi|Gi)?$/.exec(quantity);
  if (!match) throw new Error(`unexpected quantity ${quantity}`);
  const unit = { Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3 }[match[2] ?? ""] ?? 1;
  return Number(match[1]) * unit;
}

describe.each(Object.entries(VALUES_SETS))("chart with %s values", (_name, valuesFiles) => {
  const objects = renderChart({ valuesFiles });

  it("binds every service and admin port to the pod's address (the services default to loopback)", () => {
    const binds: Record<string, readonly string[]> = {
      gateway: ["GATEWAY_HOST", "ADMIN_HOST"],
      storage: ["STORAGE_RPC_HOST", "ADMIN_HOST"],
      "file-worker": ["ADMIN_HOST"],
    };
    for (const [component, names] of Object.entries(binds)) {
      const data = configData(objects, deployment(objects, component));
      for (const name of names) expect(data[name], `${component} ${name}`).toBe("0.0.0.0");
    }
  });

  it("gives storage and the gateway the same storage RPC token, from a Secret", () => {
    const storage = env(deployment(objects, "storage"), "STORAGE_RPC_TOKEN");
    const gateway = env(deployment(objects, "gateway"), "STORAGE_RPC_TOKEN");
    expect(storage?.valueFrom?.secretKeyRef?.name).toBeTruthy();
    expect(storage?.value, "never a literal").toBeUndefined();
    expect(gateway?.valueFrom?.secretKeyRef).toEqual(storage?.valueFrom?.secretKeyRef);
    const secret = ofKind(objects, "Secret").find(
      (s) => s.metadata.name === storage?.valueFrom?.secretKeyRef?.name,
    );
    const key = storage?.valueFrom?.secretKeyRef?.key ?? "";
    expect(Buffer.from(secret?.data?.[key] ?? "", "base64").length).toBeGreaterThanOrEqual(32);
    expect(secret?.metadata.annotations?.["helm.sh/resource-policy"]).toBe("keep");
  });

  it("sizes the worker's spool for every download in flight", () => {
    const worker = deployment(objects, "file-worker");
    const data = configData(objects, worker);
    const concurrency = Number(data["WORKER_CONCURRENCY"]);
    const maxBytes = Number(data["ARCHIVE_MAX_BYTES"]);
    expect(concurrency).toBeGreaterThan(0);
    expect(maxBytes).toBeGreaterThan(0);
    const tmp = worker.spec?.template?.spec?.volumes?.find((v) => v.name === "tmp");
    const sizeLimit = (tmp?.emptyDir as { sizeLimit?: string } | undefined)?.sizeLimit ?? "0";
    expect(quantityBytes(sizeLimit)).toBeGreaterThanOrEqual(concurrency * maxBytes);
  });
});

describe("S3 credentials", () => {
  it("are static keys from a Secret by default", () => {
    const objects = renderChart();
    for (const component of ["gateway", "file-worker"]) {
      expect(env(deployment(objects, component), "S3_ACCESS_KEY_ID")?.valueFrom).toBeDefined();
    }
  });

  it("are the AWS default chain in production: no static keys, an IAM role on the service account", () => {
    const objects = renderChart({ valuesFiles: VALUES_SETS["production"] ?? [] });
    for (const component of ["gateway", "file-worker"]) {
      const d = deployment(objects, component);
      expect(env(d, "S3_ACCESS_KEY_ID"), component).toBeUndefined();
      expect(env(d, "S3_SECRET_ACCESS_KEY"), component).toBeUndefined();
    }
    const account = ofKind(objects, "ServiceAccount")[0];
    expect(account?.metadata.annotations?.["eks.amazonaws.com/role-arn"]).toMatch(/^arn:aws:iam::/);
  });

  it("refuses an unknown credentials mode", () => {
    expect(() => renderChart({ set: ["s3.credentials=keys"] })).toThrow(/static or default-chain/);
  });
});

describe("storage RPC token", () => {
  it("comes from an existing Secret when one is named, and the chart creates none", () => {
    const objects = renderChart({ set: ["storage.rpcAuth.existingSecret=my-token"] });
    expect(
      env(deployment(objects, "storage"), "STORAGE_RPC_TOKEN")?.valueFrom?.secretKeyRef?.name,
    ).toBe("my-token");
    expect(ofKind(objects, "Secret").map((s) => s.metadata.name)).not.toContain("my-token");
  });
});

describe("connections in production", () => {
  const objects = renderChart({ valuesFiles: VALUES_SETS["production"] ?? [] });

  it("reach Kafka over TLS with SCRAM-SHA-512, the password from a Secret", () => {
    for (const component of ["storage", "file-worker"]) {
      const d = deployment(objects, component);
      const data = configData(objects, d);
      expect(data["KAFKA_SECURITY_PROTOCOL"], component).toBe("sasl_ssl");
      expect(data["KAFKA_SASL_MECHANISM"], component).toBe("SCRAM-SHA-512");
      expect(env(d, "KAFKA_SASL_PASSWORD")?.valueFrom?.secretKeyRef?.name, component).toBe(
        "gifmesh-kafka",
      );
    }
  });

  it("verify PostgreSQL's certificate against a mounted CA, in storage and the migration Job", () => {
    const workloads = [deployment(objects, "storage"), ...ofKind(objects, "Job")];
    expect(workloads).toHaveLength(2);
    for (const w of workloads) {
      const file = env(w, "DATABASE_SSL_CA_FILE")?.value ?? "";
      const mount = container(w).volumeMounts?.find((m) => file.startsWith(`${m.mountPath}/`));
      expect(
        mount,
        `${w.metadata.name}: CA mounted where DATABASE_SSL_CA_FILE points`,
      ).toBeDefined();
    }
  });

  it("require a bearer token on /metrics, sent by the ServiceMonitors", () => {
    for (const component of ["gateway", "storage", "file-worker"]) {
      expect(
        env(deployment(objects, component), "ADMIN_TOKEN")?.valueFrom?.secretKeyRef?.name,
      ).toBe("gifmesh-metrics");
    }
    const monitors = ofKind(objects, "ServiceMonitor");
    expect(monitors).toHaveLength(3);
    for (const m of monitors) {
      expect(JSON.stringify(m.spec)).toContain('"authorization":{"type":"Bearer"');
    }
  });
});

describe("Kafka with SASL but no user", () => {
  it("does not render", () => {
    expect(() => renderChart({ set: ["kafka.securityProtocol=sasl_ssl"] })).toThrow(
      /kafka.sasl.mechanism is required/,
    );
  });
});

describe("the gateway in production", () => {
  const objects = renderChart({ valuesFiles: VALUES_SETS["production"] ?? [] });
  const gateway = deployment(objects, "gateway");

  it("reaches Redis over TLS as an ACL user, the password from a Secret", () => {
    expect(env(gateway, "REDIS_USERNAME")?.value).toBe("gifmesh-gateway");
    expect(env(gateway, "REDIS_PASSWORD")?.valueFrom?.secretKeyRef?.key).toBe("redis-password");
  });

  it("trusts exactly one proxy hop for the client address", () => {
    expect(env(gateway, "TRUST_PROXY_HOPS")?.value).toBe("1");
    expect(env(gateway, "TRUST_PROXY")).toBeUndefined();
  });
});
