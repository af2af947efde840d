package dev.hark.cli;

import dev.hark.avro.AudioChunk;
import dev.hark.avro.DeadLetter;
import dev.hark.avro.LabelScore;
import dev.hark.avro.Prediction;
import dev.hark.avro.wire.WireFormat;
import dev.hark.client.KafkaClients;
import dev.hark.client.RealTimePacer;
import dev.hark.data.DemoStreams;
import dev.hark.data.StreamComposer;
import dev.hark.cli.cluster.JobWatch;
import dev.hark.job.HarkJob;
import dev.hark.job.options.JobSettings;
import dev.hark.job.LocalFlink;
import dev.hark.kafka.EmbeddedKafka;
import dev.hark.job.ingest.ChunkEncoding;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Run the job end to end on this machine: an embedded Kafka broker (127.0.0.1) and a local Flink.",
                "Streams sample speech into the audio topic in real time, prints each prediction as it arrives,",
                "and stops by itself when the sample audio is done (or after --duration) with a summary."})
final class DemoCommand implements Callable<Integer> {
    private static final int CHUNK_MILLIS = 100;

    @Option(names = "--duration", paramLabel = "SECONDS",
            description = "Stop after this many seconds (default: when every prediction of the sample audio has arrived).")
    Integer durationSeconds;

    @Option(names = "--fast", description = "Send the sample audio as fast as possible instead of in real time.")
    boolean fast;

    @Option(names = "--parallelism", defaultValue = "2", description = "Job parallelism (default: ${DEFAULT-VALUE}).")
    int parallelism;

    @Mixin
    JobOptions job;

    private String audioTopic;
    private String predictionsTopic;
    private String deadLetterTopic;

