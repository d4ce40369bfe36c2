/* test_random.c - generated expressions: backward against numerical gradients.
 *
 * A fixed-seed xorshift generator writes random expressions over the leaves
 * a, b, c, d (random values in [-2, 2]) using + - * / ** ^, unary -, and
 * every function, nested up to 6 deep, with leaves reused (fan-out). Forms
 * that must stay in their domain are written so they do: log(1 + x*x),
 * sqrt(1 + x*x), a positive base or an integer exponent for **.
 *
 *   - gradients: each `f = <expr>` is built in a fresh graph through the
 *     parser; graph_backward's gradient for every leaf must match
 *     graph_numeric_grad (central differences) to a relative 1e-5;
 *   - reactivity: one long-lived graph redefines `g = <expr>` and then
 *     `f = <expr using g>` again and again and changes leaves; its values
 *     and gradients must equal those of a fresh graph built from scratch;
 *   - :trace: on graphs with fan-out (names used by later names, and twice
 *     in one node), every flow row's total is the running sum of what its
 *     node received so far, and each name's last total is its gradient.
 *
 * Expressions whose values leave a safe range (non-finite, above 1e8) or
 * that sit within 1e-3 of a kink or pole (relu, /, log, sqrt, **) are
 * replaced by new ones: there the numerical gradient itself is unreliable.
 */
#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "graph/graph.h"
#include "harness.h"
#include "repl/parser.h"
#include "rng.h"

enum {
    WANT = 1000,          /* expressions to check in each test */
    MAX_ATTEMPTS = 20000, /* generated, including the ones replaced */
    MAX_DEPTH = 6,
};

static const double REL_TOL = 1e-5;
static const double MAX_MAGNITUDE = 1e8;
static const double MIN_DISTANCE = 1e-3; /* from a kink or a pole */

/* A leaf value in [-2, 2], in steps of 0.001 so failures print readably. */
static double rng_value(Rng *r) {
    return (rng_below(r, 4001) - 2000) / 1000.0;
}

/* --- the expression generator ----------------------------------------------- */

typedef struct {
    Rng *rng;
    const char *const *names; /* the atoms it may use */
    int name_count;
    StrBuf *out;
} Gen;

static void gen_expr(Gen *g, int depth);

/* A name (mostly) or a small positive constant. */
static void gen_atom(Gen *g) {
    static const char *const constants[] = {"0.5", "2", "3", "1.5", "0.25", "1.1"};
    if (rng_below(g->rng, 5) == 0)
        sb_puts(g->out, constants[rng_below(g->rng, 6)]);
    else
        sb_puts(g->out, g->names[rng_below(g->rng, g->name_count)]);
}

/* An operand that must stay one unit: parenthesised unless it is an atom. */
static void gen_operand(Gen *g, int depth) {
    if (depth == 0 || rng_below(g->rng, 4) == 0) {
        gen_atom(g);
        return;
    }
    sb_puts(g->out, "(");
    gen_expr(g, depth);
    sb_puts(g->out, ")");
}

/* An operand of a plain binary operator: parentheses may be left out, which
 * regroups the expression differently but keeps it valid. */
static void gen_loose(Gen *g, int depth) {
    if (depth > 0 && rng_below(g->rng, 4) == 0)
        gen_expr(g, depth);
    else
        gen_operand(g, depth);
}

/* The same operand twice, "X * X": always >= 0. */
static void gen_square(Gen *g, int depth) {
    StrBuf x;
    sb_init(&x);
    Gen sub = {g->rng, g->names, g->name_count, &x};
    gen_operand(&sub, depth);
    sb_printf(g->out, "%s * %s", x.data, x.data);
    sb_free(&x);
}

