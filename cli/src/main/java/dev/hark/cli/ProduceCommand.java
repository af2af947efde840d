package dev.hark.cli;

import dev.hark.audio.WavFile;
import dev.hark.avro.AudioChunk;
import dev.hark.avro.SampleEncoding;
import dev.hark.avro.wire.AudioChunks;
import dev.hark.client.KafkaClients;
import dev.hark.client.RealTimePacer;
import dev.hark.client.Microphone;
import dev.hark.job.ingest.ChunkEncoding;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "produce", mixinStandardHelpOptions = true,
        description = {"Send audio to the audio topic as AudioChunk records: WAV files (any rate and channel count,",
                "16-bit or float), one stream per file named after it, or N streams cycling over the files (--streams, for",
                "load), or the microphone. Real time from now on, or as fast as possible; once, ending each stream with an",
                "end-of-stream chunk, or looping without end. Prints a progress line every 5 s."})
final class ProduceCommand implements Callable<Integer> {
    private static final long REPORT_EVERY_MILLIS = 5000;

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

    @Option(names = "--stream-id", paramLabel = "ID",
            description = "The stream's id (one file, or the microphone); with several streams, their ids' prefix:"
                    + " ID-0, ID-1, ... (default: the file's name; 'microphone').")
    String streamId;

    @Option(names = "--streams", defaultValue = "0", paramLabel = "N",
            description = "Simulate N concurrent streams, cycling over the files (default: one stream per file).")
    int streamCount;

    @Option(names = "--microphone", description = "Record from the default microphone instead of files, until Ctrl-C.")
    boolean microphone;

    @Option(names = "--sample-rate", defaultValue = "16000", paramLabel = "HZ",
            description = "The microphone's sample rate (default: ${DEFAULT-VALUE}).")
    int microphoneRate;

    @Parameters(arity = "0..*", paramLabel = "WAV|DIR", description = "WAV files, or folders of them.")
    List<Path> inputs = new ArrayList<>();

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

    /** Counts what the broker acknowledged and keeps the first failure, so that errors do not flood the terminal. */
    private final AtomicLong acknowledged = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicReference<Exception> firstFailure = new AtomicReference<>();
    private final Callback onSent = (metadata, error) -> {
        if (error == null) {
            acknowledged.incrementAndGet();
        } else {
            failed.incrementAndGet();
            firstFailure.compareAndSet(null, error);
        }
    };

    @Override
    public Integer call() throws Exception {
        if (chunkMillis < 1 || chunkMillis > 10_000) {
            throw new HarkCli.UserError("--chunk-ms must be between 1 and 10000, got " + chunkMillis);
        }
        if (streamCount < 0) {
            throw new HarkCli.UserError("--streams must be at least 1, got " + streamCount);
        }
        if (microphone != inputs.isEmpty()) {
            throw new HarkCli.UserError(microphone ? "--microphone records live audio: give no WAV files with it"
                    : "give WAV files or folders to send (or --microphone)");
        }
        List<Stream> streams = microphone ? List.of() : streams();
        // The audio is checked first (files read, microphone opened), then Kafka.
        try (Microphone mic = microphone ? Microphone.open(microphoneRate) : null) {
            kafka.requireTopics(List.of(topic), org.apache.kafka.common.acl.AclOperation.WRITE);
            try (KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(kafka.bootstrapServers, kafka.properties)) {
                long chunks = mic != null ? record(mic, producer) : send(producer, streams);
                producer.flush();
                PrintWriter out = spec.commandLine().getOut();
                out.printf(Locale.ROOT, "done: %d chunks sent, %d acknowledged by %s, %d failed%n", chunks,
                        acknowledged.get(), kafka.bootstrapServers, failed.get());
                out.flush();
            }
        }
        if (firstFailure.get() != null) {
            throw new HarkCli.UserError(failed.get() + " chunk(s) were not written to " + topic + ": "
                    + firstFailure.get().getMessage());
        }
        return 0;
    }

    /** The streams to send: one per file, or {@code --streams N} cycling over the files. */
    private List<Stream> streams() throws IOException {
        List<Path> files = wavFiles();
        List<WavFile.Audio> audio = new ArrayList<>();
        for (Path file : files) {
            audio.add(WavFile.read(file)); // says which file and what is wrong with it
        }
        List<Stream> streams = new ArrayList<>();
        int n = streamCount == 0 ? files.size() : streamCount;
        if (streamId != null && n == 1) {
            return List.of(new Stream(streamId, audio.get(0)));
        }
        for (int k = 0; k < n; k++) {
            String name = files.get(k % files.size()).getFileName().toString();
            String base = name.substring(0, name.length() - ".wav".length());
            String id = streamId != null ? streamId + "-" + k : streamCount == 0 ? base : base + "-" + k;
            streams.add(new Stream(id, audio.get(k % files.size())));
        }
        return streams;
    }

