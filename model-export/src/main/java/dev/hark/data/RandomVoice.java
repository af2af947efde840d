package dev.hark.data;

import java.util.Locale;
import java.util.Random;

/**
 * Makes up espeak-ng voice variants, the perturbations used to train for speakers never heard (Jaitly and Hinton
 * 2013; Ko et al. 2015): the vocal tract's length (every formant scaled by one factor, 0.82-1.22, about the span
 * from a tall man to a child), each formant's frequency, strength and bandwidth jittered on top, pitch and its
 * range, and the voice source: espeak-ng's Klatt synthesizers, breathiness, flutter, roughness and tone.
 */
public final class RandomVoice {
    private RandomVoice() {
    }

    /** The text of an espeak-ng variant file ({@code voices/!v/<name>}). */
    public static String definition(String name, Random random) {
        StringBuilder v = new StringBuilder("language variant\nname ").append(name).append('\n');
        double tract = Math.exp(uniform(random, Math.log(0.82), Math.log(1.22)));
        boolean high = tract > 1.04;
        v.append("gender ").append(high ? "female" : "male").append('\n');
        int base = (int) (high ? uniform(random, 140, 250) : uniform(random, 70, 150));
        int range = (int) (base * uniform(random, 1.15, 1.9));
        v.append("pitch ").append(base).append(' ').append(range).append('\n');
        line(v, 0, 100 * uniform(random, 0.8, 1.2), uniform(random, 50, 130), 100);
        for (int formant = 1; formant <= 8; formant++) {
            double jitter = formant <= 3 ? 0.07 : 0.04;
            line(v, formant, 100 * tract * (1 + jitter * clampedGaussian(random)), uniform(random, 65, 135),
                    uniform(random, 70, 160));
        }
        if (random.nextDouble() < 0.35) {
            v.append("klatt ").append(1 + random.nextInt(6)).append('\n');
        }
        if (random.nextDouble() < 0.25) {
            int amount = (int) uniform(random, 5, 60);
            v.append(String.format(Locale.ROOT, "breath %d %d %d %d %d %d %d %d%n", amount, amount, amount / 2,
                    amount / 2, amount / 3, amount / 4, amount / 5, amount / 6));
        }
        if (random.nextDouble() < 0.4) {
            v.append("flutter ").append((int) uniform(random, 0, 30)).append('\n');
        }
        if (random.nextDouble() < 0.3) {
            v.append("roughness ").append(random.nextInt(5)).append('\n');
        }
        if (random.nextDouble() < 0.4) {
            v.append(String.format(Locale.ROOT, "tone 600 %d 1200 %d 2000 %d%n", (int) uniform(random, 120, 255),
                    (int) uniform(random, 100, 255), (int) uniform(random, 80, 255)));
        }
        v.append("voicing ").append((int) uniform(random, 80, 130)).append('\n');
        v.append("consonants ").append((int) uniform(random, 70, 130)).append('\n');
        return v.toString();
    }

    private static void line(StringBuilder v, int formant, double frequency, double height, double width) {
        v.append(String.format(Locale.ROOT, "formant %d %d %d %d%n", formant, Math.round(frequency),
                Math.round(height), Math.round(width)));
    }

    private static double uniform(Random random, double from, double to) {
        return from + random.nextDouble() * (to - from);
    }

    private static double clampedGaussian(Random random) {
        return Math.max(-2, Math.min(2, random.nextGaussian()));
    }
}
