/* internal.h - helpers shared by the graph module's files; not for users. */
#ifndef BP_GRAPH_INTERNAL_H
#define BP_GRAPH_INTERNAL_H

#include "graph.h"

/* Grows *items (of *cap elements of item_size bytes) to hold at least
 * `need`, doubling. Returns false, leaving *items as it was, on failure. */
bool graph_grow(void **items, int64_t *cap, size_t item_size, int64_t need);

/* Recomputes node id's value from its inputs (no-op for leaves, constants). */
void graph_compute(Graph *g, NodeId id);

/* Recomputes `id` and every live node downstream of it. Returns false if
 * memory for the topological order ran out. */
bool graph_propagate(Graph *g, NodeId id);

/* The shape of op's result for inputs of shape indices in_shapes[0..arity)
 * and parameter arg. False with err set (GRAPH_SHAPE) if they do not fit. */
bool graph_infer_shape(const Graph *g, Op op, const int32_t *in_shapes, int32_t arg, Shape *out,
                       GraphError *err);

#endif