static void gen_expr(Gen *g, int depth) {
    static const char *const functions[] = {"exp", "sin", "cos", "tanh", "sigmoid", "relu"};
    static const char *const bases[] = {"0.5", "1.5", "2", "2.5"};
    static const char *const exponents[] = {"2", "3", "-1", "-2"};
    StrBuf *out = g->out;
    int d = depth - 1;
    if (depth <= 0) {
        gen_atom(g);
        return;
    }
    switch (rng_below(g->rng, 15)) {
    case 0:
    case 1:
        gen_loose(g, d);
        sb_puts(out, rng_below(g->rng, 2) ? " + " : " - ");
        gen_loose(g, d);
        break;
    case 2:
    case 3:
        gen_loose(g, d);
        sb_puts(out, " * ");
        gen_loose(g, d);
        break;
    case 4:
        gen_operand(g, d);
        if (rng_below(g->rng, 2)) {
            sb_puts(out, " / (1 + ");
            gen_square(g, d);
            sb_puts(out, ")");
        } else { /* any denominator; near-zero ones are replaced */
            sb_puts(out, " / ");
            gen_operand(g, d);
        }
        break;
    case 5: /* a positive base */
        sb_printf(out, "%s ** ", bases[rng_below(g->rng, 4)]);
        gen_operand(g, d);
        break;
    case 6: /* an integer exponent, any base */
        gen_operand(g, d);
        sb_printf(out, rng_below(g->rng, 2) ? " ** %s" : "^%s", exponents[rng_below(g->rng, 4)]);
        break;
    case 7: /* a positive base, any exponent */
        sb_puts(out, "(1 + ");
        gen_operand(g, d);
        sb_puts(out, "**2) ** ");
        gen_operand(g, d);
        break;
    case 8:
        sb_puts(out, "-");
        gen_operand(g, d);
        break;
    case 9:
        sb_puts(out, "log(1 + ");
        gen_square(g, d);
        sb_puts(out, ")");
        break;
    case 10:
        sb_puts(out, "sqrt(1 + ");
        gen_operand(g, d);
        sb_puts(out, "**2)");
        break;
    default: /* 11-14 */
        sb_printf(out, "%s(", functions[rng_below(g->rng, 6)]);
        gen_expr(g, d);
        sb_puts(out, ")");
        break;
    }
}

/* A whole expression, never a bare atom, 1..MAX_DEPTH deep. */
static void generate(Rng *rng, const char *const *names, int name_count, StrBuf *out) {
    Gen g = {rng, names, name_count, out};
    sb_clear(out);
    gen_expr(&g, 1 + rng_below(rng, MAX_DEPTH));
}

/* --- building and judging graphs -------------------------------------------- */

/* Runs the statements of src in g; false (with the parse or graph error in
 * why) if any fails. */
static bool run(Graph *g, const char *src, char *why, size_t why_size) {
    Parser p;
    parser_init(&p, g, src, strlen(src), 0, 1);
    Statement st;
    while (parser_statement(&p, &st)) {
        GraphError err;
        if (!st.name ||
            graph_define(g, st.name, st.name_len, st.root, st.mark, &err) == NODE_NONE) {
            snprintf(why, why_size, "%s", st.name ? err.message : "not a definition");
            return false;
        }
    }
    if (p.failed) snprintf(why, why_size, "%s", p.error.message);
    return !p.failed;
}

static NodeId lookup(const Graph *g, const char *name) {
    return graph_lookup(g, name, (int)strlen(name));
}

/* Is every node f depends on in a range where central differences are
 * trustworthy: finite, not huge, and away from kinks and poles? */
