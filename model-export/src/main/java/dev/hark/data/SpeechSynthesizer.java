package dev.hark.data;

import dev.hark.audio.PcmDecoder;
import dev.hark.audio.SampleFormat;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Speaks words with espeak-ng and converts them with sox to mono float samples at a given rate. Both are Debian
 * packages ({@code apt-get install espeak-ng sox}).
 */
public final class SpeechSynthesizer {
    /** The espeak-ng English voices (accents) of espeak-ng's own formant synthesizer ({@link MbrolaVoices}: others). */
    public static final List<String> VOICES = List.of(
            "en-us", "en-gb", "en-gb-scotland", "en-gb-x-gbclan", "en-gb-x-rp", "en-gb-x-gbcwmd", "en-029", "en-us-nyc");
    /** Voice variants (speaker characteristics), exact file names under espeak-ng's voices/!v. */
    public static final List<String> VARIANTS = List.of(
            "m1", "m2", "m3", "m4", "m5", "m6", "m7", "m8", "f1", "f2", "f3", "f4", "f5",
            "klatt", "klatt2", "klatt3", "Alex", "Andy", "annie", "belinda", "benjamin", "david", "edward",
            "john", "linda", "max", "michel", "paul", "robert", "steph", "travis", "victor", "zac");

    private final int sampleRate;

    public SpeechSynthesizer(int sampleRate) {
        this.sampleRate = sampleRate;
    }

    /** Checks that espeak-ng and sox run, with advice on how to install them if not. */
    public static void requireTools() {
        for (String tool : List.of("espeak-ng", "sox")) {
            try {
                Process p = new ProcessBuilder(tool, "--version").redirectErrorStream(true).start();
                p.getInputStream().readAllBytes();
                if (!p.waitFor(10, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            } catch (IOException e) {
                throw new IllegalStateException(tool + " is not installed; install it with: sudo apt-get install espeak-ng sox");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while checking for " + tool);
            }
        }
    }

    /**
     * @param voice   an entry of {@link #VOICES}, or an installed {@link MbrolaVoices#espeakVoice}
     * @param variant an entry of {@link #VARIANTS}, or null for the plain voice
     * @param wordsPerMinute espeak-ng speed (80..450)
     * @param pitch   espeak-ng pitch (0..99)
     */
    public float[] speak(String text, String voice, String variant, int wordsPerMinute, int pitch) throws IOException {
        return speak(text, voice, variant, wordsPerMinute, pitch, null, List.of());
    }

    /**
     * As above, with the variants of a private data folder ({@link EspeakVoices}, null for the installed one) and sox
     * effects applied before conversion ({@link RandomRoom}).
     */
    public float[] speak(String text, String voice, String variant, int wordsPerMinute, int pitch, EspeakVoices voices,
                         List<String> effects) throws IOException {
        String v = variant == null ? voice : voice + "+" + variant;
        List<String> espeakCommand = new java.util.ArrayList<>(List.of("espeak-ng"));
        if (voices != null) {
            espeakCommand.add("--path=" + voices.path());
        }
        espeakCommand.addAll(List.of("-v", v, "-s", Integer.toString(wordsPerMinute), "-p", Integer.toString(pitch),
                "--stdout", text));
        ProcessBuilder espeak = new ProcessBuilder(espeakCommand);
        // -D: no dither, which sox would otherwise add with fresh random numbers on every run.
        List<String> soxCommand = new java.util.ArrayList<>(List.of("sox", "-q", "-D", "-t", "wav", "-", "-t", "raw",
                "-r", Integer.toString(sampleRate), "-c", "1", "-b", "16", "-e", "signed-integer", "-L", "-"));
        soxCommand.addAll(effects);
        ProcessBuilder sox = new ProcessBuilder(soxCommand);
        // espeak-ng's messages, and those of the mbrola program it runs, tell of a voice that lacks a diphone.
        java.nio.file.Path messages = java.nio.file.Files.createTempFile("hark-espeak-", ".log");
        espeak.redirectError(messages.toFile());
        sox.redirectError(ProcessBuilder.Redirect.DISCARD);
        byte[] pcm;
        try {
            List<Process> pipeline = ProcessBuilder.startPipeline(List.of(espeak, sox));
            try (InputStream out = pipeline.get(1).getInputStream()) {
                pcm = out.readAllBytes();
            }
            waitFor(pipeline, text, v, espeakCommand, soxCommand);
            String log = java.nio.file.Files.readString(messages, java.nio.charset.StandardCharsets.UTF_8);
            if (log.contains(MISSING_DIPHONE)) {
                throw new MissingDiphoneException(text, v, log.lines().filter(l -> l.contains(MISSING_DIPHONE))
                        .findFirst().orElse("").strip());
            }
        } finally {
            java.nio.file.Files.deleteIfExists(messages);
        }
        if (pcm.length < 2) {
            throw new IOException("espeak-ng produced no audio for '" + text + "' with voice " + v);
        }
        return PcmDecoder.decodeMono(pcm.length % 2 == 0 ? pcm : java.util.Arrays.copyOf(pcm, pcm.length - 1),
                SampleFormat.PCM_S16LE, 1);
    }

    /** What mbrola prints when a voice lacks a diphone and plays silence in its place. */
    static final String MISSING_DIPHONE = "unknown, replaced with";

    /** A word that a voice cannot say whole: an MBROLA database without one of its diphones. */
    public static final class MissingDiphoneException extends IOException {
        MissingDiphoneException(String text, String voice, String message) {
            super("voice " + voice + " cannot say '" + text + "' whole (" + message + ")");
        }
    }

    private static void waitFor(List<Process> pipeline, String text, String v, List<String> espeakCommand,
                                List<String> soxCommand) throws IOException {
        try {
            for (Process p : pipeline) {
                if (!p.waitFor(30, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new IOException("espeak-ng/sox timed out on '" + text + "'");
                }
                if (p.exitValue() != 0) {
                    throw new IOException("speech synthesis failed for '" + text + "' with voice " + v + ": "
                            + String.join(" ", p == pipeline.get(0) ? espeakCommand : soxCommand)
                            + " exited with " + p.exitValue());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    public int sampleRate() {
        return sampleRate;
    }
}
