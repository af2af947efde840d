package dev.hark.cli.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.Test;

/**
 * What the job jar holds: the job and what it needs that a Flink cluster lacks, and nothing else (no command line,
 * no broker, no training, not Flink, not logging); TensorFlow only in the variant made to carry it.
 */
class JobJarTest {
    static final List<String> NEVER = List.of("dev/hark/cli/", "dev/hark/client/", "dev/hark/kafka/", "dev/hark/data/",
            "dev/hark/training/", "dev/hark/evaluation/", "picocli/", "kafka/server/",
            "org/apache/flink/streaming/api/environment/", "org/apache/flink/runtime/", "org/slf4j/",
            "org/apache/logging/log4j/", "META-INF/services/org.slf4j.spi.SLF4JServiceProvider");
    static final List<String> ALWAYS = List.of("dev/hark/job/HarkJob.class", "dev/hark/model/ModelLifecycle.class",
            "dev/hark/model/ModelSupplier.class", "dev/hark/job/options/HarkOptions.class",
            "dev/hark/audio/SimdFrameEngine.class", "dev/hark/avro/Prediction.class",
            "org/apache/flink/connector/kafka/source/KafkaSource.class",
            "org/apache/flink/connector/base/DeliveryGuarantee.class", "org/apache/kafka/clients/producer/KafkaProducer.class",
            "org/apache/avro/Schema.class", "com/fasterxml/jackson/databind/ObjectMapper.class",
            "org/jtransforms/fft/FloatFFT_1D.class");
    static final List<String> TENSORFLOW = List.of("org/tensorflow/SavedModelBundle.class", "org/bytedeco/javacpp/Pointer.class",
            "com/google/protobuf/Message.class");

    private static boolean has(JarFile jar, String prefix) {
        return jar.stream().map(ZipEntry::getName).anyMatch(name -> name.startsWith(prefix));
    }

    private static void check(Path path, boolean tensorFlow) throws Exception {
        try (JarFile jar = new JarFile(path.toFile())) {
            assertEquals("dev.hark.job.HarkJob", jar.getManifest().getMainAttributes().getValue("Main-Class"),
                    "flink run finds the job's main class");
            for (String entry : ALWAYS) {
                assertTrue(has(jar, entry), path.getFileName() + " lacks " + entry);
            }
            for (String entry : NEVER) {
                assertTrue(!has(jar, entry), path.getFileName() + " carries " + entry);
            }
            for (String entry : TENSORFLOW) {
                assertEquals(tensorFlow, has(jar, entry), path.getFileName() + (tensorFlow ? " lacks " : " carries ") + entry);
            }
        }
    }

    @Test
    void theJobJarHoldsTheJobAndWhatTheClusterLacks() throws Exception {
        check(StandaloneFlinkCluster.jobJar(), false);
    }

    @Test
    void theVariantWithTensorFlowCarriesItToo() throws Exception {
        check(StandaloneFlinkCluster.jobJarWithTensorFlow(), true);
        try (JarFile jar = new JarFile(StandaloneFlinkCluster.jobJarWithTensorFlow().toFile())) {
            assertTrue(jar.stream().anyMatch(e -> e.getName().endsWith("libtensorflow_cc.so.2")),
                    "TensorFlow's native library comes with it");
        }
    }
}
