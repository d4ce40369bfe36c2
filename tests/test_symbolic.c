/* test_symbolic.c - the book's symbolic figures (render/symbolic.h).
 *
 *   - Exact labels of each rule figure, read off the View the way a figure
 *     draws them ("forward|backward" per link, spacing ignored): the chain
 *     rule (5-7), add (5-9), mul (5-12), ReLU both ways (5-18), the sigmoid
 *     written out (5-19, 5-20) and as one node (5-21 with --derived, 5-22),
 *     --values.
 *   - A property tying symbols to numbers: on 300 generated graphs every
 *     forward label, evaluated with the leaves' values, is the node's value,
 *     and every backward label, evaluated with the values and gradients on
 *     the same figure (∂L/∂out = the seed), is the gradient the backward
 *     kernel sends along that link, to 1e-9 relative.
 *   - Option errors.
 */
#include <check.h>
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check_main.h"
#include "harness.h"
#include "render/symbolic.h"
#include "render/view.h"
#include "repl/quiz_symbolic.h"
#include "repl/session.h"
#include "rng.h"

static void h_ok(Harness *h, const char *lines) {
    bool ok = h_run(h, lines);
    ck_assert_msg(ok && h->err_text[0] == '\0', "\"%s\" failed: %s", lines, h->err_text);
}

/* s without spaces, into out. */
static void squeeze(char *out, const char *s) {
    for (; *s; s++)
        if (*s != ' ') *out++ = *s;
    *out = '\0';
}

/* The view of the session's target in `labels` mode has a link saying
 * forward|backward (spacing aside; backward "" for none). */
static bool has_link(Harness *h, ViewLabels labels, bool values, const char *want) {
    ViewOptions o = {.target = session_target(&h->s),
                     .of = NODE_NONE,
                     .names = true,
                     .digits = 4,
                     .tensor_digits = 4,
                     .labels = labels,
                     .values = values};
    const double *seed = NULL;
    char why[256];
    if (session_seed(&h->s, o.target, &seed, why, sizeof why)) o.seed = seed;
    View v;
    char error[256];
    ck_assert_msg(view_build(&v, &h->s.graph, &o, error, sizeof error), "%s", error);
    char w[2 * VIEW_TEXT], got[2 * VIEW_TEXT + 2], line[2 * VIEW_TEXT + 2];
    squeeze(w, want);
    bool found = false;
    for (int i = 0; i < v.edge_count && !found; i++) {
        snprintf(line, sizeof line, "%s|%s", v.edges[i].value, v.edges[i].grad);
        squeeze(got, line);
        found = strcmp(got, w) == 0;
    }
    if (!found)
        for (int i = 0; i < v.edge_count; i++)
            fprintf(stderr, "  link: %s|%s\n", v.edges[i].value, v.edges[i].grad);
    view_free(&v);
    return found;
}

#define LINK(h, labels, want) ck_assert_msg(has_link(h, labels, false, want), "no link %s", want)

START_TEST(chain_rule_5_7) {
    Harness h;
    h_init(&h);
    h_ok(&h, "x = 3\ny = 2\nt = x + y\nz = t ** 2");
    LINK(&h, VIEW_CHAIN, "z|∂z/∂z");
    LINK(&h, VIEW_CHAIN, "t|∂z/∂z · ∂z/∂t");
    LINK(&h, VIEW_CHAIN, "x|∂z/∂z · ∂z/∂t · ∂t/∂x");
    LINK(&h, VIEW_CHAIN, "y|∂z/∂z · ∂z/∂t · ∂t/∂y");
    LINK(&h, VIEW_SYMBOLIC, "t|∂L/∂z · 2 · t");
    /* After the first node "· 1" is not written: + passes its upstream on. */
    LINK(&h, VIEW_SYMBOLIC, "x|∂L/∂z · 2 · t");
    h_free(&h);
}
END_TEST

START_TEST(add_5_9) {
    Harness h;
    h_init(&h);
    h_ok(&h, "x = 10\ny = 5\nz = x + y\n:seed 1.3");
    LINK(&h, VIEW_SYMBOLIC, "x|∂L/∂z · 1");
    LINK(&h, VIEW_SYMBOLIC, "y|∂L/∂z · 1");
    LINK(&h, VIEW_SYMBOLIC, "z|∂L/∂z");
    h_free(&h);
}
END_TEST

START_TEST(mul_5_12) {
    Harness h;
    h_init(&h);
    h_ok(&h, "x = 10\ny = 5\nz = x * y\n:seed 1.3");
    LINK(&h, VIEW_SYMBOLIC, "x|∂L/∂z · y");
    LINK(&h, VIEW_SYMBOLIC, "y|∂L/∂z · x");
    ck_assert(has_link(&h, VIEW_SYMBOLIC, true, "x = 10|∂L/∂z · y = 6.5"));
    h_free(&h);
}
END_TEST

