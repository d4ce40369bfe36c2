/* test_tensor_repl.c - what the REPL shows and does with tensor values.
 *
 * Covers: the NumPy-style layout (vectors, matrices, rank 3, negative
 * numbers, decimal alignment, elision and :elide, :digits, wrapping, the
 * indent under a prefix) both through tensor_text directly and through
 * statements, live updates of a tensor target, table cells in :vars,
 * JSON values with "shape" and nested arrays, :seed with a tensor and the
 * error for a tensor target without one, :grad of a matrix, :trace with
 * tensors, :check of a
 * two-layer net, :descend (numbers checked by hand), param errors and
 * atomicity, the session's random stream, and the :save / :load round trip
 * of tensors, params and a tensor seed.
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "graph/format.h"
#include "harness.h"
#include "repl/session.h"
#include "repl/tensor_text.h"

/* --- tensor_text on its own --------------------------------------------------------- */

static const double COUNT[] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};

static const struct {
    const char *what;
    Shape shape;
    const double *data;
    TensorStyle style;
    const char *text;
} layouts[] = {
    {"scalar as fmt_number", {0, {0}}, (const double[]){220.00000000000003}, {12, 1000, 0}, "220"},
    {"vector", {1, {3}}, COUNT, {12, 1000, 0}, "[0 1 2]"},
    {"matrix rows under the bracket, indent 4",
     {2, {2, 2}},
     COUNT,
     {12, 1000, 4},
     "[[0 1]\n     [2 3]]"},
    {"decimal points line up",
     {2, {2, 3}},
     (const double[]){0.1, -0.25, 0.5, 2, 1, -3},
     {12, 1000, 0},
     "[[ 0.1  -0.25  0.5 ]\n [ 2     1    -3   ]]"},
    {"rank 3: a blank line between blocks",
     {3, {2, 1, 2}},
     COUNT,
     {12, 1000, 0},
     "[[[0 1]]\n\n [[2 3]]]"},
    {"elided vector", {1, {8}}, COUNT, {12, 4, 0}, "[0 1 2 … 5 6 7]"},
    {"elide 0 never elides", {1, {8}}, COUNT, {12, 0, 0}, "[0 1 2 3 4 5 6 7]"},
    {"elision only above the threshold", {1, {8}}, COUNT, {12, 8, 0}, "[0 1 2 3 4 5 6 7]"},
    {"elided rows",
     {2, {8, 2}},
     COUNT,
     {12, 4, 0},
     "[[ 0  1]\n [ 2  3]\n [ 4  5]\n …\n [10 11]\n [12 13]\n [14 15]]"},
    {"digits", {1, {2}}, (const double[]){1.0 / 3, -2.0 / 3}, {3, 1000, 0}, "[ 0.333 -0.667]"},
    {"a long row wraps under its bracket",
     {1, {16}},
     (const double[]){1e10, 1e10, 1e10, 1e10, 1e10, 1e10, 1e10, 1e10, 1, 1, 1, 1, 1, 1, 1, 1},
     {12, 1000, 2},
     "[10000000000 10000000000 10000000000 10000000000 10000000000 10000000000\n"
     "   10000000000 10000000000           1           1           1           1\n"
     "             1           1           1           1]"},
};

START_TEST(test_layout) {
    StrBuf sb;
    sb_init(&sb);
    Shape shape = layouts[_i].shape;
    Value v = {&shape, layouts[_i].data, shape_size(&shape)};
    tensor_text(&sb, v, &layouts[_i].style);
    ck_assert_msg(strcmp(sb.data, layouts[_i].text) == 0, "%s:\n%s\nexpected:\n%s",
                  layouts[_i].what, sb.data, layouts[_i].text);
    sb_free(&sb);
}
END_TEST

