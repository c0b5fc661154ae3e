#!/usr/bin/env bash
# Validates every deployment file with the real tools, offline:
#   Helm chart       helm lint (default, local, production values) and helm template,
#                    the rendered objects validated strictly against the Kubernetes
#                    OpenAPI schemas of the oldest and newest supported versions
#   Compose          compose-check (compose-go: spec schema, interpolation, profiles,
#                    references) for the default and observability profiles, and dclint
#   Workflows        actionlint (with shellcheck on every run: script)
#   Dockerfile       hadolint
#   Shell scripts    shellcheck on scripts/deploy
#   Chart/Dockerfile policy tests: tests/deploy (Vitest) — run by `make test` with the
#                    other unit tests, or here with --with-tests.
# Tools are installed into .cache by install-tools.sh (seconds when already there).
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/node-env.sh
bash scripts/deploy/install-tools.sh
start=$(date +%s)

# Oldest and newest Kubernetes the chart supports (Chart.yaml kubeVersion; native gRPC probes are GA in 1.27).
KUBE_MIN=1.27.0
KUBE_MAX=1.37.0
chart=k8s/gifmesh
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

values_sets=("default:" "local:k8s/values-local.yaml" "production:k8s/values-production.yaml")
for entry in "${values_sets[@]}"; do
  name=${entry%%:*} file=${entry#*:}
  args=()
  [ -n "$file" ] && args=(-f "$file")
  echo "==> helm lint ($name values)"
  helm lint --strict --quiet "$chart" "${args[@]}" --kube-version "$KUBE_MAX"
  echo "==> helm template ($name values)"
  helm template gifmesh "$chart" "${args[@]}" --namespace gifmesh --kube-version "$KUBE_MAX" >"$out/$name.yaml"
  for version in "$KUBE_MIN" "$KUBE_MAX"; do
    echo "==> Kubernetes $version schemas, strict ($name values)"
    # CRD kinds (ServiceMonitor) have no schema in the core set: reported, not failed.
    kubernetes-validate --strict --quiet -k "$version" "$out/$name.yaml" 2>&1 \
      | { grep -v "Couldn't find schema for kind ServiceMonitor" || true; }
    [ "${PIPESTATUS[0]}" -eq 0 ] || { echo "schema validation failed ($name values, Kubernetes $version)" >&2; exit 1; }
  done
done

echo "==> helm upgrade compatibility: selector labels carry no chart or app version"
if grep -A4 'matchLabels:' "$out"/*.yaml | grep -E 'helm.sh/chart|app.kubernetes.io/version'; then
  echo "a selector includes a version label: helm upgrade would fail on the immutable selector" >&2
  exit 1
fi

echo "==> compose config (default profile)"
compose-check --env-file .env.example docker-compose.yml
echo "==> compose config (observability profile)"
compose-check --env-file .env.example --profile observability docker-compose.yml
echo "==> dclint docker-compose.yml"
dclint --config scripts/deploy/dclint.json --max-warnings 0 docker-compose.yml

echo "==> actionlint"
actionlint

echo "==> hadolint Dockerfile"
hadolint --config scripts/deploy/hadolint.yaml Dockerfile

echo "==> shellcheck scripts/deploy"
shellcheck -e SC1091 scripts/deploy/*.sh

if [ "${1:-}" = "--with-tests" ]; then
  echo "==> vitest tests/deploy"
  npx vitest run --project unit tests/deploy
fi
echo "deployment checks OK ($(($(date +%s) - start)) s)"
