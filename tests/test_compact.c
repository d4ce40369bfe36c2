/* test_compact.c - dead nodes are reclaimed, and nothing the user sees
 * changes when they are.
 *
 * A redefinition leaves its old expression's nodes dead and :del its name's
 * node; graph_compact removes them once they outnumber the live ones. The
 * bounds below are counts, never times: after any number of redefinitions
 * the graph holds at most twice its live nodes and storage, plus the
 * reclaim floor. The comparisons run the same lines in a session that
 * compacts at every chance (its floors at 0) and in one that never does, and
 * load what the first saves into a fresh session: every line must print the
 * same, and values, gradients, figures and the saved script must be
 * identical.
 */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "harness.h"
#include "rng.h"
#include "repl/command.h"
#include "repl/session.h"

/* --- the live graph, counted by hand ---------------------------------------- */

static int32_t live_nodes(const Graph *g) {
    int32_t n = 0;
    for (NodeId id = 0; id < graph_count(g); id++)
        n += graph_is_live(g, id);
    return n;
}

/* Elements of storage the live nodes hold (their red zones included). */
static uint64_t live_values(const Graph *g) {
    uint64_t n = 0;
    for (NodeId id = 0; id < graph_count(g); id++)
        if (graph_is_live(g, id)) n += shape_size(graph_shape(g, id));
    return n;
}

/* The graph is within twice what is live, plus the floors. */
static void check_bounded(const Graph *g, const char *at) {
    int32_t live = live_nodes(g);
    ck_assert_msg(graph_count(g) <= 2 * live + g->reclaim_nodes,
                  "%s: %d nodes allocated for %d live (floor %d)", at, graph_count(g), live,
                  g->reclaim_nodes);
    /* Red zones (ASan builds) are at most 2 elements per node. */
    uint64_t values = live_values(g) + 2u * (uint64_t)live;
    ck_assert_msg(g->vcount <= 2 * values + g->reclaim_values,
                  "%s: %u elements of storage for %llu live (floor %u)", at, g->vcount,
                  (unsigned long long)values, g->reclaim_values);
    ck_assert_msg(g->dead == graph_count(g) - live, "%s: %d dead counted, %d dead", at, g->dead,
                  graph_count(g) - live);
}

/* Sets the reclaim floors: 0 compacts at every chance. */
static void set_floors(Harness *h, int32_t nodes, uint32_t values) {
    h->s.graph.reclaim_nodes = nodes;
    h->s.graph.reclaim_values = values;
}

/* A harness whose session compacts at every chance. */
static void h_init_compacting(Harness *h) {
    h_init(h);
    set_floors(h, 0, 0);
}

/* `b = a*1 + a*2 + ... + a*terms + r`: 3·terms nodes, all dead once b is
 * defined again. */
static char *sum_of_terms(int terms) {
    StrBuf sb;
    sb_init(&sb);
    sb_printf(&sb, "b = ");
    for (int i = 1; i <= terms; i++)
        sb_printf(&sb, "a*%d + ", i);
    sb_printf(&sb, "r");
    return sb.data;
}

/* --- bounds: regressions for the graph that grew with every redefinition -- */

START_TEST(scalar_redefinitions_stay_bounded) {
    Harness h;
    h_init(&h);
    char *line = sum_of_terms(50);
    ck_assert(h_run(&h, "a = 2\nr = 3"));
    for (int n = 0; n < 2000; n++) {
        ck_assert(h_run(&h, line));
        check_bounded(&h.s.graph, "after a redefinition");
    }
    ck_assert(h_run(&h, ":grad"));
    ck_assert_str_eq(h.out_text, "∂b/∂a = 1275\n∂b/∂r = 1\n");
    ck_assert(h_run(&h, "b"));
    ck_assert_str_eq(h.out_text, "2553\n");
    free(line);
    h_free(&h);
}
END_TEST

START_TEST(tensor_redefinitions_stay_bounded) {
    Harness h;
    h_init(&h);
    ck_assert(h_run(&h, "X = ones(100, 100)"));
    char line[64];
    for (int i = 1; i <= 100; i++) {
        snprintf(line, sizeof line, "Y = sum(X * %d)", i);
        ck_assert(h_run(&h, line));
        check_bounded(&h.s.graph, line);
    }
    ck_assert_str_eq(h.out_text, "Y = 1000000\n");
    h_free(&h);
}
END_TEST

