package dev.hark.job.ingest;

import dev.hark.avro.ModelAnnouncement;
import dev.hark.avro.wire.WireFormat;

/** Decodes and checks one record of the model control topic. No Flink here. */
public final class AnnouncementDecoding {
    /** Announcements are a few hundred bytes; anything near this is not one. */
    public static final int MAX_BYTES = 64 * 1024;

    private AnnouncementDecoding() {
    }

    public static ModelAnnouncement decode(RawRecord raw) throws ChunkDecoding.Rejected {
        if (raw.value != null && raw.value.length > MAX_BYTES) {
            throw new ChunkDecoding.Rejected("OVERSIZED_PAYLOAD", "record of " + raw.value.length
                    + " bytes on the model control topic exceeds " + MAX_BYTES + " bytes; send one ModelAnnouncement");
        }
        ModelAnnouncement announcement;
        try {
            announcement = WireFormat.decode(raw.value, ModelAnnouncement.getDecoder(), "ModelAnnouncement");
        } catch (WireFormat.DecodeException e) {
            throw new ChunkDecoding.Rejected(e.failure().name(), e.getMessage());
        }
        if (announcement.getLocation().isBlank()) {
            throw new ChunkDecoding.Rejected("INVALID_ANNOUNCEMENT", "location is empty; give a model folder or model"
                    + " root, as a local path or a file-system URI (file://, s3://, hdfs://)");
        }
        if (announcement.getExpectedVersion() != null && announcement.getExpectedVersion().isBlank()) {
            throw new ChunkDecoding.Rejected("INVALID_ANNOUNCEMENT", "expected_version is empty; leave it null to"
                    + " accept any version");
        }
        return announcement;
    }
}
