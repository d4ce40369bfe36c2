/* reach.c - which nodes take a gradient: the book's figures draw no red
 * arrow into a constant (5-20 has none into -1 or 1) nor into labels (5-30
 * returns only dx), and :grad lists only the leaves a gradient reaches. */
#include "graph.h"

bool graph_input_takes_grad(const Graph *g, NodeId id, int i) {
    const Node *n = graph_node(g, id);
    if (op_info((Op)n->op)->data_inputs >> i & 1u) return false;
    return graph_node(g, n->in[i])->op != OP_CONST;
}

bool graph_grad_reach(Graph *g, NodeId target, uint8_t *reach) {
    int32_t len;
    const NodeId *order = graph_ancestors(g, target, &len);
    if (!order) return false;
    reach[target] = 1;
    for (int32_t p = len - 1; p >= 0; p--) { /* users before their inputs */
        const Node *n = graph_node(g, order[p]);
        if (!reach[order[p]]) continue;
        for (int i = 0; i < op_info((Op)n->op)->arity; i++)
            if (graph_input_takes_grad(g, order[p], i)) reach[n->in[i]] = 1;
    }
    return true;
}