START_TEST(relu_5_18) {
    Harness h;
    h_init(&h);
    h_ok(&h, "x = 2\ny = relu(x)");
    LINK(&h, VIEW_SYMBOLIC, "x|∂L/∂y");
    h_ok(&h, "x = -1");
    LINK(&h, VIEW_SYMBOLIC, "x|0");
    h_ok(&h, "x = 0");
    LINK(&h, VIEW_SYMBOLIC, "x|0");
    h_free(&h);
}
END_TEST

START_TEST(sigmoid_5_19_to_5_22) {
    Harness h;
    h_init(&h);
    h_ok(&h, "x = 0.5\ny = 1 / (1 + exp(-x))");
    LINK(&h, VIEW_SYMBOLIC, "y|∂L/∂y");
    LINK(&h, VIEW_SYMBOLIC, "1+exp(-x)|- ∂L/∂y · y²");
    LINK(&h, VIEW_SYMBOLIC, "exp(-x)|- ∂L/∂y · y²");
    LINK(&h, VIEW_SYMBOLIC, "-x|- ∂L/∂y · y² · exp(-x)");
    LINK(&h, VIEW_SYMBOLIC, "x|∂L/∂y · y² · exp(-x)");
    /* The book's ×(−1) instead of negation folds the sign the same way. */
    h_ok(&h, "y = 1 / (exp(x * -1) + 1)");
    LINK(&h, VIEW_SYMBOLIC, "x·-1|- ∂L/∂y · y² · exp(x·-1)");
    LINK(&h, VIEW_SYMBOLIC, "x|∂L/∂y · y² · exp(x·-1)");
    h_ok(&h, "y = sigmoid(x)");
    LINK(&h, VIEW_SYMBOLIC, "x|∂L/∂y · y(1-y)");
    ck_assert(has_link(&h, VIEW_SYMBOLIC, true, "x = 0.5|∂L/∂y · y(1-y) = 0.235"));
    h_free(&h);
}
END_TEST

/* Figure 5-21: the sigmoid as one node, sending back what its expanded
 * graph (5-20) derives, before 5-22 rewrites it as y(1-y); the same number.
 * Further back the derived upstream is multiplied on; tanh's needs the
 * legend's name for its sigmoid, which no link of the one node carries. */
START_TEST(sigmoid_derived_5_21) {
    Harness h;
    h_init(&h);
    h_ok(&h, "x = 0.5\ny = sigmoid(x)");
    LINK(&h, VIEW_DERIVED, "x|∂L/∂y · y² · exp(-x)");
    LINK(&h, VIEW_DERIVED, "y|∂L/∂y");
    ck_assert(has_link(&h, VIEW_DERIVED, true, "x = 0.5|∂L/∂y · y² · exp(-x) = 0.235"));
    h_ok(&h, "w = 2\nb = 1\nq = sigmoid(w * x + b)");
    LINK(&h, VIEW_DERIVED, "w·x+b|∂L/∂q · q² · exp(-(w·x+b))");
    LINK(&h, VIEW_DERIVED, "w|∂L/∂q · q² · exp(-(w·x+b)) · x");
    LINK(&h, VIEW_SYMBOLIC, "w|∂L/∂q · q(1-q) · x");
    h_ok(&h, "z = tanh(x)");
    LINK(&h, VIEW_DERIVED, "x|∂L/∂z · 2 · t² · exp(-2x) · 2");
    LINK(&h, VIEW_SYMBOLIC, "x|∂L/∂z · (1-z²)");
    h_free(&h);
}
END_TEST

/* The session's target drawn --expand --symbolic has every link of want
 * (forward and backward text exactly). */
static void expanded_links_are(Harness *h, const char *const (*want)[2], size_t count,
                               const char *legend) {
    ViewOptions o = {.target = session_target(&h->s),
                     .of = NODE_NONE,
                     .names = true,
                     .digits = 4,
                     .tensor_digits = 4,
                     .labels = VIEW_SYMBOLIC,
                     .expand = true};
    View v;
    char error[256];
    ck_assert(view_build(&v, &h->s.graph, &o, error, sizeof error));
    for (size_t k = 0; k < count; k++) {
        bool found = false;
        for (int i = 0; i < v.edge_count; i++)
            found = found || (strcmp(v.edges[i].value, want[k][0]) == 0 &&
                              strcmp(v.edges[i].grad, want[k][1]) == 0);
        ck_assert_msg(found, "no link %s|%s", want[k][0], want[k][1]);
    }
    ck_assert_int_eq(v.legend_count, legend ? 1 : 0);
    if (legend) ck_assert_str_eq(v.legend[0], legend);
    view_free(&v);
}

/* The view of the session's target in symbols with the given --expand
 * level (0: none), --elements and --values (17 digits). */
