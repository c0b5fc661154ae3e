// Tests of the chart's release mechanics: the migration hook, secrets by
// reference only, upgrade-safe selectors, autoscaling, disruption budgets,
// network policies and the optional pieces.
import { describe, expect, it } from "vitest";
import { componentOf, ofKind, renderChart, VALUES_SETS } from "./render.ts";
import type { K8sObject } from "./k8s-types.ts";

const SECRET_VARS = [
  "DATABASE_URL",
  "REDIS_URL",
  "S3_ACCESS_KEY_ID",
  "S3_SECRET_ACCESS_KEY",
  "GIPHY_API_KEY",
  "GATEWAY_API_KEYS",
  "STORAGE_RPC_TOKEN",
];
const SCALED = ["gateway", "storage", "file-worker"];

function envOf(obj: K8sObject) {
  return (obj.spec?.template?.spec?.containers ?? []).flatMap((c) => c.env ?? []);
}

describe("the migration Job", () => {
  const job = ofKind(renderChart(), "Job")[0];

  it("is a pre-install and pre-upgrade hook that cleans up after itself", () => {
    expect(job?.metadata.annotations?.["helm.sh/hook"]?.split(",").sort()).toEqual([
      "pre-install",
      "pre-upgrade",
    ]);
    expect(job?.metadata.annotations?.["helm.sh/hook-delete-policy"]).toContain(
      "before-hook-creation",
    );
    expect(job?.metadata.annotations?.["helm.sh/hook-weight"]).toBeDefined();
  });

  it("runs storage's migrate entrypoint with the database URL from the Secret", () => {
    const c = job?.spec?.template?.spec?.containers?.[0];
    expect(c?.image).toMatch(/\/storage:/);
    expect(c?.command).toEqual(["node", "services/storage/src/migrate.ts"]);
    const db = c?.env?.find((e) => e.name === "DATABASE_URL");
    expect(db?.valueFrom?.secretKeyRef?.name).toBeTruthy();
  });

  it("needs nothing the release creates, because it runs before the release's objects exist", () => {
    const pod = job?.spec?.template?.spec;
    expect(pod?.containers?.[0]?.envFrom ?? []).toEqual([]);
    expect(pod?.serviceAccountName).toBe("default");
  });
});

describe.each(Object.entries(VALUES_SETS))("chart with %s values", (_name, valuesFiles) => {
  const objects = renderChart({ valuesFiles });

  it("creates no Secret but the storage RPC token it generates, and inlines no credential", () => {
    // The operator's credentials live in Secrets the chart only names; the one Secret it
    // makes holds a random token no operator chose (tests/deploy/chart-hardening.test.ts).
    expect(ofKind(objects, "Secret").map((s) => s.metadata.name)).toEqual([
      "gifmesh-storage-rpc-token",
    ]);
    for (const obj of [...ofKind(objects, "Deployment"), ...ofKind(objects, "Job")]) {
      for (const env of envOf(obj).filter((e) => SECRET_VARS.includes(e.name))) {
        expect(env.value, `${obj.metadata.name}: ${env.name} must not be inline`).toBeUndefined();
        expect(
          env.valueFrom?.secretKeyRef?.name,
          `${obj.metadata.name}: ${env.name} from a Secret`,
        ).toBeTruthy();
      }
    }
    for (const cm of ofKind(objects, "ConfigMap")) {
      expect(
        Object.keys(cm.data ?? {}).filter((key) => SECRET_VARS.includes(key)),
        cm.metadata.name,
      ).toEqual([]);
    }
  });

  it("keeps selectors free of versions, so helm upgrade never touches an immutable field", () => {
    for (const obj of ofKind(objects, "Deployment")) {
      expect(Object.keys(obj.spec?.selector?.matchLabels ?? {}).sort()).toEqual([
        "app.kubernetes.io/component",
        "app.kubernetes.io/instance",
        "app.kubernetes.io/name",
      ]);
    }
  });

  it("has a PodDisruptionBudget or a single replica for every scaled service", () => {
    const budgets = ofKind(objects, "PodDisruptionBudget").map(componentOf);
    for (const d of ofKind(objects, "Deployment").filter((o) => SCALED.includes(componentOf(o)))) {
      if (!budgets.includes(componentOf(d))) expect(d.spec?.replicas, d.metadata.name).toBe(1);
    }
  });

  it("restricts ingress to every component with a NetworkPolicy", () => {
    const policies = ofKind(objects, "NetworkPolicy").map(componentOf);
    for (const d of ofKind(objects, "Deployment")) expect(policies).toContain(componentOf(d));
  });
});

describe("chart defaults", () => {
  const objects = renderChart();

  it("autoscales gateway, storage and file-worker, leaving replicas to the HPA", () => {
    const hpas = ofKind(objects, "HorizontalPodAutoscaler");
    expect(hpas.map(componentOf).sort()).toEqual([...SCALED].sort());
    for (const d of ofKind(objects, "Deployment"))
      expect(d.spec?.replicas, d.metadata.name).toBeUndefined();
  });

  it("leaves the Giphy fixture and the ServiceMonitor out", () => {
    expect(objects.map(componentOf)).not.toContain("giphy-fixture");
    expect(ofKind(objects, "ServiceMonitor")).toEqual([]);
  });

  it("renders a ServiceMonitor per service when asked to", () => {
    const monitors = ofKind(
      renderChart({ set: ["serviceMonitor.enabled=true"] }),
      "ServiceMonitor",
    );
    expect(monitors.map(componentOf).sort()).toEqual([...SCALED].sort());
  });

  it("points storage at the in-cluster fixture and lets the worker download from it when the fixture is on", () => {
    const local = renderChart({ set: ["giphyFixture.enabled=true"] });
    const data = Object.assign({}, ...ofKind(local, "ConfigMap").map((cm) => cm.data)) as Record<
      string,
      string
    >;
    expect(data.GIPHY_BASE_URL).toBe("http://gifmesh-giphy-fixture:8089/v1/");
    expect(data.DOWNLOAD_PRIVATE_ALLOWED_HOSTS).toBe("gifmesh-giphy-fixture:8089");
  });

  it("fails to render without Kafka brokers, naming the value", () => {
    expect(() => renderChart({ set: ["kafka.brokers="] })).toThrow(/kafka.brokers is required/);
  });
});

describe("the gateway's web page in a cluster", () => {
  const gatewayConfig = ofKind(renderChart(), "ConfigMap").find(
    (c) => componentOf(c) === "gateway",
  );

  it("hides the trace link by default (the gateway's own default is a local Zipkin)", () => {
    expect(gatewayConfig?.data?.WEB_TRACE_URL).toBe("off");
  });
});