START_TEST(test_inline_and_cell) {
    StrBuf sb;
    sb_init(&sb);
    Shape m = {2, {2, 2}};
    graph_value_text((Value){&m, (const double[]){1, NAN, 0.1, -2}, 4}, FMT_ROUND_TRIP, &sb);
    ck_assert_str_eq(sb.data, "[[1, 0 / 0], [0.1, -2]]");
    sb_clear(&sb);
    tensor_text_cell(&sb, (Value){&m, COUNT, 4}, 12, 6);
    ck_assert_str_eq(sb.data, "[[0, 1], [2, 3]]");
    sb_clear(&sb);
    Shape big = {2, {2, 8}};
    tensor_text_cell(&sb, (Value){&big, COUNT, 16}, 12, 6);
    ck_assert_str_eq(sb.data, "(2,8) ∈ [0, 15]");
    sb_free(&sb);
}
END_TEST

/* --- transcripts: input lines -> exact out and err ------------------------------------ */

static const struct {
    const char *what;
    bool json;
    const char *input;
    const char *out;
    const char *err; /* a substring err must contain; "" for none */
} transcripts[] = {
    {"vector statement", false, "x = [1, 2, 3]", "x = [1 2 3]\n", ""},
    {"matrix under its name", false, "W = [[0.1, -0.25, 0.5], [2, 1, -3]]",
     "W = [[ 0.1  -0.25  0.5 ]\n     [ 2     1    -3   ]]\n", ""},
    {"rank 3", false, "y = reshape(arange(8), 2, 2, 2)",
     "y = [[[0 1]\n      [2 3]]\n\n     [[4 5]\n      [6 7]]]\n", ""},
    {"bare expression, negatives", false, "[-1, 2, -30]", "[ -1   2 -30]\n", ""},
    {"elision and :elide", false, ":elide 5\nv = arange(10)\n:elide",
     "elide = 5\nv = [0 1 2 … 7 8 9]\nelide = 5\n", ""},
    {":elide rejects a fraction", false, ":elide 1.5", "",
     "elide must be a whole number from 0 to 67108864"},
    {"digits", false, ":digits 3\nx = [1/3, 2/3]", "digits = 3\nx = [0.333 0.667]\n", ""},
    {"a tensor target updates", false, "a = [1, 2]; b = a * 2\na = [3, 4]",
     "b = [2 4]\n"
     "a = [3 4]\n"
     "  → b = [6 8]\n",
     ""},
    {"an unchanged target is not shown", false, "a = [1, 2]; b = a * 2\na = [1, 2]",
     "b = [2 4]\n"
     "a = [1 2]\n",
     ""},
    {":grad of a matrix lines up under its label", false,
     "W = [[1, 2], [3, 4]]; L = sum(W * W)\n:grad",
     "L = 30\n"
     "∂L/∂W = [[2 4]\n"
     "         [6 8]]\n",
     ""},
    {":seed with a tensor", false, "x = [1, 2]; y = x * x\n:seed [3, 4]\n:grad\n:seed 1\n:seed",
     "y = [1 4]\n"
     "seed = [3 4]\n"
     "∂L/∂x = [ 6 16]\n"
     "seed = 1\n"
     "seed = 1\n",
     ""},
    {":seed ones(...)", false, "x = [[1, 2], [3, 4]]; y = 2 * x\n:seed ones(2, 2)\n:grad",
     "y = [[2 4]\n"
     "     [6 8]]\n"
     "seed = [[1 1]\n"
     "        [1 1]]\n"
     "∂L/∂x = [[2 2]\n"
     "         [2 2]]\n",
     ""},
    {"a tensor target needs a seed", false, "x = [1, 2]; y = x * 3\n:grad", "y = [3 6]\n",
     "the target y is not a scalar (shape (2))"},
    {"a seed of the wrong shape", false, "x = [1, 2]; y = x * 3\n:seed ones(3)\n:grad",
     "y = [3 6]\n", "the seed has shape (3) but the target y"},
    /* A seed that no longer fits the target goes back to 1, so that :grad
     * works and :save writes a :seed line that :load accepts. */
    {"a new target of another shape drops a tensor seed", false,
     "x = [1, 2]; y = x * 3\n:seed [1, 2]\nL = sum(y)\n:grad\n:target y\n:seed",
     "y = [3 6]\n"
     "seed = [1 2]\n"
     "L = 9\n"
     "warning: the seed has shape (2) but the target L has shape (): the seed is 1 again\n"
     "∂L/∂x = [3 3]\n"
     "target: y\n"
     "seed = 1\n",
     ""},
    {"JSON: a dropped seed is a warning", true, "x = [1, 2]; y = x * 3\n:seed [1, 2]\nL = sum(y)",
     "{\"kind\":\"value\",\"name\":\"y\",\"shape\":[2],\"value\":[3,6]}\n"
     "{\"kind\":\"seed\",\"shape\":[2],\"value\":[1,2]}\n"
     "{\"kind\":\"value\",\"name\":\"L\",\"value\":9}\n"
     "{\"kind\":\"warning\",\"message\":\"the seed has shape (2) but the target L has shape (): "
     "the seed is 1 again\"}\n",
     ""},
    {":vars: params, inline values, large ones by shape and range", false,
     "param W = [[1, 2], [3, 4]]; b = arange(7); y = W * 2\n:vars",
     "y = [[2 4]\n"
     "     [6 8]]\n"
     "name  value             kind     definition\n"
     "W     [[1, 2], [3, 4]]  param    \n"
     "b     (7) ∈ [0, 6]      leaf     \n"
     "y     [[2, 4], [6, 8]]  derived  W * 2\n",
     ""},
    {"JSON: shape and nested arrays", true, "x = [[1, 2], [3, 4]]; L = sum(x * x)\n:grad",
     "{\"kind\":\"value\",\"name\":\"L\",\"value\":30}\n"
     "{\"kind\":\"grad\",\"of\":\"L\",\"wrt\":\"x\",\"shape\":[2,2],\"value\":[[2,4],[6,8]]}\n",
     ""},
    {"JSON: a tensor seed and an update", true, "x = [1, 2]; y = x * x\n:seed [1, 0]\nx = [0, 3]",
     "{\"kind\":\"value\",\"name\":\"y\",\"shape\":[2],\"value\":[1,4]}\n"
     "{\"kind\":\"seed\",\"shape\":[2],\"value\":[1,0]}\n"
     "{\"kind\":\"value\",\"name\":\"x\",\"shape\":[2],\"value\":[0,3]}\n"
     "{\"kind\":\"update\",\"name\":\"y\",\"shape\":[2],\"value\":[0,9]}\n",
     ""},
    /* L = Σ w², ∂L/∂w = 2w, so each step with lr 0.25 halves w: L falls 5, 1.25, 0.3125. */
    {":descend halves w", false, "param w = [1, 2]; L = sum(w * w)\n:descend 0.25 2\nw",
     "L = 5\n"
     "step 1: L = 1.25\n"
     "step 2: L = 0.3125\n"
     "[0.25 0.5 ]\n",
     ""},
    {":descend trains params only", false,
     "param w = 3; x = [1, 2]; L = sum((w * x - [2, 4]) ** 2)\n:descend 0.1\nx",
     /* ∂L/∂w = Σ 2(wx − t)x = 2(1·1 + 2·2) = 10: w becomes 2, a perfect fit. */
     "L = 5\n"
     "step 1: L = 0\n"
     "[1 2]\n",
     ""},
    {":descend JSON", true, "param w = 2; L = w * w\n:descend 0.25",
     "{\"kind\":\"value\",\"name\":\"L\",\"value\":4}\n"
     "{\"kind\":\"descend\",\"step\":1,\"name\":\"L\",\"value\":1}\n",
     ""},
    {":descend without params", false, "x = [1, 2]; L = sum(x * x)\n:descend 0.1", "L = 5\n",
     "no params to train: mark the leaves L should learn with `param`"},
    {":descend with params elsewhere", false, "param w = 1; x = 2; L = x * x\n:descend 0.1",
     "L = 4\n", "no param feeds L"},
    {":descend needs a positive rate", false, "param w = 1; L = w * w\n:descend 0", "L = 1\n",
     "the learning rate must be a positive number"},
    {":descend needs a rate", false, "param w = 1; L = w * w\n:descend", "L = 1\n",
     ":descend needs a learning rate"},
    {":descend steps are whole", false, "param w = 1; L = w * w\n:descend 0.1 2.5", "L = 1\n",
     "steps must be a whole number"},
    {":descend of a tensor target without seed", false, "param w = [1, 2]; L = w * w\n:descend 0.1",
     "L = [1 4]\n", "is not a scalar"},
    {":trace of tensors: flows, fan-out sums, the result", false,
     "param W = [[1, 2], [3, 4]]; x = [1, 1]; y = x @ W; L = sum(y * y)\n:trace",
     "L = 52\n"
     "backward pass of L, seeded with ∂L/∂L = 1 (the upstream gradient)\n"
     "step 1: L = sum(y * y)   [sum node]\n"
     "    upstream ∂L/∂L = 1\n"
     "    to (y * y): [1, 1] flows back\n"
     "step 2: (y * y) = y * y   [mul node]\n"
     "    upstream ∂L/∂(y * y) = [1, 1]\n"
     "    to y: [4, 6] flows back\n"
     "    to y: [4, 6] flows back\n"
     "    y is used more than once: its gradients add up to [8, 12]\n"
     "step 3: y = x @ W   [matmul node]\n"
     "    upstream ∂L/∂y = [8, 12]\n"
     "    to x: [32, 72] flows back\n"
     "    to W: [[8, 12], [8, 12]] flows back\n"
     "result: ∂L/∂W = [[8, 12], [8, 12]], ∂L/∂x = [32, 72]\n",
     ""},
    {":trace of a large tensor gives shape and norm", false,
     "x = ones(3, 4); L = sum(x * 2)\n:trace",
     "L = 24\n"
     "backward pass of L, seeded with ∂L/∂L = 1 (the upstream gradient)\n"
     "step 1: L = sum(x * 2)   [sum node]\n"
     "    upstream ∂L/∂L = 1\n"
     "    to (x * 2): a (3,4) tensor of norm 3.46410161514 flows back\n"
     "step 2: (x * 2) = x * 2   [mul node]\n"
     "    upstream ∂L/∂(x * 2) = a (3,4) tensor of norm 3.46410161514\n"
     "    to x: a (3,4) tensor of norm 6.92820323028 flows back\n"
     "result: ∂L/∂x = a (3,4) tensor of norm 6.92820323028\n",
     ""},
    {"param must be an input", false, "x = 1\nparam y = x * 2\n:vars",
     "x = 1\nname  value  kind     definition\nx     1      leaf     \n",
     "param y must be an input"},
    {"a param redefined as a leaf stays a param", false, "param W = [1, 2]\nW = [3, 4]\n:vars",
     "W = [1 2]\nW = [3 4]\nname  value   kind     definition\nW     [3, 4]  param    \n", ""},
    {"a param redefined as derived is no longer one", false, "param W = 1; x = 2\nW = x * 3\n:vars",
     "x = 2\n"
     "W = 6\n"
     "name  value  kind     definition\n"
     "W     6      derived  x * 3\n"
     "x     2      leaf     \n",
     ""},
    /* issue 10's reproducers, each of which read or wrote past the label
     * tensor; the sizes (1000 and 16000 rows) only made the damage
     * reach unmapped memory, and the sanitizer build sees it at any size. */
    {"a -1 label is an error, not a one-hot row", false,
     "L = cross_entropy(softmax(ones(10,10)), full(10,-1))", "",
     "<test>:1:5: error: cross_entropy: label -1 in row 0 is not a class: the scores have 10 "
     "classes, so a label is a whole number from 0 to 9\n"
     "    L = cross_entropy(softmax(ones(10,10)), full(10,-1))\n"
     "        ^~~~~~~~~~~~~\n"},
    {"a -1 label in softmax_with_loss", false, "L = softmax_with_loss(ones(16,10), full(16,-1))",
     "", "<test>:1:5: error: softmax_with_loss: label -1 in row 0 is not a class"},
    {"a -1 label does not touch its neighbour's values", false,
     "t = [-1]\na = [5, 7]\nL = cross_entropy(softmax([[1,2,3]]), t) + sum(a)\nt = [2]\n"
     "L = cross_entropy(softmax([[1,2,3]]), t) + sum(a)\n:grad a\nt = [-1]\n:grad a",
     "t = [-1]\na = [5 7]\nt = [2]\nL = 12.4076058141\n∂L/∂a = [1 1]\n∂L/∂a = [1 1]\n",
     "<test>:7:1: error: changing t breaks L: cross_entropy: label -1 in row 0 is not a class"},
    {"a label past the classes", false, "L = softmax_with_loss(ones(2, 3), [1, 5])", "",
     "<test>:1:5: error: softmax_with_loss: label 5 in row 1 is not a class: the scores have 3 "
     "classes"},
    {"a reshape whose dims multiply past 2^64", false,
     "x = reshape(ones(2), 16777216, 16777216, 65536, -1)", "",
     "<test>:1:5: error: reshape: a value of shape (2) cannot be reshaped to "
     "(16777216,16777216,65536,-1)"},
};

