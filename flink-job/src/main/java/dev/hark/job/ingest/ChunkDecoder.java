package dev.hark.job.ingest;

/** Thin Flink adapter over {@link ChunkDecoding}: good chunks go on, bad records go to dead letters. */
public final class ChunkDecoder extends DeadLetteringDecoder<AudioChunkEvent> {
    private final IngestSettings settings;
    private transient ChunkDecoding decoding;

    public ChunkDecoder(IngestSettings settings) {
        super("chunksIn");
        this.settings = settings;
    }

    @Override
    protected void openDecoding() {
        decoding = new ChunkDecoding(settings);
    }

    @Override
    protected AudioChunkEvent decode(RawRecord raw) throws ChunkDecoding.Rejected {
        return decoding.decode(raw);
    }
}
