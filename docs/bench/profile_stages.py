"""Where the job's CPU goes, by stage, from async-profiler's collapsed stacks (docs/bench/async_profiler.sh).

Each sample is charged to the stage of its innermost recognised frame; TensorFlow's worker threads, whose JIT-compiled
oneDNN kernels have no symbols, count as inference. Usage: python3 docs/bench/profile_stages.py FILE.collapsed...
"""
import collections
import re
import sys

STAGES = [
    ("TensorFlow (native)", r"tensorflow|dnnl|tsl::|Eigen|^\[unknown\]$"),
    ("JIT compiler", r"CompileBroker|C2Compiler|Compile::"),
    ("garbage collector", r"G1|GC"),
    ("log-mel front end", r"dev/hark/audio/"),
    ("inference operator (Java)", r"dev/hark/job/inference|dev/hark/model"),
    ("ordering (ChunkSequencer)", r"ChunkSequencer"),
    ("windows (FeatureWindower)", r"FeatureWindower"),
    ("decoding records", r"ChunkDecod|RawRecordDeserializer|DeadLettering"),
    ("Kafka source", r"KafkaSourceReader|SplitFetcher|KafkaPartitionSplitReader|SourceReaderBase|KafkaRecordEmitter"),
    ("Kafka sinks", r"KafkaWriter|kafka/clients/producer"),
    ("Flink network and serializers", r"runtime/io/network|StreamTaskNetworkInput|RecordWriter|serialization|Serializer"),
]

totals = collections.Counter()
samples = 0
for path in sys.argv[1:]:
    for line in open(path):
        stack, _, count = line.rstrip().rpartition(" ")
        count = int(count)
        samples += count
        frames = stack.split(";")
        stage = "other"
        for frame in reversed(frames[1:]):
            match = next((name for name, pattern in STAGES if re.search(pattern, frame)), None)
            if match:
                stage = match
                break
        if stage == "other" and all(f == "[unknown]" or f.endswith("_[k]") for f in frames[1:]):
            stage = "TensorFlow (native)"  # a TensorFlow worker in a JIT-compiled kernel: no symbols at all
        totals[stage] += count
print(f"{samples} samples")
for stage, count in totals.most_common():
    print(f"{100 * count / samples:5.1f}%  {stage}")
