/* internal.h - helpers shared by the graph module's files; not for users. */
#ifndef BP_GRAPH_INTERNAL_H
#define BP_GRAPH_INTERNAL_H

#include "graph.h"

/* Grows *items (of *cap elements of item_size bytes) to hold at least
 * `need`, doubling. Returns false, leaving *items as it was, on failure. */
bool graph_grow(void **items, int64_t *cap, size_t item_size, int64_t need);

/* graph_grow for the int32 capacities the structs use. */
bool graph_grow32(void **items, int32_t *cap, size_t item_size, int64_t need);

/* Fills err with status and message. */
void graph_set_error(GraphError *err, GraphStatus status, const char *message);

/* Makes room for `spans` values of `more` elements in all, in value and
 * gradient storage (with room for a red zone after each in ASan builds: see
 * graph.c). False, leaving the storage as it was, if memory ran out or the
 * total would not fit in a uint32_t. */
bool graph_reserve_values(Graph *g, size_t more, size_t spans);
/* Takes `size` reserved elements (zeroed) for one value; returns the offset
 * of the first. Exactly those elements become addressable in ASan builds. */
uint32_t graph_take_values(Graph *g, size_t size);
/* Gives back all storage from offset `vcount` on (to a mark, or to the
 * start of the last value taken); ASan builds poison it again. */
void graph_truncate_values(Graph *g, uint32_t vcount);
/* The elements node id's value takes in storage, its red zone included. */
uint32_t graph_span(const Graph *g, NodeId id);
/* Moves the values and gradients of nodes ids[0..n), listed in the order of
 * their storage, down to lie back to back from offset 0 (updating each
 * node's off); storage none of them holds is dropped, and given back to the
 * system when it is most of the capacity. */
void graph_pack_values(Graph *g, const NodeId *ids, int32_t n);
/* Sets every gradient to 0 (eval.c), leaving the red zones poisoned. */
void graph_clear_grads(Graph *g);
/* The shape-table index for a new value of shape s, or -1 with err set
 * (too big, or too many shapes). */
int32_t graph_shape_for_value(Graph *g, const Shape *s, GraphError *err);
/* Appends a node of shape index `shape` with zeroed storage; NODE_NONE if
 * memory ran out. */
NodeId graph_add_node(Graph *g, Op op, const NodeId *inputs, int32_t shape);

/* The index of `name` in the name table, or -1 (names.c). */
int32_t graph_find_name(const Graph *g, const char *name, int len);
/* The index of `name` in the name table, added (bound to no node) if it is
 * not there yet; -1 if memory ran out (names.c). One hash, one probe. */
int32_t graph_intern_name(Graph *g, const char *name, int len);
/* Finds the newest derived name again after the cached one stopped being
 * one (define.c). */
void graph_find_newest_derived(Graph *g);

/* Scalar +, - and * are most of a scalar graph's nodes, and through the
 * kernel table the call and the trip of x[] through memory cost more than
 * the arithmetic; so where they are computed (adding a node, the forward
 * pass) they are written out, with exactly the kernels' results (ops.c). */
static inline bool graph_is_scalar_arith(Op op) {
    return op == OP_ADD || op == OP_SUB || op == OP_MUL;
}
static inline double graph_scalar_arith(Op op, double a, double b) {
    return op == OP_ADD ? a + b : op == OP_SUB ? a - b : a * b;
}

/* Recomputes node id's value from its inputs (no-op for leaves, constants). */
void graph_compute(Graph *g, NodeId id);

/* Recomputes `id` and every live node downstream of it. Returns false if
 * memory for the topological order ran out. */
bool graph_propagate(Graph *g, NodeId id);

/* The shape of op's result for inputs of shape indices in_shapes[0..arity)
 * and parameter arg. False with err set (GRAPH_SHAPE) if they do not fit. */
bool graph_infer_shape(const Graph *g, Op op, const int32_t *in_shapes, int32_t arg, Shape *out,
                       GraphError *err);

/* Runs op's value check (OpCheck) on the values of inputs[0..arity): false,
 * with err set (GRAPH_VALUE), if the op refuses them. */
bool graph_check_values(const Graph *g, Op op, const NodeId *inputs, GraphError *err);

#endif
