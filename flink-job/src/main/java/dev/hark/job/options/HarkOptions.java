package dev.hark.job.options;

import dev.hark.model.Precision;
import java.time.Duration;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.connector.base.DeliveryGuarantee;

/** Every setting of the hark job, typed, with its default and what it does. */
public final class HarkOptions {
    private HarkOptions() {
    }

    public static final ConfigOption<String> BOOTSTRAP_SERVERS = ConfigOptions.key("hark.kafka.bootstrap-servers")
            .stringType().noDefaultValue()
            .withDescription("Kafka bootstrap servers, e.g. 127.0.0.1:9092.");

    /**
     * Any Kafka client property for the source and both sinks: {@code hark.kafka.properties.<name>}, e.g.
     * {@code hark.kafka.properties.security.protocol: SASL_SSL}. Not a single option, a prefix.
     */
    public static final String KAFKA_PROPERTIES_PREFIX = "hark.kafka.properties.";

    public static final ConfigOption<String> GROUP_ID = ConfigOptions.key("hark.kafka.group-id")
            .stringType().defaultValue("hark")
            .withDescription("Kafka consumer group id of the audio source.");

    public static final ConfigOption<String> AUDIO_TOPIC = ConfigOptions.key("hark.topic.audio")
            .stringType().defaultValue("audio-chunks")
            .withDescription("Topic of AudioChunk records, keyed by stream id.");

    public static final ConfigOption<String> PREDICTIONS_TOPIC = ConfigOptions.key("hark.topic.predictions")
            .stringType().defaultValue("predictions")
            .withDescription("Topic the job writes Prediction records to, keyed by stream id.");

    public static final ConfigOption<String> DEAD_LETTER_TOPIC = ConfigOptions.key("hark.topic.dead-letters")
            .stringType().defaultValue("audio-dead-letters")
            .withDescription("Topic for DeadLetter records: input the job could not use, with the reason.");

    public static final ConfigOption<String> DETECTIONS_TOPIC = ConfigOptions.key("hark.topic.detections")
            .stringType().noDefaultValue()
            .withDescription("Optional topic of Detection records: one per utterance of a keyword (consecutive windows"
                    + " with the same best label at or above its threshold from the model contract), keyed by stream id.");

    public static final ConfigOption<Duration> DETECTION_QUIET = ConfigOptions.key("hark.detections.quiet")
            .durationType().defaultValue(Duration.ofSeconds(2))
            .withDescription("An utterance still open when event time has passed its end by this much is reported.");

    /** The environment variable that names the model when {@link #MODEL_DIR} is not set (hark's images set it). */
    public static final String MODEL_DIR_ENVIRONMENT = "HARK_MODEL";

    public static final ConfigOption<String> MODEL_DIR = ConfigOptions.key("hark.model.dir")
            .stringType().noDefaultValue()
            .withDescription("Folder with the SavedModel and its hark-model.json contract, or a model root whose"
                    + " version sub-folders (1, 2, ...) each hold one: the job serves the newest and switches to newer"
                    + " ones as they appear, without a restart. A local path or a Flink file-system URI. Default: the"
                    + " HARK_MODEL environment variable of the process that starts the job.");

    public static final ConfigOption<String> MODEL_CONTROL_TOPIC = ConfigOptions.key("hark.topic.model-control")
            .stringType().noDefaultValue()
            .withDescription("Optional topic of ModelAnnouncement records: each one tells every inference subtask to"
                    + " check the announced model and switch to it, or log why not and keep its model. Read from the"
                    + " group's committed offsets (earliest at first start); the served announcement is checkpointed.");

    public static final ConfigOption<Duration> MODEL_POLL_INTERVAL = ConfigOptions.key("hark.model.poll-interval")
            .durationType().defaultValue(Duration.ofSeconds(10))
            .withDescription("How often the inference operators look for a newer version under a model root.");

    public static final ConfigOption<Duration> WINDOW_HOP = ConfigOptions.key("hark.window.hop")
            .durationType().defaultValue(Duration.ofMillis(500))
            .withDescription("Time between the starts of consecutive windows. The window length itself is the"
                    + " model's input size, read from its contract.");

    public static final ConfigOption<Duration> MAX_OUT_OF_ORDERNESS = ConfigOptions.key("hark.order.max-out-of-orderness")
            .durationType().defaultValue(Duration.ofSeconds(2))
            .withDescription("How late a chunk may arrive in event time; a gap still open after this is skipped.");

    public static final ConfigOption<Duration> SOURCE_IDLE_TIMEOUT = ConfigOptions.key("hark.source.idle-timeout")
            .durationType().defaultValue(Duration.ofSeconds(5))
            .withDescription("After this long without records, a partition no longer holds back event time.");

