/* eval.c - topological order, forward propagation, the backward pass and
 * the numerical gradient check. All walks use explicit stacks: no recursion
 * over the graph, so chain length is limited by memory only.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

void graph_compute(Graph *g, NodeId id) {
    const Node *n = &g->nodes[id];
    const OpInfo *info = op_info(n->op);
    if (!info->forward) return;
    double x[BP_MAX_INPUTS];
    for (int i = 0; i < info->arity; i++)
        x[i] = g->values[g->nodes[n->in[i]].off];
    g->values[n->off] = info->forward(x);
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
            const Node *n = &g->nodes[stack[sp - 1]];
            if (next[sp - 1] < op_info(n->op)->arity) {
                NodeId in = n->in[next[sp - 1]++];
                if (!state[in]) {
                    state[in] = 1;
                    stack[sp] = in;
                    next[sp++] = 0;
                }
            } else {
                out[len++] = stack[--sp];
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
    if (!ensure_topo(g)) return false;
    graph_compute(g, id);
    g->nodes[id].flags |= NODE_DIRTY;
    int32_t start = g->topo_pos[id];
    for (int32_t p = start + 1; p < g->topo_len; p++) {
        Node *n = &g->nodes[g->topo[p]];
        int arity = op_info(n->op)->arity;
        for (int i = 0; i < arity; i++) {
            if (g->nodes[n->in[i]].flags & NODE_DIRTY) {
                graph_compute(g, g->topo[p]);
                g->recomputed++;
                n->flags |= NODE_DIRTY;
                break;
            }
        }
    }
    for (int32_t p = start; p < g->topo_len; p++)
        g->nodes[g->topo[p]].flags &= ~NODE_DIRTY;
    return true;
}

bool graph_set_leaf(Graph *g, NodeId leaf, double value) {
    g->values[g->nodes[leaf].off] = value;
    return graph_propagate(g, leaf);
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

bool graph_backward_begin(Graph *g, NodeId target, double seed, const NodeId **order,
                          int32_t *len) {
    *order = graph_ancestors(g, target, len);
    if (!*order) return false;
    /* Zero everything, not just the ancestors, so nodes the target does not
     * depend on read as 0 rather than as a previous pass's leftovers. */
    memset(g->grads, 0, (size_t)g->vcount * sizeof *g->grads);
    g->grads[g->nodes[target].off] = seed;
    return true;
}

void graph_backward_node(Graph *g, NodeId id, double *flows) {
    const Node *n = &g->nodes[id];
    const OpInfo *info = op_info(n->op);
    if (!info->backward) return;
    double x[BP_MAX_INPUTS], dx[BP_MAX_INPUTS] = {0};
    for (int i = 0; i < info->arity; i++)
        x[i] = g->values[g->nodes[n->in[i]].off];
    /* Into a zeroed scratch first: with fan-out (x * x) two entries of dx
     * belong to the same node and must both be added to it. */
    info->backward(x, g->values[n->off], g->grads[n->off], dx);
    for (int i = 0; i < info->arity; i++) {
        g->grads[g->nodes[n->in[i]].off] += dx[i];
        if (flows) flows[i] = dx[i];
    }
}

bool graph_backward(Graph *g, NodeId target, double seed) {
    const NodeId *order;
    int32_t len;
    if (!graph_backward_begin(g, target, seed, &order, &len)) return false;
    for (int32_t p = len - 1; p >= 0; p--)
        graph_backward_node(g, order[p], NULL);
    return true;
}

double graph_grad(const Graph *g, NodeId node) {
    return g->grads[g->nodes[node].off];
}

/* Recomputes target from the current leaf values, touching only its
 * ancestors. */
static double forward_over(Graph *g, const NodeId *order, int32_t len, NodeId target) {
    for (int32_t p = 0; p < len; p++)
        graph_compute(g, order[p]);
    return graph_scalar(g, target);
}

bool graph_numeric_grad(Graph *g, NodeId target, NodeId leaf, double *out) {
    int32_t len;
    const NodeId *order = graph_ancestors(g, target, &len);
    if (!order) return false;
    double *x = &g->values[g->nodes[leaf].off];
    double x0 = *x;
    /* h ~ cbrt(machine epsilon) balances truncation against rounding error
     * for central differences; scaled so large inputs move measurably. */
    double h = 1e-5 * fmax(1.0, fabs(x0));
    *x = x0 + h;
    double f_plus = forward_over(g, order, len, target);
    *x = x0 - h;
    double f_minus = forward_over(g, order, len, target);
    *x = x0;
    forward_over(g, order, len, target);
    *out = (f_plus - f_minus) / (2 * h);
    return true;
}
