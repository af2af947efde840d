package dev.hark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hark.avro.AudioChunk;
import dev.hark.avro.DeadLetter;
import dev.hark.avro.InferenceTimings;
import dev.hark.avro.LabelScore;
import dev.hark.avro.Prediction;
import dev.hark.avro.wire.WireFormat;
import dev.hark.audio.PcmDecoder;
import dev.hark.audio.SampleFormat;
import dev.hark.data.DemoStreams;
import dev.hark.job.testing.KafkaBrokerExtension;
import dev.hark.job.testing.TestAudio;
import dev.hark.job.testing.TopicReader;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** bin/hark produce sends WAV files as the job expects them; bin/hark consume prints what the job writes. */
class ProduceConsumeITCase {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    private static String run(String... args) {
        HarkCommand command = HarkCommand.run(args);
        assertEquals(0, command.exit(), command.err());
        return command.out();
    }

    @Test
    void producesEachWavFileAsAStreamOfChunks() throws Exception {
        KAFKA.createTopic("produced", 2);
        Path folder = TestAudio.REPOSITORY.resolve(DemoStreams.BUNDLED_FOLDER);
        String out = run("produce", "--bootstrap-servers", KAFKA.bootstrapServers(), "--topic", "produced", "--fast",
                "--chunk-ms", "250", folder.toString());
        List<DemoStreams.Loaded> streams = DemoStreams.load(folder);
        int perStream = 40 + 1; // 10 s in 250 ms chunks, and the chunk that ends the stream
        assertTrue(out.contains("sent " + streams.size() * perStream + " chunks of 3 stream(s) to produced: 30.0 s of audio"), out);
        try (TopicReader reader = TopicReader.of(KAFKA.bootstrapServers(), "produced")) {
            List<AudioChunk> chunks = reader.untilCount("produced", streams.size() * perStream, Duration.ofSeconds(30))
                    .values("produced", AudioChunk.getDecoder());
            for (DemoStreams.Loaded s : streams) {
                List<AudioChunk> mine = chunks.stream().filter(c -> c.getStreamId().equals(s.stream().id())).toList();
                assertEquals(perStream, mine.size(), s.stream().id());
                float[] joined = new float[0];
                for (int i = 0; i < mine.size(); i++) {
                    AudioChunk c = mine.get(i);
                    assertEquals(i, c.getSequence(), "in sequence, each stream on one partition");
                    assertEquals(mine.get(0).getEventTime().plusMillis(250L * i), c.getEventTime());
                    byte[] bytes = new byte[c.getSamples().remaining()];
                    c.getSamples().duplicate().get(bytes);
                    float[] samples = bytes.length == 0 ? new float[0] : PcmDecoder.decodeMono(bytes, SampleFormat.PCM_S16LE, 1);
                    joined = concat(joined, samples);
                }
                assertTrue(mine.get(perStream - 1).getEndOfStream(), "the stream ends explicitly");
                assertEquals(s.audio().samples().length, joined.length);
                for (int i = 0; i < joined.length; i++) {
                    assertEquals(s.audio().samples()[i], joined[i], 1.0 / 32768, "sample " + i);
                }
            }
        }
    }