static void symbolic_view(Harness *h, View *v, int level, bool values) {
    ViewOptions o = {.target = session_target(&h->s),
                     .of = NODE_NONE,
                     .names = true,
                     .digits = values ? 17 : 4,
                     .tensor_digits = 4,
                     .labels = VIEW_SYMBOLIC,
                     .elements = true,
                     .expand = level > 0,
                     .expand_level = level,
                     .values = values};
    char error[256];
    ck_assert_msg(view_build(v, &h->s.graph, &o, error, sizeof error), "%s", error);
}

START_TEST(sigmoid_expanded_5_20) {
    Harness h;
    h_init(&h);
    h_ok(&h, "x = 0.5\ny = sigmoid(x)");
    static const char *const want[][2] = {{"x", "∂L/∂y · y² · exp(-x)"},
                                          {"-x", "- ∂L/∂y · y² · exp(-x)"},
                                          {"exp(-x)", "- ∂L/∂y · y²"},
                                          {"1+exp(-x)", "- ∂L/∂y · y²"},
                                          {"y", "∂L/∂y"}};
    expanded_links_are(&h, want, sizeof want / sizeof *want, NULL);
    h_free(&h);
}
END_TEST

START_TEST(affine_5_24_to_5_27) {
    Harness h;
    h_init(&h);
    h_ok(&h, "X = [1, 2]\nW = [[1, 2, 3], [4, 5, 6]]\nB = [1, 1, 1]\nY = X @ W + B");
    LINK(&h, VIEW_SYMBOLIC, "X (2)|∂L/∂Y · Wᵀ (2)");
    LINK(&h, VIEW_SYMBOLIC, "W (2,3)|Xᵀ · ∂L/∂Y (2,3)");
    LINK(&h, VIEW_SYMBOLIC, "X·W (3)|∂L/∂Y · 1 (3)");
    LINK(&h, VIEW_SYMBOLIC, "Y (3)|∂L/∂Y (3)");
    h_ok(&h, "Y = affine(X, W, B)");
    LINK(&h, VIEW_SYMBOLIC, "B (3)|∂L/∂Y (3)");
    h_ok(&h, "X = [[1, 2], [3, 4]]\nY = X @ W + B");
    LINK(&h, VIEW_SYMBOLIC, "B (3)|Σ₀ ∂L/∂Y (3)");
    LINK(&h, VIEW_SYMBOLIC, "X (2,2)|∂L/∂Y · Wᵀ (2,2)");
    h_ok(&h, "Y = affine(X, W, B)");
    LINK(&h, VIEW_SYMBOLIC, "B (3)|Σ₀ ∂L/∂Y (3)");
    h_free(&h);
}
END_TEST

START_TEST(softmax_with_loss_5_30) {
    Harness h;
    h_init(&h);
    h_ok(&h, "a = [0.3, 2.9, 4.0]\nt = [0, 1, 0]\nL = softmax_with_loss(a, t)");
    LINK(&h, VIEW_SYMBOLIC, "a (3)|y - t (3)");
    LINK(&h, VIEW_SYMBOLIC, "L|1");
    h_free(&h);
}
END_TEST

START_TEST(leaves_are_bare_tails) {
    Harness h;
    h_init(&h);
    h_ok(&h, "x = 10\ny = 5\nz = x * y");
    ViewOptions o = {.target = session_target(&h.s),
                     .of = NODE_NONE,
                     .names = true,
                     .digits = 4,
                     .tensor_digits = 4,
                     .labels = VIEW_SYMBOLIC};
    View v;
    char error[256];
    ck_assert(view_build(&v, &h.s.graph, &o, error, sizeof error));
    for (int i = 0; i < v.node_count; i++)
        if (v.nodes[i].kind == VIEW_LEAF) ck_assert_str_eq(v.nodes[i].label, "");
    view_free(&v);
    h_free(&h);
}
END_TEST

START_TEST(option_errors) {
    Harness h;
    h_init(&h);
    h_ok(&h, "x = 10\nz = x * 2");
    ck_assert(!h_run(&h, ":mermaid --values"));
    ck_assert_ptr_nonnull(strstr(h.err_text, "--values goes with --symbolic"));
    ck_assert(!h_run(&h, ":mermaid --symbolc"));
    ck_assert_ptr_nonnull(strstr(h.err_text, "--symbolic --chain --derived --values"));
    h_ok(&h, ":mermaid --symbolic --values");
    ck_assert_ptr_nonnull(strstr(h.out_text, "∂L/∂z · 2 = 2"));
    h_ok(&h, ":mermaid --chain");
    ck_assert_ptr_nonnull(strstr(h.out_text, "∂z/∂z · ∂z/∂x"));
    h_free(&h);
}
END_TEST

