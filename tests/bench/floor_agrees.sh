#!/bin/sh
# floor_agrees.sh BACKPROP FLOOR PYTHON - checks that floor.c does the work
# it claims to measure: on every workload from workloads.py (small N), floor
# prints exactly what backprop prints, and floor -q exactly what backprop -q
# prints on the quiet form. No timing: ctest runs it as a correctness test.
set -eu
backprop=$1 floor=$2 python=$3
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for kind in chain mlp fanin fanout; do
    "$python" "$here/workloads.py" bp "$kind" 1000 >"$work/loud.bp"
    "$python" "$here/workloads.py" bp-quiet "$kind" 1000 >"$work/quiet.bp"
    "$backprop" "$work/loud.bp" >"$work/backprop.out"
    "$floor" "$work/loud.bp" >"$work/floor.out"
    cmp "$work/backprop.out" "$work/floor.out"
    "$backprop" -q "$work/quiet.bp" >"$work/backprop-q.out"
    "$floor" -q "$work/quiet.bp" >"$work/floor-q.out"
    cmp "$work/backprop-q.out" "$work/floor-q.out"
    [ "$(wc -l <"$work/backprop-q.out")" -ge 2 ] # the value and at least one gradient
    echo "$kind: floor and floor -q print what backprop and backprop -q print"
done
