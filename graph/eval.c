/* eval.c - topological order, forward propagation, the backward pass and
 * the numerical gradient check. All walks use explicit stacks: no recursion
 * over the graph, so chain length is limited by memory only.
 *
 * A scalar node takes the short path: its kernel on doubles. A tensor node
 * runs its element-wise kernel over the broadcast elements, or its
 * whole-tensor kernel (tensor_ops.c) on an OpCall.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* How an element-wise node walks its output: four nested axes (the rank
 * padded on the left), and for each input the step along each axis, 0 where
 * the input is broadcast. */
typedef struct {
    int64_t dims[BP_MAX_RANK];
    int64_t step[BP_MAX_INPUTS][BP_MAX_RANK];
} Broadcast;

static Broadcast broadcast_plan(const Graph *g, const Node *n, int arity) {
    Broadcast b;
    const Shape *out = &g->shapes[n->shape];
    int pad = BP_MAX_RANK - out->rank;
    for (int a = 0; a < BP_MAX_RANK; a++)
        b.dims[a] = a < pad ? 1 : out->dims[a - pad];
    for (int i = 0; i < arity; i++) {
        const Shape *s = graph_shape(g, n->in[i]);
        int64_t stride = 1;
        for (int a = BP_MAX_RANK - 1; a >= 0; a--) {
            int k = a - (BP_MAX_RANK - s->rank); /* the input's own axis */
            int64_t dim = k >= 0 ? s->dims[k] : 1;
            b.step[i][a] = dim == 1 ? 0 : stride;
            stride *= dim;
        }
    }
    return b;
}

/* Runs an element-wise op over every output element. Forward writes y;
 * backward (dy != NULL) adds each element's contributions into dx[i], so a
 * broadcast input sums what all its copies received. */
static void elementwise(Graph *g, const Node *n, const double *dy, double *const *dx) {
    const OpInfo *info = op_info(n->op);
    Broadcast b = broadcast_plan(g, n, info->arity);
    const double *in[BP_MAX_INPUTS];
    for (int i = 0; i < info->arity; i++)
        in[i] = &g->values[g->nodes[n->in[i]].off];
    double *y = &g->values[n->off];
    size_t j = 0;
    for (int64_t i0 = 0; i0 < b.dims[0]; i0++)
        for (int64_t i1 = 0; i1 < b.dims[1]; i1++)
            for (int64_t i2 = 0; i2 < b.dims[2]; i2++)
                for (int64_t i3 = 0; i3 < b.dims[3]; i3++, j++) {
                    double x[BP_MAX_INPUTS], d[BP_MAX_INPUTS] = {0};
                    int64_t at[BP_MAX_INPUTS];
                    for (int i = 0; i < info->arity; i++) {
                        const int64_t *st = b.step[i];
                        at[i] = i0 * st[0] + i1 * st[1] + i2 * st[2] + i3 * st[3];
                        x[i] = in[i][at[i]];
                    }
                    if (!dy) {
                        y[j] = info->forward(x);
                        continue;
                    }
                    info->backward(x, y[j], dy[j], d);
                    for (int i = 0; i < info->arity; i++)
                        dx[i][at[i]] += d[i];
                }
}

static OpCall make_call(Graph *g, const Node *n) {
    OpCall c = {0};
    for (int i = 0; i < op_info(n->op)->arity; i++)
        c.x[i] = graph_value(g, n->in[i]);
    c.yshape = &g->shapes[n->shape];
    c.y = &g->values[n->off];
    c.ysize = shape_size(c.yshape);
    c.arg = node_arg(n);
    return c;
}

/* A scalar +, - or * (graph_is_scalar_arith): run inline, not through the
 * kernel table. */
static bool is_scalar_arith(const Node *n) {
    return n->shape == 0 && graph_is_scalar_arith((Op)n->op);
}

static void forward_scalar_arith(Graph *g, const Node *n) {
    double a = g->values[g->nodes[n->in[0]].off], b = g->values[g->nodes[n->in[1]].off];
    g->values[n->off] = graph_scalar_arith((Op)n->op, a, b);
}

static void backward_scalar_arith(Graph *g, const Node *n) {
    const Node *a = &g->nodes[n->in[0]], *b = &g->nodes[n->in[1]];
    double dy = g->grads[n->off];
    if (n->op == OP_MUL) {
        double va = g->values[a->off], vb = g->values[b->off];
        g->grads[a->off] += dy * vb;
        g->grads[b->off] += dy * va;
    } else {
        g->grads[a->off] += dy;
        g->grads[b->off] += n->op == OP_ADD ? dy : -dy;
    }
}

