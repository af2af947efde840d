package dev.hark.job.testing;

import dev.hark.avro.AudioChunk;
import dev.hark.avro.SampleEncoding;
import dev.hark.avro.wire.WireFormat;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;

/**
 * What misbehaving producers send: malformed records of many kinds, over a set of stream ids. Each record says which
 * dead-letter reasons it may get; kinds that can still be valid audio (a flipped bit in the samples, a huge chunk of
 * noise, a far sequence number that starts a stream) may instead be accepted and scored.
 */
public final class BadRecords {
    /** A kind of bad record, with the dead-letter reasons it may get and whether it may be accepted instead. */
    public enum Kind {
        RANDOM_BYTES(false, "NOT_SINGLE_OBJECT_ENCODED"),
        EMPTY_VALUE(false, "EMPTY_RECORD"),
        NULL_VALUE(false, "EMPTY_RECORD"),
        TRUNCATED(false, "MALFORMED_AVRO"),
        BIT_FLIPPED(true, "*"),
        WRONG_FINGERPRINT(false, "UNKNOWN_SCHEMA"),
        NAN_FLOATS(false, "NON_FINITE_SAMPLE"),
        ZERO_RATE(false, "BAD_SAMPLE_RATE"),
        UNSUPPORTED_RATE(false, "UNSUPPORTED_SAMPLE_RATE"),
        ZERO_CHANNELS(false, "BAD_CHANNELS"),
        ODD_BYTE_COUNT(false, "ODD_BYTE_COUNT"),
        UNKNOWN_ENUM_INDEX(false, "MALFORMED_AVRO"),
        NEGATIVE_SEQUENCE(false, "INVALID_CHUNK"),
        EMPTY_STREAM_ID(false, "INVALID_CHUNK"),
        SEQUENCE_NEAR_2_62(true, "SEQUENCE_TOO_FAR_AHEAD", "TOO_MANY_STREAMS", "DUPLICATE_CHUNK",
                "SEQUENCE_ALREADY_PASSED"),
        EVENT_TIME_MINUS_2_50(true, "EVENT_TIME_BEHIND_WATERMARK", "EVENT_TIME_BEFORE_STREAM", "TOO_MANY_STREAMS",
                "SEQUENCE_ALREADY_PASSED", "DUPLICATE_CHUNK", "SEQUENCE_TOO_FAR_AHEAD"),
        EVENT_TIME_PLUS_2_50(false, "EVENT_TIME_AHEAD_OF_CLOCK"),
        DUPLICATE(true, "DUPLICATE_CHUNK", "SEQUENCE_ALREADY_PASSED", "TOO_MANY_STREAMS", "SEQUENCE_TOO_FAR_AHEAD"),
        /** Chunks far ahead in their stream, late in event time: without limits they would wait, and pile up. */
        GAP_HOLDER(true, "SEQUENCE_ALREADY_PASSED", "DUPLICATE_CHUNK", "TOO_MANY_STREAMS", "SEQUENCE_TOO_FAR_AHEAD",
                "EVENT_TIME_BEFORE_STREAM", "EVENT_TIME_BEHIND_WATERMARK"),
        NOISE_900_KB(true, "SEQUENCE_ALREADY_PASSED", "DUPLICATE_CHUNK", "TOO_MANY_STREAMS", "SEQUENCE_TOO_FAR_AHEAD",
                "EVENT_TIME_BEFORE_STREAM", "EVENT_TIME_BEHIND_WATERMARK");

        /** Whether a record of this kind may be valid audio, accepted and scored. */
        public final boolean mayBeAccepted;
        /** The dead-letter reasons a record of this kind may get; "*" for any. */
        public final Set<String> reasons;

        Kind(boolean mayBeAccepted, String... reasons) {
            this.mayBeAccepted = mayBeAccepted;
            this.reasons = Set.of(reasons);
        }

        public boolean allows(String reason) {
            return reasons.contains("*") || reasons.contains(reason);
        }
    }

    /** One record to send. */
    public record Record(Kind kind, byte[] key, byte[] value) {
    }

    private final Random random;
    private final List<String> streamIds;
    private final long nowMillis;
    private final Map<String, Long> nextSequence = new HashMap<>();

    /** Bad records over {@code streamIds}, stamped around {@code nowMillis}. */
    public BadRecords(long seed, List<String> streamIds, long nowMillis) {
        this.random = new Random(seed);
        this.streamIds = streamIds;
        this.nowMillis = nowMillis;
    }

    /**
     * {@code count} records, every kind about equally often except {@link Kind#NOISE_900_KB}, of which there are
     * {@code bigChunks} (each is 900 KB on the broker).
     */
    public List<Record> generate(int count, int bigChunks) {
        List<Kind> kinds = new ArrayList<>(List.of(Kind.values()));
        kinds.remove(Kind.NOISE_900_KB);
        List<Record> records = new ArrayList<>(count);
        for (int i = 0; i < bigChunks; i++) {
            records.add(next(Kind.NOISE_900_KB));
        }
        while (records.size() < count) {
            records.add(next(kinds.get(random.nextInt(kinds.size()))));
        }
        java.util.Collections.shuffle(records, random);
        return records;
    }