    public static final ConfigOption<Duration> STREAM_IDLE_TIMEOUT = ConfigOptions.key("hark.stream.idle-timeout")
            .durationType().defaultValue(Duration.ofMinutes(5))
            .withDescription("A stream with no chunk for this long (processing time) has its state freed; a chunk with"
                    + " end_of_stream frees it at once.");

    public static final ConfigOption<Integer> MAX_LIVE_STREAMS = ConfigOptions.key("hark.stream.max-live-streams")
            .intType().defaultValue(dev.hark.job.order.StreamLimits.DEFAULT_MAX_LIVE_STREAMS)
            .withDescription("Streams each parallel instance keeps state for. A chunk of one more stream goes to the"
                    + " dead-letter topic as TOO_MANY_STREAMS until a stream ends or goes idle.");

    public static final ConfigOption<Integer> MAX_WAITING_CHUNKS = ConfigOptions.key("hark.order.max-waiting-chunks")
            .intType().defaultValue(dev.hark.job.order.StreamLimits.DEFAULT_MAX_WAITING_CHUNKS)
            .withDescription("Chunks a stream holds while it waits for a missing sequence number; past this it gives"
                    + " up on the gap (as if hark.order.max-out-of-orderness had passed) and goes on.");

    public static final ConfigOption<org.apache.flink.configuration.MemorySize> MAX_WAITING_BYTES =
            ConfigOptions.key("hark.order.max-waiting-bytes")
                    .memoryType().defaultValue(new org.apache.flink.configuration.MemorySize(
                            dev.hark.job.order.StreamLimits.DEFAULT_MAX_WAITING_BYTES))
                    .withDescription("The same bound as hark.order.max-waiting-chunks on the waiting chunks' decoded"
                            + " samples (4 bytes each): 256 kb hold 4 s of 16 kHz audio.");

    public static final ConfigOption<Long> MAX_SEQUENCE_AHEAD = ConfigOptions.key("hark.order.max-sequence-ahead")
            .longType().defaultValue(dev.hark.job.order.StreamLimits.DEFAULT_MAX_SEQUENCE_AHEAD)
            .withDescription("How far past a stream's next expected sequence number a chunk may be; further ones go"
                    + " to the dead-letter topic as SEQUENCE_TOO_FAR_AHEAD.");

    public static final ConfigOption<Duration> MAX_LATENESS = ConfigOptions.key("hark.order.max-lateness")
            .durationType().defaultValue(Duration.ofMillis(dev.hark.job.order.StreamLimits.DEFAULT_MAX_LATENESS_MILLIS))
            .withDescription("How far a chunk's event time may lie behind the job's watermark or behind its stream's"
                    + " previous chunk; further ones go to the dead-letter topic as EVENT_TIME_BEHIND_WATERMARK or"
                    + " EVENT_TIME_BEFORE_STREAM.");

    public static final ConfigOption<Duration> MAX_GAP_FILL = ConfigOptions.key("hark.order.max-gap-fill")
            .durationType().defaultValue(Duration.ofMillis(dev.hark.job.order.StreamLimits.DEFAULT_MAX_GAP_FILL_MILLIS))
            .withDescription("The longest skipped gap the job fills with (marked) silence; a longer one is left as a"
                    + " jump in the stream's time.");

    public static final ConfigOption<Duration> MAX_EVENT_TIME_AHEAD = ConfigOptions.key("hark.ingest.max-event-time-ahead")
            .durationType().defaultValue(Duration.ofMillis(dev.hark.job.ingest.IngestSettings.DEFAULT_MAX_EVENT_TIME_AHEAD_MILLIS))
            .withDescription("How far ahead of the job's clock a chunk's event time may be; further ones go to the"
                    + " dead-letter topic as EVENT_TIME_AHEAD_OF_CLOCK (one would carry the watermark, and every"
                    + " stream's ordering, into the future).");

    public static final ConfigOption<Integer> TOP_K = ConfigOptions.key("hark.predictions.top-k")
            .intType().defaultValue(0)
            .withDescription("Labels per prediction, best first; 0 means all labels of the model.");

    public static final ConfigOption<Integer> INTRA_OP_THREADS = ConfigOptions.key("hark.inference.intra-op-threads")
            .intType().defaultValue(1)
            .withDescription("TensorFlow threads per op in each inference subtask (0 = TensorFlow's default, all cores).");

