package dev.hark.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hark.job.options.HarkOptions;
import dev.hark.avro.Prediction;
import dev.hark.data.DemoStreams;
import dev.hark.job.testing.KafkaBrokerExtension;
import dev.hark.job.testing.LoopbackMiniCluster;
import dev.hark.job.testing.TestAudio;
import dev.hark.job.testing.TopicReader;
import dev.hark.model.AudioClassifier;
import dev.hark.model.ModelVersions;
import dev.hark.job.ingest.ChunkEncoding;
import java.net.URI;
import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.streaming.util.TestStreamEnvironment;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The job's code and TensorFlow come with the job, as on a cluster where they are in the job jar: each submission
 * gets its own child-first user-code class loader, so each loads TensorFlow's classes (and its JNI library) anew.
 * Several jobs in a row on one TaskManager must all work, and none may leave its class loader behind.
 */
class ClassloadingITCase {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    /**
     * The generated Avro records stay parent-first here, with Avro itself: in this JVM both are on the parent's class
     * path too, while on a cluster records and Avro come together in the job jar. TensorFlow, JavaCPP and hark's job
     * code load child-first from the job's class path, as they would from a job jar.
     */
    @RegisterExtension
    static final MiniClusterExtension FLINK = LoopbackMiniCluster.create(2,
            withParentFirstAvroRecords(LocalFlink.loopbackConfiguration()));

    private static Configuration withParentFirstAvroRecords(Configuration conf) {
        conf.set(org.apache.flink.configuration.CoreOptions.ALWAYS_PARENT_FIRST_LOADER_PATTERNS_ADDITIONAL,
                List.of("dev.hark.avro."));
        return conf;
    }

    static final int JOBS = 3;

    /**
     * Where the job's code and the libraries a job jar bundles come from (hark, TensorFlow, JavaCPP, protobuf,
     * Jackson, JTransforms): the job "jar" of this test. Flink, its Kafka connector and Avro stay with the cluster.
     */
    static List<URL> jobClasspath() throws Exception {
        Set<URL> urls = new LinkedHashSet<>();
        for (Class<?> c : List.of(HarkJob.class, AudioClassifier.class, Prediction.class, org.tensorflow.SavedModelBundle.class,
                org.tensorflow.internal.c_api.global.tensorflow.class, org.bytedeco.javacpp.Pointer.class,
                org.tensorflow.ndarray.Shape.class, com.google.protobuf.Message.class,
                com.fasterxml.jackson.databind.ObjectMapper.class, com.fasterxml.jackson.core.JsonFactory.class,
                com.fasterxml.jackson.annotation.JsonProperty.class, org.jtransforms.fft.FloatFFT_1D.class,
                pl.edu.icm.jlargearrays.LargeArray.class, org.apache.commons.math3.util.FastMath.class)) {
            urls.add(c.getProtectionDomain().getCodeSource().getLocation());
        }
        // The jar of TensorFlow's native libraries holds no classes: find it by one of its files.
        String platform = org.bytedeco.javacpp.Loader.getPlatform();
        URL nativeLib = null;
        for (String folder : List.of(platform + "-gpu", platform)) { // the CUDA build (-Pgpu) or the CPU one
            if (nativeLib == null) {
                nativeLib = HarkJob.class.getClassLoader().getResource(
                        "org/tensorflow/internal/c_api/" + folder + "/libjnitensorflow.so");
            }
        }
        assertNotNull(nativeLib, "TensorFlow's native jar is on the test classpath");
        String jar = nativeLib.toString();
        urls.add(URI.create(jar.substring("jar:".length(), jar.indexOf("!/"))).toURL());
        return new ArrayList<>(urls);
    }

