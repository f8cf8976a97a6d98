# Shared helpers for the local test platform scripts. Sourced, never run.
# shellcheck shell=bash

PLATFORM_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SRC_DIR="$PLATFORM_DIR/src"
ROLLGUARD_CACHE="${ROLLGUARD_CACHE:-$HOME/.cache/rollguard}"
KUBE_API_TEST_HOME="${KUBE_API_TEST_DIR:-$HOME/.kubeapitest}"

log() { printf '%s [%s] %s\n' "$(date +%H:%M:%S)" "${LOG_TAG:-platform}" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# The Kubernetes version is whatever the pinned module in src/kubernetes/go.mod says.
kubernetes_version() {
  local v
  v="$(sed -nE 's/^(require)?[[:space:]]*k8s\.io\/kubernetes v([0-9][^[:space:]]*).*/\2/p' "$SRC_DIR/kubernetes/go.mod" | head -n 1)"
  [[ -n $v ]] || die "cannot read the k8s.io/kubernetes version from $SRC_DIR/kubernetes/go.mod"
  echo "$v"
}

platform_bin_dir() { echo "$ROLLGUARD_CACHE/k8s-$(kubernetes_version)/bin"; }

# A TCP port that nothing listens on right now. The kernel picks it, so two runs
# started at the same time get different ports.
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# wait_until TIMEOUT_SECONDS DESCRIPTION COMMAND... : polls COMMAND every 0.2 s.
wait_until() {
  local timeout=$1 what=$2; shift 2
  local deadline=$((SECONDS + timeout))
  until "$@" >/dev/null 2>&1; do
    if ((SECONDS >= deadline)); then
      log "timed out after ${timeout}s waiting for $what"
      return 1
    fi
    sleep 0.2
  done
}
