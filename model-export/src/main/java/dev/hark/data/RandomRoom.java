package dev.hark.data;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * The room and the channel between a speaker and a microphone, as sox effects: reverberation (a third of clips),
 * a tilted frequency response (bass and treble shelves, half), a band limit (a fifth: phones, cheap microphones)
 * and a rumble cut. Synthesized speech is otherwise dry and full-band, and a model would learn that too.
 */
public final class RandomRoom {
    private RandomRoom() {
    }

    /** sox effect arguments, possibly none. */
    public static List<String> effects(Random random) {
        List<String> effects = new ArrayList<>();
        if (random.nextDouble() < 0.5) {
            effects.addAll(List.of("bass", format(uniform(random, -8, 8)), "treble", format(uniform(random, -10, 6))));
        }
        if (random.nextDouble() < 0.2) {
            effects.addAll(List.of("lowpass", format(uniform(random, 3000, 7000))));
        }
        if (random.nextDouble() < 0.2) {
            effects.addAll(List.of("highpass", format(uniform(random, 80, 400))));
        }
        if (random.nextDouble() < 0.33) {
            // reverberance, high-frequency damping, room scale (%), stereo depth, pre-delay (ms)
            effects.addAll(List.of("reverb", format(uniform(random, 10, 70)), format(uniform(random, 20, 80)),
                    format(uniform(random, 10, 100)), "100", format(uniform(random, 0, 20))));
        }
        return effects;
    }

    private static double uniform(Random random, double from, double to) {
        return from + random.nextDouble() * (to - from);
    }

    private static String format(double value) {
        return String.format(Locale.ROOT, "%.1f", value);
    }
}
