package dev.hark.avro.wire;

import java.io.IOException;
import java.nio.ByteBuffer;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.message.BadHeaderException;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.message.MissingSchemaException;

/**
 * Avro single-object encoding on Kafka: {@code 0xC3 0x01}, the 8-byte little-endian CRC-64-AVRO fingerprint of the
 * writer schema, then the Avro binary body. Decoding failures say exactly what was wrong.
 */
public final class WireFormat {
    /** Header (2) plus fingerprint (8). */
    public static final int HEADER_LENGTH = 10;

    private WireFormat() {
    }

    /** Why bytes could not be decoded; the names are the dead-letter reasons. */
    public enum Failure {
        /** No value, or fewer bytes than a header. */
        EMPTY_RECORD,
        /** Does not start with the single-object marker 0xC3 0x01. */
        NOT_SINGLE_OBJECT_ENCODED,
        /** The schema fingerprint is not one this reader knows. */
        UNKNOWN_SCHEMA,
        /** The body does not parse against the schema (truncated, corrupt). */
        MALFORMED_AVRO
    }

    /** Bytes that are not a valid record of the expected type. */
    public static final class DecodeException extends Exception {
        private final Failure failure;

        public DecodeException(Failure failure, String message, Throwable cause) {
            super(message, cause);
            this.failure = failure;
        }

        public Failure failure() {
            return failure;
        }
    }

    /** Encodes a record with its generated class's encoder, e.g. {@code Prediction.getEncoder()}. */
    public static <T> byte[] encode(T record, BinaryMessageEncoder<T> encoder) {
        try {
            ByteBuffer buffer = encoder.encode(record);
            byte[] bytes = new byte[buffer.remaining()];
            buffer.get(bytes);
            return bytes;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("could not encode " + record.getClass().getSimpleName(), e);
        }
    }

    /** Decodes single-object encoded bytes with a generated class's decoder, e.g. {@code AudioChunk.getDecoder()}. */
    public static <T> T decode(byte[] bytes, BinaryMessageDecoder<T> decoder, String expectedType) throws DecodeException {
        if (bytes == null || bytes.length < HEADER_LENGTH) {
            throw new DecodeException(Failure.EMPTY_RECORD, "expected a single-object encoded " + expectedType + " but got "
                    + (bytes == null ? "no value" : bytes.length + " bytes"), null);
        }
        if ((bytes[0] & 0xFF) != 0xC3 || bytes[1] != 0x01) {
            throw new DecodeException(Failure.NOT_SINGLE_OBJECT_ENCODED, String.format(
                    "value starts with 0x%02X 0x%02X, not the Avro single-object marker 0xC3 0x01; produce %s with"
                            + " Avro single-object encoding (see avro-schemas/README.md)", bytes[0], bytes[1], expectedType), null);
        }
        try {
            return decoder.decode(bytes);
        } catch (MissingSchemaException e) {
            throw new DecodeException(Failure.UNKNOWN_SCHEMA, "unknown writer schema fingerprint "
                    + fingerprintHex(bytes) + "; write " + expectedType + " with the schema in avro-schemas", e);
        } catch (BadHeaderException e) {
            throw new DecodeException(Failure.NOT_SINGLE_OBJECT_ENCODED, e.getMessage(), e);
        } catch (IOException | AvroRuntimeException | IndexOutOfBoundsException | NegativeArraySizeException
                 | IllegalArgumentException e) {
            throw new DecodeException(Failure.MALFORMED_AVRO, "the " + expectedType + " body is not valid Avro ("
                    + e.getClass().getSimpleName() + ": " + e.getMessage() + ")", e);
        }
    }

    private static String fingerprintHex(byte[] bytes) {
        StringBuilder sb = new StringBuilder();
        for (int i = 9; i >= 2; i--) {
            sb.append(String.format("%02x", bytes[i]));
        }
        return sb.toString();
    }
}
