/* graph.h - the computational graph: nodes, names, forward and backward.
 *
 * Worked example, the book's figure 5-2 / 5-5, in C:
 *
 *     Graph g;
 *     GraphError err;
 *     graph_init_empty(&g);
 *     GraphMark m = graph_mark(&g);                // statement: apple = 100
 *     NodeId c = graph_add_const(&g, 100);
 *     NodeId apple = graph_define(&g, "apple", 5, c, m, &err); // no names used: a leaf
 *     m = graph_mark(&g);                          // apple_price = apple * 2
 *     NodeId in[2] = {apple, graph_add_const(&g, 2)};
 *     NodeId mul = graph_add_op(&g, OP_MUL, in, 0, &err);
 *     NodeId apple_price = graph_define(&g, "apple_price", 11, mul, m, &err);
 *     m = graph_mark(&g);                          // price = apple_price * 1.1
 *     NodeId in2[2] = {apple_price, graph_add_const(&g, 1.1)};
 *     NodeId price = graph_define(&g, "price", 5, graph_add_op(&g, OP_MUL, in2, 0, &err), m, &err);
 *     graph_backward(&g, price, NULL);             // seed ∂price/∂price = 1
 *     double d = graph_grad(&g, apple);            // ∂price/∂apple = 2.2
 *     graph_free(&g);
 *
 * Nodes live in one growable array and refer to their inputs by index
 * (NodeId). Every node's value is computed when the node is added, and kept
 * current: redefining a name updates exactly the nodes downstream of it.
 * Nothing here recurses over the graph, so million-node chains are fine.
 *
 * A statement is built between graph_mark() and either graph_define() (which
 * commits it under a name) or graph_rollback() (which removes every node the
 * statement added), so a failing statement leaves the graph unchanged.
 *
 * Readers (printers, renderers) walk nodes with graph_count(), graph_node(),
 * graph_value() and graph_grad(); none of those change anything.
 *
 * Values are tensors (value.h): `X @ W` with X (2,3) and W (3,4) is a (2,4)
 * node whose elements sit contiguously, row-major, in the graph's storage.
 * Shapes are checked as nodes are added (GRAPH_SHAPE says why they do not
 * fit) and again when a redefinition changes a name's shape.
 */
#ifndef BP_GRAPH_H
#define BP_GRAPH_H

#include <stdbool.h>
#include <stdint.h>

#include "ops.h"
#include "strbuf.h"
#include "value.h"

typedef int32_t NodeId;
enum { NODE_NONE = -1 };

enum {
    NODE_DEAD = 1 << 0,  /* replaced or deleted: skipped by every walk */
    NODE_DIRTY = 1 << 1, /* scratch mark used while propagating a change */
    NODE_PARAM = 1 << 2, /* a leaf the user marked `param`: what :descend trains */
};

typedef struct {
    uint8_t op;     /* Op */
    uint8_t flags;  /* NODE_* */
    uint16_t shape; /* index into the graph's shape table; 0 is the scalar shape */
    union {
        NodeId in[BP_MAX_INPUTS]; /* the first op_info(op)->arity entries are used */
        struct {
            NodeId in_unused_[BP_MAX_INPUTS - 1];
            /* The op's parameter (OpArg in ops.h): only unary ops have one, so
             * it shares the last input's slot and a node stays 24 bytes (a
             * million-node graph is 24 MB of nodes). Read it with node_arg. */
            int32_t arg;
        };
    };
    int32_t name; /* index into the name table, or -1 if unnamed */
    uint32_t off; /* first element of the value (and gradient) storage */
} Node;

_Static_assert(sizeof(Node) == 24, "Node grew: the scalar benchmark's memory depends on it");

/* The node's parameter (an axis, a row, a shape index), or 0 for ops
 * without one. */
static inline int32_t node_arg(const Node *n) {
    return op_info((Op)n->op)->arg != ARG_NONE ? n->arg : 0;
}

