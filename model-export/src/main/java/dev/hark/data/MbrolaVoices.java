package dev.hark.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * espeak-ng's English MBROLA voices: espeak-ng turns the words into phonemes, pitch and timing, and MBROLA joins
 * diphones cut from a recording of one person. Four are English speakers ({@code us1}-{@code us3}, {@code en1}); the
 * other sixteen are speakers of other languages reading English through espeak-ng's {@code mb-XX-en} mappings. Their
 * databases are Debian's non-free {@code mbrola-XX} packages ({@code bin/install-mbrola}); each may be used to
 * synthesize speech with the mbrola program, and hark does not ship them.
 *
 * <p>A formant synthesizer alone taught the model espeak-ng's rendering of the words, which voices made from
 * recordings of people do not share; these voices put such speech into training without leaving espeak-ng.
 */
public final class MbrolaVoices {
    /** espeak-ng voice names without their {@code mb-} prefix. */
    public static final List<String> ALL = List.of(
            "us1", "us2", "us3", "en1", "af1-en", "nl2-en", "fr1-en", "fr4-en", "de1-en", "de2-en", "de3-en",
            "de4-en", "de5-en", "de6-en", "gr2-en", "hu1-en", "pl1-en", "ro1-en", "sw1-en", "sw2-en");
    /** Heard only in validation: a woman, Swedish, reading English. */
    public static final String VALIDATION = "sw2-en";
    /** Heard only in testing: an American man. */
    public static final String TEST = "us3";
    /** Where Debian's packages put the databases, one folder each ({@code /usr/share/mbrola/us1/us1}). */
    static final Path DATABASES = Path.of("/usr/share/mbrola");

    private MbrolaVoices() {
    }

    /** The espeak-ng voice that speaks with {@code name}'s database. */
    public static String espeakVoice(String name) {
        return "mb-" + name;
    }

    /** Whether {@code espeakVoice} is one of these voices. */
    public static boolean isMbrola(String espeakVoice) {
        return espeakVoice.startsWith("mb-");
    }

    /** The Debian package that holds {@code name}'s database. */
    public static String debianPackage(String name) {
        return "mbrola-" + database(name);
    }

    /** The voices of {@link #ALL} whose database is installed, with the mbrola program to play them. */
    public static List<String> installed() {
        if (!onPath("mbrola")) {
            return List.of();
        }
        return ALL.stream().filter(name -> Files.isRegularFile(DATABASES.resolve(database(name)).resolve(database(name)))).toList();
    }

    /** Installed voices that training may use: all but {@link #VALIDATION} and {@link #TEST}. */
    public static List<String> trainingVoices(List<String> installed) {
        return installed.stream().filter(name -> !name.equals(VALIDATION) && !name.equals(TEST)).toList();
    }

    private static String database(String name) {
        return name.endsWith("-en") ? name.substring(0, name.length() - 3) : name;
    }

    private static boolean onPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }
}
