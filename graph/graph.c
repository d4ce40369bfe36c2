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

static void set_error(GraphError *err, GraphStatus status, const char *message) {
    err->status = status;
    snprintf(err->message, sizeof err->message, "%s", message);
}

/* Makes room for `more` elements of value and gradient storage. */
static bool reserve_values(Graph *g, size_t more) {
    if (g->vcount + (uint64_t)more <= g->vcap) return true;
    if (g->vcount + (uint64_t)more > UINT32_MAX) return false;
    int64_t cap = g->vcap, cap2 = g->vcap, need = (int64_t)g->vcount + (int64_t)more;
    if (!graph_grow((void **)&g->values, &cap, sizeof *g->values, need) ||
        !graph_grow((void **)&g->grads, &cap2, sizeof *g->grads, need))
        return false;
    cap = cap < cap2 ? cap : cap2;
    g->vcap = (uint32_t)(cap > UINT32_MAX ? UINT32_MAX : cap);
    return true;
}

/* Storage for `size` more elements (zeroed); returns the offset of the first. */
static uint32_t take_values(Graph *g, size_t size) {
    uint32_t off = g->vcount;
    memset(g->values + off, 0, size * sizeof *g->values);
    memset(g->grads + off, 0, size * sizeof *g->grads);
    g->vcount += (uint32_t)size;
    return off;
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
    uint64_t size = 1;
    for (int i = 0; i < s->rank; i++)
        size = size > BP_MAX_ELEMENTS ? size : size * (uint64_t)(s->dims[i] < 0 ? 0 : s->dims[i]);
    if (size <= BP_MAX_ELEMENTS && (uint64_t)g->vcount + size <= UINT32_MAX) return true;
    char st[SHAPE_TEXT_SIZE];
    err->status = GRAPH_TOO_BIG;
    snprintf(err->message, sizeof err->message,
             "a value of shape %s is too big: the limit is %d elements per value",
             shape_text(s, st, sizeof st), BP_MAX_ELEMENTS);
    return false;
}

/* Appends a node of shape index `shape`; its storage is zeroed. */
static NodeId add_node(Graph *g, Op op, const NodeId *inputs, int32_t shape) {
    if (!ensure_shape_table(g)) return NODE_NONE;
    size_t size = shape == 0 ? 1 : shape_size(&g->shapes[shape]);
    if (!grow32((void **)&g->nodes, &g->cap, sizeof *g->nodes, (int64_t)g->count + 1) ||
        !reserve_values(g, size))
        return NODE_NONE;
    NodeId id = g->count++;
    g->edits++;
    Node *n = &g->nodes[id];
    n->op = (uint8_t)op;
    n->flags = 0;
    n->shape = (uint16_t)shape;
    n->name = -1;
    n->arg = 0;
    if (size == 1) { /* the scalar path: no memset calls */
        n->off = g->vcount++;
        g->values[n->off] = 0;
        g->grads[n->off] = 0;
    } else {
        n->off = take_values(g, size);
    }
    int arity = op_info(op)->arity;
    for (int i = 0; i < BP_MAX_INPUTS; i++) {
        assert((i >= arity || (inputs[i] >= 0 && inputs[i] < id)) &&
               "add_node: an input must be an existing node");
        n->in[i] = i < arity ? inputs[i] : NODE_NONE;
    }
    return id;
}

NodeId graph_add_const(Graph *g, double value) {
    NodeId id = add_node(g, OP_CONST, NULL, 0);
    if (id != NODE_NONE) g->values[g->nodes[id].off] = value;
    return id;
}

/* The shape index for a new value of shape s, or -1 with err set. */
static int32_t shape_for_value(Graph *g, const Shape *s, GraphError *err) {
    if (!check_size(g, s, err)) return -1;
    int32_t shape = graph_intern_shape(g, s);
    if (shape < 0)
        set_error(err, GRAPH_TOO_MANY,
                  "too many different shapes in one session (the limit is 65535)");
    return shape;
}

NodeId graph_add_tensor(Graph *g, const Shape *shape, const double *data, GraphError *err) {
    int32_t sh = shape_for_value(g, shape, err);
    if (sh < 0) return NODE_NONE;
    NodeId id = add_node(g, OP_CONST, NULL, sh);
    if (id == NODE_NONE) {
        set_error(err, GRAPH_NO_MEMORY, "out of memory");
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

NodeId graph_add_op(Graph *g, Op op, const NodeId *inputs, int32_t arg, GraphError *err) {
    const OpInfo *info = op_info(op);
    assert((info->forward || info->tforward) &&
           "graph_add_op: leaves and constants have their own adders");
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
        if ((shape = shape_for_value(g, &out, err)) < 0) return NODE_NONE;
    }
    NodeId id = add_node(g, op, inputs, shape);
    if (id == NODE_NONE) {
        set_error(err, GRAPH_NO_MEMORY, "out of memory");
        return NODE_NONE;
    }
    g->nodes[id].arg = arg;
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
    g->vcount = m.vcount;
    if (g->topo_covers > m.count) g->topo_valid = false;
}

Value graph_value(const Graph *g, NodeId id) {
    const Node *n = &g->nodes[id];
    const Shape *s = &g->shapes[n->shape];
    return (Value){s, &g->values[n->off], shape_size(s)};
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
        set_error(err, GRAPH_NO_MEMORY, "out of memory");
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
        if (graph_infer_shape(g, (Op)n->op, in_shapes, n->arg, &out, err))
            s = shape_for_value(g, &out, err);
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
 * the old storage is left unused. */
static bool apply_reshape(Graph *g, const int32_t *plan) {
    size_t total = 0;
    for (NodeId id = 0; id < g->count; id++)
        if (plan[id] >= 0) total += shape_size(&g->shapes[plan[id]]);
    if (!reserve_values(g, total)) return false;
    for (NodeId id = 0; id < g->count; id++) {
        if (plan[id] < 0) continue;
        g->nodes[id].shape = (uint16_t)plan[id];
        g->nodes[id].off = take_values(g, shape_size(&g->shapes[plan[id]]));
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
        set_error(err, GRAPH_NO_MEMORY, "out of memory");
        return NODE_NONE;
    }
    if (size > 1) memcpy(data, &g->values[g->nodes[root].off], size * sizeof *data);
    graph_rollback(g, m);
    NodeId id = existing;
    bool ok = true;
    if (id == NODE_NONE)
        ok = (id = add_node(g, OP_LEAF, NULL, shape)) != NODE_NONE;
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
    if (!ok) set_error(err, GRAPH_NO_MEMORY, "out of memory");
    return ok ? id : NODE_NONE;
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
        arg = g->nodes[root].arg;
        memcpy(inputs, g->nodes[root].in, sizeof inputs);
        g->count--;
        g->vcount = g->nodes[root].off; /* the root's storage was the last */
    }
    bool ok = redefine(g, existing, op, inputs) && (!plan || apply_reshape(g, plan));
    free(plan);
    g->nodes[existing].arg = arg;
    if (!ok || !graph_propagate(g, existing)) {
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
