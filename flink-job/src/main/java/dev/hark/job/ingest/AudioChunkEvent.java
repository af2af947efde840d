package dev.hark.job.ingest;

/** A decoded, validated chunk: mono float samples at the model's rate. */
public class AudioChunkEvent {
    public String streamId;
    public long sequence;
    /** Event time of the first sample (epoch ms). */
    public long eventTime;
    public int sampleRate;
    public float[] samples;
    /** The stream's last chunk: flush and free the stream's state. */
    public boolean endOfStream;
    /** Silence the job made up for chunks that never arrived. */
    public boolean gapFill;
    /** Where the chunk's record lies in Kafka, so that a later stage can dead-letter it; null topic for made-up chunks. */
    public String sourceTopic;
    public int sourcePartition;
    public long sourceOffset;

    public AudioChunkEvent() {
    }

    public AudioChunkEvent(String streamId, long sequence, long eventTime, int sampleRate, float[] samples) {
        this.streamId = streamId;
        this.sequence = sequence;
        this.eventTime = eventTime;
        this.sampleRate = sampleRate;
        this.samples = samples;
    }
}
