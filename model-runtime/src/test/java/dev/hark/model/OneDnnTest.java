package dev.hark.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** TensorFlow's rule for oneDNN, and the advice given where it leaves the model on Eigen's kernels. */
class OneDnnTest {
    static final Set<String> ZEN3 = Set.of("sse2", "avx", "avx2", "fma", "f16c");
    static final Set<String> CASCADE_LAKE = Set.of("avx2", "avx512f", "avx512bw", "avx512_vnni");
    static final Set<String> SAPPHIRE_RAPIDS = Set.of("avx2", "avx512f", "amx_tile", "amx_bf16");

    @Test
    void theVariableDecidesWhereItSaysYesOrNo() {
        assertTrue(OneDnn.enabled("1", ZEN3));
        assertTrue(OneDnn.enabled(" True ", ZEN3));
        assertFalse(OneDnn.enabled("0", CASCADE_LAKE));
        assertFalse(OneDnn.enabled("false", SAPPHIRE_RAPIDS));
    }

    @Test
    void otherwiseTheCpuDecides() {
        assertFalse(OneDnn.enabled(null, ZEN3), "AVX2 alone: TensorFlow leaves oneDNN off");
        assertFalse(OneDnn.enabled("", ZEN3));
        assertFalse(OneDnn.enabled("yes", ZEN3), "TensorFlow takes a value it cannot read as its default");
        assertFalse(OneDnn.enabled(null, Set.of("avx512f", "avx512bw")), "AVX-512 without VNNI is not enough");
        assertTrue(OneDnn.enabled(null, CASCADE_LAKE));
        assertTrue(OneDnn.enabled(null, SAPPHIRE_RAPIDS));
    }

    @Test
    void adviceOnlyWhereOneDnnIsOff() {
        Optional<String> unset = OneDnn.advice(null, ZEN3);
        assertTrue(unset.isPresent());
        assertTrue(unset.get().contains("TF_ENABLE_ONEDNN_OPTS is not set"), unset.get());
        assertTrue(unset.get().contains("Set TF_ENABLE_ONEDNN_OPTS=1"), unset.get());
        Optional<String> turnedOff = OneDnn.advice("0", CASCADE_LAKE);
        assertTrue(turnedOff.isPresent() && turnedOff.get().contains("(TF_ENABLE_ONEDNN_OPTS=0)"), turnedOff.toString());
        assertEquals(Optional.empty(), OneDnn.advice("1", ZEN3));
        assertEquals(Optional.empty(), OneDnn.advice(null, CASCADE_LAKE));
        assertEquals(Optional.empty(), OneDnn.advice(null, Set.of()), "no /proc/cpuinfo (not Linux): nothing to say");
    }

    @Test
    void theBuildRunsItsTestsOnOneDnnAsServingDoes() {
        // The poms set the variable for every test JVM, as bin/hark and the images do for serving: the tests score the
        // model with the kernels it is served with, on every CPU.
        assertEquals("1", System.getenv(OneDnn.VARIABLE));
        assertTrue(OneDnn.enabled());
    }
}