START_TEST(trace_symbolic) {
    Harness h;
    h_init(&h);
    h_ok(&h, "x = 10\ny = 5\nz = x * y\n:seed 1.3");
    h_ok(&h, ":trace --symbolic");
    ck_assert_ptr_nonnull(strstr(h.out_text, "to x: ∂L/∂z · y = 1.3 × 5 = 6.5"));
    ck_assert_ptr_nonnull(strstr(h.out_text, "to y: ∂L/∂z · x = 1.3 × 10 = 13"));
    ck_assert(!h_run(&h, ":trace --symbolc"));
    ck_assert_ptr_nonnull(strstr(h.err_text, ":trace takes --symbolic"));
    h_ok(&h, ":trace");
    ck_assert_ptr_null(strstr(h.out_text, "∂L/∂z · y"));
    h_free(&h);
}
END_TEST

/* A small evaluator of label text. Known labels (a dictionary of text and
 * value, longest first) stand for their values wherever a factor starts. */
typedef struct {
    const char *text;
    double value;
} Known;

typedef struct {
    const char *p;
    const Known *known;
    int n_known;
    bool bad;
} Eval;

static double eval_sum(Eval *e);
static double eval_power(Eval *e);

static void skip(Eval *e) {
    while (*e->p == ' ')
        e->p++;
}
static bool eat(Eval *e, const char *s) {
    skip(e);
    if (strncmp(e->p, s, strlen(s)) != 0) return false;
    e->p += strlen(s);
    return true;
}

static double eval_primary(Eval *e) {
    skip(e);
    size_t best = 0;
    double v = 0;
    for (int i = 0; i < e->n_known; i++) {
        size_t len = strlen(e->known[i].text);
        char after = e->p[len < strlen(e->p) ? len : strlen(e->p)];
        bool word = len && (isalnum((unsigned char)e->known[i].text[len - 1]) ||
                            e->known[i].text[len - 1] == '_');
        if (word && (isalnum((unsigned char)after) || after == '_')) continue; /* c in cos */
        if (len > best && strncmp(e->p, e->known[i].text, len) == 0)
            best = len, v = e->known[i].value;
    }
    if (best) {
        e->p += best;
        return v;
    }
    static const struct {
        const char *name;
        double (*f)(double);
    } funcs[] = {{"exp(", exp}, {"log(", log}, {"sqrt(", sqrt},
                 {"sin(", sin}, {"cos(", cos}, {"tanh(", tanh}};
    for (size_t i = 0; i < sizeof funcs / sizeof *funcs; i++)
        if (eat(e, funcs[i].name)) {
            double x = eval_sum(e);
            if (!eat(e, ")")) e->bad = true;
            return funcs[i].f(x);
        }
    if (eat(e, "log ")) return log(eval_power(e)); /* the appendix's log y1 */
    if (eat(e, "sigmoid(") || eat(e, "relu(")) {
        bool relu = e->p[-2] == 'u';
        double x = eval_sum(e);
        if (!eat(e, ")")) e->bad = true;
        return relu ? (x > 0 ? x : 0) : 1 / (1 + exp(-x));
    }
    if (eat(e, "(")) {
        double x = eval_sum(e);
        if (!eat(e, ")")) e->bad = true;
        return x;
    }
    if (eat(e, "-")) return -eval_power(e); /* -c² is -(c²) */
    char *end;
    v = strtod(e->p, &end);
    if (end == e->p) e->bad = true;
    e->p = end;
    return v;
}

static double eval_power(Eval *e) {
    double x = eval_primary(e);
    for (;;) {
        if (eat(e, "²"))
            x *= x;
        else if (eat(e, "³"))
            x = x * x * x;
        else if (eat(e, "^"))
            x = pow(x, eval_primary(e));
        else
            return x;
    }
}

static double eval_product(Eval *e) {
    double x = eval_power(e);
    for (;;) {
        skip(e);
        if (eat(e, "·"))
            x *= eval_power(e);
        else if (eat(e, "/"))
            x /= eval_power(e);
        else if ((*e->p == '(' || isalpha((unsigned char)*e->p)) && !e->bad)
            x *= eval_power(e); /* y(1-y), t1 S, t1 log y1; an unknown name stops it */
        else
            return x;
    }
}

static double eval_sum(Eval *e) {
    skip(e);
    double x = eat(e, "- ") ? -eval_product(e) : eval_product(e);
    for (;;) {
        if (eat(e, "+"))
            x += eval_product(e);
        else if (eat(e, "-"))
            x -= eval_product(e);
        else
            return x;
    }
}

static double evaluate(const char *text, const Known *known, int n, bool *ok) {
    Eval e = {.p = text, .known = known, .n_known = n};
    double v = eval_sum(&e);
    skip(&e);
    *ok = !e.bad && *e.p == '\0';
    return v;
}

static void assert_close(double got, double want, const char *what, const char *text) {
    double scale = fmax(fabs(want), 1e-12);
    ck_assert_msg(got == want || fabs(got - want) <= 1e-9 * scale || (isnan(got) && isnan(want)),
                  "%s '%s' evaluates to %.17g, the figure's number is %.17g", what, text, got,
                  want);
}

