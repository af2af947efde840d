package dev.hark.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Cuts a recording as a job's windows see it: a short recording whole, a longer one into one-second pieces, leaving out
 * pieces that are mostly silence (so a pause between sentences is not scored, or trained on, as speech).
 */
final class SpeechPieces {
    /** Recordings up to this long are kept whole. */
    static final double WHOLE_CLIP_SECONDS = 1.25;
    /** A piece whose loudness is under this fraction of its recording's loudest piece is mostly silence. */
    static final double QUIET_PIECE = 0.1;

    /** One piece: its index (the second it starts at), or -1 for a recording kept whole. */
    record Piece(int index, float[] samples) {
    }

    private SpeechPieces() {
    }

    static List<Piece> of(float[] audio, int sampleRate) {
        if (audio.length <= WHOLE_CLIP_SECONDS * sampleRate) {
            return List.of(new Piece(-1, audio));
        }
        int count = audio.length / sampleRate;
        double[] loudness = new double[count];
        double loudest = 0;
        for (int i = 0; i < count; i++) {
            loudness[i] = rms(audio, i * sampleRate, sampleRate);
            loudest = Math.max(loudest, loudness[i]);
        }
        List<Piece> pieces = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            if (loudness[i] >= QUIET_PIECE * loudest) {
                pieces.add(new Piece(i, Arrays.copyOfRange(audio, i * sampleRate, (i + 1) * sampleRate)));
            }
        }
        return pieces;
    }

    private static double rms(float[] x, int from, int length) {
        double sum = 0;
        for (int i = from; i < from + length; i++) {
            sum += x[i] * x[i];
        }
        return Math.sqrt(sum / length);
    }
}
