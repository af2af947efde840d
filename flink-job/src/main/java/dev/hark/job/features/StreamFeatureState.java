package dev.hark.job.features;

import dev.hark.audio.FeatureStream;
import dev.hark.audio.SlidingWindows;

/** What the windower keeps per stream between chunks. */
public class StreamFeatureState {
    /** Event time of the stream's first sample (epoch ms). */
    public long originMillis;
    /** Resampling and framing progress. */
    public FeatureStream.State audio = new FeatureStream.State();
    public SlidingWindows.State windows = new SlidingWindows.State();
    /** Frames computed so far. */
    public long frames;
    /** Gap-filled sample ranges at the model's rate, as [start, end) pairs, not yet behind every window. */
    public long[] gaps = new long[0];

    public StreamFeatureState() {
    }
}
