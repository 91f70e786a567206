#!/usr/bin/env bash
# Serving-runtime benchmark, side by side with the seeds' stack (FastAPI + uvicorn + scikit-learn),
# against the performance targets of the product specification (section 5). Installs nothing;
# takes under 7 minutes. Figures and decisions: docs/benchmarks.md.
#
#   benchmarks/run-serving.sh                 # everything, 20 s per measured run after 5 s warm-up
#   BENCH_DURATION=5 BENCH_WARMUP=2 benchmarks/run-serving.sh   # a quick look, figures less stable
#
# Environment: BENCH_DURATION, BENCH_WARMUP (seconds), BENCH_ROWS, BENCH_SEED, BENCH_PORT,
# BENCH_SEED_PORT, BENCH_WORK (scratch dir, default benchmarks/target), JVM_FLAGS, JAVA (a JDK 25+
# java). Load only ever goes to 127.0.0.1. Not part of `./mvnw verify`.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BENCH=$ROOT/benchmarks
WORK=${BENCH_WORK:-$BENCH/target}
DURATION=${BENCH_DURATION:-20}
WARMUP=${BENCH_WARMUP:-5}
ROWS=${BENCH_ROWS:-5000}
SEED=${BENCH_SEED:-42}
PORT=${BENCH_PORT:-28080}
SEED_PORT=${BENCH_SEED_PORT:-28090}
OFF_PORT=$((PORT + 1))
CONNECTIONS=8
THREADS=2
PY=/usr/bin/python3
JAR=$ROOT/serving-runtime/target/serving-runtime.jar
# Chosen by measurement on the 2-core box; see docs/benchmarks.md ("JVM flags").
JVM_FLAGS=${JVM_FLAGS:--XX:+UseSerialGC -Xmx104m -Xmn64m}

die() { echo "run-serving: $*" >&2; exit 1; }
step() { printf '\n== %s\n' "$*"; }
# Reads key=value out of a "wrk: …" or "bench: …" line.
field() { sed -nE "s/.* $2=([^ ]+).*/\1/p" <<<"$1"; }
calc() { awk "BEGIN { printf \"$1\", $2 }"; }

# --- prerequisites -------------------------------------------------------------------------------
missing=()
command -v wrk >/dev/null || missing+=(wrk)
command -v curl >/dev/null || missing+=(curl)
$PY -c 'import sklearn, fastapi, uvicorn, joblib, onnx' 2>/dev/null \
  || missing+=(python3-sklearn python3-fastapi python3-uvicorn python3-joblib python3-onnx)