/* One random scalar expression of depth up to `depth` over a, b, c. */
static void random_expr(Rng *r, int depth, bool use_m, char *out, size_t size) {
    static const char *leaves[] = {"a", "b", "c", "m", "2", "0.5"};
    if (depth == 0 || rng_below(r, 4) == 0) {
        int k = rng_below(r, 5);
        snprintf(out, size, "%s", leaves[k == 3 && use_m ? 3 : k == 3 ? 4 : k < 3 ? k : k + 1]);
        return;
    }
    char x[512], y[512];
    random_expr(r, depth - 1, use_m, x, sizeof x);
    random_expr(r, depth - 1, use_m, y, sizeof y);
    static const char *binary[] = {"+", "-", "*", "/"};
    static const char *unary[] = {"exp", "sin", "cos", "tanh", "sigmoid", "relu", "-"};
    int k = rng_below(r, 14);
    if (k < 4)
        snprintf(out, size, "(%s %s %s)", x, binary[k], y);
    else if (k < 11)
        snprintf(out, size, "%s(%s)", unary[k - 4], x);
    else if (k == 11)
        snprintf(out, size, "(%s) ** 2", x);
    else if (k == 12)
        snprintf(out, size, "log(1 + (%s) ** 2)", x);
    else
        snprintf(out, size, "sqrt(1 + (%s) ** 2)", x);
}

/* Checks every label of the figure of the session's target, written in
 * style. */
static void check_labels(Harness *h, SymStyle style) {
    Graph *g = &h->s.graph;
    NodeId target = session_target(&h->s);
    int32_t len;
    const NodeId *order = graph_ancestors(g, target, &len);
    ck_assert(order);
    NodeId *ids = malloc((size_t)len * sizeof *ids + 1);
    memcpy(ids, order, (size_t)len * sizeof *ids);
    double seed = 1.7;
    ck_assert(graph_backward(g, target, &seed));
    Sym s;
    ck_assert(sym_build(&s, g, ids, len, target, style, 17));
    Known *known = malloc(((size_t)len * 3 + 1) * sizeof *known);
    char(*partial)[VIEW_TEXT * 2] = malloc(((size_t)len * 2 + 1) * sizeof *partial);
    int n = 0;
    for (int32_t p = 0; p < len; p++) /* forward: names and constants only */
        if (graph_name_of(g, ids[p]))
            known[n++] = (Known){sym_forward(&s, ids[p]), graph_scalar(g, ids[p])};
    for (int32_t p = 0; p < len; p++) {
        const char *text = sym_forward(&s, ids[p]);
        if (graph_name_of(g, ids[p])) continue;
        bool ok;
        double v = evaluate(text, known, n, &ok);
        ck_assert_msg(ok, "cannot read forward label '%s'", text);
        assert_close(v, graph_scalar(g, ids[p]), "forward label", text);
    }
    n = 0; /* backward: every label and ∂L/∂label on the figure */
    for (int32_t p = 0; p < len; p++) {
        known[n++] = (Known){sym_forward(&s, ids[p]), graph_scalar(g, ids[p])};
        /* ∂L/∂(1+exp(-x)) and ∂L/∂exp(-x): both spellings, longest wins. */
        const char *f = sym_forward(&s, ids[p]);
        double grad = ids[p] == target ? seed : graph_grad(g, ids[p]);
        snprintf(partial[2 * p], sizeof partial[0], "∂L/∂(%s)", f);
        snprintf(partial[2 * p + 1], sizeof partial[0], "∂L/∂%s", f);
        known[n++] = (Known){partial[2 * p], grad};
        known[n++] = (Known){partial[2 * p + 1], grad};
    }
    for (int32_t p = 0; p < len; p++) {
        const Node *node = graph_node(g, ids[p]);
        const OpInfo *info = op_info((Op)node->op);
        double x[BP_MAX_INPUTS] = {0}, dx[BP_MAX_INPUTS] = {0};
        for (int i = 0; i < info->arity; i++)
            x[i] = graph_scalar(g, node->in[i]);
        if (info->arity == 0) continue;
        info->backward(x, graph_scalar(g, ids[p]), graph_grad(g, ids[p]), dx);
        /* Two nodes can have one label (cos(c) twice): a ∂L/∂cos(c) on this
         * node's links is its own, so its entries go first (ties go to the
         * first entry). */
        for (int k = 0; k < 3; k++) {
            Known own = known[3 * p + k];
            known[3 * p + k] = known[k], known[k] = own;
        }
        for (int i = 0; i < info->arity; i++) {
            const char *text = sym_backward(&s, ids[p], i);
            ck_assert_msg(text != NULL, "no backward label");
            bool ok;
            double v = evaluate(text, known, n, &ok);
            ck_assert_msg(ok, "cannot read backward label '%s'", text);
            assert_close(v, dx[i], "backward label", text);
        }
        for (int k = 0; k < 3; k++) {
            Known own = known[3 * p + k];
            known[3 * p + k] = known[k], known[k] = own;
        }
    }
    sym_free(&s);
    free(partial);
    free(known);
    free(ids);
}

