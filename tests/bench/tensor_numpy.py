"""tensor_numpy.py - the work of tensor_bench.c, in NumPy, for comparison.

    python3 tensor_numpy.py [REPETITIONS]     (default: 51)

  matmul    C = A @ B with A, B (512,512), then dA = dC @ B.T, dB = A.T @ dC
            with dC = 1;
  twolayer  one training step of the book's two-layer net (chapter 5) on a
            batch of 100: Affine 784->50, Relu, Affine 50->10, SoftmaxWithLoss
            with integer labels; forward, backward (every Affine computes dx,
            as the book's layer does), and SGD (lr 0.1) on W1, b1, W2, b2.

Prints, per workload, a line "NAME MEDIAN_MS REPETITIONS", and comment lines
(#) with a sanity check.
"""
import statistics
import sys
import time

import numpy as np


def matmul(reps):
    rng = np.random.default_rng(1)
    a = rng.standard_normal((512, 512))
    b = rng.standard_normal((512, 512))
    ms = []
    for _ in range(reps):
        start = time.perf_counter()
        c = a @ b
        dc = np.ones_like(c)
        da = dc @ b.T
        db = a.T @ dc
        ms.append((time.perf_counter() - start) * 1e3)
    print(f"# matmul: dA[0][0] = {da[0, 0]:.6f} (row sum of B: {b[0].sum():.6f}), "
          f"dB[0][0] = {db[0, 0]:.6f}")
    return ms


def softmax(x):
    x = x - x.max(axis=1, keepdims=True)
    e = np.exp(x)
    return e / e.sum(axis=1, keepdims=True)


def two_layer(reps):
    rng = np.random.default_rng(1)
    x = rng.standard_normal((100, 784))
    params = {
        "W1": 0.01 * rng.standard_normal((784, 50)),
        "b1": np.zeros(50),
        "W2": 0.01 * rng.standard_normal((50, 10)),
        "b2": np.zeros(10),
    }
    t = np.arange(100) % 10
    batch = x.shape[0]
    ms = []
    losses = []
    for _ in range(reps):
        start = time.perf_counter()
        p = params
        h = x @ p["W1"] + p["b1"]
        a = np.maximum(h, 0)
        s = a @ p["W2"] + p["b2"]
        y = softmax(s)
        loss = -np.sum(np.log(y[np.arange(batch), t])) / batch
        ds = y.copy()
        ds[np.arange(batch), t] -= 1
        ds /= batch
        grads = {"W2": a.T @ ds, "b2": ds.sum(axis=0)}
        da = ds @ p["W2"].T
        dh = da * (h > 0)
        grads["W1"] = x.T @ dh
        grads["b1"] = dh.sum(axis=0)
        _dx = dh @ p["W1"].T  # the book's Affine computes dx for the first layer too
        for k in params:
            params[k] -= 0.1 * grads[k]
        ms.append((time.perf_counter() - start) * 1e3)
        losses.append(loss)
    print(f"# twolayer: loss {losses[0]:.4f} before, {losses[-1]:.4f} at the last of {reps} steps")
    return ms


def main():
    reps = int(sys.argv[1]) if len(sys.argv) > 1 else 51
    for name, work in (("matmul", matmul), ("twolayer", two_layer)):
        ms = work(reps)
        print(f"{name} {statistics.median(ms):.3f} {reps}")


if __name__ == "__main__":
    main()