if ((${#missing[@]})); then
  echo "run-serving: missing prerequisites; install them (Debian bookworm) with:" >&2
  echo "  apt-get update && apt-get install -y ${missing[*]}" >&2
  exit 2
fi

java_major() { "$1" -XshowSettings:properties -version 2>&1 | sed -nE 's/^ *java\.specification\.version = ([0-9]+).*/\1/p'; }
if [[ -z ${JAVA:-} ]]; then
  for candidate in "${JAVA_HOME:-}/bin/java" "$(command -v java || true)" /usr/lib/jvm/*/bin/java; do
    if [[ -x $candidate ]] && (( $(java_major "$candidate" || echo 0) >= 25 )); then JAVA=$candidate; break; fi
  done
fi
[[ -n ${JAVA:-} ]] || die "no JDK 25+ found; set JAVA=/path/to/jdk-25/bin/java"

for port in "$PORT" "$OFF_PORT" "$SEED_PORT"; do
  ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || die "port $port is in use; set BENCH_PORT / BENCH_SEED_PORT"
done

mkdir -p "$WORK"
SERVER_PID=
OFF_PID=
SAMPLER_PID=
LOADAVG_PID=
cleanup() {
  [[ -n $LOADAVG_PID ]] && kill "$LOADAVG_PID" 2>/dev/null || true
  [[ -n $OFF_PID ]] && kill "$OFF_PID" 2>/dev/null || true
  [[ -n $SAMPLER_PID ]] && kill "$SAMPLER_PID" 2>/dev/null || true
  [[ -n $SERVER_PID ]] && kill "$SERVER_PID" 2>/dev/null || true
}
trap cleanup EXIT

# --- machine ---------------------------------------------------------------------------------------
step "machine"
echo "date     $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "cpus     $(nproc) x $(lscpu | sed -nE 's/^Model name: *//p')"
echo "memory   $(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)"
echo "jdk      $("$JAVA" -version 2>&1 | head -1) ($JAVA)"
echo "python   $($PY -c 'import sys, sklearn, fastapi, uvicorn; print(sys.version.split()[0], "sklearn", sklearn.__version__, "fastapi", fastapi.__version__, "uvicorn", uvicorn.__version__)')"
echo "wrk      $(wrk -v 2>&1 | head -1 | cut -d' ' -f1-2)"
# Idle share of all CPUs over 2 s: other work on the box skews every figure below.
cpu_idle() {
  local a b
  a=($(head -1 /proc/stat)); sleep 2; b=($(head -1 /proc/stat))
  awk -v i="$(( b[4] + b[5] - a[4] - a[5] ))" -v t="$(( b[1] + b[2] + b[3] + b[4] + b[5] + b[6] + b[7] + b[8] - a[1] - a[2] - a[3] - a[4] - a[5] - a[6] - a[7] - a[8] ))" \
    'BEGIN { printf "%.0f", 100 * i / t }'
}
IDLE_BEFORE=$(cpu_idle)
echo "load     $(cut -d' ' -f1-3 /proc/loadavg) (1/5/15 min), CPUs ${IDLE_BEFORE}% idle over 2 s before the run"
(( IDLE_BEFORE >= 90 )) || echo "warning: the machine is busy with other work; figures will be low and noisy"
echo "jvm      $JVM_FLAGS"
# The 1-minute load average every 5 s over the whole run, summarised at the end.
: >"$WORK/loadavg.txt"
(while :; do cut -d' ' -f1 /proc/loadavg >>"$WORK/loadavg.txt"; sleep 5; done) &
LOADAVG_PID=$!

# --- build, data, models ---------------------------------------------------------------------------
if [[ ! -f $JAR ]]; then
  step "building $JAR"
  (cd "$ROOT" && { ./mvnw -B -q -o package -pl serving-runtime -am -DskipTests \
                   || ./mvnw -B -q package -pl serving-runtime -am -DskipTests; })
fi
runtime() { "$JAVA" -jar "$JAR" "$@"; }

step "data and models: $ROWS rows x 20 features, seed $SEED; random forest, 100 trees, depth 10"
DATA=$WORK/data.csv
MODEL_DIR=$WORK/model
SEED_MODEL=$WORK/seed-model.joblib
rm -rf "$MODEL_DIR"
runtime generate-data --rows "$ROWS" --features 20 --seed "$SEED" --out "$DATA"
runtime train --data "$DATA" --target label --name bench-rf --version 1 --out "$MODEL_DIR" \
  --algorithm random-forest --trees 100 --max-depth 10 --seed "$SEED"
$PY "$BENCH/seed/train_seed.py" --data "$DATA" --target label --out "$SEED_MODEL" --seed "$SEED"
# A train --out directory may hold the package itself or one archive; serve whichever it is.
MODEL=$MODEL_DIR
if [[ ! -f $MODEL_DIR/model.json ]]; then
  MODEL=$(find "$MODEL_DIR" -maxdepth 2 \( -name model.json -printf '%h\n' -o -name '*.tar.gz' -print -o -name '*.zip' -print \) | head -1)
  [[ -n $MODEL ]] || die "train wrote no model package under $MODEL_DIR"
fi
echo "model package: $MODEL"

# One row and 1000 rows of the data set, without the label, as request bodies.
$PY - "$DATA" "$WORK" <<'EOF'
import csv, json, sys
with open(sys.argv[1], newline="") as f:
    reader = csv.reader(f)
    header = next(reader)
    t = header.index("label")
    rows = [[float(v) for i, v in enumerate(r) if i != t] for _, r in zip(range(1000), reader)]
json.dump({"features": rows[0]}, open(sys.argv[2] + "/predict.json", "w"))
json.dump({"instances": (rows * 1000)[:1000]}, open(sys.argv[2] + "/batch.json", "w"))
EOF

# --- helpers ---------------------------------------------------------------------------------------
# start_runtime NAME [ENV=VALUE…]: starts `serve` in the background with $JVM_FLAGS and $EXTRA_FLAGS;
# sets SERVER_PID. Listens on $RUNTIME_PORT, default $PORT.
EXTRA_FLAGS=
# The runtime runs with the environment the operator gives its pods: MALLOC_ARENA_MAX=2
# (RuntimeEnvironment.MALLOC_ARENAS; glibc would otherwise keep up to 16 arenas on 2 cores).
# GRPC_PORT=0: its gRPC server takes a free port, so runtimes started here never clash on 8081.
RUNTIME_ENV=(MALLOC_ARENA_MAX="${RUNTIME_MALLOC_ARENA_MAX:-2}" GRPC_PORT=0)
start_runtime() {
  local name=$1; shift
  env "${RUNTIME_ENV[@]}" "$@" "$JAVA" $JVM_FLAGS $EXTRA_FLAGS -jar "$JAR" serve --model "$MODEL" --port "${RUNTIME_PORT:-$PORT}" \
    >"$WORK/serve-$name.log" 2>&1 &
  SERVER_PID=$!
}
stop_server() {
  kill "$SERVER_PID" 2>/dev/null || true
  wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=
}
# wait_for URL TIMEOUT_S [START_NS]: polls every 10 ms until URL answers 200; prints the ms since
# START_NS (default: now).
wait_for() {
  local url=$1 deadline=$(( $(date +%s%N) + $2 * 1000000000 )) start=${3:-$(date +%s%N)} now
  while true; do
    [[ $(curl -s -o /dev/null -w '%{http_code}' "$url" 2>/dev/null) == 200 ]] && break
    now=$(date +%s%N)
    if (( now > deadline )) || ! kill -0 "$SERVER_PID" 2>/dev/null; then return 1; fi
    sleep 0.01
  done
  echo $(( ($(date +%s%N) - start) / 1000000 ))
}
# CPU time (utime + stime, clock ticks) a process has used so far.
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
HZ=$(getconf CLK_TCK)
# load NAME URL [BODY_FILE [CONNECTIONS THREADS]]: wrk warm-up, then the measured run; sets LINE, with
# the server's ($SERVER_PID) CPU time per request added as server_cpu_us.
load() {
  local name=$1 url=$2 body=${3:-} c=${4:-$CONNECTIONS} t=${5:-$THREADS} out
  out=$WORK/wrk-$(tr -cs 'a-zA-Z0-9' '-' <<<"$name" | sed 's/-*$//').txt
  WRK_BODY_FILE=$body wrk -t"$t" -c"$c" -d"${WARMUP}s" -s "$BENCH/wrk-report.lua" "$url" >/dev/null
  local ticks
  ticks=$(cpu_ticks "$SERVER_PID")
  WRK_BODY_FILE=$body wrk -t"$t" -c"$c" -d"${DURATION}s" --latency -s "$BENCH/wrk-report.lua" "$url" \
    >"$out"
  ticks=$(( $(cpu_ticks "$SERVER_PID") - ticks ))
  LINE=$(grep '^wrk:' "$out")
  LINE="$LINE server_cpu_us=$(calc "%.1f" "1e6 * $ticks / $HZ / $(field "$LINE" requests)")"
  printf '%-28s %s\n' "$name" "${LINE#wrk: }"
}
status_kib() { awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status" 2>/dev/null || echo 0; }
# Samples the server's VmRSS every 250 ms into $WORK/rss.txt until stopped.
start_sampler() {
  : >"$WORK/rss.txt"
  (while kill -0 "$SERVER_PID" 2>/dev/null; do status_kib "$SERVER_PID" VmRSS >>"$WORK/rss.txt"; sleep 0.25; done) &
  SAMPLER_PID=$!
}
stop_sampler() { kill "$SAMPLER_PID" 2>/dev/null || true; wait "$SAMPLER_PID" 2>/dev/null || true; SAMPLER_PID=; }
mib() { calc "%.0f" "$1 / 1024"; }

# --- (a) cold start ----------------------------------------------------------------------------------
step "(a) cold start: serve -> /ready 200, 3 starts"
starts=()
for i in 1 2 3; do
  forked=$(date +%s%N)
  start_runtime "cold-$i"
  ms=$(wait_for "http://127.0.0.1:$PORT/ready" 30 "$forked") \
    || die "runtime did not become ready; see $WORK/serve-cold-$i.log"
  starts+=("$ms")
  echo "start $i: $ms ms"
  stop_server
done
read -r COLD_BEST COLD_MEDIAN < <(printf '%s\n' "${starts[@]}" | sort -n | awk '{ v[NR] = $1 } END { print v[1], v[2] }')
echo "cold start: best $COLD_BEST ms, median $COLD_MEDIAN ms"

# JDK 25 ahead-of-time cache (JEP 483/514): `./mvnw package` records serving-runtime.aot next to the
# jar, and an image ships it. If it is missing or does not fit these flags (-XX:AOTMode=on refuses to
# start then), one training run of `serve` records a cache here instead.
step "(a) cold start with a JDK AOT cache (-XX:AOTCache), 3 starts"
AOT=$ROOT/serving-runtime/target/serving-runtime.aot
if [[ -f $AOT ]] && "$JAVA" $JVM_FLAGS -XX:AOTCache="$AOT" -XX:AOTMode=on -jar "$JAR" --version >/dev/null 2>&1; then
  echo "using the build's cache $AOT"
else
  AOT=$WORK/serve.aot
  echo "no usable build cache; recording $AOT from a training run of serve"
  rm -f "$AOT"
  EXTRA_FLAGS="-XX:AOTCacheOutput=$AOT"
  start_runtime aot-training
  wait_for "http://127.0.0.1:$PORT/ready" 30 >/dev/null || die "AOT training run did not become ready"
  for _ in 1 2 3 4 5; do
    curl -s -o /dev/null -XPOST -H 'Content-Type: application/json' --data @"$WORK/predict.json" "http://127.0.0.1:$PORT/predict"
    curl -s -o /dev/null -XPOST -H 'Content-Type: application/json' --data @"$WORK/batch.json" "http://127.0.0.1:$PORT/predict_batch"
    curl -s -o /dev/null "http://127.0.0.1:$PORT/metrics"
  done
  stop_server
fi
aot_starts=()
if [[ -f $AOT ]]; then
  EXTRA_FLAGS="-XX:AOTCache=$AOT"
  for i in 1 2 3; do
    forked=$(date +%s%N)
    start_runtime "aot-$i"
    ms=$(wait_for "http://127.0.0.1:$PORT/ready" 30 "$forked") || die "runtime did not become ready with the AOT cache"
    aot_starts+=("$ms")
    echo "start $i: $ms ms"
    stop_server
  done
  read -r AOT_BEST AOT_MEDIAN < <(printf '%s\n' "${aot_starts[@]}" | sort -n | awk '{ v[NR] = $1 } END { print v[1], v[2] }')
  echo "cold start with AOT cache ($(( $(stat -c %s "$AOT") / 1048576 )) MiB): best $AOT_BEST ms, median $AOT_MEDIAN ms"
else
  AOT_BEST=none AOT_MEDIAN=none
  echo "no AOT cache was written; see $WORK/serve-aot-training.log"
fi
# The load runs start the way the image does: with the cache when there is one.
[[ $AOT_MEDIAN == none ]] && EXTRA_FLAGS= || EXTRA_FLAGS="-XX:AOTCache=$AOT"
echo "runtime for the load runs: $JVM_FLAGS $EXTRA_FLAGS"

# --- (b, c, d) runtime, monitoring on ----------------------------------------------------------------
step "(b) runtime, monitoring on: wrk -t$THREADS -c$CONNECTIONS, ${WARMUP}s warm-up + ${DURATION}s each"
start_runtime monitoring-on MONITORING_ENABLED=true
wait_for "http://127.0.0.1:$PORT/ready" 30 >/dev/null || die "runtime did not become ready; see $WORK/serve-monitoring-on.log"
curl -sf -XPOST -H 'Content-Type: application/json' --data @"$WORK/predict.json" "http://127.0.0.1:$PORT/predict" \
  >"$WORK/predict-answer.json" || die "POST /predict failed: $(cat "$WORK/predict-answer.json")"
echo "sample answer: $(cat "$WORK/predict-answer.json")"
load "GET /health" "http://127.0.0.1:$PORT/health"
HEALTH=$LINE
start_sampler
load "POST /predict" "http://127.0.0.1:$PORT/predict" "$WORK/predict.json"
PREDICT_ON=$LINE
stop_sampler
RSS_LOAD_MAX=$(sort -n "$WORK/rss.txt" | tail -1)
RSS_AFTER=$(status_kib "$SERVER_PID" VmRSS)
RSS_HWM=$(status_kib "$SERVER_PID" VmHWM)
step "(d) RSS of the runtime during and after the /predict load"
echo "VmRSS max during load $(mib "$RSS_LOAD_MAX") MiB, after $(mib "$RSS_AFTER") MiB, VmHWM $(mib "$RSS_HWM") MiB"

step "(c) /predict_batch, 1000 rows per request, 1 connection (like sklearn's one job)"
load "POST /predict_batch x1000" "http://127.0.0.1:$PORT/predict_batch" "$WORK/batch.json" 1 1
BATCH=$LINE
BATCH_ROWS=$(calc "%.0f" "$(field "$BATCH" rps) * 1000")
echo "batch: $BATCH_ROWS rows/s"
RSS_HWM=$(status_kib "$SERVER_PID" VmHWM)
echo "VmHWM after the batch load $(mib "$RSS_HWM") MiB"

step "in-tree load generator (informational): serving-runtime.jar bench on /predict, 5 s"
# Shares the 2 cores with the server, and HttpClient costs more CPU per request than wrk.
"$JAVA" -XX:+UseSerialGC -jar "$JAR" bench --url "http://127.0.0.1:$PORT/predict" --body-file "$WORK/predict.json" \
  --concurrency "$CONNECTIONS" --duration 5s --warmup 2s | tail -1 || echo "bench subcommand failed"

# --- (b) monitoring cost ------------------------------------------------------------------------------
# The cost is a difference of a few percent, smaller than the drift of a shared box over a minute, so
# two fresh runtimes, monitoring on and off, run side by side, are warmed alike and /predict
# alternates between them in short slices. (Comparing with the runtime measured above, which had
# other traffic and a longer warm-up, read 4-7% where equal pairs read 15-17%.)
stop_server
SLICE=$(( DURATION / 4 < 2 ? 2 : DURATION / 4 ))
step "(b) monitoring cost: two fresh runtimes, monitoring on and off; /predict alternates, 4 x ${SLICE}s each"
start_runtime monitoring-on-pair MONITORING_ENABLED=true
ON_PID=$SERVER_PID
RUNTIME_PORT=$OFF_PORT start_runtime monitoring-off MONITORING_ENABLED=false
OFF_PID=$SERVER_PID
wait_for "http://127.0.0.1:$OFF_PORT/ready" 30 >/dev/null || die "runtime did not become ready; see $WORK/serve-monitoring-off.log"
SERVER_PID=$ON_PID
wait_for "http://127.0.0.1:$PORT/ready" 30 >/dev/null || die "runtime did not become ready; see $WORK/serve-monitoring-on-pair.log"
for _ in 1 2; do
  for port in "$PORT" "$OFF_PORT"; do
    WRK_BODY_FILE=$WORK/predict.json wrk -t$THREADS -c$CONNECTIONS -d"$(( (WARMUP + DURATION) / 2 ))s" \
      -s "$BENCH/wrk-report.lua" "http://127.0.0.1:$port/predict" >/dev/null
  done
done
: >"$WORK/slices-on.txt"; : >"$WORK/slices-off.txt"
# Throughput of a slice moves with whatever else the box runs; the server's own CPU time per request
# hardly does, so both are reported.
declare -A TICKS=([on]=0 [off]=0) REQS=([on]=0 [off]=0)
for round in 1 2 3 4; do
  for side in on off; do
    port=$PORT pid=$ON_PID
    [[ $side == off ]] && port=$OFF_PORT pid=$OFF_PID
    before=$(cpu_ticks "$pid")
    WRK_BODY_FILE=$WORK/predict.json wrk -t$THREADS -c$CONNECTIONS -d"${SLICE}s" -s "$BENCH/wrk-report.lua" \
      "http://127.0.0.1:$port/predict" | grep '^wrk:' >>"$WORK/slices-$side.txt"
    TICKS[$side]=$(( TICKS[$side] + $(cpu_ticks "$pid") - before ))
    REQS[$side]=$(( REQS[$side] + $(field "$(tail -1 "$WORK/slices-$side.txt")" requests) ))
  done
  printf 'round %d: on %s req/s, off %s req/s\n' "$round" "$(field "$(tail -1 "$WORK/slices-on.txt")" rps)" \
    "$(field "$(tail -1 "$WORK/slices-off.txt")" rps)"
done
CPU_ON=$(calc "%.1f" "1e6 * ${TICKS[on]} / $HZ / ${REQS[on]}")
CPU_OFF=$(calc "%.1f" "1e6 * ${TICKS[off]} / $HZ / ${REQS[off]}")
echo "server CPU per /predict: monitoring on $CPU_ON µs, off $CPU_OFF µs"
# One line per side: mean req/s over the slices, median p50/p95, worst p99/max, all errors.
combine() {
  # Plain awk (Debian's mawk has no asort): insertion sort for the medians.
  awk 'function median(a, n,   i, j, t) { for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j > 0 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
                                         return a[int((n + 1) / 2)] }
       { for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1], NR] = kv[2] } }
       END { for (i = 1; i <= NR; i++) { rps += v["rps", i]; req += v["requests", i]; err += v["errors", i]
               if (v["p99_ms", i] > p99) p99 = v["p99_ms", i]; if (v["max_ms", i] > mx) mx = v["max_ms", i]
               p50[i] = v["p50_ms", i]; p95[i] = v["p95_ms", i] }
             printf "wrk: requests=%d rps=%.1f p50_ms=%.3f p95_ms=%.3f p99_ms=%.3f max_ms=%.3f errors=%d\n",
                    req, rps / NR, median(p50, NR), median(p95, NR), p99, mx, err }' "$1"
}
PREDICT_ON_SLICES="$(combine "$WORK/slices-on.txt") server_cpu_us=$CPU_ON"
PREDICT_OFF="$(combine "$WORK/slices-off.txt") server_cpu_us=$CPU_OFF"
printf '%-28s %s\n' "monitoring on (slices)" "${PREDICT_ON_SLICES#wrk: }" "monitoring off (slices)" "${PREDICT_OFF#wrk: }"
stop_server
SERVER_PID=$OFF_PID; OFF_PID=
stop_server