/* tanh under --expand is 2·sigmoid(2x) − 1 with the sigmoid written out: its
 * links in symbols, the sigmoid's output named t by the legend (its labels
 * were 45 characters long), and the one into x evaluating to 1 − tanh(x)². */
START_TEST(tanh_expanded) {
    Harness h;
    h_init(&h);
    h_ok(&h, "x = 0.5\ny = tanh(x)");
    static const char *const want[][2] = {{"x", "∂L/∂y · 2 · t² · exp(-2x) · 2"},
                                          {"2x", "∂L/∂y · 2 · t² · exp(-2x)"},
                                          {"-2x", "- ∂L/∂y · 2 · t² · exp(-2x)"},
                                          {"exp(-2x)", "- ∂L/∂y · 2 · t²"},
                                          {"1+exp(-2x)", "- ∂L/∂y · 2 · t²"},
                                          {"t", "∂L/∂y · 2"},
                                          {"2/(1+exp(-2x))", "∂L/∂y"},
                                          {"y", "∂L/∂y"}};
    expanded_links_are(&h, want, sizeof want / sizeof *want, "t = 1/(1+exp(-2x))");
    /* The label into x, with t written out, read by the quiz's rewriting
     * and run with x = 0.5 and ∂L/∂y = 1, is tanh's derivative there. */
    StrBuf expr;
    sb_init(&expr);
    ck_assert(quiz_sym_rewrite("∂L/∂y · 2 · (1/(1+exp(-2x)))² · exp(-2x) · 2", &expr));
    Harness check;
    h_init(&check);
    h_ok(&check, "x = 0.5; dL_dy = 1; :digits 15");
    h_ok(&check, expr.data);
    ck_assert_double_eq_tol(strtod(check.out_text, NULL), 1 - tanh(0.5) * tanh(0.5), 1e-12);
    h_free(&check);
    sb_free(&expr);
    h_free(&h);
}
END_TEST

/* The legend's name is one nothing else uses: with t and u taken by the
 * graph, the tanh figure names its sigmoid v; the figure files say it
 * (SVG text, Mermaid note); short labels get no legend. */
START_TEST(legend_names) {
    Harness h;
    h_init(&h);
    h_ok(&h, "t = 1\nu = 2\nx = 0.5\ny = tanh(x)");
    static const char *const want[][2] = {{"v", "∂L/∂y · 2"}};
    expanded_links_are(&h, want, 1, "v = 1/(1+exp(-2x))");
    char dir[] = "/tmp/bp_legend_XXXXXX", svg[160], mmd[160];
    ck_assert(mkdtemp(dir));
    snprintf(svg, sizeof svg, "%s/tanh.svg", dir);
    snprintf(mmd, sizeof mmd, "%s/tanh.mmd", dir);
    char line[256];
    snprintf(line, sizeof line, ":render %s --expand --symbolic", svg);
    h_ok(&h, line);
    snprintf(line, sizeof line, ":mermaid %s --expand --symbolic", mmd);
    h_ok(&h, line);
    ck_assert_msg(h.err_text[0] == '\0', "%s", h.err_text);
    char *text = h_read_file(svg);
    ck_assert_msg(strstr(text, ">v = 1/(1+exp(-2x))</text>"), "no legend in the SVG");
    free(text);
    text = h_read_file(mmd);
    ck_assert_msg(strstr(text, "legend[\"v = 1/(1+exp(-2x))\"]"), "no legend in Mermaid");
    free(text);
    ck_assert(remove(svg) == 0 && remove(mmd) == 0 && rmdir(dir) == 0);
    h_ok(&h, "z = x * y");
    View v;
    symbolic_view(&h, &v, 0, false);
    ck_assert_int_eq(v.legend_count, 0);
    view_free(&v);
    h_free(&h);
}
END_TEST

/* On generated deep expressions, no label of a symbolic figure is longer
 * than 40 characters unless it holds no expression the figure carries
 * forward that could be named; every legend line's name is on the figure. */
