package dev.hark.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.hark.audio.LogMelExtractor;
import dev.hark.audio.WavFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.RewriterConfig;

/** float32, bfloat16 and auto: what each asks of TensorFlow, and what bfloat16 does to the default model's scores. */
class PrecisionTest {
    static final Path DEMO = Files.isDirectory(Path.of("..", "examples", "demo-streams"))
            ? Path.of("..", "examples", "demo-streams") : Path.of("examples", "demo-streams");

    @Test
    void autoTakesBfloat16OnlyWhereTheCpuHasItsDotProducts(@TempDir Path dir) throws IOException {
        Path zen4 = dir.resolve("zen4");
        Files.writeString(zen4, "processor\t: 0\nflags\t\t: fpu sse2 avx2 avx512f avx512_bf16 avx512_vnni\n\n"
                + "processor\t: 1\nflags\t\t: fpu sse2 avx2 avx512f avx512_bf16 avx512_vnni\n");
        Path skylake = dir.resolve("skylake");
        Files.writeString(skylake, "processor\t: 0\nflags\t\t: fpu sse2 avx2 avx512f avx512bw avx512_vnni\n");
        Path sapphire = dir.resolve("sapphire");
        Files.writeString(sapphire, "flags\t\t: avx512f amx_bf16 amx_tile\n");

        assertTrue(Precision.hasNativeBfloat16(Precision.cpuFlags(zen4)));
        assertFalse(Precision.hasNativeBfloat16(Precision.cpuFlags(skylake)), "AVX-512 alone emulates bfloat16");
        assertTrue(Precision.hasNativeBfloat16(Precision.cpuFlags(sapphire)));
        assertEquals(Set.of(), Precision.cpuFlags(dir.resolve("no-such-file")), "not Linux: no flags, float32");

        Precision auto = Precision.AUTO.resolve();
        assertEquals(Precision.cpuHasNativeBfloat16() ? Precision.BFLOAT16 : Precision.FLOAT32, auto);
        assertEquals(Precision.FLOAT32, Precision.FLOAT32.resolve());
        assertEquals(Precision.BFLOAT16, Precision.BFLOAT16.resolve());
    }

    @Test
    void onlyBfloat16TurnsOnOneDnnsMixedPrecision() {
        assertEquals(RewriterConfig.Toggle.ON, rewrite(Precision.BFLOAT16));
        assertEquals(RewriterConfig.Toggle.DEFAULT, rewrite(Precision.FLOAT32), "float32 asks for nothing");
        ConfigProto threads = TensorFlowDevices.sessionConfig(3, 2, Precision.BFLOAT16);
        assertEquals(3, threads.getIntraOpParallelismThreads(), "the threads stay as asked");
        assertEquals(2, threads.getInterOpParallelismThreads());
        assertTrue(threads.getGpuOptions().getAllowGrowth());
    }

    /**
     * Precision travels in the job's settings to a JobManager without TensorFlow, where deserialising the enum lists
     * its public methods: none of them may name a TensorFlow type.
     */
    @Test
    void noPublicMethodNamesATensorFlowType() {
        for (java.lang.reflect.Method m : Precision.class.getMethods()) {
            java.util.List<Class<?>> types = new java.util.ArrayList<>(java.util.List.of(m.getParameterTypes()));
            types.add(m.getReturnType());
            for (Class<?> type : types) {
                assertFalse(type.getName().startsWith("org.tensorflow."), m + " names " + type.getName());
            }
        }
    }

    @Test
    void namesParseInAnyCaseAndAWrongOneSaysWhatIsAllowed() {
        assertEquals(Precision.BFLOAT16, Precision.of("BFloat16"));
        assertEquals(Precision.AUTO, Precision.of(" auto "));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Precision.of("fp16"));
        assertTrue(e.getMessage().contains("float32, bfloat16 or auto") && e.getMessage().contains("fp16"),
                e.getMessage());
    }

    /**
     * The default model on the demo's recorded speech, every half second of three streams: in bfloat16 the scores
     * move (so the option reaches TensorFlow) but by little, and no clear answer changes.
     */
    @Test
    void bfloat16MovesTheDefaultModelsScoresByLittleAndKeepsItsAnswers() throws IOException {
        assumeTrue(Precision.cpuHasNativeBfloat16(), "this CPU has no bfloat16 dot products (oneDNN would emulate them)");
        float[] windows;
        int count;
        try (AudioClassifier probe = new AudioClassifier(ModelVersions.BUNDLED, 1, 1).open()) {
            LogMelExtractor extractor = new LogMelExtractor(probe.contract().features());
            int size = probe.windowSize();
            int sampleRate = probe.contract().features().sampleRate();
            windows = new float[0];
            count = 0;
            for (String name : new String[] {"kitchen.wav", "car.wav", "hallway.wav"}) {
                float[] audio = WavFile.read(DEMO.resolve(name)).samples();
                for (int start = 0; start + sampleRate <= audio.length; start += sampleRate / 2) {
                    float[] frames = extractor.extract(Arrays.copyOfRange(audio, start, start + sampleRate));
                    windows = Arrays.copyOf(windows, (count + 1) * size);
                    System.arraycopy(frames, 0, windows, count * size, size);
                    count++;
                }
            }
        }
        float[][] exact = scores(Precision.FLOAT32, windows, count);
        float[][] mixed = scores(Precision.BFLOAT16, windows, count);
        double largest = 0;
        int clear = 0;
        for (int w = 0; w < count; w++) {
            for (int l = 0; l < exact[w].length; l++) {
                largest = Math.max(largest, Math.abs(exact[w][l] - mixed[w][l]));
            }
            float[] sorted = exact[w].clone();
            Arrays.sort(sorted);
            if (sorted[sorted.length - 1] - sorted[sorted.length - 2] > 0.2f) {
                clear++;
                assertEquals(AudioClassifier.argMax(exact[w]), AudioClassifier.argMax(mixed[w]), "window " + w);
            }
        }
        assertTrue(count >= 50 && clear >= count / 2, count + " windows, " + clear + " with a clear answer");
        assertTrue(largest > 1e-6, "bfloat16 must change the arithmetic, so the scores move");
        assertTrue(largest < 0.05, "largest change of a score: " + largest);
    }

    private static float[][] scores(Precision precision, float[] windows, int count) throws IOException {
        try (AudioClassifier classifier = new AudioClassifier(ModelVersions.BUNDLED, 1, 1, precision).open()) {
            assertEquals(precision, classifier.precision());
            return classifier.classify(windows, count);
        }
    }

    private static RewriterConfig.Toggle rewrite(Precision precision) {
        return TensorFlowDevices.sessionConfig(1, 1, precision).getGraphOptions().getRewriteOptions()
                .getAutoMixedPrecisionOnednnBfloat16();
    }
}
