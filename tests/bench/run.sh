#!/bin/sh
# run.sh - builds backprop in Release mode and runs its benchmarks:
#
#   chain   backprop on a generated 1,000,000-statement chain script ending in
#           :grad (gen_chain.c): wall time and peak memory (/usr/bin/time -v);
#   update  changing the one leaf of a 100,000-link chain (update_bench.c);
#   tensor  a 512x512 matmul and a two-layer-net training step, against the
#           same work in NumPy (tensor.sh: a table, no goals).
#
# Prints a summary table against the goals and exits 1 if a goal is missed.
#
#     tests/bench/run.sh                    # from anywhere in the repository
#     BUILD_DIR=/tmp/bp-release RUNS=5 tests/bench/run.sh
#
# BUILD_DIR (default: build-bench in the repository) is a separate Release
# build, so the development build is left alone. RUNS (default 3) is how many
# times the chain runs; the summary takes the median wall time and the
# largest peak memory. CHAIN_TIMEOUT (default 120 seconds) stops a chain run
# that is far too slow (a run that times out counts as a missed goal).
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

if [ ! -x /usr/bin/time ]; then
    echo "run.sh: needs GNU time at /usr/bin/time (Debian/Ubuntu package: time)" >&2
    exit 2
fi

echo "== building (Release) in $build"
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=ON >/dev/null
cmake --build "$build" -j "$(nproc 2>/dev/null || echo 2)" \
    --target backprop gen_chain update_bench tensor_bench >/dev/null

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

echo "== tensor: tensor_bench against tensor_numpy.py"
"$root/tests/bench/tensor.sh" "$build"

# verdict VALUE GOAL: "ok" if VALUE is a number below GOAL (not ">120", not "?")
verdict() {
    awk -v v="$1" -v g="$2" 'BEGIN { print (v ~ /^[0-9.]+$/ && v + 0 < g + 0) ? "ok" : "MISSED" }'
}

echo
echo "== summary"
printf '%-40s %12s %10s  %s\n' "benchmark" "result" "goal" "verdict"
printf '%-40s %12s %10s  %s\n' "chain: wall time (median of $runs)" "$chain_wall s" "< $goal_chain_seconds s" \
    "$(verdict "$chain_wall" "$goal_chain_seconds")"
printf '%-40s %12s %10s  %s\n' "chain: peak RSS" "$chain_mb MB" "< $goal_chain_mb MB" \
    "$(verdict "$chain_mb" "$goal_chain_mb")"
printf '%-40s %12s %10s  %s\n' "update via statement: median" "$stmt_median ms" "< $goal_update_ms ms" \
    "$(verdict "$stmt_median" "$goal_update_ms")"
printf '%-40s %12s %10s  %s\n' "update via statement: max" "$stmt_max ms" "< $goal_update_ms ms" \
    "$(verdict "$stmt_max" "$goal_update_ms")"
printf '%-40s %12s %10s  %s\n' "update via graph_set_leaf: median" "$leaf_median ms" "< $goal_update_ms ms" \
    "$(verdict "$leaf_median" "$goal_update_ms")"
printf '%-40s %12s %10s  %s\n' "update via graph_set_leaf: max" "$leaf_max ms" "< $goal_update_ms ms" \
    "$(verdict "$leaf_max" "$goal_update_ms")"

missed=$(
    {
        verdict "$chain_wall" "$goal_chain_seconds"
        verdict "$chain_mb" "$goal_chain_mb"
        for v in "$stmt_median" "$stmt_max" "$leaf_median" "$leaf_max"; do
            verdict "$v" "$goal_update_ms"
        done
    } | grep -c MISSED || true
)
if [ "$missed" -gt 0 ]; then
    echo "$missed goal(s) missed"
    exit 1
fi
echo "all goals met"