START_TEST(test_transcript) {
    Harness h;
    h_init(&h);
    h.sink.json = transcripts[_i].json;
    h_run(&h, transcripts[_i].input);
    h_expect(&h, transcripts[_i].what, transcripts[_i].out, transcripts[_i].err);
    h_free(&h);
}
END_TEST

/* --- the book's two-layer net (section 5.7.3): gradient check and training -------- */

static const char *const TWO_LAYER = "X = randn(3, 4, seed=1)\n"
                                     "t = [[0, 0, 1], [1, 0, 0], [0, 1, 0]]\n"
                                     "param W1 = 0.5 * randn(4, 5, seed=2)\n"
                                     "param b1 = zeros(5)\n"
                                     "param W2 = 0.5 * randn(5, 3, seed=3)\n"
                                     "param b2 = zeros(3)\n"
                                     "h = sigmoid(affine(X, W1, b1))\n"
                                     "loss = softmax_with_loss(affine(h, W2, b2), t)";

static int count(const char *text, const char *word) {
    int n = 0;
    for (const char *p = text; (p = strstr(p, word)) != NULL; p += strlen(word))
        n++;
    return n;
}

/* :grad lists the leaves a gradient reaches: not labels (the book's layer
 * returns only dx), though `:grad t` still asks for that gradient. */
