package dev.hark.job.features;

/** One model-sized window of log-mel frames from one stream, ready for inference. */
public class FeatureWindow {
    public String streamId;
    /** 0, 1, 2, ... per stream, in time order. */
    public long windowIndex;
    /** Event time of the window's first sample (epoch ms). */
    public long windowStart;
    /** Event time just after the window's last sample (epoch ms). */
    public long windowEnd;
    /** Row-major [frames][mels]. */
    public float[] frames;
    /** Processing time at which the last frame was computed (epoch ms). */
    public long completeTime;
    /** Part of the window is silence filled in for a sequence gap. */
    public boolean gapFilled;

    public FeatureWindow() {
    }

    public FeatureWindow(String streamId, long windowIndex, long windowStart, long windowEnd, float[] frames, long completeTime) {
        this.streamId = streamId;
        this.windowIndex = windowIndex;
        this.windowStart = windowStart;
        this.windowEnd = windowEnd;
        this.frames = frames;
        this.completeTime = completeTime;
    }
}
