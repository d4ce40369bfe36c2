/* define.c - committing statements: definitions (new, redefined in place,
 * turned into leaves), the shape re-check a redefinition triggers, cycles,
 * and deletion. */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "format.h"
#include "internal.h"
#include "utf8.h"

/* Finds the newest derived name again after the cached one stopped being
 * one (turned into a leaf or deleted): rare, so a scan is fine. */
void graph_find_newest_derived(Graph *g) {
    uint32_t best = 0;
    g->newest_derived = NODE_NONE;
    for (int32_t k = 0; k < g->name_count; k++) {
        NodeId id = g->names[k].node;
        if (id != NODE_NONE && !graph_is_leaf(g, id) && g->names[k].seq >= best) {
            best = g->names[k].seq;
            g->newest_derived = id;
        }
    }
}

/* Marks node id dead, counting it and its storage as garbage. */
static void mark_dead(Graph *g, NodeId id) {
    g->nodes[id].flags |= NODE_DEAD;
    g->dead++;
    g->dead_values += graph_span(g, id);
}

/* Marks dead the unnamed nodes that only `id` uses. Each unnamed node is
 * part of exactly one statement's expression tree, so it has one user. */
static bool kill_expression(Graph *g, NodeId id, NodeId *stack) {
    int32_t sp = 0;
    stack[sp++] = id;
    while (sp > 0) {
        Node *n = &g->nodes[stack[--sp]];
        for (int i = 0; i < op_info(n->op)->arity; i++) {
            Node *in = &g->nodes[n->in[i]];
            if (in->name >= 0 || (in->flags & NODE_DEAD)) continue;
            mark_dead(g, n->in[i]);
            stack[sp++] = n->in[i];
        }
    }
    return true;
}

/* After "cycle: b → b", a statement that names only itself: how to say
 * what was meant. An input takes its new value directly (apple_num = 3, the
 * value the statement computed); a derived name's new value needs a name of
 * its own, or both would be the same node. Runs only on the error path. */
static void self_cycle_hint(const Graph *g, NodeId from, NodeId target, StrBuf *sb) {
    const char *name = graph_name_of(g, target);
    Value v = graph_value(g, from);
    if (graph_is_leaf(g, target) && from != target && v.shape->rank == 0) {
        char num[FMT_NUMBER_SIZE];
        sb_printf(sb, "; %s is an input: to change it, give it its new value (%s = %s)", name, name,
                  fmt_number(num, sizeof num, v.data[0], FMT_DEFAULT_DIGITS));
    } else if (graph_is_leaf(g, target)) {
        sb_printf(sb, "; %s is an input: to change it, give it a new value that does not use %s",
                  name, name);
    } else {
        sb_printf(sb, "; %s is computed from other names: give the new value a name of its own",
                  name);
        StrBuf other, expr;
        sb_init(&other);
        sb_init(&expr);
        sb_printf(&other, "%s2", name);
        if (from != target && !other.failed &&
            graph_lookup(g, other.data, (int)other.len) == NODE_NONE &&
            graph_expr_text_within(g, from, 60, &expr))
            sb_printf(sb, " (%s = %s)", other.data, expr.data);
        sb_free(&other);
        sb_free(&expr);
    }
}

/* Does `from` (or anything it depends on) reach `target`? If so, writes the
 * chain of names from target to from into err as a cycle message. */