# --- (b) virtual threads -------------------------------------------------------------------------------
# Jetty on a platform thread pool (the default) keeps p99 near a millisecond; on virtual threads it has
# the higher throughput, but on 2 carriers without preemption its p99 is 10-20x worse, so both are measured.
step "(b) runtime on virtual threads (VIRTUAL_THREADS=true), monitoring on"
start_runtime virtual-threads MONITORING_ENABLED=true VIRTUAL_THREADS=true
wait_for "http://127.0.0.1:$PORT/ready" 30 >/dev/null || die "runtime did not become ready; see $WORK/serve-virtual-threads.log"
load "POST /predict (virtual threads)" "http://127.0.0.1:$PORT/predict" "$WORK/predict.json"
PREDICT_VIRTUAL=$LINE
stop_server

# --- (e) seeds' stack -----------------------------------------------------------------------------------
step "(e) seeds' stack: FastAPI $($PY -c 'import fastapi; print(fastapi.__version__)') + uvicorn (1 worker) + scikit-learn"
SEED_MODEL=$SEED_MODEL $PY -m uvicorn seed_app:app --app-dir "$BENCH/seed" --host 127.0.0.1 --port "$SEED_PORT" \
  --no-access-log --log-level warning >"$WORK/seed.log" 2>&1 &
