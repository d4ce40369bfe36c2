#!/bin/sh
# render.sh - how fast figures are drawn (render_bench.c), against two goals:
#
#   small   the apple-and-orange figure (15 nodes) renders to SVG in-process
#           in under 5 ms, after the first render;
#   big     a 300-op chain renders in-process within 1.3 times what
#           `dot -Tsvg` takes on the same DOT (run as a subprocess).
#
#     tests/bench/render.sh               # builds Release in build-bench first
#     tests/bench/render.sh BUILD_DIR     # uses BUILD_DIR's render_bench as it is
#
# REPS (default 51) is the small figure's repetitions (the chain runs
# REPS / 5 + 1 times); medians are compared, as the machine may be shared.
# Prints a table with verdicts and exits 1 if a goal is missed. Without
# Graphviz's `dot` (Debian package: graphviz) the big goal cannot be judged
# and the table says so.
set -eu

root=$(cd "$(dirname "$0")/../.." && pwd)
reps=${REPS:-51}
goal_small_ms=5
goal_big_ratio=1.3

if [ $# -ge 1 ]; then
    build=$1
else
    build=${BUILD_DIR:-$root/build-bench}
    echo "== building (Release) in $build"
    cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=ON >/dev/null
    cmake --build "$build" -j "$(nproc 2>/dev/null || echo 2)" --target render_bench >/dev/null
fi
work=$build/bench
mkdir -p "$work"

echo "== render: render_bench $reps"
"$build/tests/bench/render_bench" "$reps" | tee "$work/render.txt" | sed 's/^/   /'

# "chain of 300 ops, dot -Tsvg   median  190.000 ms   max ..." -> 190.000
median_of() {
    awk -v start="$1" 'index($0, start) == 1 {
        for (k = 1; k < NF; k++) if ($k == "median") print $(k + 1) }' "$work/render.txt"
}
small=$(median_of 'apple_orange.svg')
big=$(median_of 'chain of 300 ops, in-process')
dot=$(median_of 'chain of 300 ops, dot -Tsvg')
ratio=$(awk -v b="$big" -v d="$dot" 'BEGIN { if (d > 0) printf "%.2f", b / d; else print "?" }')

# verdict VALUE GOAL: "ok" if VALUE is a number below GOAL
verdict() {
    awk -v v="$1" -v g="$2" 'BEGIN { print (v ~ /^[0-9.]+$/ && v + 0 < g + 0) ? "ok" : "MISSED" }'
}

echo
echo "== summary"
printf '%-44s %14s %12s  %s\n' "benchmark" "result" "goal" "verdict"
printf '%-44s %14s %12s  %s\n' "apple_orange.svg in-process (median)" "$small ms" \
    "< $goal_small_ms ms" "$(verdict "$small" "$goal_small_ms")"
if [ -n "$dot" ]; then
    printf '%-44s %14s %12s  %s\n' "300-op chain: in-process / dot -Tsvg" \
        "$big / $dot ms" "" ""
    printf '%-44s %14s %12s  %s\n' "300-op chain: ratio (medians)" "$ratio" \
        "< $goal_big_ratio" "$(verdict "$ratio" "$goal_big_ratio")"
else
    printf '%-44s %14s %12s  %s\n' "300-op chain: ratio (medians)" "$big ms / ?" \
        "< $goal_big_ratio" "not judged: dot is missing"
fi

missed=$( {
    verdict "$small" "$goal_small_ms"
    [ -z "$dot" ] || verdict "$ratio" "$goal_big_ratio"
} | grep -c MISSED || true)
if [ "$missed" -gt 0 ]; then
    echo "$missed goal(s) missed"
    exit 1
fi
echo "all goals met"