static bool find_cycle(Graph *g, NodeId from, NodeId target, GraphError *err) {
    NodeId *stack = malloc((size_t)g->count * sizeof *stack);
    NodeId *parent = malloc((size_t)g->count * sizeof *parent);
    uint8_t *seen = calloc((size_t)g->count, 1);
    bool found = false;
    if (!stack || !parent || !seen) {
        err->status = GRAPH_NO_MEMORY;
        snprintf(err->message, sizeof err->message, "out of memory");
        found = true;
        goto done;
    }
    int32_t sp = 0;
    stack[sp++] = from;
    seen[from] = 1;
    parent[from] = NODE_NONE;
    while (sp > 0 && !found) {
        NodeId id = stack[--sp];
        const Node *n = &g->nodes[id];
        for (int i = 0; i < op_info(n->op)->arity; i++) {
            NodeId in = n->in[i];
            if (seen[in]) continue;
            seen[in] = 1;
            parent[in] = id;
            if (in == target) {
                found = true;
                break;
            }
            stack[sp++] = in;
        }
    }
    if (found || from == target) {
        found = true;
        StrBuf sb;
        sb_init(&sb);
        sb_printf(&sb, "cycle: %s", graph_name_of(g, target));
        bool self = true; /* no other name on the way */
        for (NodeId id = from == target ? NODE_NONE : parent[target]; id != NODE_NONE;
             id = parent[id])
            if (g->nodes[id].name >= 0) {
                sb_printf(&sb, " → %s", graph_name_of(g, id));
                self = false;
            }
        sb_printf(&sb, " → %s", graph_name_of(g, target));
        if (self) self_cycle_hint(g, from, target, &sb);
        err->status = GRAPH_CYCLE;
        snprintf(err->message, sizeof err->message, "%s", sb.data);
        sb_free(&sb);
    }
done:
    free(stack);
    free(parent);
    free(seen);
    return found;
}

/* Turns existing node `id` into a copy of `src`'s op and inputs (or into a
 * leaf when src is NODE_NONE), dropping its old expression. */
static bool redefine(Graph *g, NodeId id, Op op, const NodeId *inputs) {
    NodeId *stack = malloc((size_t)g->count * sizeof *stack);
    if (!stack) return false;
    kill_expression(g, id, stack);
    free(stack);
    Node *n = &g->nodes[id];
    n->op = (uint8_t)op;
    for (int i = 0; i < BP_MAX_INPUTS; i++)
        n->in[i] = i < op_info(op)->arity ? inputs[i] : NODE_NONE;
    g->topo_valid = false;
    g->edits++;
    return true;
}

/* Does any node added since `m` use a node from before it? Only named nodes
 * can be referred to, so this tells whether the expression used a name. */
static bool uses_names(const Graph *g, NodeId root, GraphMark m) {
    if (root < m.count) return true;
    for (NodeId id = m.count; id < g->count; id++) {
        const Node *n = &g->nodes[id];
        for (int i = 0; i < op_info(n->op)->arity; i++)
            if (n->in[i] < m.count) return true;
    }
    return false;
}

/* Names node u for a message: itself if named, else the named node whose
 * expression it is part of (each unnamed node has exactly one user). */
static const char *owner_name(const Graph *g, const NodeId *order, int32_t p, int32_t len) {
    NodeId u = order[p];
    for (; p < len && g->nodes[u].name < 0; p++) {
        const Node *n = &g->nodes[order[p]];
        for (int i = 0; i < op_info(n->op)->arity; i++)
            if (n->in[i] == u) u = order[p];
    }
    return g->nodes[u].name >= 0 ? graph_name_of(g, u) : "?";
}

/* Plans giving node `id` the shape `shape`: returns plan[n] = the new shape
 * of every node whose shape would change (-1 for the others), or NULL with
 * err set when something downstream would no longer fit. Changes nothing
 * but the shape table. */
static int32_t *plan_reshape(Graph *g, NodeId id, int32_t shape, GraphError *err) {
    int32_t len;
    const NodeId *order = graph_order(g, &len);
    int32_t *plan = order ? malloc((size_t)g->count * sizeof *plan) : NULL;
    if (!plan) {
        graph_set_error(err, GRAPH_NO_MEMORY, "out of memory");
        return NULL;
    }
    for (int32_t i = 0; i < g->count; i++)
        plan[i] = -1;
    plan[id] = shape;
    for (int32_t p = g->topo_pos[id] + 1; p < len; p++) {
        const Node *n = &g->nodes[order[p]];
        int32_t in_shapes[BP_MAX_INPUTS];
        bool touched = false;
        for (int i = 0; i < op_info(n->op)->arity; i++) {
            touched = touched || plan[n->in[i]] >= 0;
            in_shapes[i] = plan[n->in[i]] >= 0 ? plan[n->in[i]] : g->nodes[n->in[i]].shape;
        }
        if (!touched) continue;
        Shape out;
        int32_t s = -1;
        if (graph_infer_shape(g, (Op)n->op, in_shapes, node_arg(n), &out, err))
            s = graph_shape_for_value(g, &out, err);
        if (s < 0) {
            char was[SHAPE_TEXT_SIZE], now[SHAPE_TEXT_SIZE], why[256];
            snprintf(why, sizeof why, "%.255s", err->message);
            snprintf(
                err->message, sizeof err->message, "changing %.64s from %s to %s breaks %.64s: %s",
                graph_name_of(g, id), shape_text(graph_shape(g, id), was, sizeof was),
                shape_text(&g->shapes[shape], now, sizeof now), owner_name(g, order, p, len), why);
            free(plan);
            return NULL;
        }
        if (s != n->shape) plan[order[p]] = s;
    }
    return plan;
}