    public Record next(Kind kind) {
        String id = streamIds.get(random.nextInt(streamIds.size()));
        byte[] key = id.getBytes(StandardCharsets.UTF_8);
        return switch (kind) {
            case RANDOM_BYTES -> {
                byte[] bytes = new byte[10 + random.nextInt(491)];
                random.nextBytes(bytes);
                bytes[0] = (byte) (bytes[0] == (byte) 0xC3 ? 0x42 : bytes[0]);
                yield new Record(kind, random.nextBoolean() ? null : key, bytes);
            }
            case EMPTY_VALUE -> new Record(kind, key, new byte[0]);
            case NULL_VALUE -> new Record(kind, key, null);
            case TRUNCATED -> {
                byte[] whole = encode(chunk(id, inOrder(id), 1600).build());
                int length = WireFormat.HEADER_LENGTH + 1 + random.nextInt(whole.length - WireFormat.HEADER_LENGTH - 1);
                yield new Record(kind, key, java.util.Arrays.copyOf(whole, length));
            }
            case BIT_FLIPPED -> {
                byte[] bytes = encode(chunk(id, inOrder(id), 1600).build());
                int bit = random.nextInt(bytes.length * 8);
                bytes[bit / 8] ^= (byte) (1 << (bit % 8));
                yield new Record(kind, key, bytes);
            }
            case WRONG_FINGERPRINT -> {
                byte[] bytes = encode(chunk(id, inOrder(id), 1600).build());
                for (int i = 2; i < WireFormat.HEADER_LENGTH; i++) {
                    bytes[i] = (byte) random.nextInt(256);
                }
                yield new Record(kind, key, bytes);
            }
            case NAN_FLOATS -> {
                ByteBuffer floats = ByteBuffer.allocate(4 * 400).order(ByteOrder.LITTLE_ENDIAN);
                for (int i = 0; i < 400; i++) {
                    floats.putFloat(i == 7 ? Float.NaN : 0.1f);
                }
                yield new Record(kind, key, encode(chunk(id, inOrder(id), 0).setEncoding(SampleEncoding.FLOAT32LE)
                        .setSamples(ByteBuffer.wrap(floats.array())).build()));
            }
            case ZERO_RATE -> new Record(kind, key, encode(chunk(id, inOrder(id), 1600).setSampleRate(0).build()));
            case UNSUPPORTED_RATE -> new Record(kind, key, encode(chunk(id, inOrder(id), 1600).setSampleRate(44099).build()));
            case ZERO_CHANNELS -> new Record(kind, key, encode(chunk(id, inOrder(id), 1600).setChannels(0).build()));
            case ODD_BYTE_COUNT -> new Record(kind, key, encode(chunk(id, inOrder(id), 0)
                    .setSamples(ByteBuffer.wrap(new byte[3201])).build()));
            case UNKNOWN_ENUM_INDEX -> new Record(kind, key, unknownEncoding(id));
            case NEGATIVE_SEQUENCE -> new Record(kind, key, encode(chunk(id, -1 - random.nextInt(1000), 1600).build()));
            case EMPTY_STREAM_ID -> new Record(kind, new byte[0], encode(chunk("", 0, 1600).build()));
            case SEQUENCE_NEAR_2_62 -> new Record(kind, key, encode(chunk(id, (1L << 62) + random.nextInt(1000), 1600).build()));
            case EVENT_TIME_MINUS_2_50 -> new Record(kind, key, encode(chunk(id, inOrder(id), 1600)
                    .setEventTime(Instant.ofEpochMilli(-(1L << 50))).build()));
            case EVENT_TIME_PLUS_2_50 -> new Record(kind, key, encode(chunk(id, inOrder(id), 1600)
                    .setEventTime(Instant.ofEpochMilli(1L << 50)).build()));
            case DUPLICATE -> new Record(kind, key, encode(chunk(id, Math.max(0, nextSequence.getOrDefault(id, 0L) - 1), 1600).build()));
            case GAP_HOLDER -> { // all stamped at the edge of the clock's tolerance: the watermark never passes them
                long ahead = 2 + random.nextInt(40);
                yield new Record(kind, key, encode(chunk(id, nextSequence.getOrDefault(id, 0L) + ahead, 16_000)
                        .setEventTime(Instant.ofEpochMilli(nowMillis + 59_000)).build()));
            }
            case NOISE_900_KB -> new Record(kind, key, encode(chunk(id, inOrder(id), 450 * 1024).build()));
        };
    }

    /** The stream's next sequence number, as a producer in order would send it. */
    private long inOrder(String id) {
        long sequence = nextSequence.getOrDefault(id, 0L);
        nextSequence.put(id, sequence + 1);
        return sequence;
    }

    /** A 16 kHz mono PCM chunk of noise, stamped 100 ms per sequence number from a minute ago. */
    private AudioChunk.Builder chunk(String id, long sequence, int samples) {
        byte[] pcm = new byte[2 * samples];
        random.nextBytes(pcm);
        long eventTime = nowMillis - 60_000 + Math.floorMod(sequence, 500L) * 100;
        return AudioChunk.newBuilder().setStreamId(id).setSequence(sequence)
                .setEventTime(Instant.ofEpochMilli(eventTime)).setSampleRate(16000).setChannels(1)
                .setEncoding(SampleEncoding.PCM_S16LE).setSamples(ByteBuffer.wrap(pcm));
    }

    private static byte[] encode(AudioChunk chunk) {
        return WireFormat.encode(chunk, AudioChunk.getEncoder());
    }

    /** The right header, and a body whose sample encoding is enum index 7 (there are two). */
    private byte[] unknownEncoding(String id) {
        byte[] header = java.util.Arrays.copyOf(encode(chunk(id, 0, 1).build()), WireFormat.HEADER_LENGTH);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(header);
        BinaryEncoder body = EncoderFactory.get().binaryEncoder(out, null);
        try {
            body.writeString(id);
            body.writeLong(inOrder(id));
            body.writeLong(nowMillis - 60_000);
            body.writeInt(16000);
            body.writeInt(1);
            body.writeEnum(7);
            body.writeBytes(new byte[320]);
            body.writeIndex(0);
            body.writeIndex(0);
            body.flush();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out.toByteArray();
    }
}
