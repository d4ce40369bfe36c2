/* test_graph.c - the graph engine (graph/graph.h): definitions, reactive
 * updates, cycles, rollback, deletion, expression text and big graphs.
 *
 * Graphs are built from source text through the parser (as the REPL does)
 * or, for the million-node chains, directly through the graph API. Covers:
 * the book's examples (values, backward, numerical gradient); fan-out
 * accumulation; changing a leaf updates exactly its dependents (counted with
 * Graph.recomputed); redefinitions (intermediate, leaf <-> derived, alias);
 * cycle refusal with the exact message and an untouched graph; rollback;
 * delete; graph_expr_text round trips with minimal parentheses; names; and
 * 1,000,000-node chains (no recursion anywhere).
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "graph/graph.h"
#include "repl/parser.h"

/* --- helpers -------------------------------------------------------------- */

/* Runs every `name = expr` statement of src in g; each must succeed.
 * Returns the node of the last one. */
static NodeId run(Graph *g, const char *src) {
    Parser p;
    parser_init(&p, g, src, strlen(src), 0, 1);
    Statement st;
    NodeId last = NODE_NONE;
    while (parser_statement(&p, &st)) {
        ck_assert_msg(st.name != NULL, "\"%s\": not a definition", src);
        GraphError err;
        last = graph_define(g, st.name, st.name_len, st.root, st.mark, &err);
        ck_assert_msg(last != NODE_NONE, "\"%s\": %s", src, err.message);
        ck_assert_int_eq(err.status, GRAPH_OK);
        ck_assert_str_eq(err.message, "");
    }
    ck_assert_msg(!p.failed, "\"%s\": %s", src, p.error.message);
    return last;
}

/* Parses the single definition src (which must parse) and returns what
 * graph_define returns, with its error in *err. */
static NodeId try_define(Graph *g, const char *src, GraphError *err) {
    Parser p;
    parser_init(&p, g, src, strlen(src), 0, 1);
    Statement st;
    ck_assert_msg(parser_statement(&p, &st), "\"%s\": %s", src, p.error.message);
    ck_assert_msg(st.name != NULL, "\"%s\": not a definition", src);
    return graph_define(g, st.name, st.name_len, st.root, st.mark, err);
}

/* Parses src as a bare expression and leaves its nodes in the graph. */
static NodeId parse_expr(Graph *g, const char *src) {
    Parser p;
    parser_init(&p, g, src, strlen(src), 0, 1);
    Statement st;
    ck_assert_msg(parser_expression(&p, &st), "\"%s\": %s", src, p.error.message);
    return st.root;
}

static NodeId node(const Graph *g, const char *name) {
    NodeId id = graph_lookup(g, name, (int)strlen(name));
    ck_assert_msg(id != NODE_NONE, "no name '%s'", name);
    return id;
}

static double value(const Graph *g, const char *name) {
    return graph_scalar(g, node(g, name));
}

static double grad(const Graph *g, const char *name) {
    return graph_grad(g, node(g, name));
}

/* The definition of `name` as graph_expr_text writes it, in buf. */
static const char *text_of(const Graph *g, const char *name, char *buf, size_t size) {
    StrBuf sb;
    sb_init(&sb);
    graph_expr_text(g, node(g, name), &sb);
    ck_assert(!sb.failed);
    snprintf(buf, size, "%s", sb.data);
    sb_free(&sb);
    return buf;
}

static void set(Graph *g, const char *name, double v) {
    NodeId id = node(g, name);
    ck_assert_msg(graph_is_leaf(g, id), "'%s' is not a leaf", name);
    ck_assert(graph_set_leaf(g, id, v));
}

static bool close_to(double a, double b, double rel) {
    return a == b || fabs(a - b) <= rel * fmax(fabs(a), fabs(b));
}

static int32_t live_count(const Graph *g) {
    int32_t n = 0;
    for (NodeId id = 0; id < graph_count(g); id++)
        n += graph_is_live(g, id);
    return n;
}

/* graph_order lists every live node once, each after its inputs. */
static void assert_order_valid(Graph *g) {
    int32_t len;
    const NodeId *order = graph_order(g, &len);
    ck_assert_ptr_nonnull(order);
    ck_assert_int_eq(len, live_count(g));
    int32_t *pos = malloc((size_t)graph_count(g) * sizeof *pos + 1);
    ck_assert_ptr_nonnull(pos);
    for (NodeId id = 0; id < graph_count(g); id++)
        pos[id] = -1;
    for (int32_t p = 0; p < len; p++) {
        ck_assert_msg(order[p] >= 0 && order[p] < graph_count(g), "order[%d] = %d", p, order[p]);
        ck_assert_msg(graph_is_live(g, order[p]), "dead node #%d in the order", order[p]);
        ck_assert_msg(pos[order[p]] < 0, "node #%d twice in the order", order[p]);
        pos[order[p]] = p;
    }
    for (int32_t p = 0; p < len; p++) {
        const Node *n = graph_node(g, order[p]);
        for (int i = 0; i < op_info((Op)n->op)->arity; i++)
            ck_assert_msg(pos[n->in[i]] >= 0 && pos[n->in[i]] < p,
                          "node #%d comes before its input #%d", order[p], n->in[i]);
    }
    free(pos);
}

/* --- the book's examples --------------------------------------------------- */

typedef struct {
    const char *name;
    double grad;
} Expect;

typedef struct {
    const char *src, *target;
    double value;
    Expect grads[6]; /* until a NULL name */
    bool kink;       /* evaluated at relu's kink: no numerical check */
} Example;