static bool well_behaved(Graph *g, NodeId f) {
    int32_t len;
    const NodeId *order = graph_ancestors(g, f, &len);
    ck_assert_ptr_nonnull(order);
    for (int32_t p = 0; p < len; p++) {
        const Node *n = graph_node(g, order[p]);
        double v = graph_scalar(g, order[p]);
        if (!isfinite(v) || fabs(v) > MAX_MAGNITUDE) return false;
        double x0 = n->in[0] >= 0 ? graph_scalar(g, n->in[0]) : 0;
        double x1 = n->in[1] >= 0 ? graph_scalar(g, n->in[1]) : 0;
        switch ((Op)n->op) {
        case OP_RELU:
        case OP_LOG:
        case OP_SQRT:
            if (fabs(x0) < MIN_DISTANCE) return false;
            break;
        case OP_DIV:
            if (fabs(x1) < MIN_DISTANCE) return false;
            break;
        case OP_POW:
            if (fabs(x0) < MIN_DISTANCE || (x0 < 0 && x1 != floor(x1))) return false;
            break;
        default: break;
        }
    }
    return true;
}

static const char *const LEAVES[] = {"a", "b", "c", "d"};
enum { LEAF_COUNT = 4 };

/* "a = ...; b = ...; c = ...; d = ...; " for the given values. */
static void leaf_source(const double *values, StrBuf *out) {
    sb_clear(out);
    for (int i = 0; i < LEAF_COUNT; i++)
        sb_printf(out, "%s = %.3f; ", LEAVES[i], values[i]);
}

/* a and b agree to a relative `rel`, or within the rounding floor that
 * central differences of a function of size |f| cannot get below. */
static bool agree(double a, double b, double rel, double f) {
    double floor_ = 1e-10 * fmax(1, fabs(f));
    return a == b || fabs(a - b) <= rel * fmax(fabs(a), fabs(b)) + floor_;
}

/* ∂f/∂leaf by the five-point stencil, with graph_numeric_grad's step h:
 * error O(h^4) where central differences have O(h^2). Moves the leaf with
 * graph_set_leaf and puts it back. */
static double five_point(Graph *g, NodeId f, NodeId leaf) {
    double x0 = graph_scalar(g, leaf);
    double h = 1e-5 * fmax(1.0, fabs(x0)), at[4];
    static const double steps[4] = {2, 1, -1, -2};
    for (int k = 0; k < 4; k++) {
        ck_assert(graph_set_leaf(g, leaf, x0 + steps[k] * h));
        at[k] = graph_scalar(g, f);
    }
    ck_assert(graph_set_leaf(g, leaf, x0));
    return (-at[0] + 8 * at[1] - 8 * at[2] + at[3]) / (12 * h);
}

/* --- gradients ------------------------------------------------------------------ */

/* Each expression is checked only where central differences are a sound
 * reference: well_behaved, and the central difference agrees with the more
 * accurate five-point stencil (to 1e-6) for every leaf. Where they disagree
 * the function is too curved, or too noisy, at the scale of h (sin of a
 * large argument, say), and the expression is replaced: a wrong backward
 * pass would still disagree with both of them. */
