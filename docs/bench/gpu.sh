#!/usr/bin/env bash
# The model on a GPU, beside the CPU of the same machine: which devices TensorFlow finds, where it places the model's
# ops (TensorFlow's placement log, counted by device), and windows scored per second at one batch size, float32.
# Needs an NVIDIA GPU with a driver for CUDA 12.5 or later, and CUDA 12 and cuDNN 9.3 libraries (the hark-gpu
# image has them: docker run --gpus all ... ) and a JDK 17. TensorFlow's CUDA build (Maven profile gpu) is used.
# Usage: docs/bench/gpu.sh [SECONDS] [BATCH]   (default 20 s, batch 128 as k8s/flinkdeployment-gpu.yaml)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
SECONDS_EACH=${1:-20}
BATCH=${2:-128}
./mvnw -q -B -Pgpu -pl model-runtime -am test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/gpu.classpath -Dmdep.includeScope=test >&2
run() { # gpu|cpu: the measurement; stderr's placement lines summed up by op kind and device
  local log status=0
  log=$(mktemp)
  TF_CPP_MIN_LOG_LEVEL=0 java -Xmx2g --add-modules jdk.incubator.vector \
    -cp "model-runtime/target/test-classes:model-runtime/target/classes:$(cat model-runtime/target/gpu.classpath)" \
    dev.hark.model.GpuCheck "$1" "$SECONDS_EACH" "$BATCH" >"$log" 2>&1 || status=$?
  grep -E '^(device |no GPU|(gpu|cpu): )' "$log"
  if [ "${status:-0}" != 0 ]; then # what TensorFlow said of CUDA, cuDNN and the driver, then on to the next part
    grep -iE 'cuda|cudnn|cuinit|libcu|driver' "$log" | grep -v -e placer.cc -e '^no GPU' | tail -15 >&2
    rm -f "$log"
    return 1
  fi
  echo "placement ($1): TensorFlow's placement log lines (it logs a graph each time it places it), by op and device"
  grep -oE '\((Conv2D|MatMul|BiasAdd|Relu|MaxPool|Softmax|_FusedConv2D|_FusedMatMul)\)[^/]*/job:[^ ]*device:(CPU|GPU):[0-9]+' "$log" \
    | sed -E 's/^\(([^)]*)\).*device:(.*)$/  \1 on \2/' | sort | uniq -c || echo "  (TensorFlow logged no placement)"
  rm -f "$log"
}
echo "== GPU"
gpu=0
run gpu || gpu=$?
echo "== CPU (CUDA_VISIBLE_DEVICES=-1)"
CUDA_VISIBLE_DEVICES=-1 run cpu
exit $gpu # fails where the model did not run on a GPU