SERVER_PID=$!
wait_for "http://127.0.0.1:$SEED_PORT/health" 60 >/dev/null || die "seed app did not start; see $WORK/seed.log"
load "seed POST /predict" "http://127.0.0.1:$SEED_PORT/predict" "$WORK/predict.json"
SEED_PREDICT=$LINE
echo "seed VmHWM $(mib "$(status_kib "$SERVER_PID" VmHWM)") MiB"
stop_server

# --- (f) scikit-learn in-process batch -----------------------------------------------------------------
step "(f) scikit-learn predict_proba in process, 1000-row batches, n_jobs=1"
SK_OUT=$(cd "$BENCH/seed" && $PY sklearn_batch.py --model "$SEED_MODEL" --data "$DATA" --seconds 5)
echo "$SK_OUT"
SK_ROWS=$(sed -nE 's/.*rows_per_s=([0-9.]+).*/\1/p' <<<"$SK_OUT")

# --- (g) the seeds' forest exported to ONNX, served by the runtime ---------------------------------------
# The very forest the seeds' stack serves (seed-model.joblib), written as an ONNX TreeEnsembleClassifier
# by examples/onnx/make_models.py (python3-onnx; skl2onnx is not installable here), then wrapped with
# `package` and served like any package. Generated, not committed (about 2 MB).
step "(g) ONNX: the seeds' scikit-learn forest exported to ONNX and served by the runtime"
ONNX_FILE=$WORK/forest.onnx
$PY "$ROOT/examples/onnx/make_models.py" --bench-forest "$ONNX_FILE" --data "$DATA" --target label \
  --from-joblib "$SEED_MODEL" --seed "$SEED"