START_TEST(long_labels_are_named) {
    Rng r = {20261204};
    int named = 0;
    for (int graph = 0; graph < 100; graph++) {
        Harness h;
        h_init(&h);
        char line[2048], expr[1024];
        h_ok(&h, "a = 0.7\nb = -1.3\nc = 1.1");
        random_expr(&r, 4, false, expr, sizeof expr);
        snprintf(line, sizeof line, "out = a + %s", expr);
        h_ok(&h, line);
        View v;
        symbolic_view(&h, &v, 1, false);
        for (int i = 0; i < v.edge_count; i++) {
            const char *texts[2] = {v.edges[i].value, v.edges[i].grad};
            for (int k = 0; k < 2; k++) {
                size_t chars = 0;
                for (const char *c = texts[k]; *c; c++)
                    chars += ((unsigned char)*c & 0xC0) != 0x80;
                if (chars <= 40) continue;
                for (int e = 0; e < v.edge_count; e++) {
                    const char *f = v.edges[e].value;
                    bool inside = strlen(f) >= 6 && strcmp(f, texts[k]) && strstr(texts[k], f);
                    ck_assert_msg(!inside || v.legend_count == VIEW_LEGEND,
                                  "%s: '%s' could name '%s'", line, texts[k], f);
                }
            }
        }
        for (int i = 0; i < v.legend_count; i++) {
            char name[8];
            snprintf(name, sizeof name, "%.*s", (int)strcspn(v.legend[i], " "), v.legend[i]);
            bool shown = false;
            for (int e = 0; e < v.edge_count; e++)
                shown = shown || strstr(v.edges[e].value, name) || strstr(v.edges[e].grad, name);
            ck_assert_msg(shown, "%s: legend '%s' names nothing", line, v.legend[i]);
        }
        named += v.legend_count > 0;
        view_free(&v);
        h_free(&h);
    }
    ck_assert_int_ge(named, 10); /* the expressions were deep enough to need names */
}
END_TEST

START_TEST(labels_evaluate_to_the_numbers) {
    Rng r = {20261203};
    for (int graph = 0; graph < 300; graph++) {
        Harness h;
        h_init(&h);
        char line[2048], expr[1024];
        snprintf(line, sizeof line, "a = %.6f\nb = %.6f\nc = %.6f", rng_range(&r, -2, 2),
                 rng_range(&r, -2, 2), rng_range(&r, 0.2, 2));
        h_ok(&h, line);
        random_expr(&r, 2, false, expr, sizeof expr);
        snprintf(line, sizeof line, "m = %s", expr);
        h_ok(&h, line);
        random_expr(&r, 3, true, expr, sizeof expr);
        snprintf(line, sizeof line, "out = %s + m * a", expr);
        h_ok(&h, line);
        check_labels(&h, SYM_RULES);
        check_labels(&h, SYM_DERIVED); /* sigmoid and tanh as their expansions derive */
        h_free(&h);
    }
}
END_TEST

static const char SWL[] = "a = [0.3, 2.9, 4.0]\nt = [0, 1, 0]\nL = softmax_with_loss(a, t)";

/* Figures 5-29 and 5-30 element by element: a1 a2 a3 in, y1 - t1 back;
 * y1 y2 y3 on to the Cross Entropy Error box, -t1/y1 back; t1 t2 t3 in
 * with no gradient; every leaf a bare tail. */
START_TEST(softmax_with_loss_elements_5_29_5_30) {
    Harness h;
    h_init(&h);
    h_ok(&h, SWL);
    static const char *const layer[][2] = {{"a1", "y1 - t1"}, {"a2", "y2 - t2"}, {"a3", "y3 - t3"},
                                           {"t1", ""},        {"t2", ""},        {"t3", ""},
                                           {"L", "1"}};
    static const char *const boxes[][2] = {{"a1", "y1 - t1"}, {"a3", "y3 - t3"}, {"y1", "-t1/y1"},
                                           {"y2", "-t2/y2"},  {"y3", "-t3/y3"},  {"t2", ""},
                                           {"L", "1"}};
    for (int level = 0; level <= 1; level++) {
        View v;
        symbolic_view(&h, &v, level, false);
        const char *const(*want)[2] = level ? boxes : layer;
        for (size_t k = 0; k < 7; k++) {
            bool found = false;
            for (int i = 0; i < v.edge_count; i++)
                found = found || (strcmp(v.edges[i].value, want[k][0]) == 0 &&
                                  strcmp(v.edges[i].grad, want[k][1]) == 0);
            ck_assert_msg(found, "level %d: no link %s|%s", level, want[k][0], want[k][1]);
        }
        ck_assert_int_eq(v.edge_count, level ? 10 : 7);
        for (int i = 0; i < v.node_count; i++)
            if (v.nodes[i].kind == VIEW_LEAF) ck_assert_str_eq(v.nodes[i].label, "");
        view_free(&v);
    }
    h_free(&h);
}
END_TEST

/* The appendix's graph in symbols (--expand=2): every label, forward and
 * backward, evaluated with a, t, y = softmax(a), S = Σ exp(a) and L, is
 * the number --values writes beside it; and the book's steps are there. */
