#!/bin/sh
# run.sh - builds backprop in Release mode and runs its benchmarks:
#
#   chain   backprop on a generated 1,000,000-statement chain script ending in
#           :grad (gen_chain.c): wall time and peak memory (/usr/bin/time -v);
#   update  changing the one leaf of a 100,000-link chain (update_bench.c);
#   tensor  a 512x512 matmul and a two-layer-net training step, against the
#           same work in NumPy (tensor.sh: a table, no goals);
#   digits  examples/digits.bp, 100 training steps on 1797 digits, against
#           NumPy doing the same steps (digits.sh: a table, no goals);
#   scalar  four scalar workloads (chain, mlp, fanin, fanout) at 1e4, 1e5 and
#           1e6 nodes end to end, against the same graphs in PyTorch
#           (workloads.py, which generates both); each also in its quiet
#           form, run by `backprop -q` and by floor.c's quiet variant;
#   pass    forward + backward alone on a built 1e6-node graph (pass_bench.c);
#   start   `backprop -e 'x=1'`, the REPL's start-up;
#   render  the apple-and-orange figure in-process, and a 300-op chain
#           against `dot -Tsvg` on the same DOT (render.sh);
#   floor   the scalar chain script at 1e6 run by floor.c, the least any
#           program must do to print the same output: a yardstick, no goal
#           (floor -q, the quiet variant, is in the scalar tables and has one);
#   redefine  the same names redefined 20,000 times (scalars) and 200 times
#           (a 1000x1000 tensor), against a fresh session holding the same
#           graph (redefine.sh).
#
# Prints one summary table against the goals and exits 1 if a goal is missed.
#
#     tests/bench/run.sh                    # from anywhere in the repository
#     BUILD_DIR=/tmp/bp-release RUNS=5 tests/bench/run.sh
#
# BUILD_DIR (default: build-bench in the repository) is a separate Release
# build, so the development build is left alone. RUNS (default 3) is how many
# times the chain runs; the summary takes the median wall time and the
# largest peak memory. CHAIN_TIMEOUT (default 120 seconds) stops a chain run
# that is far too slow (a run that times out counts as a missed goal).
# PYTHON (default python3, then /usr/bin/python3) should have PyTorch
# (Debian: python3-torch) and NumPy; workloads.py documents its own
# settings (TORCH_RUNS, TORCH_TIMEOUT: PyTorch runs once at 1e6 nodes).
set -eu

root=$(cd "$(dirname "$0")/../.." && pwd)
build=${BUILD_DIR:-$root/build-bench}
runs=${RUNS:-3}
chain_timeout=${CHAIN_TIMEOUT:-120}
statements=1000000
links=100000

goal_chain_seconds=1
goal_chain_mb=150
goal_update_ms=10
goal_leaf_ms=1
goal_faster=50
goal_floor_quiet=1.5
goal_bytes_per_node=100
goal_pass_ns=10
goal_start_ms=10

if [ ! -x /usr/bin/time ]; then
    echo "run.sh: needs GNU time at /usr/bin/time (Debian/Ubuntu package: time)" >&2
    exit 2
fi

echo "== building (Release) in $build"
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=ON >/dev/null
cmake --build "$build" -j "$(nproc 2>/dev/null || echo 2)" \
    --target backprop gen_chain update_bench tensor_bench pass_bench render_bench web_bench floor >/dev/null

backprop=$build/backprop
work=$build/bench
mkdir -p "$work"

echo "== generating a $statements-statement chain"
"$build/tests/bench/gen_chain" "$statements" >"$work/chain.bp"
echo "   $work/chain.bp: $(wc -l <"$work/chain.bp") lines, $(du -h "$work/chain.bp" | cut -f1)"

# The chain's result, once, untimed: the last value and the gradient.
echo "   last lines of its output (as far as it gets in $chain_timeout s):"
timeout "$chain_timeout" "$backprop" "$work/chain.bp" | tail -n 2 | sed 's/^/     /'

