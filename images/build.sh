#!/usr/bin/env bash
# Builds the Modelship container images into the local image store (podman's, or docker's with
# CONTAINER_TOOL=docker):
#
#   ghcr.io/modelship/serving-runtime:0.1.0         the serving runtime (GPL-3.0-or-later: bundles Smile)
#   ghcr.io/modelship/operator:0.1.0                the operator (Apache-2.0)
#   ghcr.io/modelship/serving-runtime:0.1.0-apache  with --apache: the runtime without Smile (Apache-2.0,
#                                                   ONNX packages only)
#
#   images/build.sh                 # both images; builds the jars with Maven first if they are missing
#   images/build.sh runtime         # only the serving runtime (or: operator)
#   images/build.sh --apache        # only the Apache-2.0 runtime, from a -DnoSmile jar (built here if needed)
#
# Options:
#   --standins | --no-standins   base images: the offline stand-ins (images/standins.sh) or the real
#                                public ones; default: the real ones when present or pullable, else
#                                the stand-ins (say which, at the start)
#   --maven                      (re)build the jars with Maven first even if they exist
# Environment: VERSION (default 0.1.0), REGISTRY (default ghcr.io/modelship), IMAGE_TAG (default
# VERSION; the tests use their own, as other builds on the same machine share podman's store), JDK_IMAGE, BASE_IMAGE
# (override the FROM images), PODMAN_OPTS (global podman options; on a host with cgroup v1 or a hybrid
# layout it defaults to "--runtime runc --cgroup-manager cgroupfs", which such hosts need).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
VERSION=${VERSION:-0.1.0}
REGISTRY=${REGISTRY:-ghcr.io/modelship}
IMAGE_TAG=${IMAGE_TAG:-$VERSION}
REAL_JDK=docker.io/library/eclipse-temurin:25-jdk
REAL_BASE=gcr.io/distroless/cc-debian12:nonroot

die() { echo "images/build.sh: $*" >&2; exit 1; }
say() { echo "images/build.sh: $*" >&2; }

standins=auto
maven=false
apache=false
targets=()
for arg in "$@"; do
  case $arg in
    --standins) standins=true ;;
    --no-standins) standins=false ;;
    --maven) maven=true ;;
    --apache) apache=true ;;
    runtime|serving-runtime) targets+=(runtime) ;;
    operator) targets+=(operator) ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument '$arg' (see --help)" ;;
  esac
