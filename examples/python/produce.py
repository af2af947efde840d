#!/usr/bin/env python3
"""Send WAV files to hark as AudioChunk records, one stream per file, the way any producer would.

Debian: apt-get install python3-confluent-kafka python3-avro
Example: python3 examples/python/produce.py --bootstrap-servers 127.0.0.1:9092 examples/demo-streams/*.wav
"""
import argparse
import datetime
import os
import sys
import time
import wave

from confluent_kafka import Producer

from hark_wire import Codec


def chunks(path, chunk_ms, start):
    """The file's AudioChunk records: 16-bit PCM as recorded (any rate, any channel count), then end of stream."""
    stream_id = os.path.splitext(os.path.basename(path))[0]
    with wave.open(path, "rb") as wav:
        if wav.getsampwidth() != 2:
            sys.exit("%s: %d-bit samples; this example sends 16-bit PCM" % (path, 8 * wav.getsampwidth()))
        rate, channels = wav.getframerate(), wav.getnchannels()
        frames_per_chunk = max(1, rate * chunk_ms // 1000)
        sequence, sent = 0, 0
        while True:
            pcm = wav.readframes(frames_per_chunk)
            frames = len(pcm) // (2 * channels)
            last = wav.tell() >= wav.getnframes()
            yield {
                "stream_id": stream_id,
                "sequence": sequence,
                # timestamp-millis: the time of the chunk's first sample
                "event_time": start + datetime.timedelta(milliseconds=sent * 1000 // rate),
                "sample_rate": rate,
                "channels": channels,
                "encoding": "PCM_S16LE",
                "samples": pcm,
                "metadata": {"source": "examples/python"},
                "end_of_stream": last,  # lets the job score what is left and free the stream at once
            }
            sequence, sent = sequence + 1, sent + frames
            if last:
                return


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bootstrap-servers", default="127.0.0.1:9092")
    parser.add_argument("--topic", default="audio-chunks")
    parser.add_argument("--chunk-ms", type=int, default=100)
    parser.add_argument("--fast", action="store_true", help="as fast as possible instead of in real time")
    parser.add_argument("wav", nargs="+")
    args = parser.parse_args()

    codec = Codec("AudioChunk")
    producer = Producer({"bootstrap.servers": args.bootstrap_servers, "acks": "all", "linger.ms": 5})
    failures = []

    def delivered(error, message):
        if error is not None:
            failures.append(error)

    start = datetime.datetime.now(datetime.timezone.utc)
    streams = [chunks(path, args.chunk_ms, start) for path in args.wav]
    sent, step = 0, 0
    while streams:
        if not args.fast:  # a chunk leaves once it has been recorded
            time.sleep(max(0.0, (start + datetime.timedelta(milliseconds=(step + 1) * args.chunk_ms)
                                 - datetime.datetime.now(datetime.timezone.utc)).total_seconds()))
        for stream in list(streams):
            chunk = next(stream, None)
            if chunk is None:
                streams.remove(stream)
                continue
            producer.produce(args.topic, key=chunk["stream_id"].encode("utf-8"), value=codec.encode(chunk),
                             timestamp=int(chunk["event_time"].timestamp() * 1000), on_delivery=delivered)
            sent += 1
        producer.poll(0)
        step += 1
    remaining = producer.flush(30)
    if failures or remaining:
        sys.exit("%d chunk(s) failed, %d undelivered: %s" % (len(failures), remaining, failures[:1]))
    print("sent %d chunks of %d stream(s) to %s" % (sent, len(args.wav), args.topic))


if __name__ == "__main__":
    main()
