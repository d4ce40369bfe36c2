#!/bin/sh
# tensor.sh - tensor workloads, backprop against NumPy (tensor_bench.c and
# tensor_numpy.py do the same work), as a table: median milliseconds per
# repetition, and backprop's time as a multiple of NumPy's.
#
#     tests/bench/tensor.sh BUILD_DIR        # run.sh calls it after building
#
# BUILD_DIR must hold a built tests/bench/tensor_bench. REPS (default 51) is
# the repetitions per workload. backprop links Debian's single-threaded
# OpenBLAS when it is installed (see CMakeLists.txt); NumPy uses the threaded
# one with OPENBLAS_NUM_THREADS threads (default 1, the same work on the same
# number of cores; set 2 to let NumPy use both). PYTHON (default python3, then
# /usr/bin/python3) must have NumPy (Debian package: python3-numpy); without
# it the NumPy column says so.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
build=$1
reps=${REPS:-51}
OPENBLAS_NUM_THREADS=${OPENBLAS_NUM_THREADS:-1}
export OPENBLAS_NUM_THREADS

. "$(dirname "$0")/find_python.sh"
python=$(find_python numpy)

work=$build/bench
mkdir -p "$work"
"$build/tests/bench/tensor_bench" "$reps" >"$work/tensor_backprop.txt"
if [ -n "$python" ]; then
    "$python" "$here/tensor_numpy.py" "$reps" >"$work/tensor_numpy.txt"
else
    : >"$work/tensor_numpy.txt"
fi
grep '^#' "$work/tensor_backprop.txt" "$work/tensor_numpy.txt" | sed 's/^[^#]*#/   /'

echo "   NumPy's OPENBLAS_NUM_THREADS=$OPENBLAS_NUM_THREADS, median of $reps repetitions${python:+, NumPy via $python}"
printf '   %-52s %12s %12s %8s\n' "workload" "backprop" "NumPy" "ratio"
# workload KEY DESCRIPTION: one table row joining the two files on KEY.
workload() {
    awk -v key="$1" -v what="$2" '
        FNR == 1 { file++ }
        $1 == key { ms[file] = $2 }
        END {
            b = (1 in ms) ? sprintf("%.3f ms", ms[1]) : "?"
            n = (2 in ms) ? sprintf("%.3f ms", ms[2]) : "no NumPy"
            r = (1 in ms && 2 in ms && ms[2] > 0) ? sprintf("%.2fx", ms[1] / ms[2]) : "-"
            printf "   %-52s %12s %12s %8s\n", what, b, n, r
        }' "$work/tensor_backprop.txt" "$work/tensor_numpy.txt"
}
workload matmul "matmul 512x512: forward + backward"
workload twolayer "two-layer net 784-50-10, batch 100: one SGD step"