rm -rf "$WORK/onnx-model"
runtime package --artifact "$ONNX_FILE" --data "$DATA" --target label --name bench-onnx --version 1 \
  --out "$WORK/onnx-model"
SMILE_MODEL=$MODEL
MODEL=$WORK/onnx-model
onnx_starts=()
# The plain jar: without the AOT cache, which the runs since (a) use when there is one.
SAVED_FLAGS=$EXTRA_FLAGS
EXTRA_FLAGS=
for i in 1 2 3; do
  forked=$(date +%s%N)
  start_runtime "onnx-cold-$i"
  ms=$(wait_for "http://127.0.0.1:$PORT/ready" 60 "$forked") || die "ONNX runtime did not become ready; see $WORK/serve-onnx-cold-$i.log"
  onnx_starts+=("$ms")
  echo "ONNX start $i: $ms ms"
  stop_server
done
EXTRA_FLAGS=$SAVED_FLAGS
read -r ONNX_COLD_BEST ONNX_COLD_MEDIAN < <(printf '%s\n' "${onnx_starts[@]}" | sort -n | awk '{ v[NR] = $1 } END { print v[1], v[2] }')
# With the AOT cache the load runs use (the build's cache is recorded from `warmup`, which serves ONNX samples too).
onnx_aot_starts=()
ONNX_AOT_BEST=none ONNX_AOT_MEDIAN=none
if [[ $AOT_MEDIAN != none ]]; then
  SAVED_FLAGS=$EXTRA_FLAGS
  EXTRA_FLAGS="-XX:AOTCache=$AOT"
  for i in 1 2 3; do
    forked=$(date +%s%N)
    start_runtime "onnx-aot-$i"
    ms=$(wait_for "http://127.0.0.1:$PORT/ready" 60 "$forked") || die "ONNX runtime did not become ready with the AOT cache; see $WORK/serve-onnx-aot-$i.log"
    onnx_aot_starts+=("$ms")
    echo "ONNX start $i with the AOT cache: $ms ms"
    stop_server
  done
  EXTRA_FLAGS=$SAVED_FLAGS
  read -r ONNX_AOT_BEST ONNX_AOT_MEDIAN < <(printf '%s\n' "${onnx_aot_starts[@]}" | sort -n | awk '{ v[NR] = $1 } END { print v[1], v[2] }')