    /** Sends every stream's chunks, a chunk per stream per step; returns how many chunks were sent. */
    private long send(KafkaProducer<byte[], byte[]> producer, List<Stream> streams) throws InterruptedException {
        long start = System.currentTimeMillis();
        long[] chunks = {0};
        long[] nextReport = {start + REPORT_EVERY_MILLIS};
        RealTimePacer.run(start, chunkMillis, !fast, step -> {
            boolean sentAny = false;
            for (Stream s : streams) {
                AudioChunk chunk = next(s, start);
                if (chunk != null) {
                    producer.send(ChunkEncoding.record(topic, chunk), onSent);
                    chunks[0]++;
                    sentAny = true;
                }
            }
            if (sentAny && System.currentTimeMillis() >= nextReport[0]) {
                report(chunks[0], streams.size(), audioSeconds(streams), start);
                nextReport[0] += REPORT_EVERY_MILLIS;
            }
            return sentAny;
        });
        report(chunks[0], streams.size(), audioSeconds(streams), start);
        return chunks[0];
    }

    private static double audioSeconds(List<Stream> streams) {
        return streams.stream().mapToDouble(s -> (double) s.sentSamples / s.audio.sampleRate()).sum();
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
        AudioChunk first = ChunkEncoding.pcm16(s.id, part, rate, part.length, startMillis + s.sentSamples * 1000 / rate).get(0);
        s.last = AudioChunk.newBuilder(first).setSequence(s.sequence++).build();
        s.sentSamples += part.length;
        return s.last;
    }

    /** Records from the microphone and sends each chunk as soon as it is recorded, until Ctrl-C. */
    private long record(Microphone mic, KafkaProducer<byte[], byte[]> producer) {
        String id = streamId == null ? "microphone" : streamId;
        int samplesPerChunk = Math.max(1, microphoneRate * chunkMillis / 1000);
        long chunks = 0;
        long start = System.currentTimeMillis();
        long nextReport = start + REPORT_EVERY_MILLIS;
        spec.commandLine().getOut().printf("recording stream '%s' at %d Hz to %s; stop with Ctrl-C%n", id,
                microphoneRate, topic);
        AtomicReference<AudioChunk> last = new AtomicReference<>();
        Thread main = Thread.currentThread();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> { // Ctrl-C: end the stream, so the job frees it at once
            main.interrupt();
            if (last.get() != null) {
                producer.send(ChunkEncoding.record(topic, AudioChunks.endOf(last.get())), onSent);
            }
            producer.flush();
        }));
        while (!Thread.currentThread().isInterrupted()) {
            long eventTime = mic.nextChunkMillis();
            byte[] pcm = mic.read(samplesPerChunk);
            if (pcm.length == 0) {
                break;
            }
            AudioChunk chunk = AudioChunks.split(id, pcm, SampleEncoding.PCM_S16LE, 1, microphoneRate,
                    samplesPerChunk, eventTime).get(0);
            last.set(AudioChunk.newBuilder(chunk).setSequence(chunks++).build());
            producer.send(ChunkEncoding.record(topic, last.get()), onSent);
            if (System.currentTimeMillis() >= nextReport) {
                report(chunks, 1, (double) chunks * samplesPerChunk / microphoneRate, start);
                nextReport += REPORT_EVERY_MILLIS;
            }
        }
        return chunks;
    }

    private void report(long chunks, int streams, double audioSeconds, long startMillis) {
        double elapsed = Math.max(1e-3, (System.currentTimeMillis() - startMillis) / 1000.0);
        spec.commandLine().getOut().printf(Locale.ROOT, "sent %d chunks of %d stream(s) to %s: %.1f s of audio in %.1f s"
                + " (%.1f audio-s/s); %d acknowledged, %d failed%n", chunks, streams, topic, audioSeconds, elapsed,
                audioSeconds / elapsed, acknowledged.get(), failed.get());
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
            } else if (!Files.exists(input)) {
                throw new HarkCli.UserError(input + " does not exist");
            } else {
                throw new HarkCli.UserError(input + " is neither a .wav file nor a folder");
            }
        }
        if (files.isEmpty()) {
            throw new HarkCli.UserError("no .wav files in " + inputs);
        }
        if (streamId != null && files.size() > 1 && streamCount == 0) {
            // One id for several files would interleave their sequence numbers in one stream.
            throw new HarkCli.UserError("--stream-id names one stream, but " + files.size() + " files make "
                    + files.size() + " streams: give one file, or --streams N to use it as a prefix");
        }
        return files;
    }
}