echo "== chain: $runs runs of /usr/bin/time -v backprop chain.bp > /dev/null"
: >"$work/chain.times"
i=1
timed_out=0
while [ "$i" -le "$runs" ]; do
    # time(1) measures timeout(1), which waits for backprop: its peak RSS counts.
    status=0
    /usr/bin/time -v timeout "$chain_timeout" "$backprop" "$work/chain.bp" \
        >/dev/null 2>"$work/time.txt" || status=$?
    if [ "$status" -eq 124 ]; then
        echo "   run $i: stopped after $chain_timeout s (CHAIN_TIMEOUT)"
        timed_out=1
        break
    elif [ "$status" -ne 0 ]; then
        echo "run.sh: backprop failed on the chain (status $status):" >&2
        cat "$work/time.txt" >&2
        exit 1
    fi
    # "Elapsed (wall clock) time (h:mm:ss or m:ss): 0:00.85" -> seconds
    wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {
                n = split($2, t, ":"); s = 0
                for (k = 1; k <= n; k++) s = s * 60 + t[k]
                printf "%.3f", s }' "$work/time.txt")
    rss_kb=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$work/time.txt")
    echo "$wall $rss_kb" >>"$work/chain.times"
    printf '   run %d: %s s, peak RSS %.1f MB\n' "$i" "$wall" "$(echo "$rss_kb" | awk '{ print $1 / 1024 }')"
    i=$((i + 1))
done
if [ "$timed_out" -eq 1 ]; then
    chain_wall=">$chain_timeout"
    chain_mb="?"
else
    chain_wall=$(sort -n "$work/chain.times" | awk '{ w[NR] = $1 } END { print w[int((NR + 1) / 2)] }')
    chain_mb=$(awk '$2 > m { m = $2 } END { printf "%.1f", m / 1024 }' "$work/chain.times")
fi

echo "== update: update_bench $links"
"$build/tests/bench/update_bench" "$links" | tee "$work/update.txt" | sed 's/^/   /'
# "session_run_line("x0 = <v>")   median    1.943 ms   max    5.578 ms   (21 runs)"
update_field() { # $1: the line's start, $2: median or max
    awk -v start="$1" -v field="$2" 'index($0, start) == 1 {
        for (k = 1; k < NF; k++) if ($k == field) print $(k + 1) }' "$work/update.txt"
}
stmt_median=$(update_field 'session_run_line' median)
stmt_max=$(update_field 'session_run_line' max)
leaf_median=$(update_field 'graph_set_leaf' median)
leaf_max=$(update_field 'graph_set_leaf' max)

echo "== web: web_bench (a slider moved on a page to the new figure sent)"
"$build/tests/bench/web_bench" | tee "$work/web.txt" | sed 's/^/   /'
# goals: under 5 ms for the 15-node figure, under 50 ms for 100 nodes
awk '/15 nodes/ { printf "   goal 15 nodes < 5 ms: %s\n", ($(NF-6) < 5 ? "met" : "MISSED") }
     /100 links/ { printf "   goal 100 nodes < 50 ms: %s\n", ($(NF-6) < 50 ? "met" : "MISSED") }' "$work/web.txt"

echo "== tensor: tensor_bench against tensor_numpy.py"
"$root/tests/bench/tensor.sh" "$build" | tee "$work/tensor.txt"
echo "== digits: examples/digits.bp against NumPy"
"$root/tests/bench/digits.sh" "$build" | tee "$work/digits.txt"

. "$root/tests/bench/find_python.sh"
python=$(find_python torch)
echo "== scalar: workloads.py run (backprop end to end against PyTorch${python:+ via $python})"
"${python:-python3}" "$root/tests/bench/workloads.py" run "$backprop" "$build/tests/bench/floor" |
    tee "$work/scalar.txt"

echo "== pass: pass_bench 1000000"
"$build/tests/bench/pass_bench" 1000000 | tee "$work/pass.txt" | grep -v '^pass ' | sed 's/^/   /'
pass_chain=$(awk '$1 == "pass" && $2 == "chain" { print $3 }' "$work/pass.txt")
pass_fanin=$(awk '$1 == "pass" && $2 == "fanin" { print $3 }' "$work/pass.txt")

echo "== start: backprop -e 'x=1', median of 21"
i=0
: >"$work/start.times"
while [ "$i" -lt 21 ]; do
    t0=$(date +%s%N)
    "$backprop" -e 'x=1' >/dev/null
    t1=$(date +%s%N)
    echo $(((t1 - t0) / 1000)) >>"$work/start.times"
    i=$((i + 1))
