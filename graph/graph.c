/* graph.c - node and value storage, shapes, adding nodes, statements.
 *
 * Names are in names.c, definitions and deletion in define.c, forward and
 * backward passes in eval.c, expression text in print.c.
 */
#include "graph.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* In AddressSanitizer builds the value and gradient arrays are poisoned
 * wherever no value lives: the spare capacity past vcount, and BP_REDZONE
 * elements after each value. All values share one heap block, so a kernel
 * that runs off the end of its input would otherwise read or write a
 * neighbour's elements or the spare capacity, memory ASan thinks is fine;
 * poisoned, it reports use-after-poison. Two elements (16 bytes, ASan's own
 * smallest heap red zone) catch an overflow by one or two. Other builds have
 * no red zones, and the poisoning calls compile to nothing. */
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define BP_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__) && !defined(BP_ASAN)
#define BP_ASAN 1
#endif
#ifdef BP_ASAN
#include <sanitizer/asan_interface.h>
#define BP_REDZONE 2u
#else
#define BP_ASAN                                 0
#define BP_REDZONE                              0u
#define ASAN_POISON_MEMORY_REGION(addr, size)   ((void)(addr), (void)(size))
#define ASAN_UNPOISON_MEMORY_REGION(addr, size) ((void)(addr), (void)(size))
#endif

void graph_init_empty(Graph *g) {
    memset(g, 0, sizeof *g);
    g->ancestors_of = NODE_NONE;
    g->newest_derived = NODE_NONE;
    g->down_count = -1;
    g->reclaim_nodes = 1024;
    g->reclaim_values = 1 << 16; /* 512 KB of values (and as much of gradients) */
}

void graph_free(Graph *g) {
    free(g->nodes);
    free(g->values);
    free(g->grads);
    free(g->shapes);
    free(g->names);
    free(g->strings);
    free(g->name_slots);
    free(g->topo);
    free(g->topo_pos);
    free(g->grad_order);
    free(g->down);
    free(g->down_leaves);
    graph_init_empty(g);
}

bool graph_grow(void **items, int64_t *cap, size_t item_size, int64_t need) {
    if (need <= *cap) return true;
    int64_t new_cap = *cap ? *cap : 64;
    while (new_cap < need)
        new_cap *= 2;
    void *p = realloc(*items, (size_t)new_cap * item_size);
    if (!p) return false;
    *items = p;
    *cap = new_cap;
    return true;
}

/* graph_grow for the int32 capacities the structs use. */
bool graph_grow32(void **items, int32_t *cap, size_t item_size, int64_t need) {
    if (need > INT32_MAX) return false;
    int64_t c = *cap;
    if (!graph_grow(items, &c, item_size, need)) return false;
    *cap = c > INT32_MAX ? INT32_MAX : (int32_t)c;
    return true;
}

/* --- nodes ---------------------------------------------------------------- */

void graph_set_error(GraphError *err, GraphStatus status, const char *message) {
    err->status = status;
    snprintf(err->message, sizeof err->message, "%s", message);
}

/* Poisons what no value owns in `a` (values or grads, cap elements): the red
 * zone after each node's value and everything from vcount on. Called after
 * a grow, because realloc hands back a block that is all addressable. */
static void poison_gaps(const Graph *g, double *a, int64_t cap) {
    if (!BP_ASAN || !a) return;
    for (NodeId id = 0; id < g->count; id++) {
        const Node *n = &g->nodes[id];
        size_t end = n->off + shape_size(&g->shapes[n->shape]);
        ASAN_POISON_MEMORY_REGION(a + end, BP_REDZONE * sizeof *a);
    }
    ASAN_POISON_MEMORY_REGION(a + g->vcount, (size_t)(cap - g->vcount) * sizeof *a);
}

bool graph_reserve_values(Graph *g, size_t more, size_t spans) {
    uint64_t need = g->vcount + (uint64_t)more + (uint64_t)spans * BP_REDZONE;
    if (need <= g->vcap) return true;
    if (need > UINT32_MAX) return false;
    int64_t cap = g->vcap, cap2 = g->vcap;
    bool ok = graph_grow((void **)&g->values, &cap, sizeof *g->values, (int64_t)need) &&
              graph_grow((void **)&g->grads, &cap2, sizeof *g->grads, (int64_t)need);
    poison_gaps(g, g->values, cap);
    poison_gaps(g, g->grads, cap2);
    if (!ok) return false;
    cap = cap < cap2 ? cap : cap2;
    g->vcap = (uint32_t)(cap > UINT32_MAX ? UINT32_MAX : cap);
    return true;
}

