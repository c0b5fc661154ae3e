# shellcheck shell=bash
# The start of every script that runs the services (up.sh, dev.sh, run.sh): strict
# mode, the repository root as the working directory, Node 24 (node-env.sh), the
# infrastructure's addresses (infra/env.sh), and the services' commands, settings and
# pid files (services.sh). Source it: `. "$(dirname "$0")/prelude.sh"`.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
# shellcheck source=scripts/node-env.sh
. scripts/node-env.sh
# shellcheck source=scripts/infra/env.sh
. scripts/infra/env.sh
# shellcheck source=scripts/stack/services.sh
. scripts/stack/services.sh
