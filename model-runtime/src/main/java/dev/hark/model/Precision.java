package dev.hark.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.GraphOptions;
import org.tensorflow.proto.RewriterConfig;

/**
 * The arithmetic TensorFlow runs a model's convolutions and matrix products in on the CPU. {@link #BFLOAT16} is
 * oneDNN's automatic mixed precision: those ops take bfloat16 inputs (8 bits of mantissa) and accumulate in float32,
 * while weights, normalisation and softmax stay float32. On a CPU with bfloat16 dot products (AVX512_BF16 or AMX) it
 * scores a window of the default model about 1.6 times as fast; on one without, oneDNN emulates them, several times
 * slower than float32, so {@link #AUTO} takes bfloat16 only where the CPU has them. Ops placed on a GPU are not touched.
 */
public enum Precision {
    FLOAT32,
    BFLOAT16,
    /** {@link #BFLOAT16} where the CPU computes bfloat16 natively, {@link #FLOAT32} elsewhere. */
    AUTO;

    /** CPU flags (Linux's /proc/cpuinfo names) that mean bfloat16 dot products in hardware. */
    static final Set<String> NATIVE_BFLOAT16_FLAGS = Set.of("avx512_bf16", "amx_bf16");

    private static volatile Boolean nativeBfloat16;

    /** What this setting means on this machine: never {@link #AUTO}. */
    public Precision resolve() {
        if (this != AUTO) {
            return this;
        }
        return cpuHasNativeBfloat16() ? BFLOAT16 : FLOAT32;
    }

    /** The name used in options and contracts: {@code float32}, {@code bfloat16} or {@code auto}. */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@link #key()} (any case), with a message that lists the choices. */
    public static Precision of(String value) {
        for (Precision p : values()) {
            if (p.key().equalsIgnoreCase(value.trim())) {
                return p;
            }
        }
        throw new IllegalArgumentException("precision must be one of float32, bfloat16 or auto, got '" + value + "'");
    }

    /**
     * Sets the session option that makes TensorFlow run this precision (float32 sets nothing). Not public: this enum
     * travels in the job's settings to a JobManager that has no TensorFlow, and a public method would make reflection
     * there load TensorFlow's classes ({@link TensorFlowDevices#withPrecision} is the public way in).
     */
    ConfigProto.Builder applyTo(ConfigProto.Builder config) {
        if (resolve() == BFLOAT16) {
            config.setGraphOptions(GraphOptions.newBuilder(config.getGraphOptions()).setRewriteOptions(
                    RewriterConfig.newBuilder(config.getGraphOptions().getRewriteOptions())
                            .setAutoMixedPrecisionOnednnBfloat16(RewriterConfig.Toggle.ON)));
        }
        return config;
    }

    /** Whether this machine's CPU reports bfloat16 dot products; false where it cannot be told (not Linux). */
    public static boolean cpuHasNativeBfloat16() {
        Boolean known = nativeBfloat16;
        if (known == null) {
            known = hasNativeBfloat16(cpuFlags(Path.of("/proc/cpuinfo")));
            nativeBfloat16 = known;
        }
        return known;
    }

    static boolean hasNativeBfloat16(Set<String> cpuFlags) {
        return cpuFlags.stream().anyMatch(NATIVE_BFLOAT16_FLAGS::contains);
    }

    /** The flags of the first processor listed in a /proc/cpuinfo file; none if there is no such file. */
    static Set<String> cpuFlags(Path cpuinfo) {
        try (Stream<String> lines = Files.lines(cpuinfo)) {
            return lines.filter(line -> line.startsWith("flags")).findFirst()
                    .map(line -> Stream.of(line.substring(line.indexOf(':') + 1).trim().split("\\s+"))
                            .collect(Collectors.toSet()))
                    .orElse(Set.of());
        } catch (IOException | RuntimeException e) {
            return Set.of();
        }
    }
}
