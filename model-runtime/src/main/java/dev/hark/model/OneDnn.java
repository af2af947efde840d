package dev.hark.model;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether TensorFlow runs the model's CPU ops on oneDNN's kernels or on Eigen's. TensorFlow 2.18 on Linux decides once
 * per process, from the environment variable {@value #VARIABLE} ({@code 1}/{@code true} or {@code 0}/{@code false}),
 * and where it is not set, from the CPU: on only with AVX512_VNNI, AVX512_BF16, AVX_VNNI or AMX (its
 * {@code DefaultOneDnnPolicy}). Elsewhere (AMD Zen 1 to 3, Intel before Cascade Lake) it stays off, and the default
 * model scores batches of windows at about half the rate (BENCHMARKS.md, "Inference"). A JVM cannot set its own
 * environment before TensorFlow reads it, so hark's launchers and images set {@code TF_ENABLE_ONEDNN_OPTS=1}, and
 * a process started without it says so once.
 */
public final class OneDnn {
    /** The environment variable TensorFlow reads. */
    public static final String VARIABLE = "TF_ENABLE_ONEDNN_OPTS";
    /** /proc/cpuinfo flags with which TensorFlow turns oneDNN on by itself. */
    static final Set<String> DEFAULT_ON_FLAGS = Set.of(
            "avx512_vnni", "avx512_bf16", "avx_vnni", "amx_tile", "amx_int8", "amx_bf16");
    private static final Logger LOG = LoggerFactory.getLogger(OneDnn.class);
    private static final AtomicBoolean REPORTED = new AtomicBoolean();

    private OneDnn() {
    }

    /** Whether TensorFlow in this process runs on oneDNN (Linux x86; elsewhere the CPU flags are unknown: off). */
    public static boolean enabled() {
        return enabled(System.getenv(VARIABLE), Precision.cpuFlags(Path.of("/proc/cpuinfo")));
    }

    /** TensorFlow's rule: the variable where it says yes or no (any case), else the CPU's default. */
    static boolean enabled(String variable, Set<String> cpuFlags) {
        String value = variable == null ? "" : variable.trim().toLowerCase(Locale.ROOT);
        if (value.equals("1") || value.equals("true")) {
            return true;
        }
        if (value.equals("0") || value.equals("false")) {
            return false;
        }
        return cpuFlags.stream().anyMatch(DEFAULT_ON_FLAGS::contains);
    }

    /** What to do about it, where oneDNN is off on an x86 CPU that TensorFlow's default left out; empty otherwise. */
    static Optional<String> advice(String variable, Set<String> cpuFlags) {
        if (cpuFlags.isEmpty() || enabled(variable, cpuFlags)) {
            return Optional.empty();
        }
        String why = variable == null || variable.isBlank()
                ? VARIABLE + " is not set and this CPU has none of " + String.join(", ", new java.util.TreeSet<>(DEFAULT_ON_FLAGS))
                : VARIABLE + "=" + variable;
        return Optional.of("TensorFlow runs the model on Eigen's kernels, not oneDNN's (" + why + "): windows score at"
                + " about half the rate. Set " + VARIABLE + "=1 in the environment of every process that scores"
                + " windows (the TaskManagers); bin/hark and hark's images do.");
    }

    /** Logs, once per process, whether the model's CPU ops run on oneDNN, with what to do where they do not. */
    public static void reportOnce() {
        if (!REPORTED.compareAndSet(false, true)) {
            return;
        }
        String variable = System.getenv(VARIABLE);
        Set<String> flags = Precision.cpuFlags(Path.of("/proc/cpuinfo"));
        Optional<String> advice = advice(variable, flags);
        if (advice.isPresent()) {
            LOG.warn(advice.get());
        } else {
            LOG.info("TensorFlow's CPU ops run on oneDNN: {}", enabled(variable, flags));
        }
    }
}
