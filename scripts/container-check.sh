#!/usr/bin/env bash
# container-check.sh: build the image and run it the way an orchestrator would, then check it.
# Usage: scripts/container-check.sh [--env-file FILE] [--port N] [--image NAME]
#   --env-file F  production env file for `run --env-file` (default: a throwaway one with random secrets)
#   --port N      loopback port of this machine to publish the container's 8080 on (default: 18080)
#   --image NAME  tag to build (default: gateway-token-service:check)
# Checks: it builds; it declares a HEALTHCHECK; it starts with NODE_ENV=production; GET /healthz and
# GET /readyz answer 200; it runs as a non-root user; the HEALTHCHECK passes inside; SIGTERM stops it
# with exit code 0 well within its 25 s shutdown grace. Exits 1 at the first failed check.
# Needs docker or podman (CONTAINER_ENGINE=docker|podman to choose) and curl. podman builds with
# `--format docker`: its default OCI format drops HEALTHCHECK. CONTAINER_BUILD_FLAGS adds build
# flags, e.g. "--network host --pull=never" on a machine with local base images only.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '%s\n' "$*"; }
die() { say "FAIL $*" >&2; exit 1; }
usage() { sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; }

ENV_FILE="" PORT=18080 IMAGE=gateway-token-service:check
while [ $# -gt 0 ]; do
  case $1 in
    --env-file) ENV_FILE=${2:?--env-file needs a file}; shift 2 ;;
    --port) PORT=${2:?--port needs a number}; shift 2 ;;
    --image) IMAGE=${2:?--image needs a name}; shift 2 ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; exit 2 ;;
  esac
done

ENGINE=${CONTAINER_ENGINE:-}
if [ -z "$ENGINE" ]; then
  if command -v docker >/dev/null && docker info >/dev/null 2>&1; then ENGINE=docker
  elif command -v podman >/dev/null; then ENGINE=podman
  else die "neither a running docker nor podman found (set CONTAINER_ENGINE)"; fi
fi
command -v curl >/dev/null || die "curl is needed"
curl -s -o /dev/null --max-time 2 "http://127.0.0.1:$PORT/" && die "port $PORT is in use; pass --port"

WORK=$(mktemp -d)
NAME=gts-container-check-$$
cleanup() { "$ENGINE" rm -f "$NAME" >/dev/null 2>&1 || true; rm -rf "$WORK"; }
trap cleanup EXIT

if [ -z "$ENV_FILE" ]; then
  ENV_FILE=$WORK/production.env
  secret() { od -An -N32 -tx1 /dev/urandom | tr -d ' \n'; }
  {
    echo NODE_ENV=production
    echo GATEWAY_NAME=containercheck
    echo "GATEWAY_SECRET=$(secret)"
    echo "GATEWAY_API_SECRET=$(secret)"
    echo "PARTNER_JWT_SECRET=$(secret)"
  } >"$ENV_FILE"
fi
[ -f "$ENV_FILE" ] || die "env file not found: $ENV_FILE"

# 1. Build.
format=(); [ "$ENGINE" = podman ] && format=(--format docker)
read -r -a extra <<<"${CONTAINER_BUILD_FLAGS:-}"
# ${a[@]+"${a[@]}"}: an empty array under `set -u` on macOS's bash 3.2.
"$ENGINE" build ${format[@]+"${format[@]}"} ${extra[@]+"${extra[@]}"} -t "$IMAGE" . || die "$ENGINE build"
say "PASS build $IMAGE ($ENGINE)"
if [ "$ENGINE" = podman ]; then HC=$(podman image inspect -f '{{if .HealthCheck}}{{json .HealthCheck.Test}}{{end}}' "$IMAGE")
else HC=$(docker image inspect -f '{{if .Config.Healthcheck}}{{json .Config.Healthcheck.Test}}{{end}}' "$IMAGE"); fi
[ -n "$HC" ] || die "the image declares no HEALTHCHECK"
say "PASS HEALTHCHECK declared: $HC"

# 2. Run it as production would and wait for it to be healthy and ready.
"$ENGINE" run -d --name "$NAME" -p "127.0.0.1:$PORT:8080" --env-file "$ENV_FILE" "$IMAGE" >/dev/null || die "$ENGINE run"
code=""
for _ in $(seq 1 60); do
  [ "$("$ENGINE" inspect -f '{{.State.Running}}' "$NAME")" = true ] || break
  code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 3 "http://127.0.0.1:$PORT/healthz" || true)
  [ "$code" = 200 ] && break
  sleep 1
done
if [ "$code" != 200 ]; then "$ENGINE" logs --tail 30 "$NAME" >&2 || true; die "GET /healthz never answered 200 (last: ${code:-none})"; fi
say "PASS GET /healthz 200"
ready=$(curl -s -o /dev/null -w '%{http_code}' --max-time 3 "http://127.0.0.1:$PORT/readyz" || true)
[ "$ready" = 200 ] || die "GET /readyz answered ${ready:-nothing}"
say "PASS GET /readyz 200"

# 3. Non-root, and the HEALTHCHECK command works inside the container.
uid=$("$ENGINE" exec "$NAME" id -u 2>/dev/null || "$ENGINE" image inspect -f '{{.Config.User}}' "$IMAGE")
case ${uid%%:*} in "" | 0 | root) die "runs as root (uid ${uid:-unknown})" ;; esac
say "PASS runs as uid ${uid%%:*}"
if [ "$ENGINE" = podman ]; then
  podman healthcheck run "$NAME" >/dev/null || die "the HEALTHCHECK command fails inside the container"
else
  health=""
  for _ in $(seq 1 60); do
    health=$(docker inspect -f '{{.State.Health.Status}}' "$NAME")
    [ "$health" = starting ] || break
    sleep 1
  done
  [ "$health" = healthy ] || die "HEALTHCHECK status: $health"
fi
say "PASS HEALTHCHECK passes"

# 4. SIGTERM: graceful shutdown, exit code 0, within the grace period.
started=$(date +%s)
"$ENGINE" stop -t 30 "$NAME" >/dev/null
took=$(($(date +%s) - started))
exit_code=$("$ENGINE" inspect -f '{{.State.ExitCode}}' "$NAME")
[ "$exit_code" = 0 ] || die "exit code $exit_code after SIGTERM"
[ "$took" -lt 25 ] || die "took ${took}s to stop after SIGTERM"
say "PASS stops on SIGTERM with exit code 0 in ${took}s"
say "PASS container check"
