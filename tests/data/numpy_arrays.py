#!/usr/bin/python3
"""numpy_arrays.py - the NumPy side of tests/test_array.c.

    numpy_arrays.py shipped DIR       writes the small files committed in
                                      tests/data/ (run once; test_array.c
                                      holds the values they must read as)
    numpy_arrays.py every DIR         writes NAME.npy for every dtype, byte
                                      order, memory order and header version
                                      backprop reads, each with NAME.expect:
                                      the shape, then each element as the
                                      hex bits of its row-major double
    numpy_arrays.py compare F.npy RAW checks that numpy.load reads F.npy as
                                      '<f8' with the bytes RAW holds (the
                                      shape's dims first, as int64s)
"""
import struct
import sys

import numpy as np


def shipped(d):
    f8 = np.array([[-0.0, 1.5, np.inf], [-np.inf, 1e-300, 2.5e300]])
    np.save(f"{d}/f8_le.npy", f8.astype("<f8"))
    np.save(f"{d}/f8_be.npy", f8.astype(">f8"))
    np.save(f"{d}/f4_be.npy", np.array([0.1, -2.5, 3e38], dtype=">f4"))
    np.save(f"{d}/i8_fortran.npy", np.asfortranarray(np.arange(24, dtype="<i8").reshape(2, 3, 4) - 5))
    with open(f"{d}/i4_be_v2.npy", "wb") as f:
        np.lib.format.write_array(f, np.array([-2**31, 2**31 - 1, 0], dtype=">i4"), version=(2, 0))
    with open(f"{d}/u2_v3.npy", "wb") as f:
        np.lib.format.write_array(f, np.array([[0, 65535]], dtype="<u2"), version=(3, 0))
    np.save(f"{d}/u1.npy", np.arange(256, dtype="u1").reshape(16, 16))
    np.save(f"{d}/bool.npy", np.array([True, False, True]))
    np.save(f"{d}/scalar.npy", np.float64(3.25))
    np.save(f"{d}/f2.npy", np.array([1.0, -0.5, 65504, 2.0**-24, np.inf], dtype="<f2"))
    np.save(f"{d}/u8_big.npy", np.array([2**53, 2**64 - 2048], dtype="<u8"))
    a = np.array([[1.5, -2.0, 3e-5], [np.nan, np.inf, -np.inf]])
    np.savetxt(f"{d}/comma.csv", a, delimiter=",")
    np.savetxt(f"{d}/semicolon_header.csv", a, delimiter=";", header="a;b;c", comments="")
    np.savetxt(f"{d}/tab_crlf.csv", a, delimiter="\t", newline="\r\n", fmt="%g")
    with open(f"{d}/quoted_bom.csv", "w", encoding="utf-8-sig", newline="") as f:
        f.write('"x","y, z"\r\n"1","-inf"\r\n"nan", 2e3')  # no newline at the end


def every(d):
    rng = np.random.default_rng(11)
    kinds = ["f8", "f4", "f2", "i8", "i4", "i2", "i1", "u8", "u4", "u2", "u1", "b1"]
    n = 0
    for kind in kinds:
        for order in "<>":
            for memory in "CF":
                for shape in [(), (5,), (3, 4), (2, 3, 4), (2, 1, 3, 2)]:
                    dt = np.dtype(order + kind)
                    if kind[0] == "f":
                        a = rng.standard_normal(shape) * 1e3
                        a.flat[0] = -0.0 if a.size else 0
                        if a.size > 2:
                            a.flat[1], a.flat[2] = np.inf, np.nan
                    elif kind == "b1":
                        a = rng.integers(0, 2, shape)
                    else:
                        info = np.iinfo(dt)
                        lo, hi = max(info.min, -2**53), min(info.max, 2**53)
                        a = rng.integers(lo, hi, shape, dtype=np.int64 if lo < 0 else np.uint64, endpoint=True)
                        if a.size > 1:
                            a.flat[0], a.flat[1] = lo, hi
                    a = np.asarray(a).astype(dt)
                    a = a.copy(order=memory)
                    version = [(1, 0), (2, 0), (3, 0)][n % 3]
                    name = f"{d}/{kind}_{'le' if order == '<' else 'be'}_{memory}_{len(shape)}"
                    with open(name + ".npy", "wb") as f:
                        np.lib.format.write_array(f, a, version=version)
                    with open(name + ".expect", "w") as f:
                        f.write(" ".join(str(k) for k in (len(shape),) + shape) + "\n")
                        for v in np.ascontiguousarray(a.astype("<f8")).ravel():
                            f.write(struct.pack("<d", v).hex() + "\n")
                    n += 1


def compare(path, raw_path):
    a = np.load(path)
    raw = open(raw_path, "rb").read()
    rank = struct.unpack_from("<q", raw)[0]
    shape = struct.unpack_from(f"<{rank}q", raw, 8)
    data = raw[8 + 8 * rank:]
    if a.dtype != np.dtype("<f8") or a.shape != shape or a.tobytes() != data:
        print(f"numpy reads {path} as {a.dtype} {a.shape}, not <f8 {shape} with the bytes written")
        sys.exit(1)


if __name__ == "__main__":
    {"shipped": shipped, "every": every, "compare": compare}[sys.argv[1]](*sys.argv[2:])