START_TEST(random_expressions_match_numerical_gradients) {
    Rng rng = {0x9E3779B97F4A7C15ULL};
    StrBuf expr, src;
    sb_init(&expr);
    sb_init(&src);
    int checked = 0, attempts = 0, mismatches = 0, out_of_range = 0, unreliable = 0;
    int64_t op_uses[OP_COUNT] = {0};
    while (checked < WANT && attempts < MAX_ATTEMPTS) {
        attempts++;
        double values[LEAF_COUNT];
        for (int i = 0; i < LEAF_COUNT; i++)
            values[i] = rng_value(&rng);
        generate(&rng, LEAVES, LEAF_COUNT, &expr);
        leaf_source(values, &src);
        sb_printf(&src, "f = %s", expr.data);

        Graph g;
        graph_init_empty(&g);
        char why[512];
        ck_assert_msg(run(&g, src.data, why, sizeof why), "\"%s\": %s", src.data, why);
        NodeId f = lookup(&g, "f");
        if (!well_behaved(&g, f)) {
            out_of_range++;
            graph_free(&g);
            continue;
        }
        double fv = graph_scalar(&g, f);
        double analytic[LEAF_COUNT], numeric[LEAF_COUNT];
        bool reliable = true;
        ck_assert(graph_backward(&g, f, NULL));
        for (int i = 0; i < LEAF_COUNT; i++) {
            NodeId leaf = lookup(&g, LEAVES[i]);
            analytic[i] = graph_grad(&g, leaf);
            ck_assert(graph_numeric_grad(&g, f, leaf, NULL, &numeric[i]));
            reliable = reliable && agree(numeric[i], five_point(&g, f, leaf), 1e-6, fv);
        }
        ck_assert(graph_scalar(&g, f) == fv); /* the leaves are back */
        if (!reliable) {
            unreliable++;
            graph_free(&g);
            continue;
        }
        checked++;
        int32_t len;
        const NodeId *order = graph_ancestors(&g, f, &len);
        for (int32_t p = 0; p < len; p++)
            op_uses[graph_node(&g, order[p])->op]++;
        for (int i = 0; i < LEAF_COUNT; i++) {
            if (agree(analytic[i], numeric[i], REL_TOL, fv)) continue;
            mismatches++;
            printf("mismatch: %s\n  ∂f/∂%s: backward %.17g, numerical %.17g\n", src.data, LEAVES[i],
                   analytic[i], numeric[i]);
        }
        graph_free(&g);
    }
    printf("random gradients: %d expressions checked, %d replaced (%d out of range, %d where "
           "central differences are unreliable), %d mismatches\n",
           checked, out_of_range + unreliable, out_of_range, unreliable, mismatches);
    fflush(stdout); /* Check's forked test ends with _exit on failure */
    ck_assert_int_eq(mismatches, 0);
    ck_assert_int_ge(checked, WANT);
    /* The generator reached every element-wise op (aliases only come from
     * `b = a`; whole-tensor ops have their own generator in test_tensor.c). */
    for (int op = 0; op < OP_COUNT; op++) {
        if (!op_info((Op)op)->forward || op == OP_IDENT) continue;
        ck_assert_msg(op_uses[op] > 0, "no checked expression used %s", op_info((Op)op)->name);
    }
    sb_free(&expr);
    sb_free(&src);
}
END_TEST

/* --- reactivity ------------------------------------------------------------------ */

/* The value of f and its gradients for every leaf (and g), in a fresh graph
 * built from `values`, `g = gexpr` and `f = fexpr`. */
static void fresh(const double *values, const char *gexpr, const char *fexpr, double *f_value,
                  double *grads) {
    StrBuf src;
    sb_init(&src);
    leaf_source(values, &src);
    sb_printf(&src, "g = %s; f = %s", gexpr, fexpr);
    Graph g;
    graph_init_empty(&g);
    char why[512];
    ck_assert_msg(run(&g, src.data, why, sizeof why), "\"%s\": %s", src.data, why);
    NodeId f = lookup(&g, "f");
    *f_value = graph_scalar(&g, f);
    ck_assert(graph_backward(&g, f, NULL));
    for (int i = 0; i < LEAF_COUNT; i++)
        grads[i] = graph_grad(&g, lookup(&g, LEAVES[i]));
    grads[LEAF_COUNT] = graph_grad(&g, lookup(&g, "g"));
    graph_free(&g);
    sb_free(&src);
}

/* Equal, counting nan as equal to nan; with rel > 0, to that relative
 * difference. */
static bool same(double a, double b, double rel) {
    if (isnan(a) || isnan(b)) return isnan(a) && isnan(b);
    return a == b || fabs(a - b) <= rel * fmax(fabs(a), fabs(b));
}

/* The long-lived graph agrees with a fresh one: f's value exactly, each
 * gradient to rounding (its accumulation order may differ). Returns the
 * number of disagreements, each printed. */