uint32_t graph_take_values(Graph *g, size_t size) {
    uint32_t off = g->vcount;
    ASAN_UNPOISON_MEMORY_REGION(g->values + off, size * sizeof *g->values);
    ASAN_UNPOISON_MEMORY_REGION(g->grads + off, size * sizeof *g->grads);
    memset(g->values + off, 0, size * sizeof *g->values);
    memset(g->grads + off, 0, size * sizeof *g->grads);
    g->vcount += (uint32_t)(size + BP_REDZONE); /* the red zone stays poisoned */
    return off;
}

void graph_truncate_values(Graph *g, uint32_t vcount) {
    assert(vcount <= g->vcount && "graph_truncate_values: cannot grow the storage");
    if (vcount == g->vcount) return;
    ASAN_POISON_MEMORY_REGION(g->values + vcount, (size_t)(g->vcount - vcount) * sizeof *g->values);
    ASAN_POISON_MEMORY_REGION(g->grads + vcount, (size_t)(g->vcount - vcount) * sizeof *g->grads);
    g->vcount = vcount;
}

uint32_t graph_span(const Graph *g, NodeId id) {
    return (uint32_t)shape_size(graph_shape(g, id)) + BP_REDZONE;
}

/* Shrinks values and grads to cap elements (never below vcount); on failure
 * they stay as they were, which is only a waste. */
static void shrink_values(Graph *g, uint32_t cap) {
    double *values = realloc(g->values, (size_t)cap * sizeof *values);
    if (values) g->values = values;
    double *grads = realloc(g->grads, (size_t)cap * sizeof *grads);
    if (grads) g->grads = grads;
    if (values && grads) g->vcap = cap;
}

void graph_pack_values(Graph *g, const NodeId *ids, int32_t n) {
    /* The moves cross red zones and freed storage: all made addressable,
     * then poisoned again where no value lives. */
    ASAN_UNPOISON_MEMORY_REGION(g->values, (size_t)g->vcap * sizeof *g->values);
    ASAN_UNPOISON_MEMORY_REGION(g->grads, (size_t)g->vcap * sizeof *g->grads);
    uint32_t at = 0;
    for (int32_t k = 0; k < n; k++) { /* in storage order, so a move never lands on a later value */
        Node *nd = &g->nodes[ids[k]];
        size_t size = shape_size(&g->shapes[nd->shape]);
        if (nd->off != at) {
            memmove(g->values + at, g->values + nd->off, size * sizeof *g->values);
            memmove(g->grads + at, g->grads + nd->off, size * sizeof *g->grads);
            nd->off = at;
        }
        at += (uint32_t)size + BP_REDZONE;
    }
    g->vcount = at;
    if (g->vcap > 64 && g->vcap / 4 > at) shrink_values(g, at * 2 > 64 ? at * 2 : 64);
    for (int32_t k = 0; k < n; k++) {
        const Node *nd = &g->nodes[ids[k]];
        size_t end = nd->off + shape_size(&g->shapes[nd->shape]);
        ASAN_POISON_MEMORY_REGION(g->values + end, BP_REDZONE * sizeof *g->values);
        ASAN_POISON_MEMORY_REGION(g->grads + end, BP_REDZONE * sizeof *g->grads);
    }
    ASAN_POISON_MEMORY_REGION(g->values + at, (size_t)(g->vcap - at) * sizeof *g->values);
    ASAN_POISON_MEMORY_REGION(g->grads + at, (size_t)(g->vcap - at) * sizeof *g->grads);
}

void graph_clear_grads(Graph *g) {
    if (g->vcount == 0) return;
    /* One memset over the whole array; in ASan builds the gaps between
     * values are made addressable for it and poisoned again after. */
    ASAN_UNPOISON_MEMORY_REGION(g->grads, (size_t)g->vcount * sizeof *g->grads);
    memset(g->grads, 0, (size_t)g->vcount * sizeof *g->grads);
    poison_gaps(g, g->grads, g->vcap);
}

static bool ensure_shape_table(Graph *g) {
    if (g->shape_count > 0) return true;
    g->shapes = calloc(1, sizeof *g->shapes); /* shapes[0]: the scalar */
    if (!g->shapes) return false;
    g->shape_count = 1;
    return true;
}