// clang-format off
static const Example examples[] = {
    /* Figure 5-2 / 5-16: buying apples. */
    {"apple = 100; apple_num = 2; tax = 1.1; apple_price = apple * apple_num; "
     "price = apple_price * tax",
     "price", 220,
     {{"apple", 2.2}, {"apple_num", 110}, {"tax", 200}, {"apple_price", 1.1}, {"price", 1}},
     false},
    /* Figure 5-17: apples and oranges. */
    {"apple = 100; apple_num = 2; orange = 150; orange_num = 3; tax = 1.1; "
     "apple_price = apple * apple_num; orange_price = orange * orange_num; "
     "all_price = apple_price + orange_price; price = all_price * tax",
     "price", 715,
     {{"apple", 2.2}, {"apple_num", 110}, {"orange", 3.3}, {"orange_num", 165}, {"tax", 650}},
     false},
    /* The chain rule: z = t**2, t = x + y. */
    {"x = 2; y = 3; t = x + y; z = t ** 2", "z", 25, {{"x", 10}, {"y", 10}, {"t", 10}}, false},
    {"x = 0; y = sigmoid(x)", "y", 0.5, {{"x", 0.25}}, false},
    {"x = 1; y = exp(x) * x", "y", 2.718281828459045, {{"x", 5.43656365691809}}, false},
    {"x = 4; y = sqrt(x) + log(x)", "y", 2 + 1.3862943611198906, {{"x", 0.5}}, false},
    {"x = 2; y = relu(x)", "y", 2, {{"x", 1}}, false},
    {"x = -1; y = relu(x)", "y", 0, {{"x", 0}}, false},
    {"x = 0; y = relu(x)", "y", 0, {{"x", 0}}, true},
};
// clang-format on

START_TEST(book_examples) {
    const Example *e = &examples[_i];
    Graph g;
    graph_init_empty(&g);
    run(&g, e->src);
    NodeId target = node(&g, e->target);
    ck_assert_msg(close_to(graph_scalar(&g, target), e->value, 1e-12), "%s = %.17g, expected %g",
                  e->target, graph_scalar(&g, target), e->value);
    ck_assert(graph_backward(&g, target, NULL));
    for (const Expect *x = e->grads; x->name; x++) {
        double got = grad(&g, x->name);
        ck_assert_msg(close_to(got, x->grad, 1e-12), "∂%s/∂%s = %.17g, expected %g", e->target,
                      x->name, got, x->grad);
        if (e->kink || !graph_is_leaf(&g, node(&g, x->name))) continue;
        double numeric;
        ck_assert(graph_numeric_grad(&g, target, node(&g, x->name), NULL, &numeric));
        ck_assert_msg(close_to(numeric, got, 1e-6), "∂%s/∂%s: backward %.17g, numerical %.17g",
                      e->target, x->name, got, numeric);
    }
    graph_free(&g);
}
END_TEST

/* The seed is the book's dout: every gradient scales with it, and a second
 * pass starts from zero instead of adding to the first. */
START_TEST(backward_seed_scales_and_passes_do_not_accumulate) {
    Graph g;
    graph_init_empty(&g);
    NodeId price = run(&g, "apple = 100; apple_num = 2; tax = 1.1; "
                           "apple_price = apple * apple_num; price = apple_price * tax");
    ck_assert(graph_backward(&g, price, &(double){2.5}));
    ck_assert_double_eq_tol(grad(&g, "apple"), 5.5, 1e-12);
    ck_assert_double_eq_tol(grad(&g, "tax"), 500, 1e-9);
    ck_assert(graph_backward(&g, price, NULL));
    ck_assert(graph_backward(&g, price, NULL));
    ck_assert_double_eq_tol(grad(&g, "apple"), 2.2, 1e-12);
    ck_assert_double_eq_tol(grad(&g, "tax"), 200, 1e-12);
    /* Towards another target, nodes it does not depend on read 0. */
    ck_assert(graph_backward(&g, node(&g, "apple_price"), NULL));
    ck_assert_double_eq(grad(&g, "tax"), 0);
    ck_assert_double_eq(grad(&g, "price"), 0);
    ck_assert_double_eq(grad(&g, "apple"), 2);
    graph_free(&g);
}
END_TEST

/* The numerical gradient leaves every value exactly as it found it. */
START_TEST(numeric_grad_restores_values) {
    Graph g;
    graph_init_empty(&g);
    run(&g, "a = 0.3; b = 1.7; c = a * b + sin(a); d = exp(c) / b; e = b * 3");
    int32_t n = graph_count(&g);
    double *before = malloc((size_t)n * sizeof *before);
    ck_assert_ptr_nonnull(before);
    for (NodeId id = 0; id < n; id++)
        before[id] = graph_scalar(&g, id);
    double out;
    ck_assert(graph_numeric_grad(&g, node(&g, "d"), node(&g, "a"), NULL, &out));
    ck_assert(graph_numeric_grad(&g, node(&g, "d"), node(&g, "b"), NULL, &out));
    for (NodeId id = 0; id < n; id++)
        ck_assert_msg(graph_scalar(&g, id) == before[id], "node #%d: %.17g, was %.17g", id,
                      graph_scalar(&g, id), before[id]);
    free(before);
    graph_free(&g);
}
END_TEST

/* --- fan-out ---------------------------------------------------------------- */

static const struct {
    const char *src, *target, *leaf;
    double value, grad;
} fan_outs[] = {
    {"x = 3; y = x * x", "y", "x", 9, 6},
    {"x = 3; y = x + x + x", "y", "x", 9, 3},
    {"x = 3; y = x * x * x", "y", "x", 27, 27},
    {"x = 3; a = 2; b = 5; y = x * a + x * b", "y", "x", 21, 7},
    {"x = 3; a = 2; b = 5; y = x * a + x * b", "y", "a", 21, 3},
    {"x = 3; a = 2; b = 5; y = x * a + x * b", "y", "b", 21, 3},
    {"x = 3; t = x * 2; y = t * t + t", "y", "x", 42, 26},
    {"x = 3; t = x * 2; y = t * t + t", "y", "t", 42, 13},
    {"x = 3; y = x - x", "y", "x", 0, 0},
    {"x = 3; y = x / x", "y", "x", 1, 0},
    {"x = 3; a = x; b = x; y = a * b", "y", "x", 9, 6},
};

