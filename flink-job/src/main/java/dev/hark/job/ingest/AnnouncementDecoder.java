package dev.hark.job.ingest;

import dev.hark.avro.ModelAnnouncement;

/** Thin Flink adapter over {@link AnnouncementDecoding}: bad control records go to dead letters. */
public final class AnnouncementDecoder extends DeadLetteringDecoder<ModelAnnouncement> {
    public AnnouncementDecoder() {
        super("announcementsIn");
    }

    @Override
    protected ModelAnnouncement decode(RawRecord raw) throws ChunkDecoding.Rejected {
        return AnnouncementDecoding.decode(raw);
    }
}
