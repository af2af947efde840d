package dev.hark.job.testing;

import java.io.IOException;
import java.net.URI;
import java.util.concurrent.CountDownLatch;
import org.apache.flink.core.fs.FileStatus;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.FileSystemFactory;
import org.apache.flink.core.fs.Path;
import org.apache.flink.core.fs.local.LocalFileSystem;

/**
 * The local file system under the scheme {@code slow://}, whose listings can be held up for as long as a test wants:
 * a model location on a remote store that answers slowly. Registered through {@code META-INF/services}, as Flink's
 * file systems are.
 */
public final class SlowFileSystem extends LocalFileSystem {
    public static final String SCHEME = "slow";
    private static volatile CountDownLatch release;
    private static volatile CountDownLatch held = new CountDownLatch(1);

    /** From now on every listing waits until {@link #release()}. */
    public static void hold() {
        held = new CountDownLatch(1);
        release = new CountDownLatch(1);
    }

    /** Waits until a listing is being held up. */
    public static void awaitHeld() throws InterruptedException {
        held.await();
    }

    /** Lets every listing held up go on, and the ones after it through at once. */
    public static void release() {
        CountDownLatch r = release;
        release = null;
        if (r != null) {
            r.countDown();
        }
    }

    /** {@code slow://} followed by the absolute local path. */
    public static String uriOf(java.nio.file.Path local) {
        return SCHEME + "://" + local.toAbsolutePath().toUri().getPath();
    }

    @Override
    public FileStatus[] listStatus(Path path) throws IOException {
        CountDownLatch r = release;
        if (r != null) {
            held.countDown();
            try {
                r.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("listing " + path + " interrupted");
            }
        }
        return super.listStatus(path);
    }

    @Override
    public URI getUri() {
        return URI.create(SCHEME + ":///");
    }

    /** Flink finds it through {@code META-INF/services/org.apache.flink.core.fs.FileSystemFactory}. */
    public static final class Factory implements FileSystemFactory {
        @Override
        public String getScheme() {
            return SCHEME;
        }

        @Override
        public FileSystem create(URI fsUri) {
            return new SlowFileSystem();
        }
    }
}
