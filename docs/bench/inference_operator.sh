#!/usr/bin/env bash
# The inference operator (BatchInferenceOperator in Flink's operator test harness) against a bare TensorFlow Java loop
# over the same model and batch size, and against one window per call; alternately, ROUNDS times, one thread.
# Usage: docs/bench/inference_operator.sh [ROUNDS] [SECONDS] [BATCH] [PRECISION,...]  (auto, float32, bfloat16;
# several are measured in turn within each round). HARK_BENCH_MODEL=DIR measures another model than the bundled one.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
./mvnw -q -B install -DskipTests -Dhark.skipJobJarWithTensorFlow -pl flink-job -am >&2
./mvnw -q -B -pl flink-job test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/test.classpath -Dmdep.includeScope=test >&2
TF_CPP_MIN_LOG_LEVEL=2 TF_ENABLE_ONEDNN_OPTS="${TF_ENABLE_ONEDNN_OPTS:-1}" exec java -Xmx2g --add-modules jdk.incubator.vector \
  -Dhark.bench.model="${HARK_BENCH_MODEL:-model-export/models/keywords}" \
  -cp "flink-job/target/test-classes:flink-job/target/classes:$(cat flink-job/target/test.classpath)" \
  dev.hark.bench.InferenceOperatorBench "$@" 2> >(grep -v "^WARNING\|^SLF4J" >&2)
