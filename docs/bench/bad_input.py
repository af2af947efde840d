#!/usr/bin/env python3
"""Bad input at volume, from outside: malformed records of 14 kinds over many stream ids, interleaved with good
real-time streams, as a misbehaving fleet of producers would send them.

  /usr/bin/python3 docs/bench/bad_input.py [--bootstrap-servers 127.0.0.1:9092] [--bad 10000] [--seconds 20]
                                  [--good-streams 10] [--bad-streams 50]

Good streams: the demo's 16 kHz WAVs, 100 ms chunks in real time for --seconds, stream ids good-0...; each ends with
an end-of-stream chunk. Bad records, spread evenly over the same time, on ids bad-0...: random bytes, empty values,
truncated and bit-flipped records, a wrong schema fingerprint, NaN float samples, sample rate 0, 0 channels, an odd
byte count, an unknown enum index, sequence numbers near 2^62, event times of -2^50 and +2^50 ms, and 900 KB chunks
of noise. Prints what it sent, by kind. Needs python3-confluent-kafka and python3-avro (bin/install-test-packages).
"""
import argparse
import glob
import io
import os
import random
import sys
import time
import wave

import avro.io
from confluent_kafka import Producer

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "examples", "python"))
from hark_wire import HEADERS  # noqa: E402

KINDS = ["random_bytes", "empty", "truncated", "bit_flipped", "wrong_fingerprint", "nan_floats", "zero_rate",
         "zero_channels", "odd_byte_count", "unknown_enum", "sequence_near_2_62", "event_time_minus_2_50",
         "event_time_plus_2_50", "noise_900_kb"]


def chunk(stream_id, sequence, event_ms, rate, channels, encoding, samples, end=False, header=HEADERS["AudioChunk"]):
    """An AudioChunk written field by field, so that any value (an enum index, an event time of 2^50) can be sent."""
    out = io.BytesIO()
    out.write(header)
    body = avro.io.BinaryEncoder(out)
    body.write_utf8(stream_id)
    body.write_long(sequence)
    body.write_long(event_ms)
    body.write_int(rate)
    body.write_int(channels)
    body.write_int(encoding)  # 0 PCM_S16LE, 1 FLOAT32LE
    body.write_bytes(samples)
    body.write_long(0)  # metadata: null
    body.write_long(1)  # end_of_stream: boolean
    body.write_boolean(end)
    return out.getvalue()


def bad_record(kind, rng, stream_id, sequence, now_ms):
    pcm = rng.randbytes(3200)
    if kind == "random_bytes":
        return bytes([0x42]) + rng.randbytes(rng.randint(9, 499))
    if kind == "empty":
        return b""
    if kind == "truncated":
        whole = chunk(stream_id, sequence, now_ms, 16000, 1, 0, pcm)
        return whole[:rng.randint(11, len(whole) - 1)]
    if kind == "bit_flipped":
        whole = bytearray(chunk(stream_id, sequence, now_ms, 16000, 1, 0, pcm))
        bit = rng.randrange(len(whole) * 8)
        whole[bit // 8] ^= 1 << (bit % 8)
        return bytes(whole)
    if kind == "wrong_fingerprint":
        return chunk(stream_id, sequence, now_ms, 16000, 1, 0, pcm, header=bytes([0xC3, 0x01]) + rng.randbytes(8))
    if kind == "nan_floats":
        return chunk(stream_id, sequence, now_ms, 16000, 1, 1, b"\x00\x00\xc0\x7f" * 400)
    if kind == "zero_rate":
        return chunk(stream_id, sequence, now_ms, 0, 1, 0, pcm)
    if kind == "zero_channels":
        return chunk(stream_id, sequence, now_ms, 16000, 0, 0, pcm)
    if kind == "odd_byte_count":
        return chunk(stream_id, sequence, now_ms, 16000, 1, 0, pcm + b"\x01")
    if kind == "unknown_enum":
        return chunk(stream_id, sequence, now_ms, 16000, 1, 7, pcm)
    if kind == "sequence_near_2_62":
        return chunk(stream_id, (1 << 62) + rng.randrange(1000), now_ms, 16000, 1, 0, pcm)
    if kind == "event_time_minus_2_50":
        return chunk(stream_id, sequence, -(1 << 50), 16000, 1, 0, pcm)
    if kind == "event_time_plus_2_50":
        return chunk(stream_id, sequence, 1 << 50, 16000, 1, 0, pcm)
    if kind == "noise_900_kb":
        return chunk(stream_id, sequence, now_ms, 16000, 1, 0, rng.randbytes(900 * 1024))
    raise ValueError(kind)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bootstrap-servers", default="127.0.0.1:9092")
    parser.add_argument("--topic", default="audio-chunks")
    parser.add_argument("--bad", type=int, default=10000)
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--good-streams", type=int, default=10)
    parser.add_argument("--bad-streams", type=int, default=50)
    parser.add_argument("--seed", type=int, default=13)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    wavs = sorted(glob.glob(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "examples",
                                         "demo-streams", "*.wav")))
    audio = []
    for path in wavs:
        with wave.open(path, "rb") as w:
            audio.append(w.readframes(w.getnframes()))
    producer = Producer({"bootstrap.servers": args.bootstrap_servers, "acks": "all", "linger.ms": 5,
                         "message.max.bytes": 2 * 1024 * 1024})
    failures = []
    sent = {kind: 0 for kind in KINDS}
    sequences = {}
    start_ms = int(time.time() * 1000)
    ticks = args.seconds * 10
    bad_per_tick = args.bad / ticks
    bad_sent = 0
    for tick in range(ticks + 1):
        now_ms = start_ms + tick * 100
        for s in range(args.good_streams):
            pcm = audio[s % len(audio)]
            offset = (tick * 3200) % max(1, len(pcm) - 3200)
            end = tick == ticks
            producer.produce(args.topic, key=("good-%d" % s).encode(), value=chunk(
                "good-%d" % s, tick, now_ms, 16000, 1, 0, b"" if end else pcm[offset:offset + 3200], end),
                on_delivery=lambda e, m: e and failures.append(e))
        while bad_sent < min(args.bad, round((tick + 1) * bad_per_tick)):
            kind = KINDS[bad_sent % len(KINDS)]
            stream_id = "bad-%d" % rng.randrange(args.bad_streams)
            sequence = sequences.get(stream_id, 0)
            sequences[stream_id] = sequence + 1
            producer.produce(args.topic, key=stream_id.encode(), value=bad_record(kind, rng, stream_id, sequence, now_ms),
                             on_delivery=lambda e, m: e and failures.append(e))
            sent[kind] += 1
            bad_sent += 1
            producer.poll(0)
        producer.poll(0)
        time.sleep(max(0.0, (start_ms + (tick + 1) * 100) / 1000 - time.time()))
    remaining = producer.flush(600)
    if remaining:
        sys.exit("%d records were still not delivered after 10 minutes" % remaining)
    if failures:
        sys.exit("%d records were not delivered: %s" % (len(failures), failures[0]))
    print("sent %d good chunks (%d streams, %d s, each ended) and %d bad records: %s" % (
        args.good_streams * (ticks + 1), args.good_streams, args.seconds, bad_sent,
        ", ".join("%s %d" % (k, v) for k, v in sent.items())))


if __name__ == "__main__":
    main()