typedef struct {
    uint32_t str; /* offset of the NUL-terminated name in the string pool */
    uint32_t len; /* in bytes */
    NodeId node;  /* NODE_NONE once deleted */
    uint32_t seq; /* when it was defined, or last turned from a leaf into derived */
} Name;

typedef struct {
    Node *nodes;
    int32_t count, cap;
    /* Element storage, indexed by Node.off. Read a node's values through
     * its span (graph_value): ASan builds poison the gaps (see graph.c). */
    double *values, *grads;
    uint32_t vcount, vcap;
    Shape *shapes; /* shapes[0] is the scalar shape */
    int32_t shape_count;

    Name *names; /* in order of first definition */
    int32_t name_count, name_cap;
    char *strings; /* NUL-terminated names, back to back */
    uint32_t str_len, str_cap;
    uint64_t *name_slots; /* open-addressing hash: see make_slot in graph.c */
    uint32_t slot_cap;    /* a power of two */
    uint32_t seq;
    NodeId newest_derived; /* the derived name with the highest seq, or NODE_NONE */

    /* Cached topological order of the live nodes and each node's position
     * in it, so a change recomputes only what lies downstream. */
    NodeId *topo;
    int32_t *topo_pos;
    int32_t topo_len, topo_covers; /* topo_covers: nodes [0, covers) are in it */
    bool topo_valid;
    uint32_t topo_builds; /* how often topo was rebuilt from scratch */

    /* graph_update's last answer: the nodes downstream of down_leaves, in
     * order. Changing the same leaves again (a slider, gradient descent)
     * replays it instead of searching the graph. Valid while the graph has
     * down_count nodes and topo was not rebuilt (no relink, deletion or
     * rollback below down_count). */
    NodeId *down, *down_leaves;
    int32_t down_len, down_nleaves, down_count;
    uint32_t down_builds;

    /* graph_ancestors' last answer, reused while no node was added, removed
     * or relinked (`edits` counts those changes). */
    NodeId *grad_order;
    NodeId ancestors_of;
    int32_t ancestors_len;
    uint32_t ancestors_edits, edits;

    /* How many nodes were added with an op that checks its inputs' values
     * (OpCheck), since the graph was last compacted: while there are none, a
     * redefinition cannot break one and skips the copy it would need to be
     * taken back. */
    int32_t checked_ops;

    /* Garbage, reclaimed by graph_compact: how many nodes are dead, and the
     * elements of storage no live node holds (a dead node's, or what a
     * reshape replaced). */
    int32_t dead;
    uint32_t dead_values;
    /* graph_needs_compaction waits until at least this many nodes (or
     * elements) are dead, so a small session is never renumbered. Tests
     * lower them to compact at every chance. */
    int32_t reclaim_nodes;
    uint32_t reclaim_values;

    int64_t recomputed; /* how many nodes change propagation recomputed: for tests */
} Graph;

/* Where a statement started; see graph_rollback(). */
typedef struct {
    int32_t count;
    uint32_t vcount;
} GraphMark;

typedef enum {
    GRAPH_OK,
    GRAPH_NO_MEMORY,
    GRAPH_CYCLE,      /* the definition would make a node depend on itself */
    GRAPH_HAS_USERS,  /* graph_delete of a node others depend on */
    GRAPH_NOT_A_NAME, /* graph_delete of an unknown name; graph_define of one not printable */
    GRAPH_TOO_MANY,   /* more nodes, names, shapes or elements than the graph can count */
    GRAPH_SHAPE,      /* the inputs' shapes do not fit the op */
    GRAPH_TOO_BIG,    /* a value would exceed BP_MAX_ELEMENTS */
    GRAPH_VALUE,      /* an input holds values the op refuses (a class label out of range) */
} GraphStatus;

/* Why a graph call failed: status and a message for the user. */
typedef struct {
    GraphStatus status;
    char message[512];
} GraphError;