START_TEST(deletions_are_reclaimed) {
    Harness h;
    h_init(&h);
    char line[64];
    ck_assert(h_run(&h, "a = 1"));
    for (int i = 0; i < 3000; i++) {
        snprintf(line, sizeof line, "x%d = a * %d + 1", i, i);
        ck_assert(h_run(&h, line));
    }
    for (int i = 0; i < 3000; i++) {
        snprintf(line, sizeof line, ":del x%d", i);
        ck_assert(h_run(&h, line));
        check_bounded(&h.s.graph, line);
    }
    ck_assert_int_le(graph_count(&h.s.graph), 1 + h.s.graph.reclaim_nodes);
    h_free(&h);
}
END_TEST

/* A graph-level compaction: ids move down in order, and names, inputs,
 * values, gradients and the order of the walk follow them. */
START_TEST(compaction_renumbers_in_order) {
    Graph g;
    GraphError err;
    graph_init_empty(&g);
    GraphMark m = graph_mark(&g);
    NodeId a = graph_define(&g, "a", 1, graph_add_const(&g, 3), m, &err);
    for (int k = 0; k < 2; k++) { /* b = a * 2 + 1, then again: the first's nodes die */
        m = graph_mark(&g);
        NodeId in[2] = {a, graph_add_const(&g, 2)};
        NodeId mul = graph_add_op(&g, OP_MUL, in, 0, &err);
        NodeId in2[2] = {mul, graph_add_const(&g, 1)};
        ck_assert_int_ne(graph_define(&g, "b", 1, graph_add_op(&g, OP_ADD, in2, 0, &err), m, &err),
                         NODE_NONE);
    }
    m = graph_mark(&g);
    NodeId in[2] = {graph_lookup(&g, "b", 1), a};
    NodeId c = graph_define(&g, "c", 1, graph_add_op(&g, OP_MUL, in, 0, &err), m, &err);
    ck_assert(graph_backward(&g, c, NULL));
    ck_assert_int_eq(g.dead, 3); /* the first `2`, `a * 2` and `1` */
    int32_t before = graph_count(&g);
    double grad_a = graph_grad(&g, a), value_c = graph_scalar(&g, c);

    GraphRemap map;
    ck_assert(graph_compact(&g, &map));
    ck_assert_int_eq(map.count, before);
    ck_assert_int_eq(graph_count(&g), before - 3);
    ck_assert_int_eq(g.dead, 0);
    ck_assert_uint_eq(g.dead_values, 0);
    NodeId last = NODE_NONE;
    int32_t reclaimed = 0;
    for (NodeId id = 0; id < before; id++) {
        NodeId to = graph_remap_id(&map, id);
        if (to == NODE_NONE) {
            reclaimed++;
            continue;
        }
        ck_assert_int_gt(to, last);
        last = to;
    }
    ck_assert_int_eq(reclaimed, 3);
    NodeId a2 = graph_remap_id(&map, a), c2 = graph_remap_id(&map, c);
    ck_assert_int_eq(graph_remap_id(&map, NODE_NONE), NODE_NONE);
    graph_remap_free(&map);
    ck_assert_int_eq(graph_lookup(&g, "a", 1), a2);
    ck_assert_int_eq(graph_lookup(&g, "c", 1), c2);
    ck_assert_int_eq(graph_newest_derived(&g), c2);
    ck_assert_double_eq(graph_scalar(&g, c2), value_c);
    ck_assert_double_eq(graph_grad(&g, a2), grad_a);
    ck_assert(graph_backward(&g, c2, NULL));
    ck_assert_double_eq(graph_grad(&g, a2), grad_a);
    ck_assert(graph_set_leaf(&g, a2, 4)); /* (4*2 + 1) * 4 */
    ck_assert_double_eq(graph_scalar(&g, c2), 36);
    int32_t len;
    const NodeId *order = graph_order(&g, &len);
    ck_assert_int_eq(len, graph_count(&g));
    ck_assert_int_eq(order[len - 1], c2);
    graph_free(&g);
}
END_TEST

/* Storage a reshape replaced is garbage too, and compaction restores the
 * order of storage it broke. */
START_TEST(reshaped_storage_is_reclaimed) {
    Harness h;
    h_init_compacting(&h);
    ck_assert(h_run(&h, "x = [1, 2]\nk = 5\ny = x * k\nz = sum(y)"));
    ck_assert(h_run(&h, "x = [1, 2, 3]"));
    ck_assert(h_run(&h, "k = 6\nk = 7"));
    char line[64];
    for (int i = 2; i <= 20; i++) { /* each kills a constant: compacts along the way */
        snprintf(line, sizeof line, "w = z * %d", i);
        ck_assert(h_run(&h, line));
        check_bounded(&h.s.graph, line);
    }
    ck_assert_int_lt(h.s.graph.dead, 18);
    ck_assert(h_run(&h, ":grad x\nw\nk"));
    ck_assert_str_eq(h.out_text, "∂w/∂x = [140 140 140]\n840\n7\n");
    h_free(&h);
}
END_TEST