void graph_compute(Graph *g, NodeId id) {
    const Node *n = &g->nodes[id];
    if (is_scalar_arith(n)) {
        forward_scalar_arith(g, n);
        return;
    }
    const OpInfo *info = op_info(n->op);
    if (n->shape == 0 && info->forward) { /* scalars in, scalar out */
        double x[BP_MAX_INPUTS];
        for (int i = 0; i < info->arity; i++)
            x[i] = g->values[g->nodes[n->in[i]].off];
        g->values[n->off] = info->forward(x);
    } else if (info->forward) {
        elementwise(g, n, NULL, NULL);
    } else if (info->tforward) {
        OpCall c = make_call(g, n);
        info->tforward(&c);
    }
}

/* Depth-first post-order from each root in roots[0..nroots): every node
 * comes after its inputs. Writes the order into out, returns its length.
 * `state` is caller-zeroed scratch (one byte per node); `stack` and `next`
 * hold one entry per node. */
static int32_t post_order(const Graph *g, const NodeId *roots, int32_t nroots, NodeId *out,
                          uint8_t *state, NodeId *stack, uint8_t *next) {
    int32_t len = 0;
    for (int32_t r = 0; r < nroots; r++) {
        NodeId root = roots ? roots[r] : r;
        if (state[root] || (g->nodes[root].flags & NODE_DEAD)) continue;
        int32_t sp = 0;
        stack[sp] = root;
        next[sp++] = 0;
        state[root] = 1;
        while (sp > 0) {
            /* The top node's inputs up to its first unvisited operation:
             * a source among them (a leaf, a constant) is done as soon as
             * it is found, in the place it would have had on the stack. */
            const Node *n = &g->nodes[stack[sp - 1]];
            int arity = op_info(n->op)->arity;
            NodeId push = NODE_NONE;
            while (push == NODE_NONE && next[sp - 1] < arity) {
                NodeId in = n->in[next[sp - 1]++];
                if (state[in]) continue;
                state[in] = 1;
                if (op_info(g->nodes[in].op)->arity > 0)
                    push = in;
                else
                    out[len++] = in;
            }
            if (push == NODE_NONE) {
                out[len++] = stack[--sp];
            } else {
                stack[sp] = push;
                next[sp++] = 0;
            }
        }
    }
    return len;
}

/* Makes g->topo an order of all live nodes. Cheap when only nodes were
 * appended since the last call: they go at the end, after their inputs. */
static bool ensure_topo(Graph *g) {
    int64_t cap = g->count;
    if (!g->topo_valid) {
        NodeId *topo = realloc(g->topo, (size_t)(cap + 1) * sizeof *topo);
        if (topo) g->topo = topo;
        int32_t *pos = realloc(g->topo_pos, (size_t)(cap + 1) * sizeof *pos);
        if (pos) g->topo_pos = pos;
        uint8_t *state = calloc((size_t)cap + 1, 1);
        uint8_t *next = malloc((size_t)cap + 1);
        NodeId *stack = malloc((size_t)(cap + 1) * sizeof *stack);
        bool ok = topo && pos && state && next && stack;
        if (ok) {
            g->topo_len = post_order(g, NULL, g->count, g->topo, state, stack, next);
            for (int32_t p = 0; p < g->topo_len; p++)
                g->topo_pos[g->topo[p]] = p;
            g->topo_covers = g->count;
            g->topo_valid = true;
            g->topo_builds++;
        }
        free(state);
        free(next);
        free(stack);
        return ok;
    }
    if (g->topo_covers < g->count) {
        NodeId *topo = realloc(g->topo, (size_t)(cap + 1) * sizeof *topo);
        if (!topo) return false;
        g->topo = topo;
        int32_t *pos = realloc(g->topo_pos, (size_t)(cap + 1) * sizeof *pos);
        if (!pos) return false;
        g->topo_pos = pos;
        for (NodeId id = g->topo_covers; id < g->count; id++) {
            if (g->nodes[id].flags & NODE_DEAD) continue;
            g->topo_pos[id] = g->topo_len;
            g->topo[g->topo_len++] = id;
        }
        g->topo_covers = g->count;
    }
    return true;
}

const NodeId *graph_order(Graph *g, int32_t *len) {
    *len = 0;
    if (!ensure_topo(g)) return NULL;
    *len = g->topo_len;
    return g->topo;
}

bool graph_propagate(Graph *g, NodeId id) {
    return graph_update(g, &id, 1);
}

/* Is g->down still the downstream order of ids[0..count)? Only a change of
 * structure moves it, and every such change adds nodes or rebuilds topo. */
static bool down_cached(const Graph *g, const NodeId *ids, int32_t count) {
    return g->down_count == g->count && g->down_builds == g->topo_builds &&
           g->down_nleaves == count &&
           memcmp(g->down_leaves, ids, (size_t)count * sizeof *ids) == 0;
}