START_TEST(softmax_with_loss_appendix) {
    Harness h;
    h_init(&h);
    h_ok(&h, SWL);
    const double a[] = {0.3, 2.9, 4.0}, t[] = {0, 1, 0};
    double S = exp(a[0]) + exp(a[1]) + exp(a[2]);
    char names[10][8];
    Known known[10];
    for (int j = 0; j < 3; j++) {
        snprintf(names[3 * j], 8, "a%d", j + 1);
        snprintf(names[3 * j + 1], 8, "t%d", j + 1);
        snprintf(names[3 * j + 2], 8, "y%d", j + 1);
        known[3 * j] = (Known){names[3 * j], a[j]};
        known[3 * j + 1] = (Known){names[3 * j + 1], t[j]};
        known[3 * j + 2] = (Known){names[3 * j + 2], exp(a[j]) / S};
    }
    known[9] = (Known){"S", S};
    View v;
    symbolic_view(&h, &v, 2, true);
    ck_assert_int_eq(v.edge_count, 8 * 3 + 3 + 1);
    int checked = 0;
    for (int i = 0; i < v.edge_count; i++) {
        const char *texts[2] = {v.edges[i].value, v.edges[i].grad};
        for (int k = 0; k < 2; k++) {
            char symbol[VIEW_TEXT];
            const char *eq = strstr(texts[k], " = ");
            if (!eq || strcmp(texts[k], "L") == 0) continue;
            snprintf(symbol, sizeof symbol, "%.*s", (int)(eq - texts[k]), texts[k]);
            if (strcmp(symbol, "L") == 0) continue;
            bool ok;
            double got = evaluate(symbol, known, 10, &ok);
            ck_assert_msg(ok, "cannot read '%s'", symbol);
            assert_close(got, strtod(eq + 3, NULL), k ? "backward label" : "forward label",
                         texts[k]);
            checked++;
        }
    }
    ck_assert_int_ge(checked, 40);
    view_free(&v);
    symbolic_view(&h, &v, 2, false);
    static const char *const want[][2] = {
        {"a1", "y1 - t1"}, {"exp(a1)", "1/S"},         {"S", "1/S"},
        {"1/S", "-t2 S"},  {"exp(a2)", "-t2/exp(a2)"}, {"y2", "-t2/y2"},
        {"log y2", "-t2"}, {"t2 log y2", "-1"},        {"t1 log y1 + t2 log y2 + t3 log y3", "-1"},
        {"t3", ""}};
    for (size_t k = 0; k < sizeof want / sizeof *want; k++) {
        bool found = false;
        for (int i = 0; i < v.edge_count; i++)
            found = found || (strcmp(v.edges[i].value, want[k][0]) == 0 &&
                              strcmp(v.edges[i].grad, want[k][1]) == 0);
        ck_assert_msg(found, "no link %s|%s", want[k][0], want[k][1]);
    }
    view_free(&v);
    h_free(&h);
}
END_TEST

/* Element labels: names of vectors indexed, the loss, functions and
 * scalars not. */
START_TEST(element_labels) {
    Harness h;
    h_init(&h);
    h_ok(&h, "w = 2\nx1 = [1, 2]\nz = x1 * w");
    static const char *const cases[][3] = {{"y - t", "0", "y1 - t1"},
                                           {"∂L/∂z · w", "1", "∂L/∂z2 · w"},
                                           {"exp(-x1)", "1", "exp(-x1_2)"},
                                           {"2 · a", "2", "2 · a3"}};
    for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
        char out[VIEW_TEXT];
        sym_element(&h.s.graph, cases[k][0], atoi(cases[k][1]), out, sizeof out);
        ck_assert_str_eq(out, cases[k][2]);
    }
    h_free(&h);
}
END_TEST

static Suite *symbolic_suite(void) {
    Suite *s = suite_create("symbolic");
    TCase *t = tcase_create("figures");
    tcase_add_test(t, chain_rule_5_7);
    tcase_add_test(t, add_5_9);
    tcase_add_test(t, mul_5_12);
    tcase_add_test(t, relu_5_18);
    tcase_add_test(t, sigmoid_5_19_to_5_22);
    tcase_add_test(t, sigmoid_derived_5_21);
    tcase_add_test(t, sigmoid_expanded_5_20);
    tcase_add_test(t, tanh_expanded);
    tcase_add_test(t, legend_names);
    tcase_add_test(t, affine_5_24_to_5_27);
    tcase_add_test(t, softmax_with_loss_5_30);
    tcase_add_test(t, softmax_with_loss_elements_5_29_5_30);
    tcase_add_test(t, softmax_with_loss_appendix);
    tcase_add_test(t, element_labels);
    tcase_add_test(t, leaves_are_bare_tails);
    tcase_add_test(t, option_errors);
    tcase_add_test(t, trace_symbolic);
    suite_add_tcase(s, t);
    TCase *p = tcase_create("property");
    tcase_add_test(p, labels_evaluate_to_the_numbers);
    tcase_add_test(p, long_labels_are_named);
    suite_add_tcase(s, p);
    return s;
}

CHECK_MAIN(symbolic_suite)
