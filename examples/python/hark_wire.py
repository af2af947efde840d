"""hark's wire format in Python: Avro single-object encoding with the header bytes from avro-schemas/README.md.

Uses Debian's python3-avro (1.11). Its canonical_form keeps logical types as {"type": "long"}, so a fingerprint
computed from it is wrong and the job would dead-letter every record as UNKNOWN_SCHEMA: the headers are therefore
taken from the README's table (which a test checks against the Java schemas), not computed here.
"""
import io
import json
import os

import avro.io
import avro.name
import avro.schema

# 0xC3 0x01, then the CRC-64-AVRO fingerprint of the schema's Parsing Canonical Form, little-endian.
HEADERS = {
    "AudioChunk": bytes.fromhex("c3 01 4e ff 4e 07 e5 73 1c 17"),
    "Prediction": bytes.fromhex("c3 01 c4 26 6e b2 3b 4a f2 ba"),
    "Detection": bytes.fromhex("c3 01 ac 41 18 b5 1e 91 0b 03"),
    "DeadLetter": bytes.fromhex("c3 01 27 4a 88 f0 0e 93 6e 6a"),
}

# Schemas that others name, parsed first.
_DEPENDENCIES = {"Prediction": ["LabelScore", "InferenceTimings"]}
_DEFAULT_SCHEMAS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "avro-schemas", "src", "main", "avro")


def load_schema(name, schema_dir=_DEFAULT_SCHEMAS):
    """The schema of one of hark's records, from its .avsc file."""
    names = avro.name.Names()
    schema = None
    for file in _DEPENDENCIES.get(name, []) + [name]:
        with open(os.path.join(schema_dir, file + ".avsc"), encoding="utf-8") as f:
            schema = avro.schema.make_avsc_object(json.load(f), names)
    return schema


class Codec:
    """Encodes and decodes one record type; decode refuses bytes written with another schema."""

    def __init__(self, name, schema_dir=_DEFAULT_SCHEMAS):
        self.name = name
        self.header = HEADERS[name]
        schema = load_schema(name, schema_dir)
        self._writer = avro.io.DatumWriter(schema)
        self._reader = avro.io.DatumReader(schema)

    def encode(self, record):
        out = io.BytesIO()
        out.write(self.header)
        self._writer.write(record, avro.io.BinaryEncoder(out))
        return out.getvalue()

    def decode(self, value):
        if value is None or value[:len(self.header)] != self.header:
            raise ValueError("not a %s: header %s, expected %s" % (
                self.name, (value or b"")[:10].hex(" "), self.header.hex(" ")))
        return self._reader.read(avro.io.BinaryDecoder(io.BytesIO(value[len(self.header):])))