    @Override
    public Integer call() throws Exception {
        if (durationSeconds != null && durationSeconds < 1) {
            throw new HarkCli.UserError("--duration must be at least 1 second, got " + durationSeconds);
        }
        if (parallelism < 1) {
            throw new HarkCli.UserError("--parallelism must be at least 1, got " + parallelism);
        }
        List<DemoStreams.Loaded> streams = DemoStreams.loadBundled(JobOptions.home());
        // The demo prints its own lines; the job's INFO lines (devices, model switches) would interleave with them.
        org.apache.logging.log4j.core.config.Configurator.setLevel("dev.hark", org.apache.logging.log4j.Level.WARN);
        System.out.println("hark demo: starting an embedded Kafka broker on 127.0.0.1 ...");
        long began = System.nanoTime();
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            Configuration base = LocalFlink.loopbackConfiguration();
            int webPort = WebPort.configure(base, 0);
            Configuration conf = job.toConfiguration(base, kafka.bootstrapServers());
            audioTopic = conf.get(dev.hark.job.options.HarkOptions.AUDIO_TOPIC);
            predictionsTopic = conf.get(dev.hark.job.options.HarkOptions.PREDICTIONS_TOPIC);
            deadLetterTopic = conf.get(dev.hark.job.options.HarkOptions.DEAD_LETTER_TOPIC);
            kafka.createTopic(audioTopic, 3);
            kafka.createTopic(predictionsTopic, 3);
            kafka.createTopic(deadLetterTopic, 1);
            conf.set(dev.hark.job.options.HarkOptions.STARTING_OFFSETS, "earliest");
            // Live output: predictions are visible at once rather than at the next checkpoint.
            conf.set(dev.hark.job.options.HarkOptions.DELIVERY_GUARANTEE, org.apache.flink.connector.base.DeliveryGuarantee.AT_LEAST_ONCE);
            JobSettings settings = JobSettings.from(conf);
            StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(parallelism, conf);
            System.out.printf("broker %s up; starting the Flink job with model %s v%s (%s) ...%n",
                    kafka.bootstrapServers(), settings.contract().name(), settings.contract().version(), settings.inference().modelLocation());
            JobClient client = HarkJob.start(env, conf);
            JobWatch watch = JobWatch.onLoopback(webPort, client.getJobID().toString());
            // Audio starts once every task runs, its model loaded and warmed up: the first windows are not kept
            // waiting by the job's own start.
            watch.awaitAllTasksRunning(Duration.ofMinutes(3));
            System.out.printf("job running (Flink web UI: %s)%n", watch.page());

            Map<String, Integer> expected = new HashMap<>();
            int total = 0;
            for (DemoStreams.Loaded s : streams) {
                int n = settings.windows().windowCount(s.audio().samples().length);
                expected.put(s.stream().id(), n);
                total += n;
            }
            long streamStart = System.currentTimeMillis();
            AtomicReference<Throwable> producerError = new AtomicReference<>();
            Thread producer = new Thread(() -> produce(kafka.bootstrapServers(), streams, streamStart, producerError),
                    "hark-demo-producer");
            producer.setDaemon(true);
            producer.start();
            System.out.printf("streaming %d sample streams (%s) to '%s' %s; expecting %d predictions%n%n",
                    streams.size(), String.join(", ", expected.keySet()), audioTopic,
                    fast ? "as fast as possible" : "in real time", total);

            Summary summary = consume(kafka.bootstrapServers(), streams, settings, streamStart, total, producerError);
            client.cancel().get();
            summary.print(total, (System.nanoTime() - began) / 1e9, fast ? "after the window's last frame" : "after window end");
            if (producerError.get() != null) {
                throw new IllegalStateException("producing the sample audio failed: " + producerError.get().getMessage());
            }
            return summary.received == total ? 0 : 1;
        }
    }

    private void produce(String bootstrap, List<DemoStreams.Loaded> streams, long startMillis,
                         AtomicReference<Throwable> error) {
        try (KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(bootstrap)) {
            // One malformed record first, to show that bad input goes to the dead-letter topic and nothing stops.
            producer.send(new ProducerRecord<>(audioTopic, "broken-mic".getBytes(StandardCharsets.UTF_8),
                    "this is not an Avro AudioChunk".getBytes(StandardCharsets.UTF_8)));
            List<List<AudioChunk>> chunked = new ArrayList<>();
            int longest = 0;
            for (DemoStreams.Loaded s : streams) {
                int rate = s.audio().sampleRate();
                List<AudioChunk> chunks = ChunkEncoding.pcm16(s.stream().id(), s.audio().samples(), rate,
                        rate * CHUNK_MILLIS / 1000, startMillis);
                chunked.add(chunks);
                longest = Math.max(longest, chunks.size());
            }
            int steps = longest;
            RealTimePacer.run(startMillis, CHUNK_MILLIS, !fast, step -> {
                if (step >= steps) {
                    return false;
                }
                for (List<AudioChunk> chunks : chunked) {
                    if (step < chunks.size()) {
                        producer.send(ChunkEncoding.record(audioTopic, chunks.get((int) step)));
                    }
                }
                producer.flush();
                return true;
            });
        } catch (Throwable t) {
            error.set(t);
        }
    }

    private Summary consume(String bootstrap, List<DemoStreams.Loaded> streams, JobSettings settings, long streamStart,
                            int total, AtomicReference<Throwable> producerError) throws Exception {
        Map<String, List<String>> slots = new HashMap<>();
        for (DemoStreams.Loaded s : streams) {
            slots.put(s.stream().id(), s.stream().slots());
        }
        List<String> labels = settings.contract().labels();
        int rate = settings.contract().features().sampleRate();
        long deadline = durationSeconds == null ? Long.MAX_VALUE : System.currentTimeMillis() + durationSeconds * 1000L;
        long idleLimit = System.currentTimeMillis() + 180_000; // nothing at all for 3 minutes: give up
        Summary summary = new Summary();
        try (KafkaConsumer<byte[], byte[]> consumer = KafkaClients.consumer(bootstrap)) {
            consumer.subscribe(List.of(predictionsTopic, deadLetterTopic));
            while (summary.received < total && System.currentTimeMillis() < deadline
                    && System.currentTimeMillis() < idleLimit && producerError.get() == null) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    idleLimit = System.currentTimeMillis() + 180_000;
                    if (record.topic().equals(deadLetterTopic)) {
                        DeadLetter d = WireFormat.decode(record.value(), DeadLetter.getDecoder(), "DeadLetter");
                        summary.deadLetters++;
                        System.out.printf("dead letter  %s[%d]@%d  %s: %s%n", d.getSourceTopic(), d.getSourcePartition(),
                                d.getSourceOffset(), d.getReason(), d.getMessage());
                        continue;
                    }
                    Prediction p = WireFormat.decode(record.value(), Prediction.getDecoder(), "Prediction");
                    summary.received++;
                    long offsetMillis = p.getWindowStart().toEpochMilli() - streamStart;
                    LabelScore top = p.getTop().get(0);
                    String verdict = "";
                    long startSample = offsetMillis * rate / 1000;
                    List<String> streamSlots = slots.get(p.getStreamId());
                    if (offsetMillis % 1000 == 0 && streamSlots != null && offsetMillis / 1000 < streamSlots.size()) {
                        String want = StreamComposer.expectedLabel(streamSlots.get((int) (startSample / rate)), labels);
                        boolean right = want.equals(top.getLabel());
                        summary.aligned++;
                        summary.alignedRight += right ? 1 : 0;
                        verdict = right ? "   (spoken: " + want + ", right)" : "   (spoken: " + want + ", WRONG)";
                    }
                    // Real time: from the moment the window's last sample was "recorded". Fast: event time is
                    // ahead of the clock, so measure from the moment the job had the window's last frame.
                    long latency = System.currentTimeMillis() - (fast
                            ? p.getTimings().getWindowCompleteTime().toEpochMilli() : p.getWindowEnd().toEpochMilli());
                    summary.latencies.add(latency);
                    System.out.printf(Locale.ROOT, "%-8s window %2d  %5.1f-%4.1f s  %-10s %.2f   next %-10s %.2f  latency %4d ms%s%n",
                            p.getStreamId(), p.getWindowIndex(), offsetMillis / 1000.0,
                            (p.getWindowEnd().toEpochMilli() - streamStart) / 1000.0, top.getLabel(), top.getScore(),
                            p.getTop().size() > 1 ? p.getTop().get(1).getLabel() : "-",
                            p.getTop().size() > 1 ? p.getTop().get(1).getScore() : 0f, latency, verdict);
                }
            }
        }
        return summary;
    }

    private static final class Summary {
        int received;
        int deadLetters;
        int aligned;
        int alignedRight;
        final List<Long> latencies = new ArrayList<>();

        void print(int expected, double seconds, String latencyMeaning) {
            latencies.sort(Long::compare);
            System.out.printf(Locale.ROOT, "%nsummary: %d of %d predictions in %.1f s; %d dead letter(s);"
                            + " windows aligned with a spoken slot: %d of %d classified as spoken",
                    received, expected, seconds, deadLetters, alignedRight, aligned);
            if (!latencies.isEmpty()) {
                System.out.printf(Locale.ROOT, "; latency %s: median %d ms, max %d ms", latencyMeaning,
                        latencies.get(latencies.size() / 2), latencies.get(latencies.size() - 1));
            }
            System.out.println();
        }
    }
}
