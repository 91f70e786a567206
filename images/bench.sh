#!/usr/bin/env bash
# Container benchmark of the images, side by side with process mode (the jar on the host JDK, the
# flags benchmarks/run-serving.sh measured): image sizes, cold start to /ready with and without the
# AOT cache, peak memory under /predict load and under a flood of 8 MiB /predict_batch bodies.
# Builds nothing: run images/build.sh first. Needs podman, wrk, curl, python3. Figures:
# docs/benchmarks.md ("Container images").
#
#   images/bench.sh                    # 5 starts each, 20 s load
#   BENCH_STARTS=3 BENCH_DURATION=10 images/bench.sh
#
# Environment: REGISTRY, IMAGE_TAG (as for build.sh), BENCH_STARTS, BENCH_DURATION (s), BENCH_MEMORY (the container's memory limit for the
# load runs, default 384m: the operator's default), BENCH_WORK (scratch, default images/target/bench),
# JAVA (a JDK 25 java for process mode), PODMAN_OPTS.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=${BENCH_WORK:-$ROOT/images/target/bench}
STARTS=${BENCH_STARTS:-5}
DURATION=${BENCH_DURATION:-20}
MEMORY=${BENCH_MEMORY:-384m}
RUNTIME=${REGISTRY:-ghcr.io/modelship}/serving-runtime:${IMAGE_TAG:-0.1.0}
OPERATOR=${REGISTRY:-ghcr.io/modelship}/operator:${IMAGE_TAG:-0.1.0}
MODEL=$ROOT/examples/models/iris-1.0.0.tar.gz
JAR=$ROOT/serving-runtime/target/serving-runtime.jar
AOT=$ROOT/serving-runtime/target/serving-runtime.aot
PROCESS_FLAGS="-XX:+UseSerialGC -Xmx104m -Xmn64m"

die() { echo "images/bench.sh: $*" >&2; exit 1; }
for tool in podman wrk curl python3; do command -v $tool >/dev/null || die "$tool is missing"; done
if [[ -z ${PODMAN_OPTS+set} ]]; then
  PODMAN_OPTS=
  [[ $(stat -fc %T /sys/fs/cgroup) != cgroup2fs ]] && PODMAN_OPTS="--runtime runc --cgroup-manager cgroupfs"
