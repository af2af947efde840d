package dev.hark.model;

import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.tensorflow.SavedModelBundle;

/**
 * docs/bench/gpu.sh's measurement: the devices TensorFlow finds, the bundled model loaded with TensorFlow's device
 * placement log on (TensorFlow writes where each op runs to standard error), and windows scored per second at one
 * batch size. {@code GpuCheck gpu|cpu SECONDS BATCH}: with {@code gpu} it fails unless TensorFlow sees a GPU.
 */
public final class GpuCheck {
    private GpuCheck() {
    }

    public static void main(String[] args) throws Exception {
        boolean wantGpu = args[0].equals("gpu");
        double seconds = Double.parseDouble(args[1]);
        int batch = Integer.parseInt(args[2]);
        Path model = Path.of(args.length > 3 ? args[3] : "model-export/models/keywords");
        // Float32: bfloat16 is oneDNN's rewrite for CPUs, and would change what the CPU column measures.
        AudioClassifier.BundleLoader placementLogged = (dir, config) -> SavedModelBundle.loader(dir.toString())
                .withTags(SavedModelBundle.DEFAULT_TAG)
                .withConfigProto(config.toBuilder().setLogDevicePlacement(true).build()).load();
        try (AudioClassifier classifier = new AudioClassifier(model, 0, 0, Precision.FLOAT32, placementLogged).open()) {
            List<TensorFlowDevices.Device> devices = TensorFlowDevices.list();
            devices.forEach(d -> System.out.printf("device %s (%s, %d MB)%n", d.name(), d.type(), d.memoryBytes() >> 20));
            if (wantGpu && TensorFlowDevices.gpuCount() == 0) {
                System.out.println("no GPU: TensorFlow's CUDA build found none (driver, CUDA 12 and cuDNN 9 libraries?)");
                System.exit(1);
            }
            float[] windows = new float[batch * classifier.windowSize()];
            Random random = new Random(1);
            for (int i = 0; i < windows.length; i++) {
                windows[i] = (float) random.nextGaussian() - 8;
            }
            long warmUntil = System.nanoTime() + 3_000_000_000L;
            while (System.nanoTime() < warmUntil) {
                classifier.classify(windows, batch);
            }
            long calls = 0;
            long start = System.nanoTime();
            long end = start + (long) (seconds * 1e9);
            while (System.nanoTime() < end) {
                classifier.classify(windows, batch);
                calls++;
            }
            double elapsed = (System.nanoTime() - start) / 1e9;
            System.out.printf("%s: %.0f windows/s (batch %d, %d calls in %.1f s)%n", args[0], calls * batch / elapsed,
                    batch, calls, elapsed);
        }
    }
}