/* An empty graph. Owns nothing until nodes are added; free with graph_free.
 * (Not `graph_init`: libgvc exports a function of that name, and linking
 * both would silently call the wrong one.) */
void graph_init_empty(Graph *g);
/* Releases everything the graph owns and leaves it empty (initialised). */
void graph_free(Graph *g);

/* --- building a statement ------------------------------------------------ */

GraphMark graph_mark(const Graph *g);
/* Removes every node added since `m` (names are untouched: they are only
 * bound by graph_define, which is the last step of a statement). */
void graph_rollback(Graph *g, GraphMark m);

/* Adds a scalar constant. Returns the new node, or NODE_NONE if memory ran
 * out. */
NodeId graph_add_const(Graph *g, double value);
/* Adds a constant tensor holding a copy of data (shape_size(shape)
 * elements). Fails (NODE_NONE, err says why) if it is too big or memory ran
 * out. */
NodeId graph_add_tensor(Graph *g, const Shape *shape, const double *data, GraphError *err);
/* Adds an op node and computes its value. The inputs must exist; arg is the
 * op's parameter (OpArg; 0 for ops without one). Fails (NODE_NONE, err says
 * why) when the inputs' shapes do not fit the op, their values are ones it
 * refuses (GRAPH_VALUE: a class label that names no class), the result is
 * too big, or memory ran out. */
NodeId graph_add_op(Graph *g, Op op, const NodeId *inputs, int32_t arg, GraphError *err);
/* The index of shape s in the graph's shape table (added if new), as
 * reshape's arg wants it; -1 if the table is full. */
int32_t graph_intern_shape(Graph *g, const Shape *s);

/* Commits the statement `name = <root>` whose nodes were added since `m`.
 *   - root uses no named node: `name` becomes a leaf holding root's value
 *     (the statement's nodes are removed);
 *   - otherwise `name` labels the node computing root.
 * If `name` already exists, its node is changed in place, so everything that
 * used it now uses the new definition, and all of its dependents are
 * recomputed. On failure (a cycle, a shape or a value that no longer fits a
 * node downstream, no memory, a name that is not printable text:
 * GRAPH_NOT_A_NAME) the statement's nodes are removed, nothing else
 * changes, and err says why. Returns the named node or NODE_NONE.
 * A name is valid UTF-8 without control characters (utf8_is_printable), so
 * whatever prints names (errors, :vars, :trace, figures) prints them as
 * they are, and nothing in one can act on a terminal. */
NodeId graph_define(Graph *g, const char *name, int len, NodeId root, GraphMark m, GraphError *err);

/* Deletes `name`. Refused (GRAPH_HAS_USERS, listing them) while other names
 * depend on it. */
bool graph_delete(Graph *g, const char *name, int len, GraphError *err);

/* --- reading ------------------------------------------------------------- */

static inline int32_t graph_count(const Graph *g) {
    return g->count;
}
static inline const Node *graph_node(const Graph *g, NodeId id) {
    return &g->nodes[id];
}
static inline bool graph_is_live(const Graph *g, NodeId id) {
    return !(g->nodes[id].flags & NODE_DEAD);
}
/* The node's value as a view into graph storage. */
Value graph_value(const Graph *g, NodeId id);
static inline const Shape *graph_shape(const Graph *g, NodeId id) {
    return &g->shapes[g->nodes[id].shape];
}
/* Is the node's value a single number (rank 0)? */
static inline bool graph_is_scalar(const Graph *g, NodeId id) {
    return g->nodes[id].shape == 0;
}
/* The first (for a scalar: the only) element of the node's value. */
static inline double graph_scalar(const Graph *g, NodeId id) {
    return g->values[g->nodes[id].off];
}

/* Tells the graph that `name` will soon be looked up or defined, so it can
 * start fetching the name's hash slot from memory while the caller does
 * other work: a pure speed hint for long scripts, with no effect on results. */
void graph_prefetch_name(const Graph *g, const char *name, int len);