/* A value used more than once receives the sum of its gradients. */
START_TEST(fan_out_gradients_add_up) {
    Graph g;
    graph_init_empty(&g);
    run(&g, fan_outs[_i].src);
    NodeId y = node(&g, fan_outs[_i].target);
    ck_assert_double_eq_tol(graph_scalar(&g, y), fan_outs[_i].value, 1e-12);
    ck_assert(graph_backward(&g, y, NULL));
    double got = grad(&g, fan_outs[_i].leaf);
    ck_assert_msg(close_to(got, fan_outs[_i].grad, 1e-12), "%s: ∂%s/∂%s = %.17g, expected %g",
                  fan_outs[_i].src, fan_outs[_i].target, fan_outs[_i].leaf, got, fan_outs[_i].grad);
    graph_free(&g);
}
END_TEST

/* `x * x` is one node with the same input twice; both flows are reported. */
/* Constants and labels take no gradient (figures draw no red arrow into
 * them, :grad does not list them); what feeds only labels is not reached. */
START_TEST(gradient_reaches_no_constant_nor_labels) {
    Graph g;
    graph_init_empty(&g);
    NodeId L = run(&g, "s = [0, 1, 0]; t = s * 1; x = [1, 2, 3]; y = x * 2; "
                       "L = softmax_with_loss(y, t)");
    NodeId y = node(&g, "y"), t = node(&g, "t");
    ck_assert(graph_input_takes_grad(&g, L, 0));
    ck_assert(!graph_input_takes_grad(&g, L, 1)); /* the labels */
    ck_assert(graph_input_takes_grad(&g, y, 0));
    ck_assert(!graph_input_takes_grad(&g, y, 1)); /* the constant 2 */
    ck_assert(graph_input_takes_grad(&g, t, 0));  /* s * 1 itself is differentiable */
    uint8_t *reach = calloc((size_t)graph_count(&g), 1);
    ck_assert(graph_grad_reach(&g, L, reach));
    ck_assert(reach[L] && reach[y] && reach[node(&g, "x")]);
    ck_assert(!reach[t] && !reach[node(&g, "s")]);
    ck_assert(!reach[graph_node(&g, y)->in[1]]);
    /* The backward math is unchanged: the labels still receive y − t's share. */
    ck_assert(graph_backward(&g, L, NULL));
    ck_assert(graph_grad_value(&g, t).data[0] != 0);
    free(reach);
    graph_free(&g);
}
END_TEST

START_TEST(square_node_has_one_input_twice) {
    Graph g;
    graph_init_empty(&g);
    NodeId y = run(&g, "x = 3; y = x * x");
    NodeId x = node(&g, "x");
    ck_assert_int_eq(graph_node(&g, y)->op, OP_MUL);
    ck_assert_int_eq(graph_node(&g, y)->in[0], x);
    ck_assert_int_eq(graph_node(&g, y)->in[1], x);
    const NodeId *order;
    int32_t len;
    ck_assert(graph_backward_begin(&g, y, NULL, &order, &len));
    ck_assert_int_eq(len, 2);
    ck_assert_int_eq(order[len - 1], y);
    double flows[BP_MAX_INPUTS] = {0, 0, 0};
    double *flow_to[BP_MAX_INPUTS] = {&flows[0], &flows[1], &flows[2]};
    graph_backward_node(&g, y, flow_to);
    ck_assert_double_eq(flows[0], 3);
    ck_assert_double_eq(flows[1], 3);
    ck_assert_double_eq(graph_grad(&g, x), 6);
    graph_free(&g);
}
END_TEST

/* --- reactive updates -------------------------------------------------------- */

START_TEST(changing_a_leaf_updates_every_dependent) {
    Graph g;
    graph_init_empty(&g);
    run(&g, "a = 2; b = a * 3; c = b + 1; d = c * c; e = d - b; other = 7; f = other + 1");
    set(&g, "a", 5);
    ck_assert_double_eq(value(&g, "b"), 15);
    ck_assert_double_eq(value(&g, "c"), 16);
    ck_assert_double_eq(value(&g, "d"), 256);
    ck_assert_double_eq(value(&g, "e"), 241);
    ck_assert_double_eq(value(&g, "f"), 8);
    /* Redefining the leaf by a statement does the same. */
    run(&g, "a = -1");
    ck_assert_double_eq(value(&g, "b"), -3);
    ck_assert_double_eq(value(&g, "c"), -2);
    ck_assert_double_eq(value(&g, "d"), 4);
    ck_assert_double_eq(value(&g, "e"), 7);
    ck_assert(graph_is_leaf(&g, node(&g, "a")));
    graph_free(&g);
}
END_TEST

/* Two independent chains: changing a leaf of one recomputes exactly the
 * nodes of that chain, once each. */
START_TEST(changing_a_leaf_recomputes_only_its_dependents) {
    Graph g;
    graph_init_empty(&g);
    run(&g, "a = 1; a1 = a * 2; a2 = a1 + 1; a3 = a2 * a2; "
            "b = 1; b1 = b + 1; b2 = b1 * 3; "
            "p = 2; q = p * 2; r = p + 1; s = q * r"); /* a diamond: q and r join in s */
    int64_t before = g.recomputed;
    set(&g, "a", 2);
    ck_assert_int_eq(g.recomputed - before, 3);
    ck_assert_double_eq(value(&g, "a3"), 25);
    ck_assert_double_eq(value(&g, "b2"), 6);

    before = g.recomputed;
    set(&g, "b", 4);
    ck_assert_int_eq(g.recomputed - before, 2);
    ck_assert_double_eq(value(&g, "b2"), 15);
    ck_assert_double_eq(value(&g, "a3"), 25);

    before = g.recomputed;
    set(&g, "p", 3);
    ck_assert_int_eq(g.recomputed - before, 3); /* q, r, s once each */
    ck_assert_double_eq(value(&g, "s"), 24);

    before = g.recomputed;
    run(&g, "a = 3"); /* by a statement */
    ck_assert_int_eq(g.recomputed - before, 3);
    ck_assert_double_eq(value(&g, "a3"), 49);

    before = g.recomputed;
    run(&g, "a2 = a1 - 1"); /* an intermediate: only a3 lies downstream */
    ck_assert_int_eq(g.recomputed - before, 1);
    ck_assert_double_eq(value(&g, "a3"), 25);
    graph_free(&g);
}
END_TEST

