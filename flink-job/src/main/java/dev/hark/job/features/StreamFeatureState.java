package dev.hark.job.features;

import dev.hark.audio.SlidingWindows;

/** What the windower keeps per stream between chunks. */
public class StreamFeatureState {
    /** Event time of the stream's first sample (epoch ms). */
    public long originMillis;
    /** Samples received that do not yet make a whole frame. */
    public float[] carry = new float[0];
    public SlidingWindows.State windows = new SlidingWindows.State();

    public StreamFeatureState() {
    }
}
