#!/usr/bin/env bash
# Training-throughput benchmark of the DL4J worker: samples/s of one slot for three MLP sizes
# next to the single-thread ND4J mmul ceiling measured in the same run (as a ratio), one slot
# against N, and — given a server and a finished experiment — the worker's overhead share of
# trial time (lease, data preparation, reports, model upload) from the trials' provenance.
#
#   experiments/bench-training.sh [--slots N] [--seconds S] [--server URL --experiment digits-mlp]
#
# TUNELAB_JAVA_OPTS adds JVM options, as for ./tunelab (for example -XX:+UseParallelGC, which
# measured 1.8-1.9x for 2 slots against 0.9-1.6x with the default G1 collector).
#
# Runs like the worker: OMP_NUM_THREADS=1, one native thread per slot. Needs the built worker
# (./tunelab build, or any ./tunelab command, builds it).
set -euo pipefail
home="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jar="$home/worker/target/tunelab-worker.jar"
if [ ! -f "$jar" ]; then
  "$home/tunelab" build
fi
export OMP_NUM_THREADS=1
# A JDK 21 or newer, as ./tunelab picks it: JAVA_HOME first, then /usr/lib/jvm.
java_bin=""
for d in ${JAVA_HOME:-} /usr/lib/jvm/temurin-25* /usr/lib/jvm/*; do
  v="$("$d/bin/java" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n 1)" || true
  if [ -n "$v" ] && [ "$v" -ge 21 ]; then java_bin="$d/bin/java"; break; fi
done
[ -n "$java_bin" ] || { echo "bench-training: needs a JDK 21 or newer (set JAVA_HOME)" >&2; exit 1; }
exec "$java_bin" --enable-native-access=ALL-UNNAMED ${TUNELAB_JAVA_OPTS:-} -cp "$jar:$home/worker/target/lib/*" \
  io.tunelab.worker.bench.TrainingBenchmark "$@"
