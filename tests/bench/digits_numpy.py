#!/usr/bin/env python3
"""digits_numpy.py - examples/digits.bp's training, step for step, in NumPy.

    python3 tests/bench/digits_numpy.py DATA_DIR WEIGHTS_DIR

DATA_DIR holds digits.npy and digits_labels.npy (examples/data); WEIGHTS_DIR
the initial W1.npy, b1.npy, W2.npy, b2.npy, which digits.sh has backprop
write with :export, so both programs start from the same numbers. Then the
same 100 steps of full-batch gradient descent (lr 0.5) on the book's
TwoLayerNet (Affine, Relu, Affine, SoftmaxWithLoss), printing the loss after
each step as backprop does, then the training accuracy. The last line is
the seconds from after `import numpy` to the end.
"""
import sys
import time

import numpy as np

STEPS, LR = 100, 0.5


def main():
    data, weights = sys.argv[1], sys.argv[2]
    start = time.perf_counter()
    X = np.load(f"{data}/digits.npy").astype(np.float64)
    t = np.load(f"{data}/digits_labels.npy").astype(np.int64)
    W1, b1, W2, b2 = (np.load(f"{weights}/{n}.npy") for n in ("W1", "b1", "W2", "b2"))
    x = X / 16
    n = x.shape[0]
    rows = np.arange(n)
    out = []

    def forward():
        a1 = x @ W1 + b1
        h = np.maximum(a1, 0)
        return a1, h, h @ W2 + b2

    a1, h, y = forward()
    for step in range(1, STEPS + 1):
        # backward from the values the last forward pass left, as
        # :descend does: softmax_with_loss, affine, relu, affine
        z = y - y.max(axis=1, keepdims=True)
        p = np.exp(z)
        p /= p.sum(axis=1, keepdims=True)
        dy = p
        dy[rows, t] -= 1
        dy /= n
        dW2 = h.T @ dy
        db2 = dy.sum(axis=0)
        dh = dy @ W2.T
        da1 = dh * (a1 > 0)
        dW1 = x.T @ da1
        db1 = da1.sum(axis=0)
        W1 -= LR * dW1
        b1 -= LR * db1
        W2 -= LR * dW2
        b2 -= LR * db2
        # forward again, and the loss after the step, as :descend prints it
        a1, h, y = forward()
        z = y - y.max(axis=1, keepdims=True)
        loss = -(z[rows, t] - np.log(np.exp(z).sum(axis=1))).mean()
        out.append(f"step {step}: loss = {loss:.4g}")
    accuracy = (y.argmax(axis=1) == t).mean()
    out.append(f"{accuracy:.4g}")
    print("\n".join(out))
    print(f"{time.perf_counter() - start:.4f}")


if __name__ == "__main__":
    main()