/* Redefining an intermediate name re-links everything that used it. */
START_TEST(redefining_an_intermediate_relinks_dependents) {
    Graph g;
    graph_init_empty(&g);
    run(&g, "apple = 100; apple_price = apple * 2; tax = 1.1; price = apple_price * tax");
    NodeId apple_price = node(&g, "apple_price"), price = node(&g, "price");
    ck_assert_double_eq_tol(value(&g, "price"), 220, 1e-9);
    run(&g, "apple_price = apple * 3");
    ck_assert_int_eq(node(&g, "apple_price"), apple_price);
    ck_assert_int_eq(node(&g, "price"), price);
    ck_assert_double_eq(value(&g, "apple_price"), 300);
    ck_assert_double_eq_tol(value(&g, "price"), 330, 1e-9);
    char buf[128];
    ck_assert_str_eq(text_of(&g, "apple_price", buf, sizeof buf), "apple * 3");
    ck_assert_str_eq(text_of(&g, "price", buf, sizeof buf), "apple_price * tax");
    ck_assert(graph_backward(&g, price, NULL));
    ck_assert_double_eq_tol(grad(&g, "apple"), 3.3, 1e-12);
    /* The old expression's constant 2 is gone from every walk. */
    assert_order_valid(&g);
    ck_assert_int_eq(live_count(&g), 5); /* apple, 3, apple_price, tax, price */
    set(&g, "apple", 10);
    ck_assert_double_eq_tol(value(&g, "price"), 33, 1e-12);
    graph_free(&g);
}
END_TEST

START_TEST(leaf_becomes_derived) {
    Graph g;
    graph_init_empty(&g);
    run(&g, "b = 5; c = b * 10; a = 2");
    NodeId b = node(&g, "b");
    run(&g, "b = a + 1");
    ck_assert_int_eq(node(&g, "b"), b);
    ck_assert(!graph_is_leaf(&g, b));
    ck_assert_double_eq(value(&g, "b"), 3);
    ck_assert_double_eq(value(&g, "c"), 30);
    set(&g, "a", 4);
    ck_assert_double_eq(value(&g, "c"), 50);
    ck_assert(graph_backward(&g, node(&g, "c"), NULL));
    ck_assert_double_eq(grad(&g, "a"), 10);
    assert_order_valid(&g);
    graph_free(&g);
}
END_TEST

START_TEST(derived_becomes_leaf) {
    Graph g;
    graph_init_empty(&g);
    run(&g, "a = 2; b = (a + 1) * 2; c = b + 1");
    NodeId b = node(&g, "b");
    run(&g, "b = 7");
    ck_assert_int_eq(node(&g, "b"), b);
    ck_assert(graph_is_leaf(&g, b));
    ck_assert_double_eq(value(&g, "c"), 8);
    set(&g, "a", 100); /* b no longer depends on a */
    ck_assert_double_eq(value(&g, "b"), 7);
    ck_assert_double_eq(value(&g, "c"), 8);
    NodeId users[4];
    ck_assert_int_eq(graph_named_users(&g, node(&g, "a"), users, 4), 0);
    assert_order_valid(&g);
    ck_assert_int_eq(live_count(&g), 4); /* a, b, 1, c */
    char buf[64];
    ck_assert_str_eq(text_of(&g, "b", buf, sizeof buf), "7");
    GraphError err;
    ck_assert(graph_delete(&g, "a", 1, &err));
    set(&g, "b", 9);
    ck_assert_double_eq(value(&g, "c"), 10);
    graph_free(&g);
}
END_TEST

/* `a = b` makes a an alias: it follows b from then on. */
START_TEST(redefining_as_an_alias) {
    Graph g;
    graph_init_empty(&g);
    run(&g, "a = 2; b = 3; c = a * 10");
    run(&g, "a = b");
    ck_assert_double_eq(value(&g, "c"), 30);
    set(&g, "b", 4);
    ck_assert_double_eq(value(&g, "a"), 4);
    ck_assert_double_eq(value(&g, "c"), 40);
    char buf[64];
    ck_assert_str_eq(text_of(&g, "a", buf, sizeof buf), "b");
    ck_assert(graph_backward(&g, node(&g, "c"), NULL));
    ck_assert_double_eq(grad(&g, "b"), 10);
    graph_free(&g);
}
END_TEST

/* --- cycles ------------------------------------------------------------------ */

/* Everything graph_define could touch, to compare before and after. */
typedef struct {
    int32_t count, name_count;
    uint32_t vcount;
    Node *nodes;
    double *values;
    Name *names;
} Snapshot;

/* Copies (or, with copy false, compares with dst) every node's values, one
 * span at a time: ASan builds poison the gaps between spans. */
static bool node_values(const Graph *g, double *dst, bool copy) {
    for (NodeId id = 0; id < g->count; id++) {
        Value v = graph_value(g, id);
        if (copy)
            memcpy(dst, v.data, v.size * sizeof *dst);
        else if (memcmp(dst, v.data, v.size * sizeof *dst) != 0)
            return false;
        dst += v.size;
    }
    return true;
}

static Snapshot snapshot(const Graph *g) {
    Snapshot s = {g->count, g->name_count, g->vcount, NULL, NULL, NULL};
    s.nodes = malloc((size_t)g->count * sizeof *s.nodes + 1);
    s.values = malloc((size_t)g->vcount * sizeof *s.values + 1); /* vcount: at least enough */
    s.names = malloc((size_t)g->name_count * sizeof *s.names + 1);
    ck_assert(s.nodes && s.values && s.names);
    memcpy(s.nodes, g->nodes, (size_t)g->count * sizeof *s.nodes);
    node_values(g, s.values, true);
    memcpy(s.names, g->names, (size_t)g->name_count * sizeof *s.names);
    return s;
}

static void assert_unchanged(const Graph *g, Snapshot *s) {
    ck_assert_int_eq(g->count, s->count);
    ck_assert_int_eq(g->vcount, s->vcount);
    ck_assert_int_eq(g->name_count, s->name_count);
    ck_assert_msg(memcmp(g->nodes, s->nodes, (size_t)s->count * sizeof *s->nodes) == 0,
                  "nodes changed");
    ck_assert_msg(node_values(g, s->values, false), "values changed");
    ck_assert_msg(memcmp(g->names, s->names, (size_t)s->name_count * sizeof *s->names) == 0,
                  "names changed");
    free(s->nodes);
    free(s->values);
    free(s->names);
}

