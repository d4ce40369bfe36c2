/* update_bench.c - how long does changing one leaf take in a big graph?
 *
 *     update_bench [LINKS] [REPETITIONS]     (default: 100000 links, 201 repetitions)
 *
 * Builds the benchmark chain (see chain.h) through a Session, so x0 is a leaf
 * and x1 .. x<LINKS> all depend on it, then times changing x0:
 *   - as the user does it, session_run_line("x0 = <v>"): parse, define,
 *     recompute every dependent, print the new value (to /dev/null);
 *   - directly with graph_set_leaf(), the engine's part of that.
 * Each repetition uses a new value, and the last one is checked against the
 * chain computed in plain C, which is also timed as a lower bound.
 * Prints median and maximum per update in milliseconds.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "chain.h"
#include "repl/session.h"
#include "timing.h"

typedef struct {
    double *ms; /* one time per repetition */
    int count;
} Timings;

static double median(const Timings *t) {
    double *sorted = malloc((size_t)t->count * sizeof *sorted);
    if (!sorted) return -1;
    memcpy(sorted, t->ms, (size_t)t->count * sizeof *sorted);
    double m = bench_median(sorted, t->count);
    free(sorted);
    return m;
}

static double maximum(const Timings *t) {
    double m = t->ms[0];
    for (int i = 1; i < t->count; i++)
        if (t->ms[i] > m) m = t->ms[i];
    return m;
}

static void report(const char *what, const Timings *t) {
    printf("%-34s median %8.3f ms   max %8.3f ms   (%d runs)\n", what, median(t), maximum(t),
           t->count);
}

/* The value the leaf gets in repetition `rep`: a different one every time. */
static double leaf_value(int rep) {
    return 0.5 + 0.001 * (rep % 100) - 0.0005 * (rep % 7);
}

/* The last link computed in plain C from leaf value x0. */
static double chain_in_c(double x0, long links) {
    double x = x0;
    for (long i = 1; i <= links; i++)
        x = chain_link_value(i, x);
    return x;
}

/* Fails unless the graph's last link matches the plain C chain from x0. */
static bool check_last(Graph *g, NodeId last, double x0, long links, const char *after) {
    double want = chain_in_c(x0, links), got = graph_scalar(g, last);
    if (got != want) {
        fprintf(stderr, "update_bench: after %s, x%ld = %.17g but the chain in C gives %.17g\n",
                after, links, got, want);
        return false;
    }
    return true;
}

static bool run_line(Session *s, const char *text) {
    if (session_run_line(s, "<bench>", 1, text, strlen(text))) return true;
    fprintf(stderr, "update_bench: statement failed: %s\n", text);
    return false;
}

int main(int argc, char **argv) {
    long links = bench_arg(argc > 1 ? argv[1] : NULL, 100000);
    long reps = bench_arg(argc > 2 ? argv[2] : NULL, 201);
    if (argc > 3 || links < 1 || reps < 1 || reps > 1000000) {
        fprintf(stderr, "usage: update_bench [LINKS] [REPETITIONS]\n");
        return 2;
    }

    FILE *devnull = fopen("/dev/null", "w");
    if (!devnull) {
        perror("update_bench: /dev/null");
        return 1;
    }
    StreamSink out;
    stream_sink_init(&out, devnull, stderr);
    Session s;
    session_init(&s, &out.sink);
    Graph *g = &s.graph;

    /* --- build: x0 = 0.5, then x1 .. x<links> ------------------------------ */
    double start = bench_now_ms();
    char line[128], expr[64];
    bool ok = run_line(&s, "x0 = " CHAIN_LEAF_VALUE);
    for (long i = 1; ok && i <= links; i++) {
        chain_link_expr(i, expr, sizeof expr);
        snprintf(line, sizeof line, "x%ld = %s", i, expr);
        ok = run_line(&s, line);
    }
    double build_ms = bench_now_ms() - start;
    if (!ok) return 1;
    snprintf(line, sizeof line, "x%ld", links);
    NodeId leaf = graph_lookup(g, "x0", 2);
    NodeId last = graph_lookup(g, line, (int)strlen(line));
    if (leaf == NODE_NONE || last == NODE_NONE) {
        fprintf(stderr, "update_bench: the chain's names are missing\n");
        return 1;
    }
    printf("graph: %ld dependents of one leaf, %d nodes (constants included), built in %.1f ms\n",
           links, graph_count(g), build_ms);

    Timings by_statement = {calloc((size_t)reps, sizeof(double)), (int)reps};
    Timings by_set_leaf = {calloc((size_t)reps, sizeof(double)), (int)reps};
    Timings in_c = {calloc((size_t)reps, sizeof(double)), (int)reps};
    if (!by_statement.ms || !by_set_leaf.ms || !in_c.ms) {
        fprintf(stderr, "update_bench: out of memory\n");
        return 1;
    }

    /* --- the user's way: a statement --------------------------------------- */
    double x0 = 0;
    for (int r = 0; r < reps; r++) {
        x0 = leaf_value(r);
        snprintf(line, sizeof line, "x0 = %.17g", x0);
        int64_t recomputed = g->recomputed;
        start = bench_now_ms();
        if (!run_line(&s, line)) return 1;
        by_statement.ms[r] = bench_now_ms() - start;
        if (g->recomputed - recomputed != links) {
            fprintf(stderr, "update_bench: '%s' recomputed %lld nodes, expected %ld\n", line,
                    (long long)(g->recomputed - recomputed), links);
            return 1;
        }
    }
    if (!check_last(g, last, x0, links, "session_run_line")) return 1;

    /* --- the engine alone: graph_set_leaf ---------------------------------- */
    for (int r = 0; r < reps; r++) {
        x0 = leaf_value(r + 1);
        start = bench_now_ms();
        if (!graph_set_leaf(g, leaf, x0)) {
            fprintf(stderr, "update_bench: graph_set_leaf failed\n");
            return 1;
        }
        by_set_leaf.ms[r] = bench_now_ms() - start;
    }
    if (!check_last(g, last, x0, links, "graph_set_leaf")) return 1;

    /* --- the lower bound: the same chain as a plain C loop ----------------- */
    volatile double sink = 0;
    for (int r = 0; r < reps; r++) {
        start = bench_now_ms();
        sink = chain_in_c(leaf_value(r), links);
        in_c.ms[r] = bench_now_ms() - start;
    }
    (void)sink;

    report("session_run_line(\"x0 = <v>\")", &by_statement);
    report("graph_set_leaf(x0, v)", &by_set_leaf);
    report("plain C loop (lower bound)", &in_c);

    free(by_statement.ms);
    free(by_set_leaf.ms);
    free(in_c.ms);
    session_free(&s);
    fclose(devnull);
    return 0;
}
