package dev.hark.job.ingest;

/** Thin Flink adapter over {@link ChunkDecoding}: good chunks go on, bad records go to dead letters. */
public final class ChunkDecoder extends DeadLetteringDecoder<AudioChunkEvent> {
    private final int modelSampleRate;
    private final int maxValueBytes;
    private transient ChunkDecoding decoding;

    public ChunkDecoder(int modelSampleRate, int maxValueBytes) {
        super("chunksIn");
        this.modelSampleRate = modelSampleRate;
        this.maxValueBytes = maxValueBytes;
    }

    @Override
    protected void openDecoding() {
        decoding = new ChunkDecoding(modelSampleRate, maxValueBytes);
    }

    @Override
    protected AudioChunkEvent decode(RawRecord raw) throws ChunkDecoding.Rejected {
        return decoding.decode(raw);
    }
}
