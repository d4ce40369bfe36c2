/* graph.c - node and name storage, statements, definitions and deletion.
 *
 * Forward/backward passes are in eval.c, expression text in print.c.
 */
#include "graph.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

void graph_init_empty(Graph *g) {
    memset(g, 0, sizeof *g);
    g->ancestors_of = NODE_NONE;
    g->newest_derived = NODE_NONE;
}

/* Finds the newest derived name again after the cached one stopped being
 * one (turned into a leaf or deleted): rare, so a scan is fine. */
static void find_newest_derived(Graph *g) {
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
static bool grow32(void **items, int32_t *cap, size_t item_size, int64_t need) {
    if (need > INT32_MAX) return false;
    int64_t c = *cap;
    if (!graph_grow(items, &c, item_size, need)) return false;
    *cap = c > INT32_MAX ? INT32_MAX : (int32_t)c;
    return true;
}

/* --- nodes ---------------------------------------------------------------- */

static NodeId add_node(Graph *g, Op op, const NodeId *inputs) {
    if (g->shape_count == 0) {
        g->shapes = calloc(1, sizeof *g->shapes); /* shapes[0]: the scalar */
        if (!g->shapes) return NODE_NONE;
        g->shape_count = 1;
    }
    if (!grow32((void **)&g->nodes, &g->cap, sizeof *g->nodes, (int64_t)g->count + 1))
        return NODE_NONE;
    if (g->vcount + 1 > g->vcap) {
        int64_t cap = g->vcap;
        int64_t cap2 = g->vcap;
        if (!graph_grow((void **)&g->values, &cap, sizeof *g->values, (int64_t)g->vcount + 1) ||
            !graph_grow((void **)&g->grads, &cap2, sizeof *g->grads, (int64_t)g->vcount + 1))
            return NODE_NONE;
        if (cap > UINT32_MAX) return NODE_NONE;
        g->vcap = (uint32_t)(cap < cap2 ? cap : cap2);
    }
    NodeId id = g->count++;
    g->edits++;
    Node *n = &g->nodes[id];
    n->op = (uint8_t)op;
    n->flags = 0;
    n->shape = 0;
    n->name = -1;
    n->off = g->vcount++;
    int arity = op_info(op)->arity;
    for (int i = 0; i < BP_MAX_INPUTS; i++) {
        assert((i >= arity || (inputs[i] >= 0 && inputs[i] < id)) &&
               "add_node: an input must be an existing node");
        n->in[i] = i < arity ? inputs[i] : NODE_NONE;
    }
    g->values[n->off] = 0;
    g->grads[n->off] = 0;
    return id;
}

NodeId graph_add_const(Graph *g, double value) {
    NodeId id = add_node(g, OP_CONST, NULL);
    if (id != NODE_NONE) g->values[g->nodes[id].off] = value;
    return id;
}

NodeId graph_add_op(Graph *g, Op op, const NodeId *inputs) {
    assert(op_info(op)->forward && "graph_add_op: leaves and constants have their own adders");
    NodeId id = add_node(g, op, inputs);
    if (id != NODE_NONE) graph_compute(g, id);
    return id;
}

GraphMark graph_mark(const Graph *g) {
    return (GraphMark){g->count, g->vcount};
}

void graph_rollback(Graph *g, GraphMark m) {
    assert(m.count <= g->count && "graph_rollback: mark is newer than the graph");
    g->count = m.count;
    g->edits++;
    g->vcount = m.vcount;
    if (g->topo_covers > m.count) g->topo_valid = false;
}

Value graph_value(const Graph *g, NodeId id) {
    const Node *n = &g->nodes[id];
    const Shape *s = &g->shapes[n->shape];
    return (Value){s, &g->values[n->off], shape_size(s)};
}

size_t shape_size(const Shape *s) {
    size_t size = 1;
    for (int i = 0; i < s->rank; i++)
        size *= (size_t)s->dims[i];
    return size;
}

/* --- names ---------------------------------------------------------------- */

static uint32_t hash_name(const char *s, int len) {
    uint32_t h = 2166136261u; /* FNV-1a, then a final mix so the low bits */
    for (int i = 0; i < len; i++)
        h = (h ^ (uint8_t)s[i]) * 16777619u;
    h ^= h >> 16; /* used as the slot index depend on every byte */
    h *= 0x85ebca6bu;
    h ^= h >> 13;
    return h;
}

/* A slot packs the name's hash (high half) with its index + 1 (low half), so
 * probing compares hashes without touching the name table; 0 is empty. */
static uint64_t make_slot(uint32_t hash, int32_t k) {
    return (uint64_t)hash << 32 | (uint32_t)(k + 1);
}

/* The slot holding `name`, or the empty slot where it would go. */
static uint32_t find_slot(const Graph *g, const char *name, int len, uint32_t hash) {
    uint32_t mask = g->slot_cap - 1;
    for (uint32_t i = hash & mask;; i = (i + 1) & mask) {
        uint64_t slot = g->name_slots[i];
        if (slot == 0) return i;
        if ((uint32_t)(slot >> 32) != hash) continue;
        const Name *nm = &g->names[(int32_t)(uint32_t)slot - 1];
        if ((int)nm->len == len && memcmp(g->strings + nm->str, name, (size_t)len) == 0) return i;
    }
}

static int32_t find_name(const Graph *g, const char *name, int len) {
    if (g->slot_cap == 0) return -1;
    uint64_t slot = g->name_slots[find_slot(g, name, len, hash_name(name, len))];
    return (int32_t)(uint32_t)slot - 1;
}

void graph_prefetch_name(const Graph *g, const char *name, int len) {
    if (g->slot_cap == 0) return;
    __builtin_prefetch(&g->name_slots[hash_name(name, len) & (g->slot_cap - 1)]);
}

static bool rehash(Graph *g, uint32_t cap) {
    uint64_t *slots = calloc(cap, sizeof *slots);
    if (!slots) return false;
    free(g->name_slots);
    g->name_slots = slots;
    g->slot_cap = cap;
    for (int32_t k = 0; k < g->name_count; k++) {
        const Name *nm = &g->names[k];
        uint32_t hash = hash_name(g->strings + nm->str, (int)nm->len);
        slots[find_slot(g, g->strings + nm->str, (int)nm->len, hash)] = make_slot(hash, k);
    }
    return true;
}

/* Adds `name` to the table (it must not be there yet). Returns its index. */
static int32_t add_name(Graph *g, const char *name, int len) {
    if (((uint64_t)g->name_count + 1) * 4 > (uint64_t)g->slot_cap * 3) { /* load <= 3/4 */
        uint32_t cap = g->slot_cap ? g->slot_cap * 2 : 64;
        if (cap <= g->slot_cap || !rehash(g, cap)) return -1;
    }
    int64_t str_cap = g->str_cap;
    if ((uint64_t)g->str_len + (uint64_t)len + 1 > UINT32_MAX ||
        !graph_grow((void **)&g->strings, &str_cap, 1, (int64_t)g->str_len + len + 1))
        return -1;
    g->str_cap = (uint32_t)(str_cap > UINT32_MAX ? UINT32_MAX : str_cap);
    if (!grow32((void **)&g->names, &g->name_cap, sizeof *g->names, (int64_t)g->name_count + 1))
        return -1;
    int32_t k = g->name_count++;
    g->names[k] = (Name){g->str_len, (uint32_t)len, NODE_NONE, 0};
    memcpy(g->strings + g->str_len, name, (size_t)len);
    g->strings[g->str_len + (uint32_t)len] = '\0';
    g->str_len += (uint32_t)len + 1;
    uint32_t hash = hash_name(name, len);
    g->name_slots[find_slot(g, name, len, hash)] = make_slot(hash, k);
    return k;
}

NodeId graph_lookup(const Graph *g, const char *name, int len) {
    int32_t k = find_name(g, name, len);
    return k < 0 ? NODE_NONE : g->names[k].node;
}

const char *graph_name_of(const Graph *g, NodeId id) {
    int32_t k = g->nodes[id].name;
    return k < 0 ? NULL : g->strings + g->names[k].str;
}

/* --- definitions ---------------------------------------------------------- */

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
            in->flags |= NODE_DEAD;
            stack[sp++] = n->in[i];
        }
    }
    return true;
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
        for (NodeId id = from == target ? NODE_NONE : parent[target]; id != NODE_NONE;
             id = parent[id])
            if (g->nodes[id].name >= 0) sb_printf(&sb, " → %s", graph_name_of(g, id));
        sb_printf(&sb, " → %s", graph_name_of(g, target));
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

