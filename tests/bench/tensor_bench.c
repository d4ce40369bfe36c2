/* tensor_bench.c - tensor workloads through the engine; tensor_numpy.py does
 * the same work in NumPy, and tensor.sh prints the two side by side.
 *
 *     tensor_bench [REPETITIONS]     (default: 51)
 *
 *   matmul    C = A @ B with A, B (512,512): forward, then the backward pass
 *             from ∂L/∂C = 1 (∂A = 1·Bᵀ, ∂B = Aᵀ·1);
 *   twolayer  one training step of the book's two-layer net (chapter 5) on a
 *             batch of 100: affine 784→50, relu, affine 50→10,
 *             softmax_with_loss with integer labels; forward, backward, and
 *             SGD (lr 0.1) on W1, b1, W2, b2.
 *
 * The graphs are built by running backprop statements through the parser,
 * then timed through the engine API. Prints, per workload, a line
 * "NAME MEDIAN_MS REPETITIONS", and comment lines (#) with a sanity check.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "repl/parser.h"
#include "timing.h"

/* Runs the definitions in src; exits with the error if one fails. */
static void run(Graph *g, const char *src) {
    Parser p;
    parser_init(&p, g, src, strlen(src), 0, 1);
    Statement st;
    while (parser_statement(&p, &st)) {
        GraphError err;
        if (graph_define(g, st.name, st.name_len, st.root, st.mark, &err) == NODE_NONE) {
            fprintf(stderr, "tensor_bench: %s\n", err.message);
            exit(1);
        }
    }
    if (p.failed) {
        fprintf(stderr, "tensor_bench: column %d: %s\n", p.error.pos.col, p.error.message);
        exit(1);
    }
}

static NodeId lookup(const Graph *g, const char *name) {
    NodeId id = graph_lookup(g, name, (int)strlen(name));
    if (id == NODE_NONE) {
        fprintf(stderr, "tensor_bench: %s is not defined\n", name);
        exit(1);
    }
    return id;
}

static void matmul(int reps, double *ms) {
    Graph g;
    graph_init_empty(&g);
    run(&g, "A = randn(512, 512, seed=1); B = randn(512, 512, seed=2); C = A @ B");
    NodeId a = lookup(&g, "A"), c = lookup(&g, "C");
    for (int r = 0; r < reps; r++) {
        double start = bench_now_ms();
        if (!graph_update(&g, &a, 1) || !graph_backward(&g, c, NULL)) exit(1);
        ms[r] = bench_now_ms() - start;
    }
    /* ∂A[0][j] = Σ_k B[j][k]: a row sum of B. */
    Value b = graph_value(&g, lookup(&g, "B"));
    double want = 0;
    for (int k = 0; k < 512; k++)
        want += b.data[k];
    printf("# matmul: dA[0][0] = %.6f (row sum of B: %.6f)\n", graph_grad_value(&g, a).data[0],
           want);
    graph_free(&g);
}

static void two_layer(int reps, double *ms) {
    Graph g;
    graph_init_empty(&g);
    run(&g, "X = randn(100, 784, seed=1); W1 = 0.01 * randn(784, 50, seed=2); b1 = zeros(50); "
            "W2 = 0.01 * randn(50, 10, seed=3); b2 = zeros(10); t = zeros(100)");
    /* Labels 0..9 in turn: the language has no modulo to write them. */
    NodeId t = lookup(&g, "t");
    double *labels = graph_leaf_data(&g, t);
    for (int i = 0; i < 100; i++)
        labels[i] = i % 10;
    if (!graph_update(&g, &t, 1)) exit(1);
    run(&g, "L = softmax_with_loss(affine(relu(affine(X, W1, b1)), W2, b2), t)");
    NodeId loss = lookup(&g, "L");
    const char *const names[4] = {"W1", "b1", "W2", "b2"};
    NodeId params[4];
    for (int i = 0; i < 4; i++)
        params[i] = lookup(&g, names[i]);
    double first = graph_scalar(&g, loss);
    for (int r = 0; r < reps; r++) {
        double start = bench_now_ms();
        if (!graph_update(&g, params, 4) || !graph_backward(&g, loss, NULL)) exit(1);
        for (int i = 0; i < 4; i++) {
            Value grad = graph_grad_value(&g, params[i]);
            double *w = graph_leaf_data(&g, params[i]);
            for (size_t e = 0; e < grad.size; e++)
                w[e] -= 0.1 * grad.data[e];
        }
        ms[r] = bench_now_ms() - start;
    }
    if (!graph_update(&g, params, 4)) exit(1);
    printf("# twolayer: loss %.4f before, %.4f after %d steps\n", first, graph_scalar(&g, loss),
           reps);
    graph_free(&g);
}

int main(int argc, char **argv) {
    int reps = argc > 1 ? atoi(argv[1]) : 51;
    if (argc > 2 || reps < 1) {
        fprintf(stderr, "usage: tensor_bench [REPETITIONS]\n");
        return 2;
    }
    double *ms = malloc((size_t)reps * sizeof *ms);
    if (!ms) return 1;
    matmul(reps, ms);
    printf("matmul %.3f %d\n", bench_median(ms, reps), reps);
    two_layer(reps, ms);
    printf("twolayer %.3f %d\n", bench_median(ms, reps), reps);
    free(ms);
    return 0;
}
