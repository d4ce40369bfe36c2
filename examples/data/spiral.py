#!/usr/bin/env python3
"""spiral.py - writes the three-armed spiral data set that examples/train.bp learns.

    python3 examples/data/spiral.py > examples/data/spiral.bp

60 points in the plane, 20 per class, on three interleaved spiral arms with a
little noise: not separable by a straight line, so the two-layer network's
hidden layer has something to learn. Uses only the standard library and a
fixed seed, so the output never changes; numbers are rounded to 3 decimals.
"""
import math
import random

POINTS_PER_CLASS = 20
CLASSES = 3


def main():
    rng = random.Random(5)
    xs, labels = [], []
    for k in range(CLASSES):
        for i in range(POINTS_PER_CLASS):
            r = 0.1 + 0.9 * i / (POINTS_PER_CLASS - 1)
            angle = k * 2 * math.pi / CLASSES + 1.75 * r * math.pi + rng.gauss(0, 0.12)
            xs.append((r * math.cos(angle), r * math.sin(angle)))
            labels.append(k)
    rows = ", ".join("[%s, %s]" % (fmt(x), fmt(y)) for x, y in xs)
    print("# Three spiral arms, 20 points each (written by spiral.py: do not edit).")
    print("X = [%s]" % rows)
    print("t = [%s]" % ", ".join(str(k) for k in labels))


def fmt(v):
    text = "%.3f" % v
    return "0" if text in ("0.000", "-0.000") else text.rstrip("0").rstrip(".")


if __name__ == "__main__":
    main()
