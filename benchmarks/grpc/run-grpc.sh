#!/usr/bin/env bash
# gRPC against REST on one runtime, side by side (benchmarks/grpc/GrpcVsRest.java): the benchmark
# forest (random forest, 100 trees, depth 10, 20 features, as run-serving.sh trains it), one row and
# 1000-row batches, 8 connections, alternating runs, $REPEATS repeats of $SECONDS s each.
#
# The runtime signs request ids as every deployed one does (the operator always sets
# FEEDBACK_SIGNING_KEY); SIGNING_KEY= runs it unsigned. JAR=… runs another build (e.g. an older one,
# to compare).
#
#   bash benchmarks/grpc/run-grpc.sh            # needs serving-runtime/target/serving-runtime.jar
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
JAR=${JAR:-$ROOT/serving-runtime/target/serving-runtime.jar}
SIGNING_KEY=${SIGNING_KEY-benchmark-signing-key-0123456789}
JAVA=${JAVA:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
JVM_FLAGS=${JVM_FLAGS:--XX:+UseSerialGC -Xmx104m -Xmn64m}
PORT=${BENCH_PORT:-28180}
GRPC=${BENCH_GRPC_PORT:-28181}
SECONDS_PER_RUN=${SECONDS_PER_RUN:-10}
REPEATS=${REPEATS:-3}
WORK=$(mktemp -d /tmp/grpc-bench.XXXXXX)
[[ -f $JAR ]] || { echo "build $JAR first: ./mvnw -B package -pl serving-runtime -am -DskipTests" >&2; exit 1; }

"$JAVA" -jar "$JAR" generate-data --rows 5000 --features 20 --seed 42 --out "$WORK/data.csv" >/dev/null
"$JAVA" -jar "$JAR" train --data "$WORK/data.csv" --target label --name bench-rf --version 1 --out "$WORK/model" \
  --algorithm random-forest --trees 100 --max-depth 10 --seed 42 >/dev/null
MODEL=$WORK/model
[[ -f $MODEL/model.json ]] || MODEL=$(find "$WORK/model" -maxdepth 2 \( -name model.json -printf '%h\n' -o -name '*.tar.gz' -print \) | head -1)

env MALLOC_ARENA_MAX=2 GRPC_PORT=$GRPC ${SIGNING_KEY:+FEEDBACK_SIGNING_KEY=$SIGNING_KEY} "$JAVA" $JVM_FLAGS -jar "$JAR" serve --model "$MODEL" --port "$PORT" \
  >"$WORK/serve.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true; wait $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  curl -sf "http://127.0.0.1:$PORT/ready" >/dev/null && break
  sleep 0.2
done
echo "jar: $JAR; request ids $([[ -n $SIGNING_KEY ]] && echo signed || echo unsigned)"
echo "machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg)"
"$JAVA" -cp "$JAR" "$ROOT/benchmarks/grpc/GrpcVsRest.java" --http "http://127.0.0.1:$PORT" --grpc "127.0.0.1:$GRPC" \
  --model bench-rf --features 20 --connections 8 --seconds "$SECONDS_PER_RUN" --repeats "$REPEATS" \
  --server-pid "$SERVER"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