/* Gives every node in the plan its new shape and fresh (zeroed) storage;
 * the old storage is left unused, as garbage. */
static bool apply_reshape(Graph *g, const int32_t *plan) {
    size_t total = 0, spans = 0;
    for (NodeId id = 0; id < g->count; id++) {
        if (plan[id] < 0) continue;
        total += shape_size(&g->shapes[plan[id]]);
        spans++;
    }
    if (!graph_reserve_values(g, total, spans)) return false;
    for (NodeId id = 0; id < g->count; id++) {
        if (plan[id] < 0) continue;
        g->dead_values += graph_span(g, id);
        g->nodes[id].shape = (uint16_t)plan[id];
        g->nodes[id].off = graph_take_values(g, shape_size(&g->shapes[plan[id]]));
    }
    return true;
}

/* When `existing` is to take root's shape, the plan for it (NULL plan and
 * true when the shape stays). False, with err set, if it cannot. */
static bool plan_for(Graph *g, NodeId existing, NodeId root, int32_t **plan, GraphError *err) {
    *plan = NULL;
    if (existing == NODE_NONE || g->nodes[existing].shape == g->nodes[root].shape) return true;
    *plan = plan_reshape(g, existing, g->nodes[root].shape, err);
    return *plan != NULL;
}

static NodeId define_leaf(Graph *g, int32_t k, NodeId existing, NodeId root, GraphMark m,
                          GraphError *err) {
    int32_t *plan;
    if (!plan_for(g, existing, root, &plan, err)) {
        graph_rollback(g, m);
        return NODE_NONE;
    }
    int32_t shape = g->nodes[root].shape;
    size_t size = shape_size(&g->shapes[shape]);
    double scalar = graph_scalar(g, root);
    double *data = size == 1 ? &scalar : malloc(size * sizeof *data);
    if (!data) {
        free(plan);
        graph_rollback(g, m);
        graph_set_error(err, GRAPH_NO_MEMORY, "out of memory");
        return NODE_NONE;
    }
    if (size > 1) memcpy(data, &g->values[g->nodes[root].off], size * sizeof *data);
    graph_rollback(g, m);
    NodeId id = existing;
    bool ok = true;
    if (id == NODE_NONE)
        ok = (id = graph_add_node(g, OP_LEAF, NULL, shape)) != NODE_NONE;
    else if (g->nodes[id].op != OP_LEAF)
        ok = redefine(g, id, OP_LEAF, NULL);
    ok = ok && (!plan || apply_reshape(g, plan));
    if (ok) {
        g->nodes[id].name = k;
        g->names[k].node = id;
        memcpy(&g->values[g->nodes[id].off], data, size * sizeof *data);
        ok = existing == NODE_NONE || graph_propagate(g, id);
    }
    if (data != &scalar) free(data);
    free(plan);
    if (!ok) graph_set_error(err, GRAPH_NO_MEMORY, "out of memory");
    return ok ? id : NODE_NONE;
}

