#!/usr/bin/env bash
# Build telemock's image and use it the way a CI job does: start it on loopback, wait until it
# is healthy (the image's own HEALTHCHECK and the HTTP endpoint), call one endpoint of every
# provider with its demo credentials, stop it, and report the image size.
#
#   scripts/container-smoke.sh [--base IMAGE] [--image TAG] [--port N] [--skip-build]
#
# Environment (flags win): BASE (base image; default: the Dockerfile's python:3.11-slim),
# IMAGE (default localhost/telemock:smoke), HOST_PORT (default: a free port), ENGINE (podman or
# docker; default podman), RUNTIME (podman's OCI runtime; default runc, empty for podman's own),
# ULIMITS (default "--ulimit nofile=1024:1024 --ulimit nproc=1024:1024"), CA_BUNDLE (a CA file
# mounted into the build so pip trusts the same roots as this machine; default the system bundle),
# TIMEOUT (seconds to wait for health; default 90).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BASE=${BASE-}
IMAGE=${IMAGE:-localhost/telemock:smoke}
HOST_PORT=${HOST_PORT:-}
ENGINE=${ENGINE:-podman}
RUNTIME=${RUNTIME-runc}
ULIMITS=${ULIMITS:---ulimit nofile=1024:1024 --ulimit nproc=1024:1024}
CA_BUNDLE=${CA_BUNDLE-/etc/ssl/certs/ca-certificates.crt}
TIMEOUT=${TIMEOUT:-90}
BUILD=1

usage() { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "${BASH_SOURCE[0]}"; }
while [ $# -gt 0 ]; do
    case "$1" in
        --base) BASE=$2; shift 2 ;;
        --image) IMAGE=$2; shift 2 ;;
        --port) HOST_PORT=$2; shift 2 ;;
        --skip-build) BUILD=0; shift ;;
        -h|--help) usage; exit 0 ;;
        *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
    esac
done

engine=("$ENGINE")
if [ "$ENGINE" = podman ] && [ -n "$RUNTIME" ]; then engine+=(--runtime "$RUNTIME"); fi
read -r -a ulimits <<<"$ULIMITS"
name="telemock-smoke-$$"
step() { printf '\n== %s\n' "$*"; }
# Podman schedules HEALTHCHECKs with systemd timers and logs an error for each one on hosts
# without systemd (CI containers); the checks are run directly below, so those lines are noise.
eng() {
    local err rc=0
    err=$(mktemp)
    "${engine[@]}" "$@" 2>"$err" || rc=$?
    grep -v 'unable to get systemd connection' "$err" >&2 || true
    rm -f "$err"
    return "$rc"
}
fail() { echo "FAIL: $*" >&2; exit 1; }

cleanup() {
    if "${engine[@]}" inspect "$name" >/dev/null 2>&1; then
        if [ "${finished:-0}" != 1 ]; then
            echo "-- container log (last 40 lines) --" >&2
            "${engine[@]}" logs --tail 40 "$name" >&2 || true
        fi
        eng rm -f "$name" >/dev/null || true
    fi
}
trap cleanup EXIT

if [ "$BUILD" = 1 ]; then
    step "build $IMAGE (base: ${BASE:-the Dockerfile default})"
    build=(build --network=host "${ulimits[@]}" -t "$IMAGE")
    if [ "$ENGINE" = podman ]; then
        build+=(--format docker)  # podman's default OCI format drops HEALTHCHECK
        if [ -n "$CA_BUNDLE" ] && [ -f "$CA_BUNDLE" ]; then
            build+=(-v "$CA_BUNDLE:/etc/ssl/certs/ca-certificates.crt:ro")
        fi
    fi
    if [ -n "$BASE" ]; then build+=(--build-arg "BASE=$BASE"); fi
    started=$SECONDS
    "${engine[@]}" "${build[@]}" "$ROOT"
    echo "built in $((SECONDS - started)) s"
fi

step "start $IMAGE, published on 127.0.0.1 only"
eng run -d --name "$name" "${ulimits[@]}" -p "127.0.0.1:${HOST_PORT}:8780" "$IMAGE" >/dev/null
published=$("${engine[@]}" port "$name" 8780/tcp | head -n 1)
port=${published##*:}
base="http://127.0.0.1:$port"
echo "container $name, $base"

step "wait for health (image HEALTHCHECK, then HTTP)"
started=$SECONDS
status=""
while :; do
    if [ "$ENGINE" = podman ]; then
        # Run the image's HEALTHCHECK now rather than wait for podman's timer (absent without systemd).
        "${engine[@]}" healthcheck run "$name" >/dev/null 2>&1 || true
    fi
    status=$("${engine[@]}" inspect --format '{{.State.Health.Status}}' "$name" 2>/dev/null || true)
    [ "$status" = healthy ] && break
    running=$("${engine[@]}" inspect --format '{{.State.Running}}' "$name")
    [ "$running" = true ] || fail "the container stopped before it was healthy"
    [ $((SECONDS - started)) -lt "$TIMEOUT" ] || fail "not healthy after $TIMEOUT s (status: ${status:-none})"
    sleep 1
done
echo "container health: $status after $((SECONDS - started)) s"
health=$(curl -fsS --max-time 5 "$base/_telemock/health") || fail "GET /_telemock/health"
echo "GET /_telemock/health -> $health"
"${engine[@]}" exec "$name" telemock healthcheck

step "one call per provider, with the demo credentials of fixtures/default.yaml"
call() {  # provider, path, curl auth arguments...
    local provider=$1 path=$2 code
    shift 2
    if [ ! -d "$ROOT/emulator/providers/$provider" ]; then
        echo "skipped $provider: emulator/providers/$provider does not exist"
        return
    fi
    code=$(curl -sS --max-time 10 -o /tmp/telemock-smoke-body.$$ -w '%{http_code}' "$@" "$base$path") || fail "$provider: no answer"
    printf '%-10s GET %-48s -> %s  %s\n' "$provider" "$path" "$code" "$(head -c 110 /tmp/telemock-smoke-body.$$)"
    rm -f /tmp/telemock-smoke-body.$$
    [ "$code" = 200 ] || fail "$provider answered $code"
}
call voipbin "/voipbin/v1.0/numbers?accesskey=voipbin_demo_accesskey"
call gigs "/gigs/projects/demo/virtualNumbers" -H "Authorization: Bearer gigs_demo_key"
call signalwire "/signalwire/api/relay/rest/phone_numbers" -u "3f0d7c1e-5b8a-4e2f-9c6d-1a2b3c4d5e6f:PTdemo_token"
call voiceos "/voiceos/phone_numbers" -H "Authorization: Bearer voiceos_demo_key"

step "stop"
eng stop -t 15 "$name" >/dev/null
code=$("${engine[@]}" inspect --format '{{.State.ExitCode}}' "$name")
echo "stopped, exit code $code; its log:"
"${engine[@]}" logs "$name" 2>&1 | sed 's/^/  | /'
finished=1
[ "$code" = 0 ] || fail "exit code $code after a stop"

step "image"
size=$("${engine[@]}" image inspect --format '{{.Size}}' "$IMAGE")
user=$("${engine[@]}" image inspect --format '{{.Config.User}}' "$IMAGE")
echo "$IMAGE: $((size / 1000000)) MB ($size bytes), runs as user $user"
"${engine[@]}" images "$IMAGE"
echo
echo "container smoke test passed"