/* Records in g->down every node downstream of ids[0..count), in topological
 * order: one walk from the earliest of them, marking what changed. */
static bool record_downstream(Graph *g, const NodeId *ids, int32_t count) {
    NodeId *down = realloc(g->down, ((size_t)g->topo_len + 1) * sizeof *down);
    if (down) g->down = down;
    NodeId *leaves = realloc(g->down_leaves, (size_t)count * sizeof *leaves);
    if (leaves) g->down_leaves = leaves;
    g->down_count = -1;
    if (!down || !leaves) return false;
    memcpy(leaves, ids, (size_t)count * sizeof *ids);
    int32_t start = g->topo_len, len = 0;
    for (int32_t k = 0; k < count; k++) {
        g->nodes[ids[k]].flags |= NODE_DIRTY;
        start = g->topo_pos[ids[k]] < start ? g->topo_pos[ids[k]] : start;
    }
    for (int32_t p = start + 1; p < g->topo_len; p++) {
        Node *n = &g->nodes[g->topo[p]];
        int arity = op_info(n->op)->arity;
        for (int i = 0; i < arity; i++) {
            if (g->nodes[n->in[i]].flags & NODE_DIRTY) {
                n->flags |= NODE_DIRTY;
                down[len++] = g->topo[p];
                break;
            }
        }
    }
    /* Only what was marked needs unmarking: not the whole graph. */
    for (int32_t k = 0; k < count; k++)
        g->nodes[ids[k]].flags &= (uint8_t)~NODE_DIRTY;
    for (int32_t k = 0; k < len; k++)
        g->nodes[down[k]].flags &= (uint8_t)~NODE_DIRTY;
    g->down_len = len;
    g->down_nleaves = count;
    g->down_count = g->count;
    g->down_builds = g->topo_builds;
    return true;
}

bool graph_update(Graph *g, const NodeId *ids, int32_t count) {
    if (count == 0) return true;
    if (!ensure_topo(g)) return false;
    if (!down_cached(g, ids, count) && !record_downstream(g, ids, count)) return false;
    for (int32_t k = 0; k < count; k++) /* leaves (most often all of ids) compute nothing */
        if (!graph_is_leaf(g, ids[k])) graph_compute(g, ids[k]);
    for (int32_t k = 0; k < g->down_len; k++) {
        const Node *n = &g->nodes[g->down[k]];
        if (is_scalar_arith(n)) /* here too, not only in graph_compute: it saves a call */
            forward_scalar_arith(g, n);
        else
            graph_compute(g, g->down[k]);
    }
    g->recomputed += g->down_len;
    return true;
}

bool graph_set_leaf(Graph *g, NodeId leaf, double value) {
    g->values[g->nodes[leaf].off] = value;
    return graph_propagate(g, leaf);
}

double *graph_leaf_data(Graph *g, NodeId leaf) {
    return &g->values[g->nodes[leaf].off];
}

void graph_set_param(Graph *g, NodeId leaf, bool param) {
    if (param)
        g->nodes[leaf].flags |= NODE_PARAM;
    else
        g->nodes[leaf].flags &= (uint8_t)~NODE_PARAM;
}

const NodeId *graph_ancestors(Graph *g, NodeId target, int32_t *len) {
    if (g->ancestors_of == target && g->ancestors_edits == g->edits && g->grad_order) {
        *len = g->ancestors_len;
        return g->grad_order;
    }
    *len = 0;
    g->ancestors_of = NODE_NONE;
    NodeId *order = realloc(g->grad_order, ((size_t)g->count + 1) * sizeof *order);
    if (!order) return NULL;
    g->grad_order = order;
    uint8_t *state = calloc((size_t)g->count + 1, 1);
    uint8_t *next = malloc((size_t)g->count + 1);
    NodeId *stack = malloc(((size_t)g->count + 1) * sizeof *stack);
    if (state && next && stack) *len = post_order(g, &target, 1, order, state, stack, next);
    bool ok = state && next && stack;
    free(state);
    free(next);
    free(stack);
    if (ok) {
        g->ancestors_of = target;
        g->ancestors_len = *len;
        g->ancestors_edits = g->edits;
    }
    return ok ? order : NULL;
}

bool graph_backward_begin(Graph *g, NodeId target, const double *seed, const NodeId **order,
                          int32_t *len) {
    *order = graph_ancestors(g, target, len);
    if (!*order) return false;
    /* Zero everything, not just the ancestors, so nodes the target does not
     * depend on read as 0 rather than as a previous pass's leftovers. */
    graph_clear_grads(g);
    double *dy = &g->grads[g->nodes[target].off];
    size_t size = shape_size(graph_shape(g, target));
    for (size_t i = 0; i < size; i++)
        dy[i] = seed ? seed[i] : 1.0;
    return true;
}