/* The chosen :target is a node id the session holds: it must follow the
 * renumbering. */
START_TEST(target_follows_compaction) {
    Harness h;
    h_init_compacting(&h);
    ck_assert(h_run(&h, "a = 1\np = a * 2\nq = p * 3\n:target p"));
    NodeId before = graph_lookup(&h.s.graph, "p", 1);
    for (int i = 0; i < 5; i++) /* each kills the constants before p: compacts */
        ck_assert(h_run(&h, "p = a * 5\nq = p * 4 + a"));
    ck_assert_int_lt(graph_lookup(&h.s.graph, "p", 1), before);
    ck_assert(h_run(&h, ":target\n:grad"));
    ck_assert_str_eq(h.out_text, "target: p\n∂p/∂a = 5\n");
    ck_assert(h_run(&h, ":target q\n:del q\nt = a * 7\np = a * 6\n:target"));
    ck_assert_str_eq(h.out_text, "target: q\ndeleted q\nt = 7\np = 6\ntarget: t\n");
    h_free(&h);
}
END_TEST

/* --- same output with and without compaction ------------------------------ */

enum { NAMES = 6 };
static const char *const names[NAMES] = {"a", "b", "c", "W", "사과", "price"};

/* One random line: mostly redefinitions (leaves and derived names, scalar
 * and tensor, some refused as cycles or shape changes), with :del, :target,
 * :seed and commands that print what the graph holds. */
static void random_line(Rng *state, char *buf, size_t size) {
    const char *k = names[rng_below(state, NAMES)], *i = names[rng_below(state, NAMES)],
               *j = names[rng_below(state, NAMES)];
    static const char *const ops[] = {"+", "-", "*", "/"};
    const char *op = ops[rng_below(state, 4)];
    int v = rng_below(state, 19) - 9;
    switch (rng_below(state, 16)) {
    case 0: snprintf(buf, size, "%s = %d", k, v); break;
    case 1: snprintf(buf, size, "param %s = [%d, 1, 2]", k, v); break;
    case 2: snprintf(buf, size, "%s = [[%d, 1], [2, 3]]", k, v); break;
    case 3: snprintf(buf, size, "%s = %s %s %s %s %d", k, i, op, j, op, v); break;
    case 4: snprintf(buf, size, "%s = sum(%s * %d) %s %s", k, i, v, op, j); break;
    case 5: snprintf(buf, size, "%s = tanh(%s) * %s + sigmoid(%s * %d)", k, i, j, i, v); break;
    case 6: snprintf(buf, size, "%s = %s * %d + %s * %d + %s", k, i, v, i, v + 1, j); break;
    case 7: snprintf(buf, size, "%s = mean(%s) + %d", k, i, v); break;
    case 8: snprintf(buf, size, ":del %s", k); break;
    case 9: snprintf(buf, size, ":target %s", k); break;
    case 10: snprintf(buf, size, ":seed %d", v); break;
    case 11: snprintf(buf, size, ":grad"); break;
    case 12: snprintf(buf, size, ":vars"); break;
    case 13: snprintf(buf, size, ":trace"); break;
    case 14: snprintf(buf, size, ":mermaid%s", rng_below(state, 2) ? " --all" : ""); break;
    default: snprintf(buf, size, "%s %s %s", i, op, j); break;
    }
}

/* What a figure of the session draws, written to a file and read back. */
static char *figure(Harness *h, const char *options, const char *file) {
    char line[256], path[128];
    snprintf(path, sizeof path, "%s/%s", tmpdir, file);
    snprintf(line, sizeof line, ":render %s %s", path, options);
    if (!h_run(h, line)) /* nothing to draw: the same error, at another line */
        return strdup(strstr(h->err_text, "error:"));
    char *text = h_read_file(path);
    remove(path);
    return text;
}

/* Lines whose output all three sessions must print alike at the end, and
 * figures. With --all a figure draws every node in id order, which follows
 * the order of definitions, so a fresh session may draw them in another
 * order: those need only match between the two long sessions. */
