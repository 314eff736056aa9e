#!/usr/bin/env bash
# Training-throughput benchmark of the DL4J worker: samples/s of one slot for three MLP sizes
# next to the single-thread ND4J mmul ceiling measured in the same run (as a ratio), one slot
# against N, and — given a server and a finished experiment — the worker's overhead share of
# trial time (lease, data preparation, reports, model upload) from the trials' provenance.
#
#   experiments/bench-training.sh [--slots N] [--seconds S] [--server URL --experiment digits-mlp]
#   (with --server, TUNELAB_TOKEN holds a token with the read scope)
#
# Runs exactly like the worker, through ./tunelab (which builds the worker when needed): the same
# JDK, OMP_NUM_THREADS=1 (one native thread per slot), the parallel collector (it measured
# 1.8-1.9x for 2 slots against 0.9-1.6x with G1) and the other JVM options of the worker's
# command line. TUNELAB_JAVA_OPTS adds JVM options, as for ./tunelab.
set -euo pipefail
home="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
exec "$home/tunelab" bench-training "$@"