done
if $apache; then
  ((${#targets[@]} == 0)) || die "--apache builds the Apache-2.0 runtime image only; leave out '${targets[*]}'"
  targets=(runtime)
elif ((${#targets[@]} == 0)); then
  targets=(runtime operator)
fi

TOOL=${CONTAINER_TOOL:-podman}
command -v "$TOOL" >/dev/null || die "$TOOL is not installed (Debian: apt-get install -y podman buildah runc)"
if [[ -z ${PODMAN_OPTS+set} ]]; then
  PODMAN_OPTS=
  # crun refuses a hybrid cgroup layout (v1 controllers plus /sys/fs/cgroup/unified); runc runs on it.
  if [[ $TOOL == podman && $(stat -fc %T /sys/fs/cgroup 2>/dev/null) != cgroup2fs ]] && command -v runc >/dev/null; then
    PODMAN_OPTS="--runtime runc --cgroup-manager cgroupfs"
  fi
fi
export PODMAN_OPTS
tool() { "$TOOL" $PODMAN_OPTS "$@"; }
# RUN steps get explicit limits at or below this shell's: podman would otherwise ask for more than
# an unprivileged or containerised host allows (raising a limit is refused). nproc also stays at or
# below 8192: on this project's CI machines runc is refused anything from 65536 up.
limit() { local v; v=$(ulimit "$1"); [[ $v == unlimited ]] && v=$2; echo $((v < $2 ? v : $2)); }
ULIMITS=(--ulimit "nofile=$(limit -n 65536):$(limit -n 65536)" --ulimit "nproc=$(limit -u 8192):$(limit -u 8192)")

# --- the jars ------------------------------------------------------------------------------------
RUNTIME_JAR=serving-runtime/target/serving-runtime.jar
OPERATOR_JAR=operator/target/operator.jar
# Whether the runtime jar bundles the Smile format (the default, GPL) or not (-DnoSmile, Apache-2.0).
has_smile() {
  local list
  if command -v unzip >/dev/null; then
    list=$(unzip -Z1 "$ROOT/$RUNTIME_JAR")
  else
    local jar
    for jar in "${JAVA_HOME:-/nonexistent}/bin/jar" /usr/lib/jvm/*/bin/jar; do [[ -x $jar ]] && break; done
    list=$("$jar" tf "$ROOT/$RUNTIME_JAR")
  fi
  grep -q '^io/modelship/format/smile/' <<<"$list"
}
mvn_package() {
  say "building $* with Maven"
  (cd "$ROOT" && ./mvnw -B -q -ntp package -DskipTests "$@")
}
if [[ " ${targets[*]} " == *" runtime "* ]]; then
  if $apache; then
    if $maven || [[ ! -f $ROOT/$RUNTIME_JAR ]] || has_smile; then
      mvn_package -pl serving-runtime -am -DnoSmile
    fi
    ! has_smile || die "$RUNTIME_JAR still bundles Smile; build it with: ./mvnw -pl serving-runtime -am package -DskipTests -DnoSmile"
  else
    if $maven || [[ ! -f $ROOT/$RUNTIME_JAR ]]; then
      mvn_package -pl serving-runtime -am
    fi
    has_smile || die "$RUNTIME_JAR is the Apache-2.0 bundle (built with -DnoSmile); build the default one with:" \
      "./mvnw -pl serving-runtime -am package -DskipTests, or build this image with --apache"
  fi
fi
if [[ " ${targets[*]} " == *" operator "* ]] && { $maven || [[ ! -f $ROOT/$OPERATOR_JAR ]]; }; then
  mvn_package -pl operator -am
fi

# --- the base images ------------------------------------------------------------------------------
available() {
  tool image exists "$1" && return 0
  timeout "${PULL_TIMEOUT:-60}" "$TOOL" $PODMAN_OPTS pull -q "$1" >/dev/null 2>&1
}
PULL=()
if [[ -n ${JDK_IMAGE:-} || -n ${BASE_IMAGE:-} ]]; then
  JDK_IMAGE=${JDK_IMAGE:-$REAL_JDK}
  BASE_IMAGE=${BASE_IMAGE:-$REAL_BASE}
elif [[ $standins == false ]] || { [[ $standins == auto ]] && available "$REAL_JDK" && available "$REAL_BASE"; }; then
  JDK_IMAGE=$REAL_JDK
  BASE_IMAGE=$REAL_BASE
else
  [[ $standins == true ]] || say "$REAL_JDK or $REAL_BASE cannot be pulled here: building on the offline stand-ins (images/README.md)"
  [[ $TOOL == podman ]] || die "the stand-ins are made with podman; set CONTAINER_TOOL=podman"
  { read -r BASE_IMAGE; read -r JDK_IMAGE; } < <("$ROOT/images/standins.sh")
  # Local names: never look for them in a registry.
  PULL=(--pull=never)
fi
say "FROM $JDK_IMAGE (build stages) and $BASE_IMAGE (final image)"

REVISION=$(git -C "$ROOT" rev-parse HEAD 2>/dev/null || echo unknown)
[[ $REVISION == unknown ]] || git -C "$ROOT" diff --quiet HEAD -- 2>/dev/null || REVISION="$REVISION-dirty"

build() {
  local name=$1 containerfile=$2; shift 2
  say "building $name"
  local start=$SECONDS
  tool build "${PULL[@]}" "${ULIMITS[@]}" --layers -f "$ROOT/$containerfile" -t "$name" \
    --build-arg JDK_IMAGE="$JDK_IMAGE" --build-arg BASE_IMAGE="$BASE_IMAGE" \
    --build-arg VERSION="$VERSION" --build-arg REVISION="$REVISION" "$@" \
    "$ROOT" >&2
  say "built $name in $((SECONDS - start)) s, $(tool image inspect --format '{{.Size}}' "$name" | awk '{ printf "%.1f MB", $1 / 1e6 }')"
  echo "$name"
}

for target in "${targets[@]}"; do
  case $target in
    runtime)
      if $apache; then
        build "$REGISTRY/serving-runtime:$IMAGE_TAG-apache" images/serving-runtime/Containerfile \
          --build-arg LICENSE=Apache-2.0 --build-arg AOT_CACHE=false
      else
        build "$REGISTRY/serving-runtime:$IMAGE_TAG" images/serving-runtime/Containerfile
      fi ;;
    operator)
      build "$REGISTRY/operator:$IMAGE_TAG" images/operator/Containerfile ;;
  esac
done