    /** JavaCPP deallocator threads whose classes came from a job's class loader rather than this JVM's. */
    static List<Thread> jobDeallocatorThreads() {
        List<Thread> threads = new ArrayList<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().equals("JavaCPP Deallocator")
                    && t.getClass().getClassLoader() != org.bytedeco.javacpp.Pointer.class.getClassLoader()) {
                threads.add(t);
            }
        }
        return threads;
    }

    @Test
    void jobsWithTensorFlowInTheirOwnClassLoaderRunOneAfterAnotherWithoutPilingUpLoaders(
            @InjectMiniCluster MiniCluster cluster) throws Exception {
        KAFKA.createTopic("cl-audio", 1);
        KAFKA.createTopic("cl-dead", 1);
        DemoStreams.Loaded sample = TestAudio.demoStreams().get(0);
        float[] three = java.util.Arrays.copyOf(sample.audio().samples(), 3 * 16000);
        TestAudio.send(KAFKA.bootstrapServers(), "cl-audio", ChunkEncoding.pcm16("cl", three, 16000, 1600, 0));
        List<URL> classpath = jobClasspath();
        List<List<String>> labelsPerJob = new ArrayList<>();
        // Notes each class loader that loads TensorFlow (weakly), to check afterwards which can be collected.
        List<java.lang.ref.WeakReference<ClassLoader>> loaders = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.concurrent.atomic.AtomicBoolean watching = new java.util.concurrent.atomic.AtomicBoolean(true);
        Thread watcher = new Thread(() -> {
            while (watching.get()) {
                for (Thread t : jobDeallocatorThreads()) {
                    ClassLoader loader = t.getClass().getClassLoader();
                    if (loaders.stream().noneMatch(r -> r.get() == loader)) {
                        loaders.add(new java.lang.ref.WeakReference<>(loader));
                    }
                }
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "class-loader-watcher");
        watcher.start();
        for (int run = 0; run < JOBS; run++) {
            String predictions = "cl-predictions-" + run;
            KAFKA.createTopic(predictions, 1);
            Configuration conf = new Configuration();
            conf.set(HarkOptions.BOOTSTRAP_SERVERS, KAFKA.bootstrapServers());
            conf.set(HarkOptions.AUDIO_TOPIC, "cl-audio");
            conf.set(HarkOptions.PREDICTIONS_TOPIC, predictions);
            conf.set(HarkOptions.DEAD_LETTER_TOPIC, "cl-dead");
            conf.set(HarkOptions.GROUP_ID, "cl-" + run);
            conf.set(HarkOptions.MODEL_DIR, ModelVersions.BUNDLED.toString());
            conf.set(HarkOptions.WINDOW_HOP, Duration.ofSeconds(1));
            conf.set(HarkOptions.STARTING_OFFSETS, "earliest");
            conf.set(HarkOptions.BOUNDED, true);
            conf.set(HarkOptions.DELIVERY_GUARANTEE, DeliveryGuarantee.AT_LEAST_ONCE);
            TestStreamEnvironment env = new TestStreamEnvironment(cluster, new Configuration(), 1, List.of(), classpath);
            JobClient job = HarkJob.start(env, conf);
            job.getJobExecutionResult().get();
            labelsPerJob.add(topLabels(predictions, 3));
        }
        for (List<String> labels : labelsPerJob) {
            assertEquals(labelsPerJob.get(0), labels, "every job scores the same audio the same way");
        }
        watching.set(false);
        watcher.join();
        assertEquals(JOBS, loaders.size(), "each job loaded TensorFlow in a class loader of its own");
        long deadline = System.currentTimeMillis() + 30_000;
        while ((!jobDeallocatorThreads().isEmpty() || loadersAlive(loaders) == JOBS)
                && System.currentTimeMillis() < deadline) {
            System.gc();
            Thread.sleep(200);
        }
        List<Thread> left = jobDeallocatorThreads();
        assertTrue(left.isEmpty(), left.size() + " JavaCPP deallocator threads of finished jobs still run, each"
                + " holding its job's class loader (and TensorFlow's classes) in memory");
        // Without the release hook every loader stays, pinned by its deallocator thread. With it they can be
        // collected; on Java 17 one or two may stay through JDK-8078641 (a method handle cache in the records'
        // ObjectMethods bootstrap; see the README), so the check is that they are not all pinned.
        long alive = loadersAlive(loaders);
        System.out.println("class loaders of finished jobs still reachable after GC: " + alive + " of " + JOBS);
        assertTrue(alive < JOBS, "no finished job's class loader could be collected");
    }

    private static long loadersAlive(List<java.lang.ref.WeakReference<ClassLoader>> loaders) {
        return loaders.stream().filter(r -> r.get() != null).count();
    }

    private static List<String> topLabels(String topic, int count) throws Exception {
        List<String> labels;
        try (TopicReader reader = TopicReader.of(KAFKA.bootstrapServers(), topic)) {
            labels = reader.untilCount(topic, count, Duration.ofSeconds(30)).values(topic, Prediction.getDecoder())
                    .stream().map(p -> p.getTop().get(0).getLabel()).toList();
        }
        assertEquals(count, labels.size(), "predictions on " + topic);
        return labels;
    }
}
