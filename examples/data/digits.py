#!/usr/bin/env python3
"""digits.py - writes the 8x8 handwritten digits that examples/digits.bp learns.

    python3 examples/data/digits.py            # writes digits.npy and digits_labels.npy here

Reads scikit-learn's copy of the UCI digits (Debian's python3-sklearn ships it
as sklearn/datasets/data/digits.csv.gz: 1797 rows of 64 pixels from 0 to 16,
then the digit) and writes two NumPy files beside this script:

    digits.npy         (1797, 64) uint8   the pixels, row by row of each 8x8 image
    digits_labels.npy  (1797,)    uint8   the digit each image shows, 0 to 9

Uses only the standard library (the .npy header is written by hand, version
1.0), so the files are the same wherever it runs.
"""
import csv
import glob
import gzip
import io
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCES = ["/usr/lib/python3/dist-packages/sklearn/datasets/data/digits.csv.gz"] + sorted(
    glob.glob("/usr/lib/python3*/**/sklearn/datasets/data/digits.csv.gz", recursive=True))


def npy(shape, data):
    """The bytes of a version 1.0 .npy file of uint8 data in C order."""
    dims = ", ".join(str(d) for d in shape) + ("," if len(shape) == 1 else "")
    header = "{'descr': '|u1', 'fortran_order': False, 'shape': (%s), }" % dims
    # Magic, version, header length, header padded with spaces to a multiple
    # of 64 bytes and ended by a newline, as numpy.save writes it.
    total = 10 + len(header) + 1
    header += " " * (-total % 64) + "\n"
    return b"\x93NUMPY\x01\x00" + len(header).to_bytes(2, "little") + header.encode() + bytes(data)


def main():
    source = next((s for s in SOURCES if os.path.exists(s)), None)
    if source is None:
        sys.exit("digits.py: no digits.csv.gz found; install python3-sklearn")
    with gzip.open(source, "rt") as f:
        rows = [[int(v) for v in row] for row in csv.reader(f) if row]
    pixels = [v for row in rows for v in row[:64]]
    labels = [row[64] for row in rows]
    assert len(rows) == 1797 and all(len(r) == 65 for r in rows)
    assert all(0 <= v <= 16 for v in pixels) and set(labels) == set(range(10))
    for name, shape, data in [("digits.npy", (len(rows), 64), pixels),
                              ("digits_labels.npy", (len(rows),), labels)]:
        with open(os.path.join(HERE, name), "wb") as f:
            f.write(npy(shape, data))


if __name__ == "__main__":
    main()