void graph_backward_node(Graph *g, NodeId id, double *const *flows) {
    const Node *n = &g->nodes[id];
    const OpInfo *info = op_info(n->op);
    if (n->shape == 0 && info->backward) { /* scalars: the short path */
        double x[BP_MAX_INPUTS], dx[BP_MAX_INPUTS] = {0};
        for (int i = 0; i < info->arity; i++)
            x[i] = g->values[g->nodes[n->in[i]].off];
        /* Into a zeroed scratch first: with fan-out (x * x) two entries of dx
         * belong to the same node and must both be added to it. */
        info->backward(x, g->values[n->off], g->grads[n->off], dx);
        for (int i = 0; i < info->arity; i++) {
            g->grads[g->nodes[n->in[i]].off] += dx[i];
            if (flows) flows[i][0] = dx[i];
        }
        return;
    }
    if (!info->backward && !info->tbackward) return;
    /* Kernels only add, so they can add straight into the gradients, fan-out
     * included; a caller who wants the flows gets them in its own buffers. */
    double *dx[BP_MAX_INPUTS] = {NULL};
    for (int i = 0; i < info->arity; i++)
        dx[i] = flows ? flows[i] : &g->grads[g->nodes[n->in[i]].off];
    if (info->backward) {
        elementwise(g, n, &g->grads[n->off], dx);
    } else {
        OpCall c = make_call(g, n);
        c.dy = &g->grads[n->off];
        memcpy(c.dx, dx, sizeof dx);
        info->tbackward(&c);
    }
    if (!flows) return;
    for (int i = 0; i < info->arity; i++) {
        double *grad = &g->grads[g->nodes[n->in[i]].off];
        size_t size = shape_size(graph_shape(g, n->in[i]));
        for (size_t e = 0; e < size; e++)
            grad[e] += flows[i][e];
    }
}

bool graph_backward(Graph *g, NodeId target, const double *seed) {
    const NodeId *order;
    int32_t len;
    if (!graph_backward_begin(g, target, seed, &order, &len)) return false;
    for (int32_t p = len - 1; p >= 0; p--) {
        const Node *n = &g->nodes[order[p]];
        if (is_scalar_arith(n))
            backward_scalar_arith(g, n);
        else if (n->op != OP_LEAF && n->op != OP_CONST) /* sources pass nothing on */
            graph_backward_node(g, order[p], NULL);
    }
    return true;
}

double graph_grad(const Graph *g, NodeId node) {
    return g->grads[g->nodes[node].off];
}

Value graph_grad_value(const Graph *g, NodeId node) {
    const Shape *s = graph_shape(g, node);
    return (Value){s, &g->grads[g->nodes[node].off], shape_size(s)};
}

/* Recomputes target from the current leaf values, touching only its
 * ancestors, and returns Σ seed·target. */
static double forward_over(Graph *g, const NodeId *order, int32_t len, NodeId target,
                           const double *seed) {
    for (int32_t p = 0; p < len; p++)
        graph_compute(g, order[p]);
    Value y = graph_value(g, target);
    double f = 0;
    for (size_t i = 0; i < y.size; i++)
        f += (seed ? seed[i] : 1.0) * y.data[i];
    return f;
}

bool graph_numeric_grad(Graph *g, NodeId target, NodeId leaf, const double *seed, double *out) {
    return graph_numeric_grad_until(g, target, leaf, seed, NULL, NULL, out);
}

bool graph_numeric_grad_until(Graph *g, NodeId target, NodeId leaf, const double *seed,
                              bool (*stop)(void *ctx), void *ctx, double *out) {
    int32_t len;
    const NodeId *order = graph_ancestors(g, target, &len);
    if (!order) return false;
    size_t size = shape_size(graph_shape(g, leaf));
    bool stopped = false;
    for (size_t e = 0; e < size; e++) {
        if (stop && (stopped = stop(ctx))) break; /* the pass below restores the values */
        double *x = &g->values[g->nodes[leaf].off + e];
        double x0 = *x;
        /* h ~ cbrt(machine epsilon) balances truncation against rounding
         * error for central differences; scaled so large inputs move
         * measurably. */
        double h = 1e-5 * fmax(1.0, fabs(x0));
        *x = x0 + h;
        double f_plus = forward_over(g, order, len, target, seed);
        *x = x0 - h;
        double f_minus = forward_over(g, order, len, target, seed);
        *x = x0;
        out[e] = (f_plus - f_minus) / (2 * h);
    }
    forward_over(g, order, len, target, seed);
    return !stopped;
}
