#!/usr/bin/env python3
"""Read hark's predictions (committed records only), one line per window: stream, window, label, score, latency.

Debian: apt-get install python3-confluent-kafka python3-avro
Example: python3 examples/python/consume.py --bootstrap-servers 127.0.0.1:9092 --from-beginning
"""
import argparse
import datetime
import sys
import time
import uuid

from confluent_kafka import Consumer

from hark_wire import Codec


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bootstrap-servers", default="127.0.0.1:9092")
    parser.add_argument("--topic", default="predictions")
    parser.add_argument("--from-beginning", action="store_true")
    parser.add_argument("--max", type=int, help="stop after this many predictions")
    parser.add_argument("--timeout", type=float, help="stop after this many seconds without a record")
    args = parser.parse_args()

    codec = Codec("Prediction")
    consumer = Consumer({
        "bootstrap.servers": args.bootstrap_servers,
        "group.id": "hark-python-example-" + str(uuid.uuid4()),
        "auto.offset.reset": "earliest" if args.from_beginning else "latest",
        "isolation.level": "read_committed",  # hark writes predictions in Kafka transactions
        "enable.auto.commit": False,
    })
    consumer.subscribe([args.topic])
    seen, last_record = 0, time.monotonic()
    try:
        while args.max is None or seen < args.max:
            message = consumer.poll(0.2)
            if message is None:
                if args.timeout is not None and time.monotonic() - last_record > args.timeout:
                    sys.exit("no prediction for %.0f s after %d" % (args.timeout, seen))
                continue
            if message.error():
                sys.exit("Kafka: %s" % message.error())
            last_record = time.monotonic()
            p = codec.decode(message.value())
            top = p["top"][0]
            latency = datetime.datetime.now(datetime.timezone.utc) - p["window_end"]
            print("%s %d %s %.3f %s v%s %d ms" % (p["stream_id"], p["window_index"], top["label"], top["score"],
                                                 p["model_name"], p["model_version"],
                                                 latency.total_seconds() * 1000), flush=True)
            seen += 1
    finally:
        consumer.close()


if __name__ == "__main__":
    main()
