# shellcheck shell=bash
# Where `make up` (stack/up.sh) records each service's pid, and which recorded pid is
# still that service, on top of the process helpers the infra scripts use too
# (scripts/lib/proc.sh). Needs GIFMESH_DATA (scripts/infra/env.sh).
# shellcheck source=scripts/lib/proc.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib/proc.sh"

service_pid_file() { echo "${GIFMESH_DATA:?}/run/$1.pid"; }

# The recorded pid of a service, if that process is alive and runs the service's main.ts
# (a stale pid file whose pid was reused by another process is never signalled).
service_pid() { pid_from_file "$(service_pid_file "$1")" "services/$1/src/main.ts"; }