fi
pm() { podman $PODMAN_OPTS "$@"; }
JAVA=${JAVA:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
[[ -x $JAVA ]] || die "no JDK 25 java at $JAVA; set JAVA"
for image in $RUNTIME $OPERATOR; do pm image exists $image || die "$image is missing; run images/build.sh"; done
[[ -f $JAR ]] || die "$JAR is missing; run ./mvnw -pl serving-runtime -am package -DskipTests"
mkdir -p "$WORK"

NAME=modelship-bench-$$
PID=
cleanup() {
  pm rm -f -t 2 "$NAME" >/dev/null 2>&1 || true
  [[ -n $PID ]] && kill "$PID" 2>/dev/null || true
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
ms_since() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }
wait_ready() {
  local port=$1 deadline=$(( $(date +%s) + 60 ))
  until [[ $(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/ready") == 200 ]]; do
    (( $(date +%s) < deadline )) || return 1
    sleep 0.01
  done
}
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
spread() { sort -n | awk '{ v[NR] = $1 } END { printf "%s-%s", v[1], v[NR] }'; }

# start_container PORT MEMORY [podman run options...]: the runtime as the operator's pod runs it.
start_container() {
  local port=$1 memory=$2; shift 2
  pm run -d --name "$NAME" --network host --user 65532:65532 --read-only --read-only-tmpfs=false \
    --tmpfs /tmp:rw,size=256m,mode=1777 --cap-drop ALL --security-opt no-new-privileges \
    --memory "$memory" --memory-swap "$memory" --ulimit nofile=4096:4096 --ulimit nproc=4096:4096 \
    -v "$MODEL:/models/iris.tar.gz:ro" -e MODEL_URI=/models/iris.tar.gz -e PORT="$port" \
    -e JAVA_TOOL_OPTIONS=-XX:+ExitOnOutOfMemoryError -e MALLOC_ARENA_MAX=2 -e SHUTDOWN_DELAY_SECONDS=0 \
    "$@" "$RUNTIME" >/dev/null
}
stop_container() { pm rm -f -t 10 "$NAME" >/dev/null; }
cgroup_file() {
  local id; id=$(pm inspect --format '{{.Id}}' "$NAME")
  for f in /sys/fs/cgroup/memory/libpod_parent/libpod-$id/$1 /sys/fs/cgroup/memory/machine.slice/libpod-$id.scope/$1; do
    [[ -r $f ]] && { cat "$f"; return; }
  done
  echo 0
}
mib() { awk -v b="$1" 'BEGIN { printf "%.0f", b / 1048576 }'; }

python3 - "$WORK" <<'EOF'
import json, sys
json.dump({"features": [5.1, 3.5, 1.4, 0.2]}, open(sys.argv[1] + "/predict.json", "w"))
rows, body = [], '{"instances": [[5.1,3.5,1.4,0.2]'
body += ',[6.7,3.0,5.2,2.3]' * ((8 * 1024 * 1024 - 1024 - len(body)) // 18) + ']}'
open(sys.argv[1] + "/flood.json", "w").write(body)
EOF
cat >"$WORK/post.lua" <<'EOF'
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local f = io.open(os.getenv("BODY"), "rb"); wrk.body = f:read("*a"); f:close()
EOF

echo "== machine"
echo "date     $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "cpus     $(nproc) x $(lscpu | sed -nE 's/^Model name: *//p')"
echo "load     $(cut -d' ' -f1-3 /proc/loadavg)"
echo "podman   $(podman --version | cut -d' ' -f3) $PODMAN_OPTS"

echo "== image sizes (podman image inspect .Size)"
for image in $RUNTIME $OPERATOR; do
  printf '%-45s %s MB\n' "$image" "$(pm image inspect --format '{{.Size}}' $image | awk '{ printf "%.1f", $1 / 1e6 }')"
done

PORT=$(free_port)
echo "== cold start, podman run -> /ready 200, $STARTS starts each, limit $MEMORY"
for mode in aot noaot; do
  times=()
  for ((i = 1; i <= STARTS; i++)); do
    start=$(date +%s%N)
    if [[ $mode == aot ]]; then start_container "$PORT" "$MEMORY"; else start_container "$PORT" "$MEMORY" -e JDK_JAVA_OPTIONS=-XX:AOTMode=off; fi
    wait_ready "$PORT" || { pm logs "$NAME" >&2; die "container did not become ready"; }
    times+=("$(ms_since "$start")")
    stop_container
  done
  echo "container, $([[ $mode == aot ]] && echo "with AOT cache   " || echo "without AOT cache"): median $(printf '%s\n' "${times[@]}" | median) ms (${times[*]})"
done
for mode in aot noaot; do
  times=()
  for ((i = 1; i <= STARTS; i++)); do
    start=$(date +%s%N)
    extra=(); [[ $mode == aot && -f $AOT ]] && extra=(-XX:AOTCache="$AOT")
    MALLOC_ARENA_MAX=2 MODEL_URI=$MODEL PORT=$PORT "$JAVA" $PROCESS_FLAGS "${extra[@]}" -jar "$JAR" serve >"$WORK/process.log" 2>&1 &
    PID=$!
    wait_ready "$PORT" || die "process did not become ready; see $WORK/process.log"
    times+=("$(ms_since "$start")")
    kill "$PID"; wait "$PID" 2>/dev/null || true; PID=
  done
  echo "process,   $([[ $mode == aot ]] && echo "with AOT cache   " || echo "without AOT cache"): median $(printf '%s\n' "${times[@]}" | median) ms (${times[*]})"
done

load() {
  BODY=$WORK/predict.json wrk -t2 -c8 -d"${DURATION}s" -s "$WORK/post.lua" "http://127.0.0.1:$PORT/predict" \
    | awk '/Requests\/sec/ { printf "%s req/s", $2 }'
}
flood() {
  local statuses
  statuses=$(for _ in $(seq 16); do
    curl -s -o /dev/null -w '%{http_code}\n' -XPOST -H 'Content-Type: application/json' --data-binary @"$WORK/flood.json" \
      "http://127.0.0.1:$PORT/predict_batch" &
  done; wait)
  echo "$statuses" | sort | uniq -c | awk '{ printf "%s x %s ", $1, $2 }'
}
for memory in "$MEMORY" 256m; do
  echo "== container, limit $memory: peak memory (cgroup memory.max_usage_in_bytes; rss from memory.stat)"
  start_container "$PORT" "$memory"
  wait_ready "$PORT" || die "container did not become ready"
  echo "after start: usage $(mib "$(cgroup_file memory.usage_in_bytes)") MiB"
  echo "/predict load ${DURATION}s: $(load); peak $(mib "$(cgroup_file memory.max_usage_in_bytes)") MiB," \
    "rss $(mib "$(cgroup_file memory.stat | awk '$1 == "total_rss" { print $2 }')") MiB"
  echo "flood, 16 x 8 MiB /predict_batch: $(flood); peak $(mib "$(cgroup_file memory.max_usage_in_bytes)") MiB," \
    "OOMKilled $(pm inspect --format '{{.State.OOMKilled}}' "$NAME"), running $(pm inspect --format '{{.State.Running}}' "$NAME")"
  stop_container
done

echo "== process mode ($PROCESS_FLAGS, AOT cache), VmHWM"
MALLOC_ARENA_MAX=2 MODEL_URI=$MODEL PORT=$PORT "$JAVA" $PROCESS_FLAGS -XX:AOTCache="$AOT" -jar "$JAR" serve >"$WORK/process.log" 2>&1 &
PID=$!
wait_ready "$PORT" || die "process did not become ready"
echo "/predict load ${DURATION}s: $(load); VmHWM $(awk '/VmHWM/ { printf "%.0f", $2 / 1024 }' /proc/$PID/status) MiB"
echo "flood: $(flood); VmHWM $(awk '/VmHWM/ { printf "%.0f", $2 / 1024 }' /proc/$PID/status) MiB"
kill "$PID"; wait "$PID" 2>/dev/null || true; PID=
