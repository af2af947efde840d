package dev.hark.audio;

/** Sample layouts accepted on the wire. */
public enum SampleFormat {
    /** 16-bit signed little-endian integers; x = int16 / 32768. */
    PCM_S16LE(2),
    /** 32-bit IEEE-754 little-endian floats, nominally in [-1, 1]. */
    FLOAT32LE(4);

    private final int bytesPerSample;

    SampleFormat(int bytesPerSample) {
        this.bytesPerSample = bytesPerSample;
    }

    public int bytesPerSample() {
        return bytesPerSample;
    }
}