START_TEST(test_grad_skips_labels) {
    Harness h;
    h_init(&h);
    ck_assert(h_run(&h, "t = [0, 1, 0]; x = [1, 2, 3]; L = softmax_with_loss(x, t)"));
    ck_assert(h_run(&h, ":grad"));
    ck_assert_msg(strstr(h.out_text, "∂L/∂x = ") && !strstr(h.out_text, "∂L/∂t"), "%s", h.out_text);
    ck_assert(h_run(&h, ":grad t"));
    ck_assert_msg(strstr(h.out_text, "∂L/∂t = "), "%s", h.out_text);
    /* A leaf used as labels and as data gets its gradient listed. */
    ck_assert(h_run(&h, "M = L + sum(t * x)"));
    ck_assert(h_run(&h, ":target M"));
    ck_assert(h_run(&h, ":grad"));
    ck_assert_msg(strstr(h.out_text, "∂M/∂t = ") && strstr(h.out_text, "∂M/∂x = "), "%s",
                  h.out_text);
    h_free(&h);
}
END_TEST

START_TEST(test_check_two_layer_net) {
    Harness h;
    h_init(&h);
    ck_assert(h_run(&h, TWO_LAYER));
    ck_assert(h_run(&h, ":check"));
    ck_assert_msg(strncmp(h.out_text, "gradient                 shape       max |Δ|", 40) == 0,
                  "%s", h.out_text);
    /* X too, a leaf; not the labels t, which take no gradient. */
    ck_assert_msg(count(h.out_text, " ok\n") == 5, "%s", h.out_text);
    ck_assert_msg(!strstr(h.out_text, "∂loss/∂t "), "%s", h.out_text);
    ck_assert(strstr(h.out_text, "∂loss/∂W1                (4,5)       "));
    ck_assert(!strstr(h.out_text, "MISMATCH"));
    ck_assert(strstr(h.out_text, "ok up to 1e-6\n"));
    h.sink.json = true;
    ck_assert(h_run(&h, ":check W2"));
    ck_assert(strstr(h.out_text, "\"wrt\":\"W2\",\"shape\":[5,3],\"backprop\":[["));
    ck_assert(strstr(h.out_text, "\"ok\":true}\n"));
    h_free(&h);
}
END_TEST