int32_t graph_intern_shape(Graph *g, const Shape *s) {
    if (!ensure_shape_table(g)) return -1;
    if (s->rank == 0) return 0;
    /* Graphs hold few distinct shapes, so a scan is cheaper than a hash. */
    for (int32_t i = 1; i < g->shape_count; i++)
        if (shape_equal(&g->shapes[i], s)) return i;
    if (g->shape_count > UINT16_MAX) return -1;
    Shape *shapes = realloc(g->shapes, ((size_t)g->shape_count + 1) * sizeof *shapes);
    if (!shapes) return -1;
    g->shapes = shapes;
    Shape clean = {s->rank, {0}}; /* unused dims zeroed */
    for (int i = 0; i < s->rank; i++)
        clean.dims[i] = s->dims[i];
    g->shapes[g->shape_count] = clean;
    return g->shape_count++;
}

/* Refuses (false, err set) a value of shape s the graph cannot hold. */
static bool check_size(const Graph *g, const Shape *s, GraphError *err) {
    size_t size;
    if (size_product(s->dims, s->rank, &size) && (uint64_t)g->vcount + size <= UINT32_MAX)
        return true;
    char st[SHAPE_TEXT_SIZE];
    err->status = GRAPH_TOO_BIG;
    snprintf(err->message, sizeof err->message,
             "a value of shape %s is too big: the limit is %d elements per value",
             shape_text(s, st, sizeof st), BP_MAX_ELEMENTS);
    return false;
}

/* Appends a node of shape index `shape`; its storage is zeroed. inputs may
 * be NULL for leaves and constants. */
NodeId graph_add_node(Graph *g, Op op, const NodeId *inputs, int32_t shape) {
    static const NodeId no_inputs[BP_MAX_INPUTS] = {NODE_NONE, NODE_NONE, NODE_NONE};
    if (!inputs) inputs = no_inputs;
    if (!ensure_shape_table(g)) return NODE_NONE;
    size_t size = shape == 0 ? 1 : shape_size(&g->shapes[shape]);
    /* Room is there nearly always: asked here, not by a call. */
    if (g->count == g->cap &&
        !graph_grow32((void **)&g->nodes, &g->cap, sizeof *g->nodes, (int64_t)g->count + 1))
        return NODE_NONE;
    if ((uint64_t)g->vcount + size + BP_REDZONE > g->vcap && !graph_reserve_values(g, size, 1))
        return NODE_NONE;
    NodeId id = g->count++;
    g->edits++;
    Node *n = &g->nodes[id];
    n->op = (uint8_t)op;
    n->flags = 0;
    n->shape = (uint16_t)shape;
    n->name = -1;
    if (size == 1 && !BP_ASAN) { /* the scalar path: no call, no memset */
        n->off = g->vcount++;
        g->values[n->off] = 0;
        g->grads[n->off] = 0;
    } else { /* ASan builds take every value here, for its red zone */
        n->off = graph_take_values(g, size);
    }
    int arity = op_info(op)->arity;
    for (int i = 0; i < BP_MAX_INPUTS; i++) {
        assert((i >= arity || (inputs[i] >= 0 && inputs[i] < id)) &&
               "add_node: an input must be an existing node");
        n->in[i] = i < arity ? inputs[i] : NODE_NONE;
    }
    return id;
}

/* graph_add_node for a scalar of value v with inputs a and b (NODE_NONE
 * where the op has fewer), while there is room and no red zone to keep:
 * the path a long scalar script's constants and arithmetic take, a million
 * times. NODE_NONE, changing nothing, when it does not apply. */
static NodeId add_scalar_node(Graph *g, Op op, NodeId a, NodeId b, double v) {
    if (BP_ASAN || g->count == g->cap || g->vcount == g->vcap || g->shape_count == 0)
        return NODE_NONE;
    NodeId id = g->count++;
    g->edits++;
    uint32_t off = g->vcount++;
    g->nodes[id] = (Node){.op = (uint8_t)op, .in = {a, b, NODE_NONE}, .name = -1, .off = off};
    g->values[off] = v;
    g->grads[off] = 0;
    return id;
}

NodeId graph_add_const(Graph *g, double value) {
    NodeId id = add_scalar_node(g, OP_CONST, NODE_NONE, NODE_NONE, value);
    if (id != NODE_NONE) return id;
    id = graph_add_node(g, OP_CONST, NULL, 0);
    if (id != NODE_NONE) g->values[g->nodes[id].off] = value;
    return id;
}

/* The shape index for a new value of shape s, or -1 with err set. */
int32_t graph_shape_for_value(Graph *g, const Shape *s, GraphError *err) {
    if (!check_size(g, s, err)) return -1;
    int32_t shape = graph_intern_shape(g, s);
    if (shape < 0)
        graph_set_error(err, GRAPH_TOO_MANY,
                        "too many different shapes in one session (the limit is 65535)");
    return shape;
}

