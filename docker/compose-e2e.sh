#!/usr/bin/env bash
# docker-compose.yml end to end, in containers, on a machine whose Docker engine cannot pull images (as here: no
# registry but Debian's and Maven Central is reachable). Builds hark's images with the project's Dockerfile and runs
# every service of docker-compose.yml as it is, then waits until the consumer's log shows predictions.
#
# Where an image that docker-compose.yml or the Dockerfile names is neither present nor pullable, a stand-in takes its
# name, built from Debian's packages and released jars (docker/standins/): flink:2.2.1-scala_2.12-java17 (Flink 2.2.1
# laid out as its distribution, the entrypoint's contract), apache/kafka:4.1.1 (Kafka 4.1.1, Kafka's own
# KafkaDockerWrapper), maven:3.9.11-eclipse-temurin-17 and eclipse-temurin:17-jre-noble (OpenJDK 17, Maven) and
# prom/prometheus:v3.5.0 (Debian's Prometheus). Stand-ins carry the label dev.hark.standin=true.
#
# Usage: docker/compose-e2e.sh [--keep] [--timeout SECONDS]
#   --keep      leave the services running (docker-compose -p hark-e2e down -v stops them)
#   --timeout   how long to wait for predictions once the services are up (default 600)
# Needs root (it installs docker.io, docker-compose and mmdebstrap with apt-get where missing, and starts dockerd, which
# it stops again at the end). Exits 0 with predictions seen, 77 when no engine can start here, anything else on failure.
# Every published port is on 127.0.0.1 (docker-compose.yml), and dockerd's default bind address is set to it too.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
KEEP=false
TIMEOUT=600
while [ $# -gt 0 ]; do
  case "$1" in
    --keep) KEEP=true ;;
    --timeout) TIMEOUT=$2; shift ;;
    *) echo "usage: docker/compose-e2e.sh [--keep] [--timeout SECONDS]" >&2; exit 2 ;;
  esac
  shift
done
PROJECT=hark-e2e
WORK="$ROOT/target/compose-e2e"
mkdir -p "$WORK"
say() { printf '[compose-e2e %s] %s\n' "$(date +%H:%M:%S)" "$*"; }
DOCKERD_PID=""
compose() { docker-compose -p "$PROJECT" -f docker-compose.yml "$@"; }
finish() {
  local status=$?
  compose ps >"$WORK/ps.txt" 2>&1 || true
  compose logs --no-color >"$WORK/compose.log" 2>&1 || true
  if [ $status -ne 0 ]; then
    say "failed; the services' logs are in $WORK/compose.log; the last lines:"
    tail -60 "$WORK/compose.log"
  fi
  if ! $KEEP; then
    compose down -v --remove-orphans >/dev/null 2>&1 || true
    # An engine this script started stops with it (it stops the containerd it started).
    if [ -n "$DOCKERD_PID" ]; then kill "$DOCKERD_PID" 2>/dev/null && wait "$DOCKERD_PID" 2>/dev/null || true; fi
  fi
  exit $status
}
trap finish EXIT

