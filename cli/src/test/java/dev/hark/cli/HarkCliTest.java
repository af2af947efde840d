package dev.hark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hark.audio.FeatureSpec;
import dev.hark.audio.FeatureStream;
import dev.hark.audio.MelNorm;
import dev.hark.audio.MelScale;
import dev.hark.audio.WavFile;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import javax.sound.sampled.AudioFileFormat;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.Test;

/** Bad arguments get a message that says what is wrong, and a non-zero exit; no stack traces. */
class HarkCliTest {
    private static HarkCommand run(String... args) {
        return HarkCommand.run(args);
    }

    @Test
    void everyCommandHasHelp() {
        for (String command : new String[] {"demo", "broker", "run", "features", "synth", "train", "evaluate", "produce", "consume",
                "announce-model", "submit", "cancel", "savepoint", "import-model", "realspeech"}) {
            HarkCommand r = run(command, "--help");
            assertEquals(0, r.exit(), command);
            assertTrue(r.out().contains("Usage: hark " + command), r.out());
        }
    }

    @Test
    void importModelWrapsASavedModelOrSaysWhatDisagrees(@TempDir Path dir) throws Exception {
        Path model = dir.resolve("loudness");
        dev.hark.model.TinyModels.exportLoudnessModel(model); // a waveform model with two sigmoid outputs
        java.nio.file.Files.delete(model.resolve(dev.hark.model.ModelContract.FILE_NAME)); // as a user has it
        java.nio.file.Files.writeString(dir.resolve("three.txt"), "loud\nquiet\nother\n");
        HarkCommand.refused("2 scores for 3 labels", "import-model", "--saved-model", model.toString(),
                "--labels", dir.resolve("three.txt").toString());
        java.nio.file.Files.writeString(dir.resolve("labels.txt"), "loud\nquiet\n");
        HarkCommand r = run("import-model", "--saved-model", model.toString(), "--labels", dir.resolve("labels.txt").toString(),
                "--model-version", "3");
        assertEquals(0, r.exit(), r.err());
        dev.hark.model.ModelContract contract = dev.hark.model.ModelContract.read(model);
        assertEquals(dev.hark.model.ModelContract.InputKind.WAVEFORM, contract.inputKind());
        assertEquals(dev.hark.model.ModelContract.OutputKind.SIGMOID, contract.outputKind());
        assertEquals(dev.hark.model.TinyModels.WINDOW_FRAMES, contract.windowFrames());
        assertEquals("3", contract.version());
        assertEquals(List.of("loud", "quiet"), contract.labels());
    }

    @Test
    void featuresWritesOneCsvRowPerFrameAsTheJobComputesThem(@TempDir Path dir) throws Exception {
        // 44.1 kHz stereo: the command must downmix and resample like the job.
        int rate = 44100;
        float[] left = new float[rate];
        for (int i = 0; i < left.length; i++) {
            left[i] = (float) (0.4 * Math.sin(2 * Math.PI * 600 * i / rate));
        }
        Path wav = dir.resolve("tone.wav");
        byte[] pcm = new byte[left.length * 4];
        for (int i = 0; i < left.length; i++) {
            short v = (short) Math.round(left[i] * 32767);
            pcm[4 * i] = (byte) v;
            pcm[4 * i + 1] = (byte) (v >> 8); // right channel stays silent
        }
        AudioFormat format = new AudioFormat(rate, 16, 2, true, false);
        AudioSystem.write(new AudioInputStream(new ByteArrayInputStream(pcm), format, left.length),
                AudioFileFormat.Type.WAVE, wav.toFile());
        Path csv = dir.resolve("tone.csv");
        Path png = dir.resolve("tone.png");

        HarkCommand r = run("features", "--input", wav.toString(), "--output", csv.toString(), "--png", png.toString(),
                "--mel-scale", "slaney", "--n-mels", "32");
        assertEquals(0, r.exit(), r.err());

        FeatureSpec spec = new FeatureSpec(16000, 512, 400, 160, 32, 20, 7600, MelScale.SLANEY, MelNorm.NONE, 1e-6, 0);
        float[] expected = new FeatureStream(spec).extractAll(WavFile.read(wav).samples(), rate);
        List<String> rows = Files.readAllLines(csv);
        assertEquals(expected.length / 32, rows.size());
        for (int f = 0; f < rows.size(); f++) {
            String[] cells = rows.get(f).split(",");
            assertEquals(32, cells.length);
            for (int b = 0; b < 32; b++) {
                assertEquals(expected[f * 32 + b], Float.parseFloat(cells[b]), "frame " + f + " band " + b);
            }
        }
        assertEquals(2 * rows.size(), ImageIO.read(png.toFile()).getWidth());
    }