    public static final ConfigOption<Precision> INFERENCE_PRECISION = ConfigOptions.key("hark.inference.precision")
            .enumType(Precision.class).defaultValue(Precision.AUTO)
            .withDescription("What the model's convolutions and matrix products run in on the CPU: FLOAT32; BFLOAT16"
                    + " (oneDNN's mixed precision: bfloat16 inputs, float32 sums, weights and softmax; about 1.6 times"
                    + " the windows per second of the default model, scores within 0.02); AUTO, BFLOAT16 on a CPU with"
                    + " bfloat16 dot products (AVX512_BF16 or AMX; elsewhere oneDNN emulates them, slower than"
                    + " FLOAT32) and FLOAT32 elsewhere. Ops on a GPU are not changed.");

    public static final ConfigOption<Integer> BATCH_SIZE = ConfigOptions.key("hark.inference.batch-size")
            .intType().defaultValue(32)
            .withDescription("Most windows scored in one TensorFlow call (windows of all streams of a subtask).");

    public static final ConfigOption<Duration> BATCH_MAX_DELAY = ConfigOptions.key("hark.inference.max-delay")
            .durationType().defaultValue(Duration.ofMillis(20))
            .withDescription("Longest a window waits for its batch to fill before it is scored anyway.");

    public static final ConfigOption<Integer> MAX_CHUNK_BYTES = ConfigOptions.key("hark.ingest.max-chunk-bytes")
            .intType().defaultValue(4 * 1024 * 1024)
            .withDescription("Larger records go to the dead-letter topic as OVERSIZED_PAYLOAD.");

    public static final ConfigOption<String> STARTING_OFFSETS = ConfigOptions.key("hark.kafka.starting-offsets")
            .stringType().defaultValue("committed")
            .withDescription("Where a new source starts: committed (the group's offsets, else earliest), earliest or latest.");

    public static final ConfigOption<DeliveryGuarantee> DELIVERY_GUARANTEE = ConfigOptions.key("hark.sink.delivery-guarantee")
            .enumType(DeliveryGuarantee.class).defaultValue(DeliveryGuarantee.EXACTLY_ONCE)
            .withDescription("EXACTLY_ONCE: predictions and dead letters are written in Kafka transactions committed"
                    + " with each checkpoint (read them with isolation.level=read_committed; needs checkpointing)."
                    + " AT_LEAST_ONCE: visible at once, duplicated after a failure.");

    public static final ConfigOption<String> TRANSACTIONAL_ID_PREFIX = ConfigOptions.key("hark.sink.transactional-id-prefix")
            .stringType().noDefaultValue()
            .withDescription("Prefix of the sinks' Kafka transactional ids; must differ between jobs that write to the"
                    + " same cluster and stay the same across restarts of one job. Default: hark-<predictions topic>.");

    public static final ConfigOption<Boolean> BOUNDED = ConfigOptions.key("hark.kafka.bounded")
            .booleanType().defaultValue(false)
            .withDescription("Stop at the offsets that are latest when the job starts (for tests and batch runs).");

    /** Every option above. */
    public static java.util.List<ConfigOption<?>> all() {
        java.util.List<ConfigOption<?>> options = new java.util.ArrayList<>();
        for (java.lang.reflect.Field f : HarkOptions.class.getFields()) {
            if (ConfigOption.class.isAssignableFrom(f.getType())) {
                try {
                    options.add((ConfigOption<?>) f.get(null));
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return options;
    }

    /** The keys of every option above. */
    public static java.util.Set<String> keys() {
        java.util.Set<String> keys = new java.util.TreeSet<>();
        all().forEach(option -> keys.add(option.key()));
        return keys;
    }

    /**
     * Refuses {@code hark.*} keys that are no option (a typo would otherwise be ignored silently), naming the
     * closest option. Kafka client properties under {@link #KAFKA_PROPERTIES_PREFIX} pass.
     */
    public static void requireKnownKeys(java.util.Collection<String> configured) {
        java.util.Set<String> known = keys();
        for (String key : configured) {
            if (key.startsWith("hark.") && !known.contains(key) && !key.startsWith(KAFKA_PROPERTIES_PREFIX)) {
                String closest = known.stream().min(java.util.Comparator.comparingInt(k -> editDistance(k, key))).orElseThrow();
                throw new IllegalArgumentException("unknown option " + key + " (did you mean " + closest + "?); the"
                        + " options are listed in the README and in dev.hark.job.options.HarkOptions");
            }
        }
    }

    private static int editDistance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitute = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitute, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }

    /** The Kafka servers the job's sources and sinks use; refused, saying how to set them, where none are. */
    public static String bootstrapServers(ReadableConfig config) {
        return config.getOptional(BOOTSTRAP_SERVERS).orElseThrow(() -> new IllegalArgumentException(
                "no Kafka: set " + BOOTSTRAP_SERVERS.key() + " (--bootstrap-servers HOST:PORT)"));
    }
}