# ---- the engine --------------------------------------------------------------------------------------------------
missing=()
[ -x /usr/bin/docker ] && command -v dockerd >/dev/null || missing+=(docker.io)
command -v docker-compose >/dev/null || missing+=(docker-compose)
command -v mmdebstrap >/dev/null || missing+=(mmdebstrap)
if [ ${#missing[@]} -gt 0 ]; then
  say "installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
# Debian's docker CLI, which builds with BuildKit by itself (another docker on the PATH may need buildx).
mkdir -p "$WORK/path"
ln -sf /usr/bin/docker "$WORK/path/docker"
export PATH="$WORK/path:$PATH" DOCKER_BUILDKIT=1 COMPOSE_DOCKER_CLI_BUILD=1
if ! docker info >/dev/null 2>&1; then
  say "starting dockerd (log: $WORK/dockerd.log; stopped again at the end)"
  dockerd --ip=127.0.0.1 >"$WORK/dockerd.log" 2>&1 &
  DOCKERD_PID=$!
  for _ in $(seq 60); do docker info >/dev/null 2>&1 && break; sleep 1; done
  if ! docker info >/dev/null 2>&1; then
    tail -20 "$WORK/dockerd.log"
    say "no container engine can start here: dockerd did not answer within 60 s (its log above)"
    exit 77
  fi
fi
say "engine: $(docker version --format '{{.Server.Version}}')"

# ---- stand-ins for images that cannot be pulled -------------------------------------------------------------------
have() { docker image inspect "$1" >/dev/null 2>&1; }
pullable() { timeout 60 docker pull -q "$1" >/dev/null 2>&1; }

if ! have hark-standin-base:bookworm; then
  say "building the stand-in base image (Debian bookworm, OpenJDK 17, Maven, Prometheus) with mmdebstrap"
  # The machine's own trusted certificates go in too: where its access to Maven Central passes a TLS-inspecting
  # proxy, the builds in the containers need that proxy's CA as much as the machine does.
  rm -rf "$WORK/host-ca" && mkdir -p "$WORK/host-ca"
  awk -v dir="$WORK/host-ca" '/BEGIN CERTIFICATE/ { n++ } n { print > (dir "/host-" n ".crt") }' /etc/ssl/certs/ca-certificates.crt
  mmdebstrap --variant=minbase --include=ca-certificates,openjdk-17-jdk-headless,maven,gettext-base,libjemalloc-dev,libsnappy1v5,procps,hostname,prometheus \
    --customize-hook="copy-in $WORK/host-ca /usr/local/share/ca-certificates/" \
    --customize-hook='chroot "$1" update-ca-certificates' \
    bookworm "$WORK/base.tar" >"$WORK/mmdebstrap.log" 2>&1 || { tail -20 "$WORK/mmdebstrap.log"; exit 1; }
  docker import -c 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    -c 'LABEL dev.hark.standin=true' "$WORK/base.tar" hark-standin-base:bookworm >/dev/null
  rm -f "$WORK/base.tar"
fi

jars_ready=false
stage_jars() {
  $jars_ready && return
  say "fetching Flink's and Kafka's released jars (Maven)"
  ./mvnw -q -B -f docker/standins/pom.xml package -Dstandins.out="$WORK/jars"
  ./mvnw -q -B -f docker/standins/kafka/pom.xml package -Dstandins.out="$WORK/jars"
  jars_ready=true
}

standin() { # IMAGE FOLDER: build docker/standins/FOLDER (plus what the script stages) as IMAGE
  local image=$1 folder=$2 context="$WORK/context-$2"
  rm -rf "$context" && mkdir -p "$context" && cp -r "docker/standins/$folder/." "$context/"
  case "$folder" in
    flink)
      stage_jars
      local home="$context/flink-home"
      mkdir -p "$home/bin" "$home/conf" "$home/lib" "$home/log"
      cp docker/standins/flink/bin/* "$home/bin/"
      cp docker/standins/flink/config.yaml docker/standins/flink/log4j-console.properties "$home/conf/"
      cp "$WORK"/jars/flink-lib/*.jar "$home/lib/"
      grep -v -e '^#' -e '^$' docker/standins/flink/distribution-2.2.1.txt | while IFS= read -r line; do
        local path=${line%% =*} coordinates
        mkdir -p "$(dirname "$home/$path")"
        if [[ "$line" == *" = "* ]]; then
          coordinates=${line#*= }
          IFS=: read -r _ artifact version <<<"$coordinates"
          cp "$WORK/jars/flink-jars/$artifact-$version.jar" "$home/$path"
        else
          : >"$home/$path"
        fi
      done ;;
    kafka)
      stage_jars
      cp -r "$WORK/jars/kafka-libs" "$context/kafka-libs" ;;
  esac
  say "building the stand-in $image"
  docker build -q --label dev.hark.standin=true -t "$image" "$context" >/dev/null
}

need() { # IMAGE FOLDER
  if have "$1"; then
    say "$1: present$(docker image inspect -f '{{if index .Config.Labels "dev.hark.standin"}} (stand-in){{end}}' "$1")"
  elif pullable "$1"; then
    say "$1: pulled"
  else
    standin "$1" "$2"
  fi
}
need flink:2.2.1-scala_2.12-java17 flink
need apache/kafka:4.1.1 kafka
need maven:3.9.11-eclipse-temurin-17 jdk
need eclipse-temurin:17-jre-noble jdk
need prom/prometheus:v3.5.0 prometheus

# ---- hark's images, then docker-compose.yml as it is -----------------------------------------------------------------

say "building hark's images (the Dockerfile's job and cli targets; the first build downloads the project's dependencies)"
start=$(date +%s)
compose build 2>&1 | tail -5
say "built in $(($(date +%s) - start)) s"
compose down -v --remove-orphans >/dev/null 2>&1 || true
compose up -d
say "services up; waiting up to $TIMEOUT s for predictions on the consumer's log"
deadline=$(($(date +%s) + TIMEOUT))
predictions=0
while [ "$(date +%s)" -lt $deadline ]; do
  predictions=$(compose logs --no-color consumer 2>/dev/null | grep -cE ' [0-9]+ ms' || true)
  [ "$predictions" -ge 20 ] && break
  sleep 5
done
compose ps
jobs=$(curl -s --max-time 5 http://127.0.0.1:8081/jobs/overview || true)
say "Flink's REST API (127.0.0.1:8081): ${jobs:0:300}"
# awk reads to the end: a reader that stops early (head) would end the pipe with SIGPIPE, which pipefail reports.
compose logs --no-color consumer | awk '/ [0-9]+ ms/ && shown++ < 12'
if [ "$predictions" -lt 20 ]; then
  say "FAILED: $predictions predictions on the consumer's log in $TIMEOUT s"
  exit 1
fi
# Flink's Prometheus reporter, a plugin the image loads by default: Prometheus scrapes both Flink processes.
scraped=""
for _ in $(seq 12); do
  scraped=$(curl -s --max-time 5 'http://127.0.0.1:9090/api/v1/query?query=up%7Bjob%3D%22flink%22%7D' || true)
  [ "$(grep -o '"value":\[[^]]*"1"\]' <<<"$scraped" | wc -l)" -ge 2 ] && break
  sleep 5
done
say "Prometheus (127.0.0.1:9090), up{job=\"flink\"}: ${scraped:0:400}"
if [ "$(grep -o '"value":\[[^]]*"1"\]' <<<"$scraped" | wc -l)" -lt 2 ]; then
  say "FAILED: Prometheus does not reach Flink's reporter on both the JobManager and the TaskManager"
  exit 1
fi
say "OK: $predictions predictions on the consumer's log; Prometheus scrapes the JobManager and the TaskManager"