static const struct {
    const char *setup, *statement, *message;
} cycles[] = {
    {"apple = 100; apple_price = apple * 2; price = apple_price * 1.1", "apple = price * 1",
     "cycle: apple → apple_price → price → apple"},
    {"x = 1", "x = x + 1",
     "cycle: x → x; x is an input: to change it, give it its new value (x = 2)"},
    {"x = 1", "x = x",
     "cycle: x → x; x is an input: to change it, give it a new value that does not "
     "use x"},
    {"a = 1; b = a * 2; c = b", "a = (c + 1) * 2", "cycle: a → b → c → a"},
    {"a = 1; b = a * 2", "a = b", "cycle: a → b → a"},
    {"a = 1; b = a * 2; c = b + 1; d = 5", "b = d * c", "cycle: b → c → b"},
};

/* A definition that would make a node depend on itself is refused with the
 * path of names, and the graph is exactly as it was. */
START_TEST(cycles_are_refused) {
    Graph g;
    graph_init_empty(&g);
    run(&g, cycles[_i].setup);
    Snapshot before = snapshot(&g);
    GraphError err;
    NodeId id = try_define(&g, cycles[_i].statement, &err);
    ck_assert_int_eq(id, NODE_NONE);
    ck_assert_int_eq(err.status, GRAPH_CYCLE);
    ck_assert_str_eq(err.message, cycles[_i].message);
    assert_unchanged(&g, &before);
    assert_order_valid(&g);
    graph_free(&g);
}
END_TEST

/* After a refused cycle the graph still works as before. */
START_TEST(graph_works_after_a_refused_cycle) {
    Graph g;
    graph_init_empty(&g);
    run(&g, "apple = 100; apple_price = apple * 2; price = apple_price * 1.1");
    GraphError err;
    ck_assert_int_eq(try_define(&g, "apple = price * 1", &err), NODE_NONE);
    ck_assert(graph_is_leaf(&g, node(&g, "apple")));
    set(&g, "apple", 200);
    ck_assert_double_eq_tol(value(&g, "price"), 440, 1e-9);
    ck_assert(graph_backward(&g, node(&g, "price"), NULL));
    ck_assert_double_eq_tol(grad(&g, "apple"), 2.2, 1e-12);
    run(&g, "apple_price = apple * 3");
    ck_assert_double_eq_tol(value(&g, "price"), 660, 1e-9);
    graph_free(&g);
}
END_TEST

/* --- statements: mark and rollback ------------------------------------------ */

START_TEST(rollback_removes_the_statement) {
    Graph g;
    graph_init_empty(&g);
    run(&g, "a = 2; b = a * 3");
    int32_t count = graph_count(&g), names = g.name_count;
    uint32_t vcount = g.vcount;
    GraphMark m = graph_mark(&g);
    ck_assert_int_eq(m.count, count);
    NodeId c = graph_add_const(&g, 5);
    NodeId in[BP_MAX_INPUTS] = {node(&g, "b"), c, NODE_NONE};
    NodeId r = graph_add_op(&g, OP_MUL, in, 0, &(GraphError){0});
    ck_assert_int_eq(c, count);
    ck_assert_int_eq(r, count + 1);
    ck_assert_double_eq(graph_scalar(&g, r), 30);
    int32_t len;
    ck_assert_ptr_nonnull(graph_order(&g, &len)); /* the order now covers them */
    ck_assert_int_eq(len, count + 2);
    graph_rollback(&g, m);
    ck_assert_int_eq(graph_count(&g), count);
    ck_assert_int_eq(g.vcount, vcount);
    ck_assert_int_eq(g.name_count, names);
    assert_order_valid(&g);
    /* The order does not remember the removed nodes: changes still flow. */
    set(&g, "a", 4);
    ck_assert_double_eq(value(&g, "b"), 12);
    /* New nodes reuse the ids. */
    ck_assert_int_eq(graph_add_const(&g, 1), count);
    graph_free(&g);
}
END_TEST

/* A statement that fails to parse leaves nothing behind. */
START_TEST(failed_parse_leaves_graph_unchanged) {
    Graph g;
    graph_init_empty(&g);
    run(&g, "a = 2; b = a * 3");
    Snapshot before = snapshot(&g);
    static const char *const bad[] = {"c = a * (b + ", "c = a + nope", "c = exp(a, b)",
                                      "c = a * * 2"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        Parser p;
        parser_init(&p, &g, bad[i], strlen(bad[i]), 0, 1);
        Statement st;
        ck_assert_msg(!parser_statement(&p, &st), "\"%s\" parsed", bad[i]);
        ck_assert(p.failed);
        ck_assert_int_eq(graph_count(&g), before.count);
    }
    assert_unchanged(&g, &before);
    graph_free(&g);
}
END_TEST

/* --- delete --------------------------------------------------------------------- */

static bool delete_name(Graph *g, const char *name, GraphError *err) {
    return graph_delete(g, name, (int)strlen(name), err);
}

