package dev.hark.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A private espeak-ng data folder: the installed one's files linked in, plus voice variants written at run time
 * (espeak-ng reads variants only from {@code voices/!v} of its data folder). Deleted on {@link #close()}.
 */
public final class EspeakVoices implements AutoCloseable {
    private static final Pattern DATA_AT = Pattern.compile("Data at:\\s*(\\S+)");

    private final Path root;
    private final Path variants;

    private EspeakVoices(Path root, Path variants) {
        this.root = root;
        this.variants = variants;
    }

    /** Links the installed espeak-ng data into a new temporary folder. */
    public static EspeakVoices create() throws IOException {
        Path installed = installedData();
        Path root = Files.createTempDirectory("hark-espeak-");
        Path data = Files.createDirectories(root.resolve("espeak-ng-data"));
        try (Stream<Path> entries = Files.list(installed)) {
            for (Path entry : entries.toList()) {
                if (!entry.getFileName().toString().equals("voices")) {
                    Files.createSymbolicLink(data.resolve(entry.getFileName()), entry);
                }
            }
        }
        Path voices = Files.createDirectories(data.resolve("voices"));
        try (Stream<Path> entries = Files.list(installed.resolve("voices"))) {
            for (Path entry : entries.toList()) {
                if (!entry.getFileName().toString().equals("!v")) {
                    Files.createSymbolicLink(voices.resolve(entry.getFileName()), entry);
                }
            }
        }
        Path variants = Files.createDirectories(voices.resolve("!v"));
        try (Stream<Path> entries = Files.list(installed.resolve("voices").resolve("!v"))) {
            for (Path entry : entries.toList()) {
                Files.createSymbolicLink(variants.resolve(entry.getFileName()), entry);
            }
        }
        return new EspeakVoices(root, variants);
    }

    /** Writes a variant file; {@code espeak-ng --path <path()> -v voice+name} then speaks with it. */
    public void addVariant(String name, String definition) {
        if (!name.matches("[A-Za-z0-9_-]+")) {
            throw new IllegalArgumentException("variant names are letters, digits, _ and -: " + name);
        }
        try {
            Files.writeString(variants.resolve(name), definition, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void removeVariant(String name) {
        try {
            Files.deleteIfExists(variants.resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The folder to pass to {@code espeak-ng --path}. */
    public Path path() {
        return root;
    }

    /** Where the installed espeak-ng keeps its data, as {@code espeak-ng --version} says. */
    static Path installedData() throws IOException {
        Process p = new ProcessBuilder("espeak-ng", "--version").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            p.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        Matcher m = DATA_AT.matcher(out);
        if (!m.find() || !Files.isDirectory(Path.of(m.group(1)).resolve("voices").resolve("!v"))) {
            throw new IOException("cannot find espeak-ng's data folder in: " + out.strip());
        }
        return Path.of(m.group(1));
    }

    @Override
    public void close() throws IOException {
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
