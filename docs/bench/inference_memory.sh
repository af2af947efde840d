#!/usr/bin/env bash
# Resident memory of a JVM serving the bundled model: SECONDS of batched inference, then RELOADS load-score-close
# cycles (what each hot swap does). Prints VmRSS as it goes. Usage: docs/bench/inference_memory.sh [SECONDS] [RELOADS]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
./mvnw -q -B -pl model-runtime -am test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/test.classpath -Dmdep.includeScope=test >&2
# A fixed, pre-touched heap: the heap's pages are resident from the start, so RSS growth is native memory.
TF_CPP_MIN_LOG_LEVEL=2 TF_ENABLE_ONEDNN_OPTS="${TF_ENABLE_ONEDNN_OPTS:-1}" exec java -Xms256m -Xmx256m -XX:+AlwaysPreTouch --add-modules jdk.incubator.vector \
  -cp "model-runtime/target/test-classes:model-runtime/target/classes:$(cat model-runtime/target/test.classpath)" \
  dev.hark.bench.InferenceMemorySoak "$@"
