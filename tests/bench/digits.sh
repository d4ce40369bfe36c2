#!/bin/sh
# digits.sh - examples/digits.bp (the two-layer network trained on 1797
# handwritten digits, 100 steps of full-batch gradient descent) timed against
# NumPy doing the same steps from the same initial weights (digits_numpy.py).
#
#     tests/bench/digits.sh BUILD_DIR        # run.sh builds a Release copy first
#
# backprop writes its initial weights with :export, NumPy loads them, and
# both print the loss after every step and the training accuracy, which must
# agree. Times are medians of REPS (default 5) runs, wall and CPU (user +
# system, GNU time): backprop as a whole process (start-up, loading the .npy
# files, 100 steps, printing); NumPy as a whole process, and its wall time
# from after `import numpy`. OPENBLAS_NUM_THREADS defaults
# to 1 for NumPy, as in tensor.sh; PYTHON (default python3, then
# /usr/bin/python3) must have NumPy (Debian: python3-numpy).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=$(cd "$1" && pwd)
reps=${REPS:-5}
OPENBLAS_NUM_THREADS=${OPENBLAS_NUM_THREADS:-1}
export OPENBLAS_NUM_THREADS
work=$build/bench/digits
mkdir -p "$work"
. "$(dirname "$0")/find_python.sh"
python=$(find_python numpy)
if [ -z "$python" ]; then
    echo "   digits: no NumPy (python3-numpy), nothing to compare with"
    exit 0
fi

# The initial weights: the example's param lines, exported.
grep '^param' "$root/examples/digits.bp" >"$work/params.bp"
for w in W1 b1 W2 b2; do echo ":export $w $w.npy" >>"$work/params.bp"; done
"$build/backprop" -q "$work/params.bp" >/dev/null

# median FILE [COLUMN]: the middle of FILE's numbers in COLUMN (default 1).
median() { sort -n -k"${2:-1}" "$1" | awk -v c="${2:-1}" '{ v[NR] = $c } END { print v[int((NR + 1) / 2)] }'; }

# Each run: wall seconds and CPU seconds (user + system), from GNU time; the
# machine may be shared, and CPU time is what a busy machine disturbs least.
: >"$work/backprop.times"
: >"$work/numpy.times"
: >"$work/numpy_compute.times"
for i in $(seq "$reps"); do
    /usr/bin/time -f "%e %U %S" -o "$work/time.txt" \
        "$build/backprop" "$root/examples/digits.bp" >"$work/backprop.out"
    awk '{ print $1, $2 + $3 }' "$work/time.txt" >>"$work/backprop.times"
    /usr/bin/time -f "%e %U %S" -o "$work/time.txt" \
        "$python" "$here/digits_numpy.py" "$root/examples/data" "$work" >"$work/numpy.out"
    awk '{ print $1, $2 + $3 }' "$work/time.txt" >>"$work/numpy.times"
    tail -1 "$work/numpy.out" >>"$work/numpy_compute.times"
done

# The same losses and accuracy, to the 4 digits the example prints.
grep '^step\|^0\.' "$work/backprop.out" >"$work/backprop.steps"
sed '$d' "$work/numpy.out" >"$work/numpy.steps"
if cmp -s "$work/backprop.steps" "$work/numpy.steps"; then agree=yes; else agree=NO; fi

echo "   digits 1797x64, 64-50-10 network, 100 full-batch steps (median of $reps runs)"
printf '   %-40s %10s %10s\n' "" "wall" "CPU"
printf '   %-40s %8.3f s %8.3f s\n' "backprop examples/digits.bp" \
    "$(median "$work/backprop.times")" "$(median "$work/backprop.times" 2)"
printf '   %-40s %8.3f s %8.3f s\n' "NumPy, whole process" \
    "$(median "$work/numpy.times")" "$(median "$work/numpy.times" 2)"
printf '   %-40s %8.3f s %10s\n' "NumPy, after import numpy" "$(median "$work/numpy_compute.times")" "-"
printf '   %-40s %10s\n' "same losses and accuracy (4 digits)" "$agree"
printf '   %-40s %10s\n' "final accuracy" "$(tail -1 "$work/numpy.steps")"
[ "$agree" = yes ]