/* graph_define's work; k is the name's index in the name table. */
static NodeId define_commit(Graph *g, int32_t k, NodeId root, GraphMark m, GraphError *err) {
    NodeId existing = g->names[k].node;
    if (!uses_names(g, root, m)) return define_leaf(g, k, existing, root, m, err);

    if (existing == NODE_NONE) {
        NodeId id = root;
        if (root < m.count || g->nodes[root].name >= 0)
            id = graph_add_op(g, OP_IDENT, &root, 0, err);
        if (id == NODE_NONE) {
            graph_rollback(g, m);
            return NODE_NONE;
        }
        g->nodes[id].name = k;
        g->names[k].node = id;
        return id;
    }

    int32_t *plan;
    if (find_cycle(g, root, existing, err) || !plan_for(g, existing, root, &plan, err)) {
        graph_rollback(g, m);
        return NODE_NONE;
    }
    /* The new root's op and inputs move into the existing node, so every
     * user of the name sees the new definition without being touched. */
    Op op = OP_IDENT;
    NodeId inputs[BP_MAX_INPUTS] = {root, NODE_NONE, NODE_NONE};
    int32_t arg = 0;
    if (root >= m.count) {
        assert(root == g->count - 1 && "graph_define: the root must be the statement's last node");
        op = (Op)g->nodes[root].op;
        arg = node_arg(&g->nodes[root]);
        memcpy(inputs, g->nodes[root].in, sizeof inputs);
        g->count--;
        graph_truncate_values(g, g->nodes[root].off); /* the root's storage was the last */
    }
    bool ok = redefine(g, existing, op, inputs) && (!plan || apply_reshape(g, plan));
    free(plan);
    if (op_info(op)->arg != ARG_NONE) g->nodes[existing].arg = arg;
    if (!ok || !graph_propagate(g, existing)) {
        graph_set_error(err, GRAPH_NO_MEMORY, "out of memory");
        return NODE_NONE;
    }
    return existing;
}

/* What a redefinition of node `id` may change, copied before it: the nodes
 * from before the statement (op, inputs, flags, shape and storage of each),
 * the garbage counts, and the node's own values. Values downstream need no
 * copy: they are computed again from these. */
typedef struct {
    NodeId id;
    GraphMark mark;
    Node *nodes;
    double *values;
    int32_t dead;
    uint32_t dead_values;
} Snapshot;

static bool snapshot_take(const Graph *g, NodeId id, GraphMark m, Snapshot *s) {
    Value v = graph_value(g, id);
    s->id = id;
    s->mark = m;
    s->dead = g->dead;
    s->dead_values = g->dead_values;
    s->nodes = malloc((size_t)m.count * sizeof *s->nodes);
    s->values = malloc(v.size * sizeof *s->values);
    if (!s->nodes || !s->values) return false;
    memcpy(s->nodes, g->nodes, (size_t)m.count * sizeof *s->nodes);
    memcpy(s->values, v.data, v.size * sizeof *s->values);
    return true;
}

/* Puts the graph back as it was when s was taken, minus the statement. */
static void snapshot_restore(Graph *g, const Snapshot *s) {
    memcpy(g->nodes, s->nodes, (size_t)s->mark.count * sizeof *s->nodes);
    g->count = s->mark.count;
    g->dead = s->dead;
    g->dead_values = s->dead_values;
    graph_truncate_values(g, s->mark.vcount);
    Value v = graph_value(g, s->id);
    memcpy(&g->values[g->nodes[s->id].off], s->values, v.size * sizeof *s->values);
    g->topo_valid = false;
    g->edits++;
    graph_propagate(g, s->id); /* as before: the same inputs give the same values */
}

static void snapshot_free(Snapshot *s) {
    free(s->nodes);
    free(s->values);
}

/* After node id changed and the change propagated: does every node
 * downstream accept its inputs' new values (OpCheck)? If not, err names the
 * first that does not. */
static bool downstream_accepts(Graph *g, NodeId id, GraphError *err) {
    for (int32_t k = 0; k < g->down_len; k++) {
        const Node *n = &g->nodes[g->down[k]];
        if (graph_check_values(g, (Op)n->op, n->in, err)) continue;
        char why[256];
        snprintf(why, sizeof why, "%.255s", err->message);
        snprintf(err->message, sizeof err->message, "changing %.64s breaks %.64s: %s",
                 graph_name_of(g, id), owner_name(g, g->topo, g->topo_pos[g->down[k]], g->topo_len),
                 why);
        return false;
    }
    return true;
}

/* define_commit, taken back when the change leaves a node downstream with
 * values it refuses (a class label that names no class): such values are
 * known only once the change has propagated. */
static NodeId define(Graph *g, int32_t k, NodeId root, GraphMark m, GraphError *err) {
    NodeId existing = g->names[k].node;
    if (existing == NODE_NONE || g->checked_ops == 0) return define_commit(g, k, root, m, err);
    Snapshot before = {0};
    if (!snapshot_take(g, existing, m, &before)) {
        snapshot_free(&before);
        graph_rollback(g, m);
        graph_set_error(err, GRAPH_NO_MEMORY, "out of memory");
        return NODE_NONE;
    }
    NodeId id = define_commit(g, k, root, m, err);
    if (id != NODE_NONE && !downstream_accepts(g, id, err)) {
        snapshot_restore(g, &before);
        id = NODE_NONE;
    }
    snapshot_free(&before);
    return id;
}

