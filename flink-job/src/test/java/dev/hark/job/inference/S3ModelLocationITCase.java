package dev.hark.job.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.hark.audio.LogMelExtractor;
import dev.hark.avro.Prediction;
import dev.hark.job.options.HarkOptions;
import dev.hark.job.options.JobSettings;
import dev.hark.job.features.FeatureWindow;
import dev.hark.model.ModelContract;
import dev.hark.model.ModelVersions;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStore;
import org.jclouds.blobstore.BlobStoreContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model root on S3, read through Flink's S3 file system (the {@code flink-s3-fs-hadoop} plugin) from S3Proxy, an
 * S3 API server on 127.0.0.1: the job serves the newest version, picks up one uploaded while it runs, and goes
 * back to the one before when that version is taken away again.
 */
class S3ModelLocationITCase {
    static final String BUCKET = "hark-models";
    static final String ACCESS_KEY = "hark-access";
    static final String SECRET_KEY = "hark-secret";

    static BlobStoreContext blobs;
    static S3Proxy s3;

    @BeforeAll
    static void startS3() throws Exception {
        blobs = ContextBuilder.newBuilder("transient").credentials("identity", "credential").build(BlobStoreContext.class);
        s3 = S3Proxy.builder().blobStore(blobs.getBlobStore()).endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY).build();
        s3.start();
        while (!s3.getState().equals("STARTED")) {
            Thread.sleep(10);
        }
        blobs.getBlobStore().createContainerInLocation(null, BUCKET);
        Configuration conf = new Configuration();
        conf.setString("s3.endpoint", "http://127.0.0.1:" + s3.getPort());
        conf.setString("s3.endpoint.region", "us-east-1");
        conf.setString("s3.path.style.access", "true");
        conf.setString("s3.access-key", ACCESS_KEY);
        conf.setString("s3.secret-key", SECRET_KEY);
        // As a TaskManager does: the S3 file system from its plugin folder, the s3.* options from its config.yaml.
        Path plugins = Path.of("target", "test-plugins");
        FileSystem.initialize(conf, new org.apache.flink.core.plugin.DefaultPluginManager(
                new org.apache.flink.core.plugin.DirectoryBasedPluginFinder(plugins).findPlugins(),
                org.apache.flink.configuration.CoreOptions.getPluginParentFirstLoaderPatterns(conf)));
    }

    @AfterAll
    static void stopS3() throws Exception {
        FileSystem.initialize(new Configuration(), null);
        s3.stop();
        blobs.close();
    }

    /** Uploads a local model folder under {@code key}, its contract last, as a publisher of versions should. */
    static void upload(Path dir, String key) throws Exception {
        BlobStore store = blobs.getBlobStore();
        List<Path> files;
        try (var walk = Files.walk(dir)) {
            files = walk.filter(Files::isRegularFile)
                    .sorted(Comparator.comparing((Path p) -> p.getFileName().toString().equals(ModelContract.FILE_NAME)))
                    .toList();
        }
        for (Path f : files) {
            byte[] bytes = Files.readAllBytes(f);
            String name = key + "/" + dir.relativize(f).toString().replace('\\', '/');
            store.putBlob(BUCKET, store.blobBuilder(name).payload(bytes).contentLength(bytes.length).build());
        }
    }

    private static FeatureWindow window(int index, ModelContract contract) {
        float[] audio = new float[16000];
        for (int i = 0; i < audio.length; i++) {
            audio[i] = (float) (0.1 * Math.sin(i * (0.01 + 0.02 * index)));
        }
        return new FeatureWindow("s", index, 1000L * index, 1000L * index + 992,
                new LogMelExtractor(contract.features()).extract(audio), 0);
    }

    @Test
    void servesAndSwapsModelVersionsFromS3(@TempDir Path local) throws Exception {
        upload(ModelVersions.add(local, "1"), "keywords/1");
        String root = "s3://" + BUCKET + "/keywords";
        Configuration conf = new Configuration();
        conf.set(HarkOptions.MODEL_DIR, root);
        ModelContract contract = JobSettings.from(conf).contract();
        assertEquals("1", contract.version(), "the job's settings read the contract from S3");
        try (OneInputStreamOperatorTestHarness<FeatureWindow, Prediction> h = new OneInputStreamOperatorTestHarness<>(
                new BatchInferenceOperator(BatchInferenceOperatorTest.settings(root, contract, 1, 0, 1000)))) {
            h.setProcessingTime(0);
            h.open();
            h.processElement(window(0, contract), 1);
            assertEquals("1", h.extractOutputValues().get(0).getModelVersion());

            upload(ModelVersions.add(local, "2"), "keywords/2");
            BatchInferenceOperatorTest.pollAt(h, 1000);
            h.processElement(window(1, contract), 2);
            assertEquals("2", h.extractOutputValues().get(1).getModelVersion(), "a version uploaded while it runs");

            BlobStore store = blobs.getBlobStore();
            for (var blob : store.list(BUCKET, org.jclouds.blobstore.options.ListContainerOptions.Builder
                    .prefix("keywords/2/").recursive())) {
                store.removeBlob(BUCKET, blob.getName());
            }
            BatchInferenceOperatorTest.pollAt(h, 2000);
            h.processElement(window(2, contract), 3);
            assertEquals("1", h.extractOutputValues().get(2).getModelVersion(), "version 2 taken away: back to 1");
        }
    }
}