/* The node bound to `name` (len bytes), or NODE_NONE. */
NodeId graph_lookup(const Graph *g, const char *name, int len);
/* The derived named node defined most recently (redefining a derived name
 * does not count as new), or NODE_NONE: the default target. O(1). */
static inline NodeId graph_newest_derived(const Graph *g) {
    return g->newest_derived;
}

/* The node's name, or NULL if it has none. */
const char *graph_name_of(const Graph *g, NodeId id);
/* A leaf is a named input; derived nodes compute from other nodes. */
static inline bool graph_is_leaf(const Graph *g, NodeId id) {
    return g->nodes[id].op == OP_LEAF;
}

/* Appends the expression that defines node `id` to out, in the language's
 * syntax: named inputs by name, unnamed ones spelled out, constants at full
 * precision (`apple_price * tax`). A leaf's definition is its value. */
void graph_expr_text(const Graph *g, NodeId id, StrBuf *out);

/* graph_expr_text if its text is at most `limit` bytes: then appends it and
 * returns true; else appends nothing and returns false. Takes time in
 * proportion to limit, not to the expression, so a display can try any
 * node's text (a :trace of `a + a + ... + a` names each sum's text). */
bool graph_expr_text_within(const Graph *g, NodeId id, size_t limit, StrBuf *out);

/* Appends a label for input node id (a name, `#7`, ...); ctx is the
 * caller's. */
typedef void (*GraphLabelFn)(const Graph *g, NodeId id, void *ctx, StrBuf *out);

/* Appends node id's own operation with each input written by label:
 * `#7 + a`, `sum(#3, axis=0)`: one step of an expression too long to spell
 * out. id must have inputs. */
void graph_step_text(const Graph *g, NodeId id, GraphLabelFn label, void *ctx, StrBuf *out);

/* Appends source text that evaluates to exactly v: the shortest round-trip
 * decimal, or an expression for nan and ±inf (`1e308 * 10`). */
void graph_number_text(double v, StrBuf *out);

/* Appends v on one line in the language's literal syntax, `[[1, 2], [3, 4]]`
 * (a scalar as its number). With digits = FMT_ROUND_TRIP it is source text
 * that reads back exactly (graph_number_text per element); otherwise each
 * element is written as fmt_number does with that many digits. */
void graph_value_text(Value v, int digits, StrBuf *out);

/* Lists, in definition order, the named nodes that use `id` directly (through
 * unnamed nodes only). Returns the count; ids receives at most max. */
int32_t graph_named_users(const Graph *g, NodeId id, NodeId *ids, int32_t max);

/* --- reclaiming dead nodes ------------------------------------------------ */

/* What graph_compact did to node ids. */
typedef struct {
    NodeId *to;    /* to[old id]: the node's new id, or NODE_NONE if it was reclaimed */
    int32_t count; /* how many nodes there were */
} GraphRemap;

/* The new id of a node the caller held before graph_compact (NODE_NONE if
 * it was reclaimed, or was NODE_NONE). */
static inline NodeId graph_remap_id(const GraphRemap *m, NodeId id) {
    return id == NODE_NONE ? NODE_NONE : m->to[id];
}
void graph_remap_free(GraphRemap *m);

/* Do dead nodes (redefined expressions, deleted names) outnumber the live
 * ones, or their storage the live storage, by enough to reclaim them? O(1).
 * Compacting then keeps the graph within twice what is live (plus the
 * reclaim_* floor), at an amortised O(1) per node. */
bool graph_needs_compaction(const Graph *g);

/* Removes every dead node and the storage no live node holds, and gives the
 * storage back when much of it is free. Live nodes keep their order, values
 * and gradients, so every walk, printout and figure stays the same, but
 * their ids move down: map receives the renumbering (free it with
 * graph_remap_free), with which the caller rewrites every id it holds. No
 * statement may be in progress (a GraphMark from before is void after).
 * Returns false if memory for the map ran out: then nothing changed. */