START_TEST(test_check_flags_a_mismatch) {
    Harness h;
    h_init(&h);
    /* relu'(0) = 0 by the book's rule, but the central difference sees 0.5. */
    ck_assert(h_run(&h, "x = [0, 1]; L = sum(relu(x))\n:check"));
    ck_assert_msg(strstr(h.out_text, "∂L/∂x                    (2)         0.5 "), "%s",
                  h.out_text);
    ck_assert(strstr(h.out_text, "MISMATCH (> 1e-6)"));
    h_free(&h);
}
END_TEST

START_TEST(test_descend_lowers_the_loss) {
    Harness h;
    h_init(&h);
    ck_assert(h_run(&h, TWO_LAYER));
    double before = graph_scalar(&h.s.graph, session_target(&h.s));
    h.sink.json = true;
    ck_assert(h_run(&h, ":descend 0.5 20"));
    ck_assert_int_eq(count(h.out_text, "\"kind\":\"descend\""), 20);
    double after = graph_scalar(&h.s.graph, session_target(&h.s));
    ck_assert_msg(after < before * 0.9, "loss %g -> %g", before, after);
    /* the data did not move, only the params */
    ck_assert(h_run(&h, "t"));
    ck_assert(strstr(h.out_text, "\"value\":[[0,0,1],[1,0,0],[0,1,0]]"));
    h_free(&h);
}
END_TEST

