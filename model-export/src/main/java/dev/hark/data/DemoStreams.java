package dev.hark.data;

import dev.hark.audio.WavFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The sample streams of the demo and the end-to-end tests: spoken by voices held out of the training data, one
 * known label per second, stored as WAVs with a {@value #MANIFEST} that lists each stream's slots.
 */
public final class DemoStreams {
    public static final String MANIFEST = "streams.csv";

    /** One stream: its id, WAV file name, the speaker, and one label per one-second slot. */
    public record Stream(String id, String file, String voice, String variant, long seed, List<String> slots) {
    }

    /** What `bin/hark synth --demo-streams` writes. */
    public static final List<Stream> DEFAULT = List.of(
            new Stream("kitchen", "kitchen.wav", "en-gb-scotland", "f2", 11,
                    List.of("yes", "no", "up", "down", "_silence_", "left", "right", "on", "off", "stop")),
            new Stream("car", "car.wav", "en-us-nyc", "m3", 12,
                    List.of("go", "stop", "bird", "yes", "_silence_", "no", "off", "on", "house", "down")),
            new Stream("hallway", "hallway.wav", "en-gb-scotland", "m7", 13,
                    List.of("left", "right", "up", "go", "six", "_silence_", "yes", "stop", "down", "no")));

    private DemoStreams() {
    }

    /** Synthesizes the default streams into {@code dir}. */
    public static void write(Path dir, int sampleRate) throws IOException {
        SpeechSynthesizer.requireTools();
        StreamComposer composer = new StreamComposer(new SpeechSynthesizer(sampleRate));
        List<String> manifest = new ArrayList<>();
        manifest.add("# stream_id,file,voice,variant,seed,slots (one label per second; other words mean _unknown_)");
        for (Stream s : DEFAULT) {
            WavFile.write(dir.resolve(s.file()), composer.compose(s.slots(), s.voice(), s.variant(), s.seed()), sampleRate);
            manifest.add(String.join(",", s.id(), s.file(), s.voice(), s.variant(), Long.toString(s.seed()),
                    String.join(" ", s.slots())));
        }
        Files.write(dir.resolve(MANIFEST), manifest, StandardCharsets.UTF_8);
    }

    /** Reads a manifest's lines. */
    public static List<Stream> parse(List<String> lines) {
        List<Stream> streams = new ArrayList<>();
        for (String line : lines) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split(",");
            if (f.length != 6) {
                throw new IllegalArgumentException("bad demo manifest line (need 6 fields): " + line);
            }
            streams.add(new Stream(f[0], f[1], f[2], f[3], Long.parseLong(f[4]), Arrays.asList(f[5].trim().split(" "))));
        }
        return streams;
    }

    /** The folder of the sample streams in the repository (`bin/hark synth --demo-streams` writes such a folder). */
    public static final String BUNDLED_FOLDER = "examples/demo-streams";

    /** The sample streams in the repository at {@code root}: {@value #BUNDLED_FOLDER}. */
    public static List<Loaded> loadBundled(Path root) {
        return load(root.resolve(BUNDLED_FOLDER));
    }

    /** The streams of a folder with a {@value #MANIFEST}, with their audio. */
    public static List<Loaded> load(Path dir) {
        try {
            List<Loaded> loaded = new ArrayList<>();
            for (Stream s : parse(Files.readAllLines(dir.resolve(MANIFEST), StandardCharsets.UTF_8))) {
                loaded.add(new Loaded(s, WavFile.read(dir.resolve(s.file()))));
            }
            return loaded;
        } catch (IOException e) {
            throw new UncheckedIOException("could not read the demo streams in " + dir, e);
        }
    }

    /** A stream with its audio. */
    public record Loaded(Stream stream, WavFile.Audio audio) {
    }
}
