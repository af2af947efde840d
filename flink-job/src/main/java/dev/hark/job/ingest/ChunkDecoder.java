package dev.hark.job.ingest;

import dev.hark.avro.DeadLetter;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/** Thin Flink adapter over {@link ChunkDecoding}: good chunks go on, bad records go to the dead-letter side output. */
public final class ChunkDecoder extends ProcessFunction<RawRecord, AudioChunkEvent> {
    public static final OutputTag<DeadLetter> DEAD_LETTERS =
            new OutputTag<>("dead-letters", TypeInformation.of(DeadLetter.class));

    private final int modelSampleRate;
    private final int maxValueBytes;
    private transient ChunkDecoding decoding;
    private transient Counter chunksIn;
    private transient Counter deadLetters;
    /** deadLetters{reason=...}: one counter per reason, made on first use. */
    private transient java.util.Map<String, Counter> deadLettersByReason;

    public ChunkDecoder(int modelSampleRate, int maxValueBytes) {
        this.modelSampleRate = modelSampleRate;
        this.maxValueBytes = maxValueBytes;
    }

    @Override
    public void open(OpenContext openContext) {
        decoding = new ChunkDecoding(modelSampleRate, maxValueBytes);
        chunksIn = getRuntimeContext().getMetricGroup().counter("chunksIn");
        deadLetters = getRuntimeContext().getMetricGroup().counter("deadLetters");
        deadLettersByReason = new java.util.HashMap<>();
    }

    @Override
    public void processElement(RawRecord raw, Context ctx, Collector<AudioChunkEvent> out) {
        try {
            AudioChunkEvent chunk = decoding.decode(raw);
            chunksIn.inc();
            out.collect(chunk);
        } catch (ChunkDecoding.Rejected rejected) {
            deadLetters.inc();
            deadLettersByReason.computeIfAbsent(rejected.reason(), reason -> getRuntimeContext().getMetricGroup()
                    .addGroup("reason", reason).counter("deadLetters")).inc();
            ctx.output(DEAD_LETTERS, ChunkDecoding.deadLetter(raw, rejected, System.currentTimeMillis()));
        }
    }
}