static int compare(Graph *live, const double *values, const char *gexpr, const char *fexpr,
                   const char *when) {
    double want, want_grads[LEAF_COUNT + 1];
    fresh(values, gexpr, fexpr, &want, want_grads);
    NodeId f = lookup(live, "f");
    double got = graph_scalar(live, f);
    int bad = 0;
    if (!same(got, want, 0)) {
        printf("%s: g = %s; f = %s\n  f = %.17g, fresh graph %.17g\n", when, gexpr, fexpr, got,
               want);
        bad++;
    }
    ck_assert(graph_backward(live, f, NULL));
    static const char *const wrt[] = {"a", "b", "c", "d", "g"};
    for (int i = 0; i <= LEAF_COUNT; i++) {
        double grad = graph_grad(live, lookup(live, wrt[i]));
        if (!same(grad, want_grads[i], 1e-12)) {
            printf("%s: g = %s; f = %s\n  ∂f/∂%s = %.17g, fresh graph %.17g\n", when, gexpr, fexpr,
                   wrt[i], grad, want_grads[i]);
            bad++;
        }
    }
    return bad;
}

START_TEST(redefinitions_and_leaf_changes_match_fresh_graphs) {
    Rng rng = {0xD1B54A32D192ED03ULL};
    static const char *const with_g[] = {"a", "b", "c", "d", "g", "g"}; /* g twice as likely */
    double values[LEAF_COUNT];
    for (int i = 0; i < LEAF_COUNT; i++)
        values[i] = rng_value(&rng);
    Graph live;
    graph_init_empty(&live);
    StrBuf gexpr, fexpr, src;
    sb_init(&gexpr);
    sb_init(&fexpr);
    sb_init(&src);
    leaf_source(values, &src);
    sb_puts(&src, "g = a; f = g");
    char why[512];
    ck_assert(run(&live, src.data, why, sizeof why));

    int mismatches = 0, rounds = 0;
    for (int attempt = 0; attempt < WANT; attempt++) {
        generate(&rng, LEAVES, LEAF_COUNT, &gexpr);
        generate(&rng, with_g, 6, &fexpr);
        /* Redefine g first: the old f, which may use g, follows it. */
        sb_clear(&src);
        sb_printf(&src, "g = %s", gexpr.data);
        ck_assert_msg(run(&live, src.data, why, sizeof why), "\"%s\": %s", src.data, why);
        sb_clear(&src);
        sb_printf(&src, "f = %s", fexpr.data);
        ck_assert_msg(run(&live, src.data, why, sizeof why), "\"%s\": %s", src.data, why);
        mismatches += compare(&live, values, gexpr.data, fexpr.data, "after redefining");

        /* Change one leaf by graph_set_leaf, another by a statement. */
        int i = rng_below(&rng, LEAF_COUNT);
        values[i] = rng_value(&rng);
        ck_assert(graph_set_leaf(&live, lookup(&live, LEAVES[i]), values[i]));
        mismatches += compare(&live, values, gexpr.data, fexpr.data, "after graph_set_leaf");
        i = rng_below(&rng, LEAF_COUNT);
        values[i] = rng_value(&rng);
        sb_clear(&src);
        sb_printf(&src, "%s = %.3f", LEAVES[i], values[i]);
        ck_assert(run(&live, src.data, why, sizeof why));
        mismatches += compare(&live, values, gexpr.data, fexpr.data, "after redefining a leaf");
        /* Redefinitions dropped only the replaced expressions. */
        static const char *const names[] = {"a", "b", "c", "d", "g", "f"};
        for (int k = 0; k < 6; k++)
            ck_assert_msg(graph_is_live(&live, lookup(&live, names[k])), "%s died", names[k]);
        int32_t len, live_nodes = 0;
        ck_assert_ptr_nonnull(graph_order(&live, &len));
        for (NodeId id = 0; id < graph_count(&live); id++)
            live_nodes += graph_is_live(&live, id);
        ck_assert_int_eq(len, live_nodes);
        rounds++;
    }
    printf("random redefinitions: %d rounds, %d mismatches, %d nodes in the long-lived graph\n",
           rounds, mismatches, graph_count(&live));
    fflush(stdout);
    ck_assert_int_eq(mismatches, 0);
    ck_assert_int_eq(rounds, WANT);
    graph_free(&live);
    sb_free(&gexpr);
    sb_free(&fexpr);
    sb_free(&src);
}
END_TEST