NodeId graph_add_tensor(Graph *g, const Shape *shape, const double *data, GraphError *err) {
    int32_t sh = graph_shape_for_value(g, shape, err);
    if (sh < 0) return NODE_NONE;
    NodeId id = graph_add_node(g, OP_CONST, NULL, sh);
    if (id == NODE_NONE) {
        graph_set_error(err, GRAPH_NO_MEMORY, "out of memory");
        return NODE_NONE;
    }
    memcpy(&g->values[g->nodes[id].off], data, shape_size(shape) * sizeof *data);
    return id;
}

bool graph_infer_shape(const Graph *g, Op op, const int32_t *in_shapes, int32_t arg, Shape *out,
                       GraphError *err) {
    const OpInfo *info = op_info(op);
    const Shape *in[BP_MAX_INPUTS] = {NULL};
    for (int i = 0; i < info->arity; i++)
        in[i] = &g->shapes[in_shapes[i]];
    if (info->infer) {
        const Shape *spec = info->arg == ARG_SHAPE ? &g->shapes[arg] : NULL;
        if (info->infer(in, arg, spec, out, err->message, sizeof err->message)) return true;
        err->status = GRAPH_SHAPE;
        return false;
    }
    *out = *in[0];
    if (info->arity < 2 || shape_broadcast(in[0], in[1], out)) return true;
    char sa[SHAPE_TEXT_SIZE], sb[SHAPE_TEXT_SIZE];
    err->status = GRAPH_SHAPE;
    snprintf(err->message, sizeof err->message,
             "shapes %s and %s do not broadcast for %s: each axis, counted from the right, "
             "must be equal or 1",
             shape_text(in[0], sa, sizeof sa), shape_text(in[1], sb, sizeof sb), info->spelling);
    return false;
}

bool graph_check_values(const Graph *g, Op op, const NodeId *inputs, GraphError *err) {
    const OpInfo *info = op_info(op);
    if (!info->check) return true;
    Value x[BP_MAX_INPUTS] = {{0}};
    for (int i = 0; i < info->arity; i++)
        x[i] = graph_value(g, inputs[i]);
    if (info->check(x, err->message, sizeof err->message)) return true;
    err->status = GRAPH_VALUE;
    return false;
}

NodeId graph_add_op(Graph *g, Op op, const NodeId *inputs, int32_t arg, GraphError *err) {
    const OpInfo *info = op_info(op);
    assert((info->forward || info->tforward) &&
           "graph_add_op: leaves and constants have their own adders");
    if (graph_is_scalar_arith(op) && g->nodes[inputs[0]].shape == 0 &&
        g->nodes[inputs[1]].shape == 0) { /* no shape to infer, no value to check */
        double a = graph_scalar(g, inputs[0]), b = graph_scalar(g, inputs[1]);
        NodeId id = add_scalar_node(g, op, inputs[0], inputs[1], graph_scalar_arith(op, a, b));
        if (id != NODE_NONE) return id;
    }
    int32_t shape = 0;
    bool all_scalar = true;
    for (int i = 0; i < info->arity; i++)
        all_scalar = all_scalar && g->nodes[inputs[i]].shape == 0;
    if (!all_scalar || info->infer) { /* scalars in, scalar out: nothing to check */
        int32_t in_shapes[BP_MAX_INPUTS];
        for (int i = 0; i < info->arity; i++)
            in_shapes[i] = g->nodes[inputs[i]].shape;
        Shape out;
        if (!graph_infer_shape(g, op, in_shapes, arg, &out, err)) return NODE_NONE;
        if ((shape = graph_shape_for_value(g, &out, err)) < 0) return NODE_NONE;
    }
    if (!graph_check_values(g, op, inputs, err)) return NODE_NONE;
    if (info->check) g->checked_ops++;
    NodeId id = graph_add_node(g, op, inputs, shape);
    if (id == NODE_NONE) {
        graph_set_error(err, GRAPH_NO_MEMORY, "out of memory");
        return NODE_NONE;
    }
    if (info->arg != ARG_NONE) g->nodes[id].arg = arg; /* in in[2]'s slot: see Node */
    graph_compute(g, id);
    return id;
}

GraphMark graph_mark(const Graph *g) {
    return (GraphMark){g->count, g->vcount};
}

void graph_rollback(Graph *g, GraphMark m) {
    assert(m.count <= g->count && "graph_rollback: mark is newer than the graph");
    g->count = m.count;
    g->edits++;
    graph_truncate_values(g, m.vcount);
    if (g->topo_covers > m.count) g->topo_valid = false;
}

Value graph_value(const Graph *g, NodeId id) {
    const Node *n = &g->nodes[id];
    const Shape *s = &g->shapes[n->shape];
    return (Value){s, &g->values[n->off], shape_size(s)};
}