static void set_error(GraphError *err, GraphStatus status, const char *message) {
    err->status = status;
    snprintf(err->message, sizeof err->message, "%s", message);
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

static NodeId define_leaf(Graph *g, int32_t k, NodeId existing, double value, GraphMark m,
                          GraphError *err) {
    graph_rollback(g, m);
    NodeId id = existing;
    if (id == NODE_NONE) {
        id = add_node(g, OP_LEAF, NULL);
        if (id == NODE_NONE) return NODE_NONE;
    } else if (g->nodes[id].op != OP_LEAF && !redefine(g, id, OP_LEAF, NULL)) {
        set_error(err, GRAPH_NO_MEMORY, "out of memory");
        return NODE_NONE;
    }
    g->nodes[id].name = k;
    g->names[k].node = id;
    g->values[g->nodes[id].off] = value;
    if (existing != NODE_NONE && !graph_propagate(g, id)) {
        set_error(err, GRAPH_NO_MEMORY, "out of memory");
        return NODE_NONE;
    }
    return id;
}

/* graph_define's work; k is the name's index, or -1 if it is new. */
static NodeId define(Graph *g, int32_t k, const char *name, int len, NodeId root, GraphMark m,
                     GraphError *err) {
    NodeId existing = k < 0 ? NODE_NONE : g->names[k].node;
    if (k < 0 && (k = add_name(g, name, len)) < 0) {
        graph_rollback(g, m);
        set_error(err, GRAPH_NO_MEMORY, "out of memory");
        return NODE_NONE;
    }
    if (!uses_names(g, root, m)) {
        NodeId id = define_leaf(g, k, existing, graph_scalar(g, root), m, err);
        if (id == NODE_NONE && err->status == GRAPH_OK)
            set_error(err, GRAPH_NO_MEMORY, "out of memory");
        return id;
    }

    if (existing == NODE_NONE) {
        NodeId id = root;
        if (root < m.count || g->nodes[root].name >= 0) id = graph_add_op(g, OP_IDENT, &root);
        if (id == NODE_NONE) {
            graph_rollback(g, m);
            set_error(err, GRAPH_NO_MEMORY, "out of memory");
            return NODE_NONE;
        }
        g->nodes[id].name = k;
        g->names[k].node = id;
        return id;
    }

    if (find_cycle(g, root, existing, err)) {
        graph_rollback(g, m);
        return NODE_NONE;
    }
    /* The new root's op and inputs move into the existing node, so every
     * user of the name sees the new definition without being touched. */
    Op op = OP_IDENT;
    NodeId inputs[BP_MAX_INPUTS] = {root, NODE_NONE, NODE_NONE};
    if (root >= m.count) {
        assert(root == g->count - 1 && "graph_define: the root must be the statement's last node");
        op = (Op)g->nodes[root].op;
        memcpy(inputs, g->nodes[root].in, sizeof inputs);
        g->count--;
        g->vcount--;
    }
    if (!redefine(g, existing, op, inputs) || !graph_propagate(g, existing)) {
        set_error(err, GRAPH_NO_MEMORY, "out of memory");
        return NODE_NONE;
    }
    return existing;
}

NodeId graph_define(Graph *g, const char *name, int len, NodeId root, GraphMark m,
                    GraphError *err) {
    err->status = GRAPH_OK;
    err->message[0] = '\0';
    int32_t k = find_name(g, name, len);
    NodeId before = k < 0 ? NODE_NONE : g->names[k].node;
    bool was_derived = before != NODE_NONE && !graph_is_leaf(g, before);
    NodeId id = define(g, k, name, len, root, m, err);
    /* Redefining a derived name keeps its place in the order: the default
     * target stays the output the user built, not the part they adjusted. */
    if (id != NODE_NONE && !(was_derived && !graph_is_leaf(g, id)))
        g->names[g->nodes[id].name].seq = ++g->seq;
    if (id != NODE_NONE && !graph_is_leaf(g, id) && !was_derived)
        g->newest_derived = id;
    else if (id != NODE_NONE && id == g->newest_derived && graph_is_leaf(g, id))
        find_newest_derived(g);
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
    int32_t k = find_name(g, name, len);
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
        set_error(err, GRAPH_NO_MEMORY, "out of memory");
        return false;
    }
    kill_expression(g, id, stack);
    free(stack);
    g->nodes[id].flags |= NODE_DEAD;
    g->nodes[id].name = -1;
    g->names[k].node = NODE_NONE;
    if (id == g->newest_derived) find_newest_derived(g);
    g->topo_valid = false;
    g->edits++;
    return true;
}