/* --- :trace's running sums ------------------------------------------------------------ */

enum { TRACE_GRAPHS = 300, MAX_ELEMENTS = 2 };

/* The numbers of field `key` in a JSON row: a number, or a flat array of
 * them ("nan" and "inf" are strings there). Returns how many, at most
 * MAX_ELEMENTS. */
static int json_numbers(const char *row, const char *key, double *out) {
    char field[32];
    snprintf(field, sizeof field, "\"%s\":", key);
    const char *p = strstr(row, field);
    ck_assert_msg(p, "no %s in %.300s", key, row);
    p += strlen(field);
    bool array = *p == '[';
    int n = 0;
    do {
        p += array || n > 0; /* past '[' or ',' */
        if (*p == '"') p++;
        char *end;
        out[n++] = strtod(p, &end); /* reads nan, inf and -inf too */
        ck_assert_msg(end != p && n <= MAX_ELEMENTS, "bad %s in %.300s", key, row);
        p = end + (*end == '"');
    } while (array && *p == ',');
    return n;
}

/* The string field `key` of a JSON row, copied into buf (no escapes: the
 * labels here are names and expressions). */
static void json_text(const char *row, const char *key, char *buf, size_t size) {
    char field[32];
    snprintf(field, sizeof field, "\"%s\":\"", key);
    const char *p = strstr(row, field);
    ck_assert_msg(p, "no %s in %.300s", key, row);
    p += strlen(field);
    size_t len = strcspn(p, "\"");
    ck_assert(len < size);
    memcpy(buf, p, len);
    buf[len] = '\0';
}

/* Checks one graph's `:trace --json` against the graph: each row's total is
 * the running sum of the flows its node received so far, and the last
 * total of every name is its gradient. Returns the number of rows. */
static int check_trace_sums(Harness *h, const char *src) {
    ck_assert_msg(h_run(h, src), "%s: %s", src, h->err_text);
    ck_assert_msg(h_run(h, ":trace"), "%s: %s", src, h->err_text);
    Graph *g = &h->s.graph;
    int32_t count = graph_count(g);
    double(*sum)[MAX_ELEMENTS] = calloc((size_t)count, sizeof *sum);
    int *flows = calloc((size_t)count, sizeof *flows);
    ck_assert(sum && flows);
    int rows = 0;
    for (const char *row = h->out_text; *row; row = strchr(row, '\n') + 1, rows++) {
        ck_assert_msg(strncmp(row, "{\"kind\":\"flow\",", 15) == 0, "%.300s", row);
        char to[256];
        json_text(row, "to", to, sizeof to);
        double flow[MAX_ELEMENTS], total[MAX_ELEMENTS];
        int n = json_numbers(row, "flow", flow);
        ck_assert_int_eq(json_numbers(row, "total", total), n);
        NodeId id = graph_lookup(g, to, (int)strlen(to));
        /* An unnamed node is one operand of one expression: one flow. */
        double zero[MAX_ELEMENTS] = {0}, *before = id == NODE_NONE ? zero : sum[id];
        for (int e = 0; e < n; e++) {
            double want = before[e] + flow[e];
            ck_assert_msg(same(total[e], want, 0), "%s\n%.300s: total %.17g, want %.17g + %.17g",
                          src, row, total[e], before[e], flow[e]);
            before[e] = total[e];
        }
        if (id != NODE_NONE) flows[id]++;
    }
    /* The gradients the trace's pass left, exactly; a plain backward pass
     * to rounding (it adds a broadcast input's elements one at a time, the
     * trace each flow whole). */
    static const char *const names[] = {"a", "b", "c", "d", "g", "h"};
    for (int pass = 0; pass < 2; pass++) {
        if (pass == 1) ck_assert(graph_backward(g, graph_lookup(g, "f", 1), NULL));
        for (int k = 0; k < 6; k++) {
            NodeId id = graph_lookup(g, names[k], 1);
            Value grad = graph_grad_value(g, id);
            for (size_t e = 0; e < grad.size; e++)
                ck_assert_msg(same(sum[id][e], grad.data[e], pass ? 1e-12 : 0),
                              "%s\nlast total of %s[%zu]: %.17g after %d flows, gradient %.17g%s",
                              src, names[k], e, sum[id][e], flows[id], grad.data[e],
                              pass ? " (graph_backward)" : "");
        }
    }
    free(sum);
    free(flows);
    return rows;
}