NodeId graph_define(Graph *g, const char *name, int len, NodeId root, GraphMark m,
                    GraphError *err) {
    err->status = GRAPH_OK;
    err->message[0] = '\0';
    if (!utf8_is_printable(name, (size_t)len)) {
        graph_rollback(g, m);
        graph_set_error(err, GRAPH_NOT_A_NAME,
                        "a name must be UTF-8 text without control characters");
        return NODE_NONE;
    }
    int32_t k = graph_intern_name(g, name, len);
    if (k < 0) {
        graph_rollback(g, m);
        graph_set_error(err, GRAPH_NO_MEMORY, "out of memory");
        return NODE_NONE;
    }
    NodeId before = g->names[k].node;
    bool was_derived = before != NODE_NONE && !graph_is_leaf(g, before);
    NodeId id = define(g, k, root, m, err);
    /* Redefining a derived name keeps its place in the order: the default
     * target stays the output the user built, not the part they adjusted. */
    if (id != NODE_NONE && !(was_derived && !graph_is_leaf(g, id)))
        g->names[g->nodes[id].name].seq = ++g->seq;
    if (id != NODE_NONE && !graph_is_leaf(g, id) && !was_derived)
        g->newest_derived = id;
    else if (id != NODE_NONE && id == g->newest_derived && graph_is_leaf(g, id))
        graph_find_newest_derived(g);
    return id;
}

int32_t graph_named_users(const Graph *g, NodeId id, NodeId *ids, int32_t max) {
    NodeId *stack = malloc(((size_t)g->count + 1) * sizeof *stack);
    if (!stack) return 0;
    int32_t found = 0;
    for (int32_t k = 0; k < g->name_count; k++) {
        NodeId user = g->names[k].node;
        if (user == NODE_NONE || user == id) continue;
        bool uses = false;
        int32_t sp = 0;
        stack[sp++] = user;
        while (sp > 0 && !uses) {
            const Node *n = &g->nodes[stack[--sp]];
            for (int i = 0; i < op_info(n->op)->arity && !uses; i++) {
                if (n->in[i] == id)
                    uses = true;
                else if (g->nodes[n->in[i]].name < 0)
                    stack[sp++] = n->in[i];
            }
        }
        if (uses) {
            if (found < max) ids[found] = user;
            found++;
        }
    }
    free(stack);
    return found;
}

bool graph_delete(Graph *g, const char *name, int len, GraphError *err) {
    err->status = GRAPH_OK;
    err->message[0] = '\0';
    int32_t k = graph_find_name(g, name, len);
    NodeId id = k < 0 ? NODE_NONE : g->names[k].node;
    if (id == NODE_NONE) {
        err->status = GRAPH_NOT_A_NAME;
        snprintf(err->message, sizeof err->message, "undefined name '%.*s'", len, name);
        return false;
    }
    NodeId users[8];
    int32_t n = graph_named_users(g, id, users, 8);
    if (n > 0) {
        StrBuf sb;
        sb_init(&sb);
        sb_printf(&sb, "cannot delete '%.*s': used by ", len, name);
        for (int32_t i = 0; i < n && i < 8; i++)
            sb_printf(&sb, "%s%s", i ? ", " : "", graph_name_of(g, users[i]));
        if (n > 8) sb_printf(&sb, " and %d more", n - 8);
        err->status = GRAPH_HAS_USERS;
        snprintf(err->message, sizeof err->message, "%s", sb.data);
        sb_free(&sb);
        return false;
    }
    NodeId *stack = malloc((size_t)g->count * sizeof *stack);
    if (!stack) {
        graph_set_error(err, GRAPH_NO_MEMORY, "out of memory");
        return false;
    }
    kill_expression(g, id, stack);
    free(stack);
    mark_dead(g, id);
    g->nodes[id].name = -1;
    g->names[k].node = NODE_NONE;
    if (id == g->newest_derived) graph_find_newest_derived(g);
    g->topo_valid = false;
    g->edits++;
    return true;
}