    @Test
    void realSpeechIsBuiltFromDebianPackagesAndScoredWithItsFalseAccepts(@TempDir Path dir) throws Exception {
        String model = "../model-export/models/keywords";
        Path set = dir.resolve("realspeech");
        HarkCommand built = run("realspeech", "--out", set.toString(), "--model", model);
        assertEquals(0, built.exit(), built.err());
        Path json = dir.resolve("eval.json");
        Path predictions = dir.resolve("predictions.csv");
        HarkCommand scored = run("evaluate", "--model", model, "--data", set.resolve("realspeech.csv").toString(),
                "--json", json.toString(), "--predictions", predictions.toString());
        assertEquals(0, scored.exit(), scored.err());
        // The false accepts in the report are the clips without a keyword whose best label is a keyword at or above its
        // threshold (0.5 for every label of the bundled model), counted again here from the scores of every clip.
        var report = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json.toFile()).get("false_accepts");
        List<String> rows = Files.readAllLines(predictions);
        java.util.Set<String> background = java.util.Set.of("_unknown_", "_silence_");
        long withoutKeyword = 0;
        long falseAccepts = 0;
        for (String row : rows.subList(1, rows.size())) {
            String[] f = row.split(",");
            if (background.contains(f[2])) {
                withoutKeyword++;
                falseAccepts += !background.contains(f[3]) && Double.parseDouble(f[4]) >= 0.5 ? 1 : 0;
            }
        }
        assertEquals(Files.readAllLines(set.resolve("realspeech.csv")).size() - 1, rows.size() - 1, "every clip scored");
        assertEquals(withoutKeyword, report.get("clips_without_keyword").asLong());
        assertEquals(falseAccepts, report.get("count").asLong());
        // The ten real digits are there, each from its own file.
        assertEquals(11, Files.readAllLines(set.resolve("digits.csv")).size());
        assertTrue(rows.stream().anyMatch(r -> r.startsWith("digits/nine.wav,")), "digits/nine.wav scored");
    }

    @Test
    void evaluateReportsAndWritesJson(@TempDir Path dir) throws Exception {
        // The bundled demo audio, cut into one-second clips in Speech Commands layout.
        Path data = dir.resolve("data");
        java.util.Random random = new java.util.Random(1);
        for (dev.hark.data.DemoStreams.Loaded s : dev.hark.job.testing.TestAudio.demoStreams()) {
            float[] x = s.audio().samples();
            for (int i = 0; i < s.stream().slots().size(); i++) {
                String slot = s.stream().slots().get(i);
                String folder = slot.equals("_silence_") ? "_background_noise_" : slot;
                WavFile.write(data.resolve(folder + "/" + s.stream().id() + "_nohash_" + i + ".wav"),
                        java.util.Arrays.copyOfRange(x, i * 16000, (i + 1) * 16000), 16000);
            }
        }
        Path json = dir.resolve("eval.json");
        Path predictions = dir.resolve("predictions.csv");
        HarkCommand r = run("evaluate", "--model", "../model-export/models/keywords", "--data", data.toString(), "--json", json.toString(),
                "--predictions", predictions.toString());
        assertEquals(0, r.exit(), r.err());
        var tree = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json.toFile());
        // One row per clip, each predicting its likeliest label, agreeing with the summary.
        List<String> rows = Files.readAllLines(predictions);
        assertEquals("source,voice,actual,predicted,confidence," + String.join(",", dev.hark.training.Trainer.SPEECH_COMMANDS_LABELS),
                rows.get(0));
        long right = 0;
        for (String row : rows.subList(1, rows.size())) {
            String[] f = row.split(",");
            assertEquals(5 + dev.hark.training.Trainer.SPEECH_COMMANDS_LABELS.size(), f.length, row);
            int best = 5;
            for (int i = 6; i < f.length; i++) {
                best = Double.parseDouble(f[i]) > Double.parseDouble(f[best]) ? i : best;
            }
            assertEquals(rows.get(0).split(",")[best], f[3], row);
            assertEquals(Double.parseDouble(f[best]), Double.parseDouble(f[4]), 1e-9, row);
            right += f[2].equals(f[3]) ? 1 : 0;
        }
        assertEquals(tree.get("total").asLong(), rows.size() - 1);
        assertEquals(tree.get("accuracy").asDouble(), right / (double) (rows.size() - 1), 1e-9);
        // A missing output folder is refused before scoring.
        HarkCommand.refused("does not exist; create it or choose another path", "evaluate", "--model",
                "../model-export/models/keywords", "--data", data.toString(), "--predictions",
                dir.resolve("no/such/p.csv").toString());
        assertEquals("all", tree.get("split").asText());
        assertTrue(tree.get("accuracy").asDouble() > 0.8, tree.toString());
        assertEquals(dev.hark.training.Trainer.SPEECH_COMMANDS_LABELS.size(), tree.get("per_label").size());
        assertEquals(dev.hark.training.Trainer.SPEECH_COMMANDS_LABELS.size(), tree.get("confusion").size());
        long total = 0;
        for (var row : tree.get("confusion")) {
            for (var v : row) {
                total += v.asLong();
            }
        }
        assertEquals(tree.get("total").asLong(), total);

        // The same clips as the Speech Commands test set lays them out (_silence_/ explicit, no background noise),
        // and as a CSV: both evaluate, every clip scored.
        Path testSet = dir.resolve("test-set");
        List<String> csv = new java.util.ArrayList<>(List.of("path,label"));
        int clips = 0;
        for (dev.hark.data.DemoStreams.Loaded s : dev.hark.job.testing.TestAudio.demoStreams()) {
            float[] x = s.audio().samples();
            for (int i = 0; i < s.stream().slots().size(); i++) {
                String slot = s.stream().slots().get(i);
                String path = slot + "/" + s.stream().id() + "_nohash_" + i + ".wav";
                WavFile.write(testSet.resolve(path), java.util.Arrays.copyOfRange(x, i * 16000, (i + 1) * 16000), 16000);
                csv.add(path + "," + slot);
                clips++;
            }
        }
        java.nio.file.Files.write(testSet.resolve("test.csv"), csv);
        for (Path data2 : List.of(testSet, testSet.resolve("test.csv"))) {
            Path out = dir.resolve("eval2.json");
            HarkCommand r2 = run("evaluate", "--model", "../model-export/models/keywords", "--data", data2.toString(),
                    "--json", out.toString());
            assertEquals(0, r2.exit(), r2.err());
            var t2 = new com.fasterxml.jackson.databind.ObjectMapper().readTree(out.toFile());
            assertEquals(clips, t2.get("total").asLong(), data2.toString());
            assertTrue(t2.get("accuracy").asDouble() > 0.8, t2.toString());
        }
    }

    @Test
    void readsOptionsFromAYamlFileAndTheCommandLineWins(@TempDir Path dir) throws Exception {
        Path yaml = dir.resolve("hark.yaml");
        Files.writeString(yaml, String.join("\n",
                "hark:",
                "  kafka:",
                "    bootstrap-servers: 127.0.0.1:1",
                "    properties:",
                "      security.protocol: SASL_SSL",
                "  model.dir: /no/such/model/from/yaml",
                "hark.topic.audio: from-yaml",
                ""));
        org.apache.flink.configuration.Configuration conf = dev.hark.job.config.YamlConfig.load(yaml);
        assertEquals("127.0.0.1:1", conf.get(dev.hark.job.options.HarkOptions.BOOTSTRAP_SERVERS));
        assertEquals("from-yaml", conf.get(dev.hark.job.options.HarkOptions.AUDIO_TOPIC));
        assertEquals("SASL_SSL", dev.hark.job.kafka.KafkaWiring.kafkaProperties(conf).getProperty("security.protocol"));

        HarkCommand.refused("/no/such/model/from/yaml", "run", "--config", yaml.toString()); // the YAML's model is used

        // --model wins over the YAML's: the job gets as far as its checkpointing.
        HarkCommand.refused("checkpointing is off", "run", "--config", yaml.toString(), "--model",
                "../model-export/models/keywords", "--checkpoint-interval-ms", "0");

        Files.writeString(dir.resolve("typo.yaml"), "hark.topic.predicitons: out\n");
        HarkCommand.refused("unknown option hark.topic.predicitons (did you mean hark.topic.predictions?)",
                "run", "--bootstrap-servers", "127.0.0.1:1", "--config", dir.resolve("typo.yaml").toString());

        Files.writeString(dir.resolve("threads.yaml"), "hark.inference.intra-op-threads: -1\n");
        HarkCommand.refused("hark.inference.intra-op-threads must be 0",
                "run", "--bootstrap-servers", "127.0.0.1:1", "--config", dir.resolve("threads.yaml").toString(),
                "--model", "../model-export/models/keywords");

        Files.writeString(dir.resolve("bad.yaml"), "hark: [unclosed");
        HarkCommand.refused("is not valid YAML",
                "run", "--config", dir.resolve("bad.yaml").toString());
    }

    @Test
    void aMachineWithoutAMicrophoneIsToldSo() {
        javax.sound.sampled.DataLine.Info capture = new javax.sound.sampled.DataLine.Info(
                javax.sound.sampled.TargetDataLine.class, new javax.sound.sampled.AudioFormat(16000, 16, 1, true, false));
        org.junit.jupiter.api.Assumptions.assumeFalse(javax.sound.sampled.AudioSystem.isLineSupported(capture),
                "this machine has a microphone: bin/hark produce --microphone would record from it");
        HarkCommand.refused("this machine has no microphone that records 16000 Hz 16-bit mono", "produce",
                "--microphone", "--bootstrap-servers", "127.0.0.1:1");
    }

    @Test
    void explainsBadArguments() {
        HarkCommand.refused("--web-port must be between 0 and 65535, got 70000", "run", "--web-port", "70000");
        HarkCommand.refused("--status-every must be 0 or more seconds", "run", "--status-every", "-1");
        HarkCommand.refused("--chunk-ms must be between 1 and 10000, got 0", "produce", "--chunk-ms", "0", "x.wav");
        HarkCommand.refused("give WAV files or folders to send (or --microphone)", "produce");
        HarkCommand.refused("--microphone records live audio: give no WAV files with it", "produce", "--microphone", "x.wav");
        HarkCommand.refused("--stream-id names one stream, but 3 files make 3 streams", "produce", "--stream-id", "one",
                "../examples/demo-streams");
        HarkCommand.refused("no-such.wav does not exist", "produce", "no-such.wav");
        HarkCommand.refused("--max must be at least 1", "consume", "--max", "0");

        HarkCommand duration = HarkCommand.refused("--duration must be at least 1 second", "demo", "--duration", "0");
        assertTrue(!duration.err().contains("Exception"), duration.err());

        HarkCommand.refused("is neither a model folder",
                "run", "--bootstrap-servers", "127.0.0.1:1", "--model", "/no/such/model");

        HarkCommand.refused("Invalid value for option '--hop-ms'", "demo", "--hop-ms", "soon");

        HarkCommand.refused("nFft must be a power of two",
                "features", "--input", "x.wav", "--output", "x.csv", "--n-fft", "500");

        HarkCommand.refused("--mel-scale", "features", "--input", "x.wav", "--output", "x.csv", "--mel-scale", "bark");

        HarkCommand.refused("checkpointing is off",
                "run", "--bootstrap-servers", "127.0.0.1:1", "--checkpoint-interval-ms", "0",
                "--model", "../model-export/models/keywords");

        HarkCommand.refused("no model contract", "evaluate", "--model", "/tmp", "--data", "/tmp");

        HarkCommand.refused("does not exist", "train", "--data", "/no/such/data", "--out", "/tmp/x");
        HarkCommand.refused("--towers must be 1 to 4, got 9", "train", "--data", "/no/such/data", "--out", "/tmp/x",
                "--towers", "9");

        // Checked before any Kafka is contacted (there is none at 127.0.0.1:1).
        HarkCommand.refused("is neither a model folder",
                "announce-model", "--bootstrap-servers", "127.0.0.1:1", "--topic", "control",
                "--location", "/no/such/model");
        HarkCommand.refused("not the --expected-version 999; jobs would reject it",
                "announce-model", "--bootstrap-servers", "127.0.0.1:1", "--topic", "control",
                "--location", "../model-export/models/keywords", "--expected-version", "999");
    }
}