fi
start_runtime onnx MONITORING_ENABLED=true
wait_for "http://127.0.0.1:$PORT/ready" 60 >/dev/null || die "ONNX runtime did not become ready; see $WORK/serve-onnx.log"
echo "sample answer: $(curl -s -XPOST -H 'Content-Type: application/json' --data @"$WORK/predict.json" "http://127.0.0.1:$PORT/predict")"
load "ONNX GET /health" "http://127.0.0.1:$PORT/health"
ONNX_HEALTH=$LINE
start_sampler
load "ONNX POST /predict" "http://127.0.0.1:$PORT/predict" "$WORK/predict.json"
ONNX_PREDICT=$LINE
stop_sampler
load "ONNX POST /predict_batch x1000" "http://127.0.0.1:$PORT/predict_batch" "$WORK/batch.json" 1 1
ONNX_BATCH=$LINE
ONNX_BATCH_ROWS=$(calc "%.0f" "$(field "$ONNX_BATCH" rps) * 1000")
ONNX_RSS_HWM=$(status_kib "$SERVER_PID" VmHWM)
echo "ONNX batch: $ONNX_BATCH_ROWS rows/s; VmHWM $(mib "$ONNX_RSS_HWM") MiB"
stop_server
grep -m1 -o 'served by .*' "$WORK/serve-onnx.log" || true
# The same forest on ONNX Runtime (ONNX_COMPILE_TREES=0: single-threaded session for small requests,
# a batch session with one intra-op thread per core from 64 rows), side by side with the compiled trees.
start_runtime onnx-ort MONITORING_ENABLED=true ONNX_COMPILE_TREES=0
wait_for "http://127.0.0.1:$PORT/ready" 60 >/dev/null || die "ONNX runtime did not become ready; see $WORK/serve-onnx-ort.log"
load "ONNX /predict, ONNX Runtime" "http://127.0.0.1:$PORT/predict" "$WORK/predict.json"
ONNX_PREDICT_ORT=$LINE
load "ONNX /predict_batch, ONNX Runtime" "http://127.0.0.1:$PORT/predict_batch" "$WORK/batch.json" 1 1
ONNX_BATCH_ORT=$LINE
stop_server
MODEL=$SMILE_MODEL

