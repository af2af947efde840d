package dev.hark.job.ingest;

import dev.hark.audio.InvalidAudioException;
import dev.hark.audio.PcmDecoder;
import dev.hark.audio.Resampler;
import dev.hark.audio.SampleFormat;
import dev.hark.avro.AudioChunk;
import dev.hark.avro.DeadLetter;
import dev.hark.avro.wire.WireFormat;
import java.nio.ByteBuffer;

/** Decodes and validates one Kafka record into an {@link AudioChunkEvent}, or says why it cannot. No Flink here. */
public final class ChunkDecoding {
    public static final String EVENT_TIME_AHEAD_OF_CLOCK = "EVENT_TIME_AHEAD_OF_CLOCK";
    private final int modelSampleRate;
    private final int maxValueBytes;
    private final long maxEventTimeAheadMillis;
    /** Rates already checked: building a resampler proves the job can convert from that rate. */
    private final java.util.Map<Integer, Resampler> resamplers = new java.util.HashMap<>();

    public ChunkDecoding(int modelSampleRate, int maxValueBytes) {
        this(new IngestSettings(modelSampleRate, maxValueBytes));
    }

    public ChunkDecoding(IngestSettings settings) {
        this.modelSampleRate = settings.modelSampleRate();
        this.maxValueBytes = settings.maxChunkBytes();
        this.maxEventTimeAheadMillis = settings.maxEventTimeAheadMillis();
    }

    /** A record that cannot be used, with a reason code and a message. */
    public static final class Rejected extends Exception {
        private final String reason;

        public Rejected(String reason, String message) {
            super(message);
            this.reason = reason;
        }

        public String reason() {
            return reason;
        }
    }

    public AudioChunkEvent decode(RawRecord raw) throws Rejected {
        return decode(raw, System.currentTimeMillis());
    }

    /** As {@link #decode(RawRecord)}, with {@code nowMillis} as the job's clock. */
    public AudioChunkEvent decode(RawRecord raw, long nowMillis) throws Rejected {
        if (raw.value != null && raw.value.length > maxValueBytes) {
            throw new Rejected("OVERSIZED_PAYLOAD", "record of " + raw.value.length + " bytes exceeds the limit of "
                    + maxValueBytes + " bytes; send shorter chunks");
        }
        AudioChunk chunk;
        try {
            chunk = WireFormat.decode(raw.value, AudioChunk.getDecoder(), "AudioChunk");
        } catch (WireFormat.DecodeException e) {
            throw new Rejected(e.failure().name(), e.getMessage());
        }
        if (chunk.getStreamId().isEmpty()) {
            throw new Rejected("INVALID_CHUNK", "stream_id is empty");
        }
        if (chunk.getSequence() < 0) {
            throw new Rejected("INVALID_CHUNK", "sequence " + chunk.getSequence() + " is negative");
        }
        long eventTime = chunk.getEventTime().toEpochMilli();
        if (eventTime > nowMillis + maxEventTimeAheadMillis) {
            throw new Rejected(EVENT_TIME_AHEAD_OF_CLOCK, "event time " + chunk.getEventTime() + " is "
                    + (eventTime - nowMillis) + " ms ahead of the job's clock, more than hark.ingest.max-event-time-ahead ("
                    + maxEventTimeAheadMillis + " ms); stamp chunks with the time their first sample was recorded");
        }
        try {
            if (chunk.getSampleRate() != modelSampleRate) {
                resamplers.computeIfAbsent(chunk.getSampleRate(), rate -> new Resampler(rate, modelSampleRate));
            }
        } catch (InvalidAudioException e) {
            throw new Rejected(e.reason(), e.getMessage());
        }
        ByteBuffer samples = chunk.getSamples();
        byte[] bytes = new byte[samples.remaining()];
        samples.duplicate().get(bytes);
        SampleFormat format = switch (chunk.getEncoding()) {
            case PCM_S16LE -> SampleFormat.PCM_S16LE;
            case FLOAT32LE -> SampleFormat.FLOAT32LE;
        };
        boolean endOfStream = Boolean.TRUE.equals(chunk.getEndOfStream());
        try {
            float[] mono = endOfStream && bytes.length == 0 ? new float[0]
                    : PcmDecoder.decodeMono(bytes, format, chunk.getChannels());
            AudioChunkEvent event = new AudioChunkEvent(chunk.getStreamId(), chunk.getSequence(),
                    eventTime, chunk.getSampleRate(), mono);
            event.endOfStream = endOfStream;
            event.sourceTopic = raw.topic;
            event.sourcePartition = raw.partition;
            event.sourceOffset = raw.offset;
            return event;
        } catch (InvalidAudioException e) {
            throw new Rejected(e.reason(), e.getMessage());
        }
    }

    /**
     * The dead letter for a decoded chunk that a later stage cannot use. The record's bytes are not kept past
     * decoding: the dead letter points at the record (topic, partition, offset) and carries the stream id as its key.
     */
    public static DeadLetter deadLetter(AudioChunkEvent chunk, String reason, String message, long nowMillis) {
        return DeadLetter.newBuilder()
                .setSourceTopic(chunk.sourceTopic == null ? "" : chunk.sourceTopic)
                .setSourcePartition(chunk.sourcePartition)
                .setSourceOffset(chunk.sourceOffset)
                .setKey(ByteBuffer.wrap(chunk.streamId.getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                .setValue(null)
                .setReason(reason)
                .setMessage(message + " (stream " + chunk.streamId + ", sequence " + chunk.sequence + ")")
                .setTime(java.time.Instant.ofEpochMilli(nowMillis))
                .build();
    }

    /** The dead letter for a rejected record. */
    public static DeadLetter deadLetter(RawRecord raw, Rejected rejection, long nowMillis) {
        return DeadLetter.newBuilder()
                .setSourceTopic(raw.topic == null ? "" : raw.topic)
                .setSourcePartition(raw.partition)
                .setSourceOffset(raw.offset)
                .setKey(raw.key == null ? null : ByteBuffer.wrap(raw.key))
                .setValue(raw.value == null ? null : ByteBuffer.wrap(raw.value))
                .setReason(rejection.reason())
                .setMessage(rejection.getMessage())
                .setTime(java.time.Instant.ofEpochMilli(nowMillis))
                .build();
    }
}
