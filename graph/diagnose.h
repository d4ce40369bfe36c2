/* diagnose.h - where a nan or an infinity came from.
 *
 * After the statements `x = -1; y = log(x); z = y * 2`, the origin of z's
 * nan, graph_nonfinite_origin(&g, z), is the log node: its input is finite,
 * its value is not.
 *
 * Read-only: nothing here changes the graph or its caches.
 */
#ifndef BP_DIAGNOSE_H
#define BP_DIAGNOSE_H

#include <stdbool.h>

#include "graph.h"

/* Is every element of v finite (neither nan nor ±inf)? */
bool value_is_finite(Value v);

/* The first element of v that is not finite; v must have one. */
double value_first_nonfinite(Value v);

/* Among the nodes `target` depends on (itself included), in topological
 * order (inputs before users), the first whose value has a non-finite
 * element while every input of it is finite: where the nan or inf first
 * appeared. A leaf or constant holding one is its own origin. NODE_NONE if
 * every value is finite, or if memory ran out. */
NodeId graph_nonfinite_origin(const Graph *g, NodeId target);

#endif
