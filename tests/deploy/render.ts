// Renders the Helm chart with the helm binary that scripts/deploy/install-tools.sh
// puts in .cache/bin, and parses the manifests, for the chart's policy tests.
// A missing helm is a failure with the fix in the message, never a skip.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseAllDocuments } from "yaml";
import type { K8sObject } from "./k8s-types.ts";

export const ROOT = resolve(import.meta.dirname, "../..");
export const CHART = join(ROOT, "k8s/gifmesh");
const HELM = join(ROOT, ".cache/bin/helm");
/** The newest Kubernetes the chart is validated against (scripts/deploy/check.sh). */
const KUBE_VERSION = "1.37.0";

/** The values sets every policy test runs against: chart defaults, local cluster, production. */
export const VALUES_SETS: Readonly<Record<string, readonly string[]>> = {
  default: [],
  local: [join(ROOT, "k8s/values-local.yaml")],
  production: [join(ROOT, "k8s/values-production.yaml")],
};

export interface RenderOptions {
  readonly valuesFiles?: readonly string[];
  readonly set?: readonly string[];
  readonly chart?: string;
}

/** `helm template` the chart and return its objects; throws with helm's stderr when rendering fails. */
export function renderChart(options: RenderOptions = {}): K8sObject[] {
  if (!existsSync(HELM)) {
    throw new Error(
      `helm is not installed at ${HELM}: run \`bash scripts/deploy/install-tools.sh\` first`,
    );
  }
  const args = [
    "template",
    "gifmesh",
    options.chart ?? CHART,
    "--namespace",
    "gifmesh",
    "--kube-version",
    KUBE_VERSION,
  ];
  for (const file of options.valuesFiles ?? []) args.push("-f", file);
  for (const pair of options.set ?? []) args.push("--set", pair);
  const result = spawnSync(HELM, args, { encoding: "utf8" });
  if (result.status !== 0) {
    throw new Error(`helm template failed (${String(result.status)}): ${result.stderr}`);
  }
  return parseAllDocuments(result.stdout)
    .map((doc) => doc.toJS() as K8sObject | null)
    .filter((obj): obj is K8sObject => obj !== null);
}

/** The objects of one kind. */
export function ofKind(objects: readonly K8sObject[], kind: string): K8sObject[] {
  return objects.filter((obj) => obj.kind === kind);
}

/** The `app.kubernetes.io/component` label of an object. */
export function componentOf(obj: K8sObject): string {
  return obj.metadata.labels?.["app.kubernetes.io/component"] ?? "";
}