# --- summary -------------------------------------------------------------------------------------------
rps() { field "$1" rps; }
verdict() { if awk "BEGIN { exit !($1) }"; then echo PASS; else echo FAIL; fi; }
P_ON=$(rps "$PREDICT_ON"); H=$(rps "$HEALTH"); S=$(rps "$SEED_PREDICT")
P_ON_SLICES=$(rps "$PREDICT_ON_SLICES"); P_OFF=$(rps "$PREDICT_OFF")
P99=$(field "$PREDICT_ON" p99_ms)
RATIO_SEED=$(calc "%.1f" "$P_ON / $S")
RATIO_HEALTH=$(calc "%.0f" "100 * $P_ON / $H")
MON_COST=$(calc "%.1f" "100 * ($P_OFF - $P_ON_SLICES) / $P_OFF")
MON_CPU_COST=$(calc "%.1f" "100 * ($CPU_ON - $CPU_OFF) / $CPU_OFF")
BATCH_RATIO=$(calc "%.2f" "$BATCH_ROWS / $SK_ROWS")
ERRORS=$(( $(field "$HEALTH" errors) + $(field "$PREDICT_ON" errors) + $(field "$PREDICT_ON_SLICES" errors) \
  + $(field "$PREDICT_OFF" errors) + $(field "$BATCH" errors) + $(field "$PREDICT_VIRTUAL" errors) ))