done
start_ms=$(sort -n "$work/start.times" | awk '{ t[NR] = $1 } END { printf "%.2f", t[11] / 1000 }')
echo "   $start_ms ms"

echo "== floor: the 1e6 chain script, backprop against floor.c (identical output), median of 5"
"${python:-python3}" "$root/tests/bench/workloads.py" bp chain 1e6 >"$work/floor_chain.bp"
median_seconds() { # median_seconds PROGRAM: its wall time on floor_chain.bp, median of 5
    for _ in 1 2 3 4 5; do
        /usr/bin/time -f %e "$1" "$work/floor_chain.bp" 2>&1 >/dev/null | tail -n 1
    done | sort -n | sed -n 3p
}
floor_s=$(median_seconds "$build/tests/bench/floor")
floor_bp_s=$(median_seconds "$backprop")
echo "   floor.c $floor_s s, backprop $floor_bp_s s"

echo "== render: render.sh"
render_status=0
"$root/tests/bench/render.sh" "$build" >"$work/render_summary.txt" || render_status=$?
sed 's/^/   /' "$work/render_summary.txt"

echo "== redefine: redefine.sh"
redefine_status=0
"$root/tests/bench/redefine.sh" "$build" >"$work/redefine_summary.txt" || redefine_status=$?
sed 's/^/   /' "$work/redefine_summary.txt"

# verdict VALUE GOAL: "ok" if VALUE is a number below GOAL (not ">120", not "?")
verdict() {
    awk -v v="$1" -v g="$2" 'BEGIN { print (v ~ /^[0-9.]+$/ && v + 0 < g + 0) ? "ok" : "MISSED" }'
}
# at_most VALUE GOAL: "ok" if VALUE ("1.3x") is at most GOAL
at_most() {
    awk -v v="$1" -v g="$2" 'BEGIN { sub(/x$/, "", v)
        print (v ~ /^[0-9.]+$/ && v + 0 <= g + 0) ? "ok" : "MISSED" }'
}
# at_least VALUE GOAL: "ok" if VALUE ("16x", or ">80x" for a lower bound) is at least GOAL
at_least() {
    awk -v v="$1" -v g="$2" 'BEGIN { sub(/^>/, "", v); sub(/x$/, "", v)
        print (v ~ /^[0-9.]+$/ && v + 0 >= g + 0) ? "ok" : "MISSED" }'
}
# scalar_field KIND COLUMN: the 1e6 row of the scalar table
scalar_field() {
    awk -v k="$1" -v c="$2" '$1 == k && $2 == "1e+06" { print $c }' "$work/scalar.txt"
}

echo
echo "== summary"
echo "scalar workloads, end to end: backprop (whole process: parse, build, forward, backward,"
echo ":grad) against PyTorch eager float64 scalars (after import torch; one run at 1e6,"
echo "'>' = stopped at TORCH_TIMEOUT, a lower bound); peak = peak RSS (PyTorch: growth after import)."
echo "KIND-q: the quiet form (only the final value and gradient printed): backprop -q, PyTorch and"
echo "floor -q, best wall time and best user CPU time of each, and the ratios (x floor = bp -q / floor -q)"
cat "$work/scalar.txt"
echo "tensor workloads (no goals):"
grep -E '^   (workload|matmul|two-layer)' "$work/tensor.txt"
echo
printf '%-40s %12s %10s  %s\n' "benchmark" "result" "goal" "verdict"
for kind in chain mlp fanin fanout; do
    faster=$(scalar_field "$kind" 5)
    bpn=$(scalar_field "$kind" 7)
    printf '%-40s %12s %10s  %s\n' "$kind 1e6: faster than PyTorch" "${faster:-?}" ">= ${goal_faster}x" \
        "$(at_least "${faster:-?}" "$goal_faster")"
    printf '%-40s %12s %10s  %s\n' "$kind 1e6: peak bytes per node" "${bpn:-?} B" "< $goal_bytes_per_node B" \
        "$(verdict "${bpn:-?}" "$goal_bytes_per_node")"
    for column in 7:wall 8:user; do
        faster=$(scalar_field "$kind-q" "${column%:*}")
        printf '%-40s %12s %10s  %s\n' "$kind -q 1e6: faster than PyTorch (${column#*:})" "${faster:-?}" \
            ">= ${goal_faster}x" "$(at_least "${faster:-?}" "$goal_faster")"
    done
    for column in 11:wall 12:user; do
        ratio=$(scalar_field "$kind-q" "${column%:*}")
        printf '%-40s %12s %10s  %s\n' "$kind -q 1e6: time over floor -q (${column#*:})" "${ratio:-?}" \
            "<= ${goal_floor_quiet}x" "$(at_most "${ratio:-?}" "$goal_floor_quiet")"
    done
