package dev.hark.audio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WavFileTest {
    static float[] tone(int rate, double seconds, double hz) {
        float[] x = new float[(int) (rate * seconds)];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (0.5 * Math.sin(2 * Math.PI * hz * i / rate));
        }
        return x;
    }

    @Test
    void samplesAtTheirOwnRateAreTheSameArrayAndAtAnotherAreTheFrontEndsResampling(@TempDir Path dir) throws Exception {
        Path wav = dir.resolve("tone.wav");
        WavFile.write(wav, tone(8000, 0.5, 440), 8000);
        WavFile.Audio audio = WavFile.read(wav);
        assertEquals(8000, audio.sampleRate());
        assertSame(audio.samples(), audio.samplesAt(8000));
        float[] up = audio.samplesAt(16000);
        assertArrayEquals(new Resampler(8000, 16000).resample(audio.samples()), up);
        assertEquals(0.5, up.length / 16000.0, 0.01, "the length in seconds is kept");
        // Still a 440 Hz tone: its zero crossings per second.
        int crossings = 0;
        for (int i = 1600; i < up.length - 1600; i++) {
            if ((up[i - 1] < 0) != (up[i] < 0)) {
                crossings++;
            }
        }
        assertEquals(2 * 440 * (up.length - 3200) / 16000.0, crossings, 3);
    }
}