    private static float[] concat(float[] a, float[] b) {
        float[] c = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    @Test
    void consumePrintsPredictionsAndDeadLetters() {
        KAFKA.createTopic("outputs", 1);
        Prediction p = Prediction.newBuilder().setStreamId("mic-7").setWindowIndex(3)
                .setWindowStart(Instant.ofEpochMilli(1500)).setWindowEnd(Instant.ofEpochMilli(2500))
                .setModelName("keywords").setModelVersion("2")
                .setTop(List.of(new LabelScore("stop", 0.91f), new LabelScore("go", 0.05f)))
                .setTimings(new InferenceTimings(800L, 4, Instant.ofEpochMilli(2600), Instant.ofEpochMilli(2610))).build();
        DeadLetter d = DeadLetter.newBuilder().setSourceTopic("audio-chunks").setSourcePartition(1).setSourceOffset(42)
                .setKey(null).setValue(null).setReason("EMPTY_RECORD").setMessage("no value")
                .setTime(Instant.ofEpochMilli(3000)).build();
        TestAudio.sendRaw(KAFKA.bootstrapServers(), "outputs", null, WireFormat.encode(p, Prediction.getEncoder()));
        TestAudio.sendRaw(KAFKA.bootstrapServers(), "outputs", null, WireFormat.encode(d, DeadLetter.getEncoder()));
        TestAudio.sendRaw(KAFKA.bootstrapServers(), "outputs", null, "garbage".getBytes());
        String out = run("consume", "--bootstrap-servers", KAFKA.bootstrapServers(), "--topic", "outputs",
                "--from-beginning", "--max", "3");
        List<String> lines = out.lines().toList();
        assertEquals(4, lines.size(), out);
        assertEquals(OutputRecords.HEADER, lines.get(0));
        assertTrue(lines.get(1).matches("mic-7 +3  \\d\\d:\\d\\d:\\d\\d\\.\\d{3}  stop +0\\.91  go +0\\.05  keywords v2 +\\d+ ms"),
                lines.get(1));
        assertTrue(lines.get(2).contains("dead letter audio-chunks[1]@42 key null  EMPTY_RECORD: no value"), lines.get(2));
        assertTrue(lines.get(3).startsWith("not a record of hark's at outputs[0]@2"), lines.get(3));

        String json = run("consume", "--bootstrap-servers", KAFKA.bootstrapServers(), "--topic", "outputs",
                "--from-beginning", "--max", "2", "--json");
        lines = json.lines().toList();
        assertEquals(2, lines.size(), json);
        assertTrue(lines.get(0).startsWith("{\"type\":\"prediction\",\"stream_id\":\"mic-7\",\"window_index\":3,"
                + "\"window_start\":1500,\"window_end\":2500,\"model_name\":\"keywords\",\"model_version\":\"2\","
                + "\"top\":[{\"label\":\"stop\",\"score\":0.91},{\"label\":\"go\",\"score\":0.05}],\"gap_filled\":false,"
                + "\"inference_micros\":800,\"batch_size\":4,\"latency_ms\":"), lines.get(0));
        assertTrue(lines.get(1).startsWith("{\"type\":\"dead_letter\",\"source_topic\":\"audio-chunks\""), lines.get(1));
    }

    @Test
    void consumeFollowsOneStreamWhenAsked() {
        KAFKA.createTopic("two-streams", 1);
        for (String stream : List.of("a", "b", "a")) {
            Prediction p = Prediction.newBuilder().setStreamId(stream).setWindowIndex(0)
                    .setWindowStart(Instant.ofEpochMilli(0)).setWindowEnd(Instant.ofEpochMilli(1000))
                    .setModelName("m").setModelVersion("1").setTop(List.of(new LabelScore("yes", 1f)))
                    .setTimings(new InferenceTimings(1L, 1, Instant.ofEpochMilli(1), Instant.ofEpochMilli(2))).build();
            TestAudio.sendRaw(KAFKA.bootstrapServers(), "two-streams", null, WireFormat.encode(p, Prediction.getEncoder()));
        }
        String out = run("consume", "--bootstrap-servers", KAFKA.bootstrapServers(), "--topic", "two-streams",
                "--from-beginning", "--max", "2", "--stream", "a", "--json");
        assertEquals(2, out.lines().filter(l -> l.contains("\"stream_id\":\"a\"")).count(), out);
        assertEquals(2, out.lines().count(), out);
    }

    @Test
    void produceSimulatesManyStreamsFromOneFile() throws Exception {
        KAFKA.createTopic("load", 3);
        Path wav = TestAudio.REPOSITORY.resolve(DemoStreams.BUNDLED_FOLDER).resolve("car.wav");
        String out = run("produce", "--bootstrap-servers", KAFKA.bootstrapServers(), "--topic", "load", "--fast",
                "--chunk-ms", "1000", "--streams", "4", "--stream-id", "sim", wav.toString());
        int perStream = 10 + 1;
        assertTrue(out.contains("sent " + 4 * perStream + " chunks of 4 stream(s) to load: 40.0 s of audio"), out);
        assertTrue(out.contains("done: " + 4 * perStream + " chunks sent, " + 4 * perStream + " acknowledged"), out);
        try (TopicReader reader = TopicReader.of(KAFKA.bootstrapServers(), "load")) {
            List<AudioChunk> chunks = reader.untilCount("load", 4 * perStream, Duration.ofSeconds(30))
                    .values("load", AudioChunk.getDecoder());
            assertEquals(java.util.Set.of("sim-0", "sim-1", "sim-2", "sim-3"),
                    chunks.stream().map(AudioChunk::getStreamId).collect(java.util.stream.Collectors.toSet()));
        }
    }

    @Test
    void kafkaProblemsAreOneLineThatSaysWhatToDo(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path wav = TestAudio.REPOSITORY.resolve(DemoStreams.BUNDLED_FOLDER).resolve("car.wav");
        HarkCommand.refused("topic no-such-topic does not exist on " + KAFKA.bootstrapServers(),
                "produce", "--bootstrap-servers", KAFKA.bootstrapServers(), "--topic", "no-such-topic", wav.toString());

        int closedPort = dev.hark.client.LoopbackPorts.free(); // nothing listens there
        HarkCommand noBroker = HarkCommand.refused("no Kafka broker answered at 127.0.0.1:" + closedPort + " within 20 s",
                "consume", "--bootstrap-servers", "127.0.0.1:" + closedPort);
        assertEquals(1, noBroker.err().lines().count(), "one line: " + noBroker.err());

        Path notWav = dir.resolve("notes.wav");
        java.nio.file.Files.writeString(notWav, "not audio");
        HarkCommand.refused(notWav + ": not a readable WAV file", "produce", "--bootstrap-servers",
                KAFKA.bootstrapServers(), notWav.toString());
    }
}
