package dev.hark.audio;

/** Hertz-to-mel conversions, as torchaudio and librosa define them. */
public enum MelScale {
    /** O'Shaughnessy / HTK: 2595 log10(1 + f/700). */
    HTK {
        @Override
        public double hzToMel(double hz) {
            return 2595.0 * Math.log10(1.0 + hz / 700.0);
        }

        @Override
        public double melToHz(double mel) {
            return 700.0 * (Math.pow(10.0, mel / 2595.0) - 1.0);
        }
    },
    /** Slaney (Auditory Toolbox, librosa's default): linear below 1 kHz, logarithmic above. */
    SLANEY {
        private static final double F_SP = 200.0 / 3.0;
        private static final double MIN_LOG_HZ = 1000.0;
        private static final double MIN_LOG_MEL = MIN_LOG_HZ / F_SP;
        private static final double LOG_STEP = 0.06875177742094912; // ln(6.4) / 27

        @Override
        public double hzToMel(double hz) {
            return hz >= MIN_LOG_HZ ? MIN_LOG_MEL + Math.log(hz / MIN_LOG_HZ) / LOG_STEP : hz / F_SP;
        }

        @Override
        public double melToHz(double mel) {
            return mel >= MIN_LOG_MEL ? MIN_LOG_HZ * Math.exp(LOG_STEP * (mel - MIN_LOG_MEL)) : F_SP * mel;
        }
    };

    public abstract double hzToMel(double hz);

    public abstract double melToHz(double mel);
}