bool graph_compact(Graph *g, GraphRemap *map);

/* --- forward and backward ------------------------------------------------- */

/* Every live node, inputs before users. Owned by the graph; valid until the
 * graph next changes. Sets *len; returns NULL if memory ran out. */
const NodeId *graph_order(Graph *g, int32_t *len);

/* Sets a scalar leaf's value and recomputes everything downstream. */
bool graph_set_leaf(Graph *g, NodeId leaf, double value);
/* A leaf's elements, to change in place (gradient descent does); call
 * graph_update afterwards. Valid until the graph next grows. */
double *graph_leaf_data(Graph *g, NodeId leaf);
/* Recomputes everything downstream of leaves[0..n) once. Returns false if
 * memory ran out. */
bool graph_update(Graph *g, const NodeId *leaves, int32_t n);
/* Marks a leaf as a trainable parameter, or not. */
void graph_set_param(Graph *g, NodeId leaf, bool param);
static inline bool graph_is_param(const Graph *g, NodeId id) {
    return g->nodes[id].flags & NODE_PARAM;
}

/* The nodes `target` depends on (itself included), inputs before users.
 * Owned by the graph; valid until the graph next changes. Sets *len.
 * Returns NULL if memory ran out. */
const NodeId *graph_ancestors(Graph *g, NodeId target, int32_t *len);

/* The backward pass: gradient of `target` with respect to every node it
 * depends on. `seed` is ∂L/∂target (the book's dout): one double per element
 * of the target, or NULL for all ones. Returns false if memory ran out. Run
 * step by step with graph_backward_begin + graph_backward_node, which is how
 * :trace narrates it. */
bool graph_backward(Graph *g, NodeId target, const double *seed);
/* Zeroes every gradient and seeds the target. Sets
 * order and len to the ancestors (walk them from the end). */
bool graph_backward_begin(Graph *g, NodeId target, const double *seed, const NodeId **order,
                          int32_t *len);
/* One backward step: passes node's gradient to its inputs (+=). If flows is
 * not NULL, flows[i] (caller-owned, zeroed, as many elements as input i)
 * receives what flowed to input i, which is also added to its gradient. */
void graph_backward_node(Graph *g, NodeId node, double *const *flows);
/* ∂target/∂node from the last backward pass (for a tensor node: its first
 * element); 0 for nodes target does not depend on. */
double graph_grad(const Graph *g, NodeId node);
/* The node's whole gradient, shaped like its value. */
Value graph_grad_value(const Graph *g, NodeId node);

/* Central-difference estimate of ∂f/∂leaf where f = Σ seed·target (seed as
 * in graph_backward): (f(x+h) − f(x−h)) / 2h for each element of the leaf,
 * with h scaled to the element's magnitude, as the book's
 * numerical_gradient. out receives one double per element of the leaf.
 * Values are restored afterwards. Returns false if memory ran out. */
bool graph_numeric_grad(Graph *g, NodeId target, NodeId leaf, const double *seed, double *out);
/* graph_numeric_grad that gives up, returning false with values restored,
 * once stop(ctx) returns true (Ctrl-C; asked before each element). stop may
 * be NULL. */
bool graph_numeric_grad_until(Graph *g, NodeId target, NodeId leaf, const double *seed,
                              bool (*stop)(void *ctx), void *ctx, double *out);

/* Does input i of node id take a gradient? Not when it is a constant (a
 * number written in an expression) or data the op only reads (labels,
 * OpInfo.data_inputs). The backward pass still computes what flows there;
 * this says whether figures and :grad show it. */
bool graph_input_takes_grad(const Graph *g, NodeId id, int i);
/* Marks in reach (graph_count(g) bytes, caller-owned, zeroed) target and
 * every node its gradient reaches through inputs that take gradients:
 * a leaf used only as labels is not marked. False if memory ran out. */
bool graph_grad_reach(Graph *g, NodeId target, uint8_t *reach);

#endif
