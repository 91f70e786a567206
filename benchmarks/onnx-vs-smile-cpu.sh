#!/usr/bin/env bash
# Server CPU per one-row POST /predict: the same data's random forest (100 trees, depth 10, 20
# features) served as a Smile package (train) and as an ONNX package (scikit-learn's forest written
# by examples/onnx/make_models.py, wrapped by package; served by the compiled trees), both running,
# wrk alternating between them $REPEATS times for $SECONDS_PER_RUN s, 8 connections; CPU from
# /proc/PID/stat. With JFR=1 each runtime also records a flight recording and the script prints the
# hottest frames of each (jfr print), which is how a per-step difference is found.
#
#   bash benchmarks/onnx-vs-smile-cpu.sh     # needs serving-runtime/target/serving-runtime.jar, wrk, python3-sklearn/onnx
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
JAR=$ROOT/serving-runtime/target/serving-runtime.jar
JAVA=${JAVA:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
JVM_FLAGS=${JVM_FLAGS:--XX:+UseSerialGC -Xmx104m -Xmn64m}
SECONDS_PER_RUN=${SECONDS_PER_RUN:-8}
REPEATS=${REPEATS:-3}
W=$(mktemp -d /tmp/onnx-smile.XXXXXX)
"$JAVA" -jar "$JAR" generate-data --rows 5000 --features 20 --seed 42 --out "$W/data.csv" >/dev/null
"$JAVA" -jar "$JAR" train --data "$W/data.csv" --target label --name bench-rf --version 1 --out "$W/smile" \
  --algorithm random-forest --trees 100 --max-depth 10 --seed 42 >/dev/null
/usr/bin/python3 "$ROOT/examples/onnx/make_models.py" --bench-forest "$W/forest.onnx" --data "$W/data.csv" \
  --target label --trees 100 --max-depth 10 --seed 42 >/dev/null
"$JAVA" -jar "$JAR" package --artifact "$W/forest.onnx" --data "$W/data.csv" --target label --name bench-onnx \
  --version 1 --out "$W/onnx" >/dev/null 2>&1
python3 -c "import json; print(json.dumps({'features': [0.1 * i for i in range(20)]}))" >"$W/row.json"
pids=()
start() { # name port
  local jfr=
  [[ ${JFR:-0} == 1 ]] && jfr="-XX:StartFlightRecording=filename=$W/$1.jfr,settings=profile,dumponexit=true"
  MALLOC_ARENA_MAX=2 GRPC_PORT=0 "$JAVA" $JVM_FLAGS $jfr -jar "$JAR" serve --model "$W/$1" --port "$2" >"$W/$1.log" 2>&1 &
  pids+=($!)
}
trap 'for p in "${pids[@]}"; do kill $p 2>/dev/null || true; done; wait 2>/dev/null || true' EXIT
start smile 28380; SMILE=${pids[0]}
start onnx 28390; ONNX=${pids[1]}
for port in 28380 28390; do
  for _ in $(seq 1 150); do curl -sf "http://127.0.0.1:$port/ready" >/dev/null && break; sleep 0.2; done
done
cpu() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
echo "machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg)"
for r in $(seq 0 "$REPEATS"); do
  for name in smile onnx; do
    pid=$SMILE; port=28380
    [[ $name == onnx ]] && { pid=$ONNX; port=28390; }
    d=$SECONDS_PER_RUN; (( r == 0 )) && d=3
    before=$(cpu "$pid")
    out=$(WRK_BODY_FILE="$W/row.json" wrk -t2 -c8 -d"${d}s" -s "$ROOT/benchmarks/wrk-report.lua" "http://127.0.0.1:$port/predict" 2>&1)
    after=$(cpu "$pid")
    requests=$(sed -n 's/.*wrk: requests=\([0-9]*\).*/\1/p' <<<"$out")
    rps=$(sed -n 's/.*rps=\([0-9.]*\).*/\1/p' <<<"$out")
    (( r == 0 )) && continue
    awk -v n="$name" -v r="$r" -v c=$((after - before)) -v q="$requests" -v s="$rps" \
      'BEGIN { printf "run %d %-6s %8.0f req/s  server CPU %6.1f us/request\n", r, n, s, c * 10000 / q }'
  done
done
if [[ ${JFR:-0} == 1 ]]; then
  for p in "${pids[@]}"; do kill "$p"; done; wait 2>/dev/null || true
  for name in smile onnx; do
    echo "--- $name: top frames (jdk.ExecutionSample)"
    "$(dirname "$JAVA")/jfr" print --events jdk.ExecutionSample "$W/$name.jfr" \
      | awk '/stackTrace = \[/ { getline; gsub(/^ +/, ""); sub(/line:.*/, ""); top[$0]++; n++ } END { for (f in top) printf "%6.2f%% %s\n", 100 * top[f] / n, f }' \
      | sort -rn | head -15
  done
fi