START_TEST(delete_is_refused_while_used) {
    Graph g;
    graph_init_empty(&g);
    run(&g, "a = 1; b = a * 2; c = a + b; d = c * 3; e = 4");
    GraphError err;
    ck_assert(!delete_name(&g, "a", &err));
    ck_assert_int_eq(err.status, GRAPH_HAS_USERS);
    ck_assert_str_eq(err.message, "cannot delete 'a': used by b, c");
    ck_assert(!delete_name(&g, "c", &err));
    ck_assert_str_eq(err.message, "cannot delete 'c': used by d");
    ck_assert_double_eq(value(&g, "d"), 9);

    NodeId d = node(&g, "d");
    ck_assert(delete_name(&g, "d", &err));
    ck_assert_int_eq(err.status, GRAPH_OK);
    ck_assert_int_eq(graph_lookup(&g, "d", 1), NODE_NONE);
    ck_assert(!graph_is_live(&g, d));
    ck_assert(delete_name(&g, "c", &err));
    ck_assert(delete_name(&g, "b", &err));
    ck_assert(delete_name(&g, "a", &err));
    assert_order_valid(&g);
    ck_assert_int_eq(live_count(&g), 1); /* e; constants 2 and 3 went with b and d */

    ck_assert(!delete_name(&g, "d", &err));
    ck_assert_int_eq(err.status, GRAPH_NOT_A_NAME);
    ck_assert_str_eq(err.message, "undefined name 'd'");
    ck_assert(!delete_name(&g, "zz", &err));
    ck_assert_str_eq(err.message, "undefined name 'zz'");

    /* A deleted name can be defined again. */
    run(&g, "d = e * 2");
    ck_assert_double_eq(value(&g, "d"), 8);
    graph_free(&g);
}
END_TEST

START_TEST(delete_lists_at_most_eight_users) {
    Graph g;
    graph_init_empty(&g);
    run(&g, "a = 1; u0 = a; u1 = a + 1; u2 = a * 2; u3 = -a; u4 = exp(a); u5 = a ** 2; "
            "u6 = 1 / a; u7 = a - 1; u8 = sin(a); u9 = (a + 1) * 2");
    GraphError err;
    ck_assert(!delete_name(&g, "a", &err));
    ck_assert_str_eq(err.message,
                     "cannot delete 'a': used by u0, u1, u2, u3, u4, u5, u6, u7 and 2 more");
    NodeId users[16];
    ck_assert_int_eq(graph_named_users(&g, node(&g, "a"), users, 16), 10);
    ck_assert_int_eq(users[9], node(&g, "u9"));
    graph_free(&g);
}
END_TEST

/* --- expression text --------------------------------------------------------------- */

/* Structurally the same expression: same ops, same named inputs, constants
 * with identical bits. Recursive: only used on short expressions. */
static bool same_tree(const Graph *g, NodeId a, NodeId b) {
    if (a == b) return true;
    const Node *na = graph_node(g, a), *nb = graph_node(g, b);
    if (na->name >= 0 || nb->name >= 0 || na->op != nb->op) return false;
    if (na->op == OP_CONST) {
        double va = graph_scalar(g, a), vb = graph_scalar(g, b);
        return memcmp(&va, &vb, sizeof va) == 0;
    }
    for (int i = 0; i < op_info((Op)na->op)->arity; i++)
        if (!same_tree(g, na->in[i], nb->in[i])) return false;
    return true;
}

static const struct {
    const char *in, *out;
} texts[] = {
    {"a - (b - c)", "a - (b - c)"},
    {"(a - b) - c", "a - b - c"},
    {"a + (b + c)", "a + (b + c)"},
    {"(a + b) + c", "a + b + c"},
    {"a / (b * c)", "a / (b * c)"},
    {"(a / b) * c", "a / b * c"},
    {"a * (b / c)", "a * (b / c)"},
    {"a * (b + c)", "a * (b + c)"},
    {"(a * b) + c", "a * b + c"},
    {"(x + y)**2", "(x + y)**2"},
    {"x + y ** 2", "x + y**2"},
    {"x ^ 2", "x**2"},
    {"2**3**2", "2**3**2"},
    {"2**(3**2)", "2**3**2"},
    {"(2**3)**2", "(2**3)**2"},
    {"-x**2", "-x**2"},
    {"-(x**2)", "-x**2"},
    {"(-x)**2", "(-x)**2"},
    {"-3**2", "-3**2"},
    {"(-3)**2", "(-3)**2"},
    {"(-2.5)**x", "(-2.5)**x"},
    {"(-0)**x", "(-0)**x"},
    {"x**-2", "x**-2"},
    {"x**-y", "x**-y"},
    {"x * -3", "x * -3"},
    {"-3 * x", "-3 * x"},
    {"x - (-3)", "x - -3"},
    {"x / -y", "x / -y"},
    {"-x * y", "-x * y"},
    {"-(x * y)", "-(x * y)"},
    {"-(-x)", "-(-x)"},
    {"-(-3)", "-(-3)"},
    {"(x - y) * -(a + b)", "(x - y) * -(a + b)"},
    {"exp(x + 1) * 2", "exp(x + 1) * 2"},
    {"sigmoid(-x) / relu(y)", "sigmoid(-x) / relu(y)"},
    {"sqrt(x) ** 0.5", "sqrt(x)**0.5"},
    {"log(1 + x*x)", "log(1 + x * x)"},
    {"x * 0.1", "x * 0.1"},
    {"1e-7 * x", "1e-07 * x"},
    {"x * 1e300", "x * 1e+300"},
    {"x + 123456789.123", "x + 123456789.123"},
};

/* The text graph_expr_text writes parses back to the same tree (so the
 * same value), which prints identically; and it has minimal parentheses. */
START_TEST(expression_text_round_trips) {
    const char *in = texts[_i].in;
    Graph g;
    graph_init_empty(&g);
    run(&g, "a = 1.5; b = -2; c = 0.75; x = 3; y = 0.5");
    NodeId first = parse_expr(&g, in);
    StrBuf t1, t2;
    sb_init(&t1);
    sb_init(&t2);
    graph_expr_text(&g, first, &t1);
    NodeId second = parse_expr(&g, t1.data);
    graph_expr_text(&g, second, &t2);
    ck_assert_msg(same_tree(&g, first, second),
                  "\"%s\" printed as \"%s\", which parses as a different expression", in, t1.data);
    double v1 = graph_scalar(&g, first), v2 = graph_scalar(&g, second);
    ck_assert_msg(v1 == v2, "\"%s\" = %.17g but its text \"%s\" = %.17g", in, v1, t1.data, v2);
    ck_assert_str_eq(t2.data, t1.data);
    ck_assert_msg(strcmp(t1.data, texts[_i].out) == 0, "\"%s\" printed as \"%s\", expected \"%s\"",
                  in, t1.data, texts[_i].out);
    sb_free(&t1);
    sb_free(&t2);
    graph_free(&g);
}
END_TEST