{
  echo "| target (product.md §5) | measured | goal | result |"
  echo "| --- | --- | --- | --- |"
  echo "| /predict throughput vs seeds | $P_ON vs $S req/s = ${RATIO_SEED}× | ≥ 30× | $(verdict "$P_ON >= 30 * $S") |"
  echo "| /predict vs own /health | $P_ON vs $H req/s = ${RATIO_HEALTH}% | ≥ 60% | $(verdict "$P_ON >= 0.6 * $H") |"
  echo "| /predict p99 (monitoring on) | $P99 ms | < 5 ms | $(verdict "$P99 < 5") |"
  P99_VIRTUAL=$(field "$PREDICT_VIRTUAL" p99_ms)
  echo "| (alternative) /predict on virtual threads (VIRTUAL_THREADS=true): p99 | $P99_VIRTUAL ms at $(rps "$PREDICT_VIRTUAL") req/s | < 5 ms | $(verdict "$P99_VIRTUAL < 5") |"
  echo "| monitoring cost: throughput, interleaved slices | on $P_ON_SLICES vs off $P_OFF req/s = ${MON_COST}% | < 10% | $(verdict "$MON_COST < 10") |"
  echo "| monitoring cost: server CPU per request | on $CPU_ON vs off $CPU_OFF µs = +${MON_CPU_COST}% | < 10% | $(verdict "$MON_CPU_COST < 10") |"
  echo "| /predict_batch 1000 rows | $BATCH_ROWS vs sklearn $SK_ROWS rows/s = ${BATCH_RATIO}× | ≥ 1.5× (issue 8) | $(verdict "$BATCH_ROWS >= 1.5 * $SK_ROWS") |"
  echo "| cold start serve → /ready, plain jar | median $COLD_MEDIAN ms (best $COLD_BEST; ${starts[*]}) | < 1500 ms | $(verdict "$COLD_MEDIAN < 1500") |"
  echo "| cold start serve → /ready, AOT cache | median $AOT_MEDIAN ms (best $AOT_BEST; ${aot_starts[*]}) | < 1500 ms | $([[ $AOT_MEDIAN == none ]] && echo n/a || verdict "$AOT_MEDIAN < 1500") |"
  echo "| RSS under load | VmHWM $(mib "$RSS_HWM") MiB (VmRSS max $(mib "$RSS_LOAD_MAX") during /predict) | < 256 MiB | $(verdict "$RSS_HWM < 262144") |"
  OP=$(rps "$ONNX_PREDICT"); OH=$(rps "$ONNX_HEALTH"); OP99=$(field "$ONNX_PREDICT" p99_ms)
  echo "| ONNX /predict vs seeds | $OP vs $S req/s = $(calc "%.1f" "$OP / $S")× | ≥ 30× | $(verdict "$OP >= 30 * $S") |"
  echo "| ONNX /predict vs own /health | $OP vs $OH req/s = $(calc "%.0f" "100 * $OP / $OH")% | ≥ 60% | $(verdict "$OP >= 0.6 * $OH") |"
  echo "| ONNX /predict p99 | $OP99 ms | < 5 ms | $(verdict "$OP99 < 5") |"
  echo "| ONNX /predict_batch 1000 rows | $ONNX_BATCH_ROWS vs sklearn $SK_ROWS rows/s = $(calc "%.2f" "$ONNX_BATCH_ROWS / $SK_ROWS")× | ≥ 3× | $(verdict "$ONNX_BATCH_ROWS >= 3 * $SK_ROWS") |"
  echo "| ONNX cold start serve → /ready, plain jar | median $ONNX_COLD_MEDIAN ms (best $ONNX_COLD_BEST; ${onnx_starts[*]}) | < 1500 ms | $(verdict "$ONNX_COLD_MEDIAN < 1500") |"
  echo "| ONNX cold start serve → /ready, AOT cache | median $ONNX_AOT_MEDIAN ms (best $ONNX_AOT_BEST; ${onnx_aot_starts[*]}) | < 1500 ms | $([[ $ONNX_AOT_MEDIAN == none ]] && echo n/a || verdict "$ONNX_AOT_MEDIAN < 1500") |"
  echo "| ONNX RSS under load | VmHWM $(mib "$ONNX_RSS_HWM") MiB | < 256 MiB | $(verdict "$ONNX_RSS_HWM < 262144") |"
} >"$WORK/summary.md"
{
  echo
  echo "| run | req/s | p50 ms | p95 ms | p99 ms | max ms | errors | server CPU µs/req |"
  echo "| --- | --- | --- | --- | --- | --- | --- | --- |"
  for pair in "runtime GET /health:$HEALTH" "runtime POST /predict:$PREDICT_ON" \
              "runtime POST /predict, monitoring on, 4 slices:$PREDICT_ON_SLICES" \
              "runtime POST /predict, monitoring off, 4 slices:$PREDICT_OFF" "runtime POST /predict_batch (1000 rows, 1 conn.):$BATCH" \
              "runtime POST /predict, virtual threads:$PREDICT_VIRTUAL" "seeds POST /predict:$SEED_PREDICT" \
              "ONNX GET /health:$ONNX_HEALTH" "ONNX POST /predict:$ONNX_PREDICT" \
              "ONNX POST /predict_batch (1000 rows, 1 conn.):$ONNX_BATCH" \
              "ONNX POST /predict, ONNX Runtime (ONNX_COMPILE_TREES=0):$ONNX_PREDICT_ORT" \
              "ONNX POST /predict_batch, ONNX Runtime (ONNX_COMPILE_TREES=0):$ONNX_BATCH_ORT"; do
    name=${pair%%:wrk*}; l=${pair#*:}
    echo "| $name | $(field "$l" rps) | $(field "$l" p50_ms) | $(field "$l" p95_ms) | $(field "$l" p99_ms) | $(field "$l" max_ms) | $(field "$l" errors) | $(field "$l" server_cpu_us) |"
  done
} >"$WORK/runs.md"

IDLE_AFTER=$(cpu_idle)
echo "CPUs ${IDLE_AFTER}% idle over 2 s after the run (before: ${IDLE_BEFORE}%)"
kill "$LOADAVG_PID" 2>/dev/null || true; LOADAVG_PID=
LOADAVG=$(sort -n "$WORK/loadavg.txt" | awk '{ v[NR] = $1 } END { printf "min %s, median %s, max %s (%d samples)", v[1], v[int((NR + 1) / 2)], v[NR], NR }')
echo "load average (1 min) during the run: $LOADAVG"
echo "| machine idle before / after the run | ${IDLE_BEFORE}% / ${IDLE_AFTER}% of 2 CPUs | | |" >>"$WORK/summary.md"
echo "| load average (1 min, every 5 s) during the run | $LOADAVG | | |" >>"$WORK/summary.md"

step "summary (also in $WORK/summary.md and runs.md)"
cat "$WORK/summary.md" "$WORK/runs.md"
(( ERRORS == 0 )) || echo "note: $ERRORS requests to the runtime failed; see $WORK/wrk-*.txt"