/* --- the session's random stream ----------------------------------------------------- */

START_TEST(test_random_stream) {
    Harness h;
    h_init(&h);
    ck_assert(h_run(&h, "a = randn(3)\nb = randn(3)"));
    Value a = graph_value(&h.s.graph, graph_lookup(&h.s.graph, "a", 1));
    Value b = graph_value(&h.s.graph, graph_lookup(&h.s.graph, "b", 1));
    ck_assert(memcmp(a.data, b.data, 3 * sizeof *a.data) != 0); /* one stream goes on */
    double first[3];
    memcpy(first, a.data, sizeof first);
    ck_assert(h_run(&h, ":clear\nc = randn(3)"));
    Value c = graph_value(&h.s.graph, graph_lookup(&h.s.graph, "c", 1));
    ck_assert(memcmp(c.data, first, sizeof first) == 0); /* :clear restarts it */
    h_free(&h);
}
END_TEST

/* --- :save / :load ---------------------------------------------------------------------- */

static char *read_all(const char *path) {
    FILE *f = fopen(path, "r");
    ck_assert(f);
    char *text = NULL;
    size_t len = 0;
    ck_assert(getdelim(&text, &len, '\0', f) >= 0);
    fclose(f);
    return text;
}

START_TEST(test_save_load_round_trip) {
    char first[128], second[128], line[300];
    snprintf(first, sizeof first, "%s/tensors.bp", tmpdir);
    snprintf(second, sizeof second, "%s/tensors2.bp", tmpdir);
    Harness h;
    h_init(&h);
    ck_assert(h_run(&h, TWO_LAYER));
    ck_assert(h_run(&h, ":descend 0.3 2\ny = [1, 2]; z = [0.1, 3]; y = z * 3\n"
                        "n = [0 / 0, -1e308 * 10]\n:target h\n:seed randn(3, 5)\n:elide 7\n"
                        ":digits 5"));
    snprintf(line, sizeof line, ":save %s", first);
    ck_assert(h_run(&h, line));
    Harness h2;
    h_init(&h2);
    snprintf(line, sizeof line, ":load %s", first);
    ck_assert(h_run(&h2, line));
    snprintf(line, sizeof line, ":save %s", second);
    ck_assert(h_run(&h2, line));
    char *a = read_all(first), *b = read_all(second);
    ck_assert_str_eq(a, b);
    ck_assert(strstr(a, "\nparam W1 = [["));
    ck_assert(strstr(a, "\n:seed [["));
    ck_assert(strstr(a, "\n:elide 7\n"));
    free(a);
    free(b);
    /* Every name's value, params, the seed and the settings are identical. */
    Graph *g = &h.s.graph, *g2 = &h2.s.graph;
    ck_assert_int_eq(g->name_count, g2->name_count);
    for (int32_t k = 0; k < g->name_count; k++) {
        const char *name = g->strings + g->names[k].str;
        NodeId id = graph_lookup(g, name, (int)strlen(name));
        NodeId id2 = graph_lookup(g2, name, (int)strlen(name));
        ck_assert_msg(id2 != NODE_NONE, "%s lost", name);
        Value v = graph_value(g, id), v2 = graph_value(g2, id2);
        ck_assert(shape_equal(v.shape, v2.shape));
        ck_assert_msg(memcmp(v.data, v2.data, v.size * sizeof *v.data) == 0, "%s differs", name);
        ck_assert_int_eq(graph_is_param(g, id), graph_is_param(g2, id2));
    }
    ck_assert(h2.s.seed_tensor && shape_equal(&h.s.seed_shape, &h2.s.seed_shape));
    ck_assert(memcmp(h.s.seed_tensor, h2.s.seed_tensor, 15 * sizeof(double)) == 0);
    ck_assert_int_eq(session_target(&h.s), graph_lookup(g, "h", 1));
    ck_assert_int_eq(session_target(&h2.s), graph_lookup(g2, "h", 1));
    ck_assert_int_eq(h2.s.elide, 7);
    ck_assert_int_eq(h2.s.digits, 5);
    h_free(&h);
    h_free(&h2);
}
END_TEST

static Suite *tensor_repl_suite(void) {
    Suite *s = suite_create("tensor_repl");
    TCase *tc = tcase_create("tensor_repl");
    tcase_add_unchecked_fixture(tc, make_tmpdir, remove_tmpdir);
    tcase_add_loop_test(tc, test_layout, 0, sizeof layouts / sizeof layouts[0]);
    tcase_add_test(tc, test_inline_and_cell);
    tcase_add_loop_test(tc, test_transcript, 0, sizeof transcripts / sizeof transcripts[0]);
    tcase_add_test(tc, test_check_two_layer_net);
    tcase_add_test(tc, test_grad_skips_labels);
    tcase_add_test(tc, test_check_flags_a_mismatch);
    tcase_add_test(tc, test_descend_lowers_the_loss);
    tcase_add_test(tc, test_random_stream);
    tcase_add_test(tc, test_save_load_round_trip);
    suite_add_tcase(s, tc);
    return s;
}

CHECK_MAIN(tensor_repl_suite)