/* Generated graphs with fan-out: g uses the leaves, h the leaves and g, f
 * all of them, and X * X uses one operand twice in a node. Scalars take
 * :trace's step with local derivatives, vectors (f = sum(...)) its tensor
 * step. */
START_TEST(trace_running_sums_match_gradients) {
    Rng rng = {0x2545F4914F6CDD1DULL + (uint64_t)_i};
    bool vectors = _i == 1;
    static const char *const with_g[] = {"a", "b", "c", "d", "g"};
    static const char *const with_h[] = {"a", "b", "c", "d", "g", "h"};
    StrBuf src, expr;
    sb_init(&src);
    sb_init(&expr);
    int rows = 0;
    for (int k = 0; k < TRACE_GRAPHS; k++) {
        sb_clear(&src);
        for (int i = 0; i < LEAF_COUNT; i++) {
            if (vectors)
                sb_printf(&src, "%s = [%.3f, %.3f]; ", LEAVES[i], rng_value(&rng), rng_value(&rng));
            else
                sb_printf(&src, "%s = %.3f; ", LEAVES[i], rng_value(&rng));
        }
        generate(&rng, LEAVES, LEAF_COUNT, &expr);
        sb_printf(&src, "g = %s; ", expr.data);
        generate(&rng, with_g, 5, &expr);
        sb_printf(&src, "h = %s; ", expr.data);
        generate(&rng, with_h, 6, &expr);
        sb_printf(&src, vectors ? "f = sum(%s + h)" : "f = %s + h", expr.data);
        Harness h;
        h_init(&h);
        h.sink.json = true;
        rows += check_trace_sums(&h, src.data);
        h_free(&h);
    }
    printf("trace running sums (%s): %d graphs, %d flows checked\n",
           vectors ? "vectors" : "scalars", TRACE_GRAPHS, rows);
    fflush(stdout);
    ck_assert_int_ge(rows, TRACE_GRAPHS * 3);
    sb_free(&src);
    sb_free(&expr);
}
END_TEST

/* The generator is deterministic and its PRNG state is all in the Rng. */
START_TEST(generator_is_reproducible) {
    Rng r1 = {42}, r2 = {42};
    StrBuf e1, e2;
    sb_init(&e1);
    sb_init(&e2);
    for (int i = 0; i < 50; i++) {
        generate(&r1, LEAVES, LEAF_COUNT, &e1);
        generate(&r2, LEAVES, LEAF_COUNT, &e2);
        ck_assert_str_eq(e1.data, e2.data);
    }
    sb_free(&e1);
    sb_free(&e2);
}
END_TEST

static Suite *random_suite(void) {
    Suite *s = suite_create("random");
    TCase *tc = tcase_create("generated");
    tcase_add_test(tc, generator_is_reproducible);
    tcase_add_test(tc, random_expressions_match_numerical_gradients);
    tcase_add_test(tc, redefinitions_and_leaf_changes_match_fresh_graphs);
    tcase_add_loop_test(tc, trace_running_sums_match_gradients, 0, 2);
    suite_add_tcase(s, tc);
    return s;
}

CHECK_MAIN(random_suite)