/* A named node's text is its definition, naming its named inputs; a leaf's
 * is its value, written so it reads back as the identical double. */
START_TEST(definition_text) {
    Graph g;
    graph_init_empty(&g);
    run(&g, "apple = 100; apple_num = 2; tax = 1.1; apple_price = apple * apple_num; "
            "price = apple_price * tax; alias = price; third = 1 / 3; tiny = -1e-300");
    char buf[128];
    ck_assert_str_eq(text_of(&g, "price", buf, sizeof buf), "apple_price * tax");
    ck_assert_str_eq(text_of(&g, "apple_price", buf, sizeof buf), "apple * apple_num");
    ck_assert_str_eq(text_of(&g, "alias", buf, sizeof buf), "price");
    ck_assert_str_eq(text_of(&g, "apple", buf, sizeof buf), "100");
    ck_assert_str_eq(text_of(&g, "tax", buf, sizeof buf), "1.1");
    static const char *const leaves[] = {"third", "tiny", "tax"};
    for (size_t i = 0; i < sizeof leaves / sizeof leaves[0]; i++)
        ck_assert_msg(strtod(text_of(&g, leaves[i], buf, sizeof buf), NULL) == value(&g, leaves[i]),
                      "%s = %.17g written as \"%s\"", leaves[i], value(&g, leaves[i]), buf);
    graph_free(&g);
}
END_TEST

/* A leaf can hold inf or nan (1e308 * 10, 0 / 0); its text must still be
 * something the language reads back, as :save writes it. */
START_TEST(non_finite_leaf_text_parses_back) {
    static const char *const leaves[] = {"big", "minus_big", "undefined"};
    Graph g;
    graph_init_empty(&g);
    run(&g, "big = 1e308 * 10; minus_big = -(1e308 * 10); undefined = 0 / 0");
    for (size_t i = 0; i < sizeof leaves / sizeof leaves[0]; i++) {
        char text[128], src[160];
        text_of(&g, leaves[i], text, sizeof text);
        snprintf(src, sizeof src, "copy = %s", text);
        Parser p;
        parser_init(&p, &g, src, strlen(src), 0, 1);
        Statement st;
        ck_assert_msg(parser_statement(&p, &st), "%s = %g is written \"%s\": %s", leaves[i],
                      value(&g, leaves[i]), text, p.error.message);
        double v = graph_scalar(&g, st.root), want = value(&g, leaves[i]);
        ck_assert_msg(v == want || (isnan(v) && isnan(want)), "\"%s\" reads back as %g, not %g",
                      text, v, want);
        graph_rollback(&g, st.mark);
    }
    graph_free(&g);
}
END_TEST

/* --- names ---------------------------------------------------------------------- */

/* Thousands of names (the hash table grows many times), all found again;
 * lookups take a length, so a name may be a slice of a longer text. */
START_TEST(many_names) {
    enum { N = 5000 };
    Graph g;
    graph_init_empty(&g);
    GraphError err;
    char name[32];
    for (int i = 0; i < N; i++) {
        int len = snprintf(name, sizeof name, "n%d", i);
        GraphMark m = graph_mark(&g);
        NodeId c = graph_add_const(&g, i);
        ck_assert_int_eq(graph_define(&g, name, len, c, m, &err), i);
    }
    ck_assert_int_eq(g.name_count, N);
    for (int i = 0; i < N; i++) {
        int len = snprintf(name, sizeof name, "n%d", i);
        NodeId id = graph_lookup(&g, name, len);
        ck_assert_int_eq(id, i);
        ck_assert_str_eq(graph_name_of(&g, id), name);
        ck_assert_double_eq(graph_scalar(&g, id), i);
    }
    ck_assert_int_eq(graph_lookup(&g, "n12345", 6), NODE_NONE);
    ck_assert_int_eq(graph_lookup(&g, "n12345", 3), 12); /* "n12" */
    ck_assert_int_eq(graph_lookup(&g, "n", 1), NODE_NONE);
    ck_assert_int_eq(graph_lookup(&g, "", 0), NODE_NONE);
    graph_free(&g);
}
END_TEST

/* --- a million nodes ------------------------------------------------------------ */

enum { CHAIN = 1000000 };

/* y = x + x + ... + x, a million adds deep, built with the graph API. */
START_TEST(million_node_add_chain) {
    Graph g;
    graph_init_empty(&g);
    GraphError err;
    GraphMark m = graph_mark(&g);
    NodeId x = graph_define(&g, "x", 1, graph_add_const(&g, 1), m, &err);
    ck_assert_int_eq(x, 0);
    m = graph_mark(&g);
    NodeId prev = x;
    for (int i = 0; i < CHAIN; i++) {
        NodeId in[BP_MAX_INPUTS] = {prev, x, NODE_NONE};
        prev = graph_add_op(&g, OP_ADD, in, 0, &(GraphError){0});
        ck_assert_int_ne(prev, NODE_NONE);
    }
    NodeId y = graph_define(&g, "y", 1, prev, m, &err);
    ck_assert_int_eq(y, CHAIN);
    ck_assert_double_eq(graph_scalar(&g, y), CHAIN + 1);

    ck_assert(graph_backward(&g, y, NULL));
    ck_assert_double_eq(graph_grad(&g, x), CHAIN + 1);
    ck_assert_double_eq(graph_grad(&g, CHAIN / 2), 1);

    int64_t before = g.recomputed;
    ck_assert(graph_set_leaf(&g, x, 2));
    ck_assert_int_eq(g.recomputed - before, CHAIN);
    ck_assert_double_eq(graph_scalar(&g, y), 2.0 * (CHAIN + 1));

    double numeric;
    ck_assert(graph_numeric_grad(&g, y, x, NULL, &numeric));
    ck_assert_msg(close_to(numeric, CHAIN + 1, 1e-4), "numerical ∂y/∂x = %.17g", numeric);

    StrBuf text;
    sb_init(&text);
    graph_expr_text(&g, y, &text);
    ck_assert(!text.failed);
    ck_assert_uint_eq(text.len, 1 + 4 * (size_t)CHAIN);
    ck_assert(strncmp(text.data, "x + x + x", 9) == 0);
    sb_free(&text);

    /* Cycle detection walks the whole chain too. */
    ck_assert_int_eq(try_define(&g, "x = y * 1", &err), NODE_NONE);
    ck_assert_int_eq(err.status, GRAPH_CYCLE);
    ck_assert_str_eq(err.message, "cycle: x → y → x");

    ck_assert(graph_delete(&g, "y", 1, &err));
    ck_assert_int_eq(live_count(&g), 1);
    graph_free(&g);
}
END_TEST

