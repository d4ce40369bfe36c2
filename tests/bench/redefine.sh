#!/bin/sh
# redefine.sh - long sessions: statements must cost what they touch, never the
# session's history, so a script that redefines the same names over and over
# runs as fast and as small as its live graph allows:
#
#   scalar  `b = a*1 + a*2 + ... + a*50 + r` defined 20,000 times (150 nodes
#           each, all dead at the next), then :grad: under 1 s, and a peak RSS
#           within 2x a fresh session's that defines b once;
#   tensor  `Y = sum(X * i)` 200 times, X a 1000x1000 leaf (8 MB of values
#           each time): a peak RSS within 2x a fresh session's that defines Y
#           once (the time is the 200 products, shown, not judged).
#
#     tests/bench/redefine.sh [BUILD_DIR]   # default: build-bench, as run.sh builds it
#
# RUNS (default 3) is how many times each script runs: the median wall time
# and the largest peak RSS (/usr/bin/time) are kept. Each long script's
# final lines (the gradients) must be the fresh session's. Prints a table
# with verdicts and exits 1 if a goal is missed.
set -eu

root=$(cd "$(dirname "$0")/../.." && pwd)
runs=${RUNS:-3}
redefinitions=20000
tensor_redefinitions=200
goal_scalar_seconds=1
goal_rss_ratio=2

build=${1:-${BUILD_DIR:-$root/build-bench}}
if [ ! -x /usr/bin/time ] || [ ! -x "$build/backprop" ]; then
    echo "redefine.sh: needs GNU time at /usr/bin/time (Debian package: time) and a" \
        "Release build in $build (tests/bench/run.sh makes one)" >&2
    exit 2
fi
backprop=$build/backprop
work=$build/bench
mkdir -p "$work"

# scalar_script N: a and r, then b defined N times, then :grad
scalar_script() {
    awk -v n="$1" 'BEGIN {
        line = "b ="
        for (i = 1; i <= 50; i++) line = line " a*" i " +"
        line = line " r"
        print "a = 2"; print "r = 3"
        for (k = 0; k < n; k++) print line
        print ":grad" }'
}
# tensor_script N: X, then Y = sum(X * i) for i = 1..N (the last is i = 200
# whatever N is, so every script ends with the same graph), then :grad
tensor_script() {
    awk -v n="$1" -v last="$tensor_redefinitions" 'BEGIN {
        print "X = ones(1000, 1000)"
        for (i = last - n + 1; i <= last; i++) print "Y = sum(X * " i ")"
        print ":grad" }'
}
scalar_script "$redefinitions" >"$work/redefine_scalar.bp"
scalar_script 1 >"$work/redefine_scalar_fresh.bp"
tensor_script "$tensor_redefinitions" >"$work/redefine_tensor.bp"
tensor_script 1 >"$work/redefine_tensor_fresh.bp"

# measure NAME: runs $work/NAME.bp RUNS times; sets wall (median, s) and rss (max, MB)
measure() {
    : >"$work/$1.times"
    i=1
    while [ "$i" -le "$runs" ]; do
        /usr/bin/time -f '%e %M' -o "$work/$1.time" "$backprop" "$work/$1.bp" >"$work/$1.out"
        cat "$work/$1.time" >>"$work/$1.times"
        i=$((i + 1))
    done
    wall=$(sort -n "$work/$1.times" | awk '{ w[NR] = $1 } END { print w[int((NR + 1) / 2)] }')
    rss=$(awk '$2 > m { m = $2 } END { printf "%.1f", m / 1024 }' "$work/$1.times")
    printf '   %-24s %8s s %9s MB\n' "$1" "$wall" "$rss"
}

echo "== redefine: median wall time and peak RSS of $runs runs"
measure redefine_scalar
scalar_wall=$wall scalar_rss=$rss
measure redefine_scalar_fresh
scalar_fresh_wall=$wall scalar_fresh_rss=$rss
measure redefine_tensor
tensor_wall=$wall tensor_rss=$rss
measure redefine_tensor_fresh
tensor_fresh_wall=$wall tensor_fresh_rss=$rss

# Same final graph, same answers: the last lines (the gradients) agree.
same=ok
for kind in scalar tensor; do
    tail -n 3 "$work/redefine_$kind.out" >"$work/redefine_$kind.tail"
    tail -n 3 "$work/redefine_${kind}_fresh.out" >"$work/redefine_${kind}_fresh.tail"
    if ! cmp -s "$work/redefine_$kind.tail" "$work/redefine_${kind}_fresh.tail"; then
        echo "redefine.sh: the $kind script's gradients differ from a fresh session's" >&2
        same=MISSED
    fi
done

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "?" }'; }
# verdict VALUE GOAL: "ok" if VALUE is a number below GOAL
verdict() {
    awk -v v="$1" -v g="$2" 'BEGIN { print (v ~ /^[0-9.]+$/ && v + 0 < g + 0) ? "ok" : "MISSED" }'
}
scalar_ratio=$(ratio "$scalar_rss" "$scalar_fresh_rss")
tensor_ratio=$(ratio "$tensor_rss" "$tensor_fresh_rss")

echo
echo "== summary"
printf '%-44s %14s %12s  %s\n' "benchmark" "result" "goal" "verdict"
printf '%-44s %14s %12s  %s\n' "redefine 20000x: wall (fresh: $scalar_fresh_wall s)" \
    "$scalar_wall s" "< $goal_scalar_seconds s" "$(verdict "$scalar_wall" "$goal_scalar_seconds")"
printf '%-44s %14s %12s  %s\n' "redefine 20000x: peak RSS / fresh" \
    "$scalar_rss / $scalar_fresh_rss MB" "" ""
printf '%-44s %14s %12s  %s\n' "redefine 20000x: peak RSS ratio" "$scalar_ratio" \
    "< $goal_rss_ratio" "$(verdict "$scalar_ratio" "$goal_rss_ratio")"
printf '%-44s %14s %12s  %s\n' "tensor 200x: wall (fresh: $tensor_fresh_wall s)" \
    "$tensor_wall s" "" ""
printf '%-44s %14s %12s  %s\n' "tensor 200x: peak RSS / fresh" \
    "$tensor_rss / $tensor_fresh_rss MB" "" ""
printf '%-44s %14s %12s  %s\n' "tensor 200x: peak RSS ratio" "$tensor_ratio" \
    "< $goal_rss_ratio" "$(verdict "$tensor_ratio" "$goal_rss_ratio")"
printf '%-44s %14s %12s  %s\n' "redefine: same gradients as fresh" "" "" "$same"

missed=$( {
    verdict "$scalar_wall" "$goal_scalar_seconds"
    verdict "$scalar_ratio" "$goal_rss_ratio"
    verdict "$tensor_ratio" "$goal_rss_ratio"
    echo "$same"
} | grep -c MISSED || true)
if [ "$missed" -gt 0 ]; then
    echo "$missed goal(s) missed"
    exit 1
fi
echo "all goals met"
