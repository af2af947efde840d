package dev.hark.job.ingest;

import dev.hark.avro.DeadLetter;
import dev.hark.avro.ModelAnnouncement;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/** Thin Flink adapter over {@link AnnouncementDecoding}: bad control records go to the dead-letter side output. */
public final class AnnouncementDecoder extends ProcessFunction<RawRecord, ModelAnnouncement> {
    private transient Counter announcementsIn;
    private transient Counter deadLetters;

    @Override
    public void open(OpenContext openContext) {
        announcementsIn = getRuntimeContext().getMetricGroup().counter("announcementsIn");
        deadLetters = getRuntimeContext().getMetricGroup().counter("deadLetters");
    }

    @Override
    public void processElement(RawRecord raw, Context ctx, Collector<ModelAnnouncement> out) {
        try {
            ModelAnnouncement announcement = AnnouncementDecoding.decode(raw);
            announcementsIn.inc();
            out.collect(announcement);
        } catch (ChunkDecoding.Rejected rejected) {
            deadLetters.inc();
            DeadLetter letter = ChunkDecoding.deadLetter(raw, rejected, System.currentTimeMillis());
            ctx.output(ChunkDecoder.DEAD_LETTERS, letter);
        }
    }
}