/* y = -(-(-(... -x))): a million nested prefix operators, printed with a
 * million parentheses, differentiated, and redefined in one step. */
START_TEST(million_node_neg_chain) {
    Graph g;
    graph_init_empty(&g);
    GraphError err;
    NodeId x = run(&g, "x = 1.5");
    GraphMark m = graph_mark(&g);
    NodeId prev = x;
    for (int i = 0; i < CHAIN; i++)
        prev = graph_add_op(&g, OP_NEG, &prev, 0, &(GraphError){0});
    NodeId y = graph_define(&g, "y", 1, prev, m, &err);
    ck_assert_int_ne(y, NODE_NONE);
    ck_assert_double_eq(graph_scalar(&g, y), 1.5); /* an even number of signs */
    ck_assert(graph_backward(&g, y, NULL));
    ck_assert_double_eq(graph_grad(&g, x), 1);

    StrBuf text;
    sb_init(&text);
    graph_expr_text(&g, y, &text);
    ck_assert_uint_eq(text.len, 2 + 3 * (size_t)(CHAIN - 1));
    ck_assert(strncmp(text.data, "-(-(-(", 6) == 0);
    const char *innermost = text.data + text.len - (CHAIN - 1) - 2;
    ck_assert(strncmp(innermost, "-x)", 3) == 0);
    ck_assert_uint_eq(strspn(innermost + 2, ")"), CHAIN - 1);
    sb_free(&text);

    /* Redefining y kills its million-node expression. */
    run(&g, "y = x * 2");
    ck_assert_double_eq(value(&g, "y"), 3);
    assert_order_valid(&g);
    ck_assert_int_eq(live_count(&g), 3);
    graph_free(&g);
}
END_TEST

/* size_product, the one product of sizes: exact up to BP_MAX_ELEMENTS and
 * refused beyond it, including products that wrap a 64-bit size to 0 or to
 * something small (issue 10: reshape divided by such a 0). */
START_TEST(size_products_never_wrap) {
    static const struct {
        int32_t dims[BP_MAX_RANK];
        int count;
        bool fits;
        size_t product;
    } cases[] = {
        {{0}, 0, true, 1},
        {{7}, 1, true, 7},
        {{8192, 8192}, 2, true, 67108864},
        {{8192, 8193}, 2, false, 0},
        {{16777216, 16777216, 65536, 1}, 4, false, 0}, /* 2^64: 0 in 64 bits */
        {{65536, 65536, 65536, 65536}, 4, false, 0},
        {{2147483647, 2147483647, 2147483647, 2147483647}, 4, false, 0},
        {{1, 1, 1, 67108865}, 4, false, 0},
        {{2, -1}, 2, false, 0},
        {{3, 0, 5}, 3, true, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t product = 12345;
        ck_assert_msg(size_product(cases[i].dims, cases[i].count, &product) == cases[i].fits,
                      "case %zu", i);
        ck_assert_uint_eq(product, cases[i].fits ? cases[i].product : 12345);
    }
    Shape huge = {4, {16777216, 16777216, 65536, 1}};
    ck_assert_uint_eq(shape_size(&huge), (size_t)BP_MAX_ELEMENTS + 1);
}
END_TEST

static Suite *graph_suite(void) {
    Suite *s = suite_create("graph");
    TCase *book = tcase_create("book");
    tcase_add_loop_test(book, book_examples, 0, sizeof examples / sizeof examples[0]);
    tcase_add_test(book, backward_seed_scales_and_passes_do_not_accumulate);
    tcase_add_test(book, size_products_never_wrap);
    tcase_add_test(book, numeric_grad_restores_values);
    tcase_add_loop_test(book, fan_out_gradients_add_up, 0, sizeof fan_outs / sizeof fan_outs[0]);
    tcase_add_test(book, square_node_has_one_input_twice);
    tcase_add_test(book, gradient_reaches_no_constant_nor_labels);
    suite_add_tcase(s, book);

    TCase *reactive = tcase_create("reactive");
    tcase_add_test(reactive, changing_a_leaf_updates_every_dependent);
    tcase_add_test(reactive, changing_a_leaf_recomputes_only_its_dependents);
    tcase_add_test(reactive, redefining_an_intermediate_relinks_dependents);
    tcase_add_test(reactive, leaf_becomes_derived);
    tcase_add_test(reactive, derived_becomes_leaf);
    tcase_add_test(reactive, redefining_as_an_alias);
    suite_add_tcase(s, reactive);

    TCase *statements = tcase_create("statements");
    tcase_add_loop_test(statements, cycles_are_refused, 0, sizeof cycles / sizeof cycles[0]);
    tcase_add_test(statements, graph_works_after_a_refused_cycle);
    tcase_add_test(statements, rollback_removes_the_statement);
    tcase_add_test(statements, failed_parse_leaves_graph_unchanged);
    tcase_add_test(statements, delete_is_refused_while_used);
    tcase_add_test(statements, delete_lists_at_most_eight_users);
    tcase_add_test(statements, many_names);
    suite_add_tcase(s, statements);

    TCase *text = tcase_create("text");
    tcase_add_loop_test(text, expression_text_round_trips, 0, sizeof texts / sizeof texts[0]);
    tcase_add_test(text, definition_text);
    tcase_add_test(text, non_finite_leaf_text_parses_back);
    suite_add_tcase(s, text);

    TCase *big = tcase_create("big");
    tcase_add_test(big, million_node_add_chain);
    tcase_add_test(big, million_node_neg_chain);
    suite_add_tcase(s, big);
    return s;
}

CHECK_MAIN(graph_suite)
