package dev.hark.cli;

import dev.hark.audio.WavFile;
import dev.hark.avro.AudioChunk;
import dev.hark.avro.wire.AudioChunks;
import dev.hark.client.ChunkProducer;
import dev.hark.client.KafkaClients;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.producer.KafkaProducer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "produce", mixinStandardHelpOptions = true,
        description = {"Send WAV files to the audio topic as AudioChunk records, one stream per file (its name without",
                ".wav), in real time from now on (or as fast as possible), once or in a loop that continues each stream."})
final class ProduceCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    KafkaOptions kafka;

    @Option(names = "--topic", defaultValue = "audio-chunks", description = "The audio topic (default: ${DEFAULT-VALUE}).")
    String topic;

    @Option(names = "--chunk-ms", defaultValue = "100", paramLabel = "MS",
            description = "Audio per chunk (default: ${DEFAULT-VALUE}).")
    int chunkMillis;

    @Option(names = "--fast", description = "Send as fast as possible instead of in real time.")
    boolean fast;

    @Option(names = "--loop", description = "Start over at the end of each file; each stream goes on, without end.")
    boolean loop;

    @Parameters(arity = "1..*", paramLabel = "WAV|DIR", description = "WAV files, or folders of them.")
    List<Path> inputs;

    /** One stream: its audio, and where it stands. */
    private static final class Stream {
        final String id;
        final WavFile.Audio audio;
        long sequence;
        long sentSamples;
        AudioChunk last;
        boolean ended;

        Stream(String id, WavFile.Audio audio) {
            this.id = id;
            this.audio = audio;
        }
    }

    @Override
    public Integer call() throws Exception {
        if (chunkMillis < 1) {
            throw new HarkCli.UserError("--chunk-ms must be positive, got " + chunkMillis);
        }
        List<Stream> streams = new ArrayList<>();
        for (Path file : wavFiles()) {
            String name = file.getFileName().toString();
            WavFile.Audio audio = WavFile.read(file);
            if (audio.samples().length == 0) {
                throw new HarkCli.UserError(file + " holds no audio");
            }
            streams.add(new Stream(name.substring(0, name.length() - ".wav".length()), audio));
        }
        long start = System.currentTimeMillis();
        long chunks = 0;
        long nextReport = start + 5000;
        try (KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(kafka.bootstrapServers, kafka.properties)) {
            for (long step = 0; ; step++) {
                long due = start + step * chunkMillis; // a chunk leaves once it has been "recorded"
                if (!fast && due > System.currentTimeMillis()) {
                    Thread.sleep(due - System.currentTimeMillis());
                }
                boolean sentAny = false;
                for (Stream s : streams) {
                    AudioChunk chunk = next(s, start);
                    if (chunk != null) {
                        producer.send(ChunkProducer.record(topic, chunk), (metadata, error) -> {
                            if (error != null) {
                                spec.commandLine().getErr().println("hark produce: " + error.getMessage());
                            }
                        });
                        chunks++;
                        sentAny = true;
                    }
                }
                if (!sentAny) {
                    break;
                }
                if (System.currentTimeMillis() >= nextReport) {
                    report(streams, chunks, start);
                    nextReport += 5000;
                }
            }
            producer.flush();
        }
        report(streams, chunks, start);
        return 0;
    }

    /** The stream's next chunk: its audio in order, again from the start when looping; null once it has ended. */
    private AudioChunk next(Stream s, long startMillis) {
        if (s.ended) {
            return null;
        }
        float[] audio = s.audio.samples();
        if (!loop && s.sentSamples >= audio.length) {
            s.ended = true;
            return AudioChunks.endOf(s.last); // the job scores what the stream still holds and frees it
        }
        int rate = s.audio.sampleRate();
        int offset = (int) (s.sentSamples % audio.length);
        float[] part = java.util.Arrays.copyOfRange(audio, offset,
                Math.min(audio.length, offset + Math.max(1, rate * chunkMillis / 1000)));
        AudioChunk first = ChunkProducer.chunks(s.id, part, rate, part.length, startMillis + s.sentSamples * 1000 / rate).get(0);
        s.last = AudioChunk.newBuilder(first).setSequence(s.sequence++).build();
        s.sentSamples += part.length;
        return s.last;
    }

    private void report(List<Stream> streams, long chunks, long startMillis) {
        double audioSeconds = streams.stream().mapToDouble(s -> (double) s.sentSamples / s.audio.sampleRate()).sum();
        double elapsed = Math.max(1e-3, (System.currentTimeMillis() - startMillis) / 1000.0);
        spec.commandLine().getOut().printf(Locale.ROOT, "sent %d chunks of %d stream(s) to %s: %.1f s of audio in %.1f s"
                + " (%.1f audio-s/s)%n", chunks, streams.size(), topic, audioSeconds, elapsed, audioSeconds / elapsed);
        spec.commandLine().getOut().flush();
    }

    private List<Path> wavFiles() throws IOException {
        List<Path> files = new ArrayList<>();
        for (Path input : inputs) {
            if (Files.isDirectory(input)) {
                try (java.util.stream.Stream<Path> children = Files.list(input)) {
                    children.filter(p -> p.toString().toLowerCase(Locale.ROOT).endsWith(".wav")).sorted().forEach(files::add);
                }
            } else if (Files.isRegularFile(input) && input.toString().toLowerCase(Locale.ROOT).endsWith(".wav")) {
                files.add(input);
            } else {
                throw new HarkCli.UserError(input + " is neither a WAV file nor a folder");
            }
        }
        if (files.isEmpty()) {
            throw new HarkCli.UserError("no WAV files in " + inputs);
        }
        return files;
    }
}
