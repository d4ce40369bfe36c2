/* diagnose.c - finding the node where a nan or an infinity first appears. */
#include "diagnose.h"

#include <math.h>
#include <stdlib.h>

bool value_is_finite(Value v) {
    for (size_t i = 0; i < v.size; i++)
        if (!isfinite(v.data[i])) return false;
    return true;
}

double value_first_nonfinite(Value v) {
    for (size_t i = 0; i < v.size; i++)
        if (!isfinite(v.data[i])) return v.data[i];
    return v.data[0];
}

static bool inputs_finite(const Graph *g, const Node *n) {
    for (int i = 0; i < op_info((Op)n->op)->arity; i++)
        if (!value_is_finite(graph_value(g, n->in[i]))) return false;
    return true;
}

NodeId graph_nonfinite_origin(const Graph *g, NodeId target) {
    if (value_is_finite(graph_value(g, target))) return NODE_NONE;
    /* A depth-first walk that emits a node once all its inputs have been
     * emitted is a topological order; graph_ancestors caches one, but
     * updating its cache would make this a writer. No recursion: chains
     * may be a million nodes long. */
    uint8_t *state = calloc((size_t)graph_count(g), 1); /* 0 new, 1 open, 2 emitted */
    NodeId *stack = malloc((size_t)graph_count(g) * sizeof *stack);
    NodeId origin = NODE_NONE;
    if (!state || !stack) goto done;
    int32_t sp = 0;
    stack[sp++] = target;
    state[target] = 1;
    while (sp > 0) {
        NodeId id = stack[sp - 1];
        const Node *n = graph_node(g, id);
        bool pushed = false;
        for (int i = 0; i < op_info((Op)n->op)->arity && !pushed; i++)
            if (state[n->in[i]] == 0) {
                state[n->in[i]] = 1;
                stack[sp++] = n->in[i];
                pushed = true;
            }
        if (pushed) continue;
        sp--;
        state[id] = 2;
        if (!value_is_finite(graph_value(g, id)) && inputs_finite(g, n)) {
            origin = id;
            break;
        }
    }
done:
    free(state);
    free(stack);
    return origin;
}