static const char *const probes[] = {":vars", ":grad", ":trace", ":mermaid", ":target"};
static const char *const figures[] = {"", "--expand", "--all", "--all --forward"};
enum { FIGURES_LIKE_FRESH = 2 };

START_TEST(compaction_changes_nothing_visible) {
    Rng state = {(uint64_t)_i * 104729u + 17};
    Harness compacting, keeping;
    h_init_compacting(&compacting);
    h_init(&keeping);
    set_floors(&keeping, INT32_MAX, UINT32_MAX);
    char line[512];
    int lines = 20 + rng_below(&state, 200);
    for (int n = 0; n < lines; n++) {
        random_line(&state, line, sizeof line);
        bool ok = h_run(&compacting, line);
        ck_assert_msg(h_run(&keeping, line) == ok, "sequence %d, line %d: %s", _i, n + 1, line);
        ck_assert_msg(strcmp(compacting.out_text, keeping.out_text) == 0,
                      "sequence %d, line %d: %s\ncompacting:\n%s\nkeeping:\n%s", _i, n + 1, line,
                      compacting.out_text, keeping.out_text);
        ck_assert_msg(strcmp(compacting.err_text, keeping.err_text) == 0,
                      "sequence %d, line %d: %s\ncompacting:\n%s\nkeeping:\n%s", _i, n + 1, line,
                      compacting.err_text, keeping.err_text);
        check_bounded(&compacting.s.graph, line);
    }

    /* A fresh session building the same final graph: what :save writes. */
    char path[128];
    snprintf(path, sizeof path, "%s/sequence%d.bp", tmpdir, _i);
    snprintf(line, sizeof line, ":save %s", path);
    ck_assert(h_run(&compacting, line));
    Harness fresh;
    h_init(&fresh);
    snprintf(line, sizeof line, ":load %s", path);
    ck_assert_msg(h_run(&fresh, line), "sequence %d: %s", _i, fresh.err_text);
    remove(path);
    char *scripts[3] = {h_script(&compacting), h_script(&keeping), h_script(&fresh)};
    ck_assert_str_eq(scripts[0], scripts[1]);
    ck_assert_str_eq(scripts[0], scripts[2]);
    for (int k = 0; k < 3; k++)
        free(scripts[k]);
    Harness *all[3] = {&compacting, &keeping, &fresh};
    for (size_t p = 0; p < sizeof probes / sizeof probes[0]; p++) {
        char *out[3];
        for (int k = 0; k < 3; k++) {
            h_run(all[k], probes[p]);
            out[k] = strdup(all[k]->out_text);
        }
        ck_assert_msg(strcmp(out[0], out[1]) == 0, "sequence %d, %s", _i, probes[p]);
        ck_assert_msg(strcmp(out[0], out[2]) == 0, "sequence %d, %s:\n%s\nfresh:\n%s", _i,
                      probes[p], out[0], out[2]);
        for (int k = 0; k < 3; k++)
            free(out[k]);
    }
    for (size_t o = 0; o < sizeof figures / sizeof figures[0]; o++) {
        char *drawn[3];
        for (int k = 0; k < 3; k++)
            drawn[k] = figure(all[k], figures[o], "figure.dot");
        ck_assert_msg(strcmp(drawn[0], drawn[1]) == 0, "sequence %d, figure %s", _i, figures[o]);
        ck_assert_msg(o >= FIGURES_LIKE_FRESH || strcmp(drawn[0], drawn[2]) == 0,
                      "sequence %d, figure %s", _i, figures[o]);
        for (int k = 0; k < 3; k++)
            free(drawn[k]);
    }
    h_free(&fresh);
    h_free(&keeping);
    h_free(&compacting);
}
END_TEST

static Suite *compact_suite(void) {
    Suite *s = suite_create("compact");
    TCase *tc = tcase_create("bounded");
    tcase_add_test(tc, scalar_redefinitions_stay_bounded);
    tcase_add_test(tc, tensor_redefinitions_stay_bounded);
    tcase_add_test(tc, deletions_are_reclaimed);
    tcase_add_test(tc, compaction_renumbers_in_order);
    tcase_add_test(tc, reshaped_storage_is_reclaimed);
    tcase_add_test(tc, target_follows_compaction);
    suite_add_tcase(s, tc);
    tc = tcase_create("invisible");
    tcase_add_unchecked_fixture(tc, make_tmpdir, remove_tmpdir);
    tcase_add_loop_test(tc, compaction_changes_nothing_visible, 0, 60);
    suite_add_tcase(s, tc);
    return s;
}

CHECK_MAIN(compact_suite)
