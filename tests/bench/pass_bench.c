/* pass_bench.c - forward and backward alone, on graphs already built.
 *
 *     pass_bench [NODES] [REPETITIONS]     (default: 1000000 nodes, 21 repetitions)
 *
 * Builds two graphs of about NODES nodes through the graph API (no parsing):
 *   chain  one leaf x, then alternating `* c` and `+ c` with relu every 8th
 *          op (the chain workload of workloads.py);
 *   fanin  the sum of NODES/4 products of two leaves (every leaf changes).
 * Then times one forward recompute (graph_update over all leaves) plus one
 * backward pass (graph_backward) and prints the median nanoseconds per node
 * of each, and of both, as "pass KIND NS" lines for run.sh. A plain C loop
 * doing the chain's arithmetic forward and backward is the yardstick.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "graph/graph.h"
#include "timing.h"

static void die(const char *what) {
    fprintf(stderr, "pass_bench: %s\n", what);
    exit(1);
}

/* Defines leaf `name` = v. */
static NodeId leaf(Graph *g, const char *name, double v) {
    GraphError err;
    GraphMark m = graph_mark(g);
    NodeId c = graph_add_const(g, v);
    NodeId id = c == NODE_NONE ? NODE_NONE : graph_define(g, name, (int)strlen(name), c, m, &err);
    if (id == NODE_NONE) die("out of memory");
    return id;
}

static NodeId op2(Graph *g, Op op, NodeId a, NodeId b) {
    GraphError err;
    NodeId in[BP_MAX_INPUTS] = {a, b, NODE_NONE};
    NodeId id = graph_add_op(g, op, in, 0, &err);
    if (id == NODE_NONE) die(err.message);
    return id;
}

/* The chain; returns its root (named y). */
static NodeId build_chain(Graph *g, int32_t nodes, NodeId *x) {
    *x = leaf(g, "x", 0.5);
    GraphMark m = graph_mark(g);
    NodeId y = *x;
    for (int32_t i = 1; graph_count(g) < nodes; i++) {
        if (i % 8 == 0) {
            GraphError err;
            NodeId in[BP_MAX_INPUTS] = {y, NODE_NONE, NODE_NONE};
            if ((y = graph_add_op(g, OP_RELU, in, 0, &err)) == NODE_NONE) die(err.message);
        } else {
            NodeId c = graph_add_const(g, i % 2 ? 1.0000001 : 0.000001);
            if (c == NODE_NONE) die("out of memory");
            y = op2(g, i % 2 ? OP_MUL : OP_ADD, y, c);
        }
    }
    GraphError err;
    if ((y = graph_define(g, "y", 1, y, m, &err)) == NODE_NONE) die(err.message);
    return y;
}

/* The fan-in sum; its leaves go to leaves[0 .. *n). */
static NodeId build_fanin(Graph *g, int32_t nodes, NodeId *leaves, int32_t *n) {
    char name[32];
    int32_t pairs = nodes / 4;
    for (int32_t i = 0; i < 2 * pairs; i++) {
        snprintf(name, sizeof name, "u%d", i);
        leaves[i] = leaf(g, name, (i % 1000 - 500) / 1000.0);
    }
    GraphMark m = graph_mark(g);
    NodeId sum = op2(g, OP_MUL, leaves[0], leaves[1]);
    for (int32_t i = 1; i < pairs; i++)
        sum = op2(g, OP_ADD, sum, op2(g, OP_MUL, leaves[2 * i], leaves[2 * i + 1]));
    GraphError err;
    if ((sum = graph_define(g, "y", 1, sum, m, &err)) == NODE_NONE) die(err.message);
    *n = 2 * pairs;
    return sum;
}

/* Times forward (graph_update of leaves) and backward of root; prints them. */
static void time_passes(const char *kind, Graph *g, NodeId root, NodeId *leaves, int32_t n,
                        int reps) {
    double *fwd = malloc((size_t)reps * sizeof *fwd), *bwd = malloc((size_t)reps * sizeof *bwd);
    double *both = malloc((size_t)reps * sizeof *both);
    if (!fwd || !bwd || !both) die("out of memory");
    if (!graph_backward(g, root, NULL)) die("out of memory"); /* caches the order */
    for (int r = 0; r < reps; r++) {
        *graph_leaf_data(g, leaves[0]) += 1e-9;
        double t0 = (bench_now_ms() * 1e6);
        if (!graph_update(g, leaves, n)) die("out of memory");
        double t1 = (bench_now_ms() * 1e6);
        if (!graph_backward(g, root, NULL)) die("out of memory");
        double t2 = (bench_now_ms() * 1e6);
        fwd[r] = (t1 - t0) / graph_count(g);
        bwd[r] = (t2 - t1) / graph_count(g);
        both[r] = (t2 - t0) / graph_count(g);
    }
    printf("%s: %d nodes, forward %.2f ns/node, backward %.2f ns/node\n", kind, graph_count(g),
           bench_median(fwd, reps), bench_median(bwd, reps));
    printf("pass %s %.2f\n", kind, bench_median(both, reps));
    free(fwd);
    free(bwd);
    free(both);
}

/* The chain's arithmetic forward and backward in plain C, per node. */
static double plain_c(int32_t nodes, int reps) {
    int32_t ops = nodes * 8 / 15; /* 7 of every 8 ops come with a constant node */
    double *x = malloc(((size_t)ops + 1) * sizeof *x), *t = malloc((size_t)reps * sizeof *t);
    if (!x || !t) die("out of memory");
    volatile double sink = 0;
    for (int r = 0; r < reps; r++) {
        double t0 = (bench_now_ms() * 1e6);
        x[0] = 0.5 + r * 1e-9;
        for (int32_t i = 1; i <= ops; i++)
            x[i] = i % 8 == 0 ? (x[i - 1] > 0 ? x[i - 1] : 0)
                   : i % 2    ? x[i - 1] * 1.0000001
                              : x[i - 1] + 0.000001;
        double d = 1;
        for (int32_t i = ops; i >= 1; i--)
            d = i % 8 == 0 ? (x[i - 1] > 0 ? d : 0) : i % 2 ? d * 1.0000001 : d;
        sink = d;
        t[r] = ((bench_now_ms() * 1e6) - t0) / nodes;
    }
    (void)sink;
    double m = bench_median(t, reps);
    free(x);
    free(t);
    return m;
}

int main(int argc, char **argv) {
    long nodes = argc > 1 ? strtol(argv[1], NULL, 10) : 1000000;
    int reps = argc > 2 ? atoi(argv[2]) : 21;
    if (argc > 3 || nodes < 16 || nodes > 100000000 || reps < 1) {
        fprintf(stderr, "usage: pass_bench [NODES] [REPETITIONS]\n");
        return 2;
    }
    Graph g;
    graph_init_empty(&g);
    NodeId x, y = build_chain(&g, (int32_t)nodes, &x);
    time_passes("chain", &g, y, &x, 1, reps);
    graph_free(&g);

    NodeId *leaves = malloc((size_t)nodes * sizeof *leaves);
    if (!leaves) die("out of memory");
    int32_t n;
    y = build_fanin(&g, (int32_t)nodes, leaves, &n);
    time_passes("fanin", &g, y, leaves, n, reps);
    graph_free(&g);
    free(leaves);

    double c = plain_c((int32_t)nodes, reps);
    printf("plain C loop, chain forward + backward: %.2f ns/node\npass plainc %.2f\n", c, c);
    return 0;
}