done
printf '%-40s %12s %10s  %s\n' "pass: chain forward+backward per node" "$pass_chain ns" "< $goal_pass_ns ns" \
    "$(verdict "$pass_chain" "$goal_pass_ns")"
printf '%-40s %12s %10s  %s\n' "pass: fanin forward+backward per node" "$pass_fanin ns" "< $goal_pass_ns ns" \
    "$(verdict "$pass_fanin" "$goal_pass_ns")"
printf '%-40s %12s %10s  %s\n' "start-up: backprop -e 'x=1'" "$start_ms ms" "< $goal_start_ms ms" \
    "$(verdict "$start_ms" "$goal_start_ms")"
printf '%-40s %12s %10s  %s\n' "chain: wall time (median of $runs)" "$chain_wall s" "< $goal_chain_seconds s" \
    "$(verdict "$chain_wall" "$goal_chain_seconds")"
printf '%-40s %12s %10s  %s\n' "chain: peak RSS" "$chain_mb MB" "< $goal_chain_mb MB" \
    "$(verdict "$chain_mb" "$goal_chain_mb")"
printf '%-40s %12s %10s  %s\n' "update via statement: median" "$stmt_median ms" "< $goal_leaf_ms ms" \
    "$(verdict "$stmt_median" "$goal_leaf_ms")"
printf '%-40s %12s %10s  %s\n' "update via statement: max" "$stmt_max ms" "< $goal_update_ms ms" \
    "$(verdict "$stmt_max" "$goal_update_ms")"
printf '%-40s %12s %10s  %s\n' "update via graph_set_leaf: median" "$leaf_median ms" "< $goal_leaf_ms ms" \
    "$(verdict "$leaf_median" "$goal_leaf_ms")"
printf '%-40s %12s %10s  %s\n' "update via graph_set_leaf: max" "$leaf_max ms" "< $goal_update_ms ms" \
    "$(verdict "$leaf_max" "$goal_update_ms")"

printf '%-40s %12s %10s  %s\n' "chain 1e6: floor.c, same output" "$floor_s s" "" \
    "backprop: $floor_bp_s s"

# render.sh's own verdict lines (it judges its goals itself)
sed -n '/^== summary/,$p' "$work/render_summary.txt" | grep -E 'ok$|MISSED|not judged' |
    awk '{ sub(/^/, "render: "); print }'
sed -n '/^== summary/,$p' "$work/redefine_summary.txt" | grep -E 'ok$|MISSED' |
    awk '{ sub(/^/, "redefine: "); print }'

missed=$(
    {
        [ "$render_status" -eq 0 ] || echo MISSED
        [ "$redefine_status" -eq 0 ] || echo MISSED
        verdict "$chain_wall" "$goal_chain_seconds"
        verdict "$chain_mb" "$goal_chain_mb"
        for v in "$stmt_max" "$leaf_max"; do
            verdict "$v" "$goal_update_ms"
        done
        for v in "$stmt_median" "$leaf_median"; do
            verdict "$v" "$goal_leaf_ms"
        done
        for kind in chain mlp fanin fanout; do
            at_least "$(scalar_field "$kind" 5)" "$goal_faster"
            verdict "$(scalar_field "$kind" 7)" "$goal_bytes_per_node"
            at_least "$(scalar_field "$kind-q" 7)" "$goal_faster"
            at_most "$(scalar_field "$kind-q" 11)" "$goal_floor_quiet"
        done
        verdict "$pass_chain" "$goal_pass_ns"
        verdict "$pass_fanin" "$goal_pass_ns"
        verdict "$start_ms" "$goal_start_ms"
    } | grep -c MISSED || true
)
if [ "$missed" -gt 0 ]; then
    echo "$missed goal(s) missed"
    exit 1
fi
echo "all goals met"
