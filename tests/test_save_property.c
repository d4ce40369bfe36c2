/* test_save_property.c - :save then :load rebuilds any session exactly.
 *
 * A property test over hundreds of random sessions, each made from a fixed
 * seed (so a failure names the session that broke): scalar and tensor leaves
 * (literals at full precision, subnormals, -0, 0/0 and ±1/0, randn), params,
 * derived names over both, redefinitions (leaf to derived and back, which
 * may be refused as cycles, as may some :del), a :target, a scalar or tensor
 * :seed, :digits and :elide. Each is saved to a scratch file and loaded into
 * a fresh session, which must have the same live names in the same order,
 * the same leaf/param/derived kinds, bit-identical values and gradients
 * (both backward passes seeded as the sessions say), the same target, seed
 * and settings, and must save to the very same bytes.
 */
#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "harness.h"
#include "repl/command.h"
#include "repl/session.h"

enum { SESSIONS = 300, NAMES = 8, MAX_STATEMENTS = 24 };

static const char *const names[NAMES] = {"a", "b", "c", "W", "x_1", "사과", "α", "price"};

/* splitmix64: a small, fully reproducible stream per session. */
static uint64_t next(uint64_t *state) {
    uint64_t z = (*state += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

static int below(uint64_t *state, int n) {
    return (int)(next(state) % (uint64_t)n);
}

/* A number as source text: mostly ordinary, sometimes an edge case. */
static void number(uint64_t *state, char *buf, size_t size) {
    static const char *const edges[] = {
        "0/0", "1/0", "-1/0", "-0", "0", "5e-324", "1.7976931348623157e308", "0.1"};
    int pick = below(state, 10);
    if (pick == 0) {
        snprintf(buf, size, "%s", edges[below(state, sizeof edges / sizeof edges[0])]);
    } else if (pick == 1) {
        uint64_t bits = next(state);
        double v;
        memcpy(&v, &bits, sizeof v);
        if (!isfinite(v)) v = 1.5;
        snprintf(buf, size, "(%.17g)", v);
    } else {
        double v = (double)(int64_t)(next(state) % 2001 - 1000) / (1 + below(state, 64));
        snprintf(buf, size, "%.17g", v);
    }
}

/* A tensor literal of rank 1 or 2, or a randn call. */
static void tensor(uint64_t *state, char *buf, size_t size) {
    if (below(state, 4) == 0) {
        snprintf(buf, size, "randn(%d, %d, seed=%d)", 1 + below(state, 3), 1 + below(state, 3),
                 below(state, 100));
        return;
    }
    int rank = 1 + below(state, 2), rows = 1 + below(state, 3), cols = 1 + below(state, 3);
    size_t used = 0;
    char num[64];
    used += (size_t)snprintf(buf + used, size - used, rank == 2 ? "[" : "");
    for (int r = 0; r < (rank == 2 ? rows : 1); r++) {
        used += (size_t)snprintf(buf + used, size - used, "%s[", r ? ", " : "");
        for (int c = 0; c < cols; c++) {
            number(state, num, sizeof num);
            used += (size_t)snprintf(buf + used, size - used, "%s%s", c ? ", " : "", num);
        }
        used += (size_t)snprintf(buf + used, size - used, "]");
    }
    snprintf(buf + used, size - used, rank == 2 ? "]" : "");
}

/* One random statement or command into buf. Scalars and tensors mix only
 * through sum(), and tensors only with scalars, so shapes always fit. */
static void statement(uint64_t *state, bool *is_tensor, char *buf, size_t size) {
    int k = below(state, NAMES), i = below(state, NAMES), j = below(state, NAMES);
    char value[512];
    static const char *const ops[] = {"+", "-", "*", "/"};
    const char *op = ops[below(state, 4)];
    switch (below(state, 10)) {
    case 0:
    case 1:
        number(state, value, sizeof value);
        snprintf(buf, size, "%s = %s", names[k], value);
        is_tensor[k] = false;
        break;
    case 2:
        tensor(state, value, sizeof value);
        snprintf(buf, size, "%s%s = %s", below(state, 2) ? "param " : "", names[k], value);
        is_tensor[k] = true;
        break;
    case 3:
        number(state, value, sizeof value);
        snprintf(buf, size, "param %s = %s", names[k], value);
        is_tensor[k] = false;
        break;
    case 4:
    case 5:
    case 6: {
        /* a derived scalar from two names, tensors summed */
        char left[64], right[64];
        snprintf(left, sizeof left, is_tensor[i] ? "sum(%s)" : "%s", names[i]);
        snprintf(right, sizeof right, is_tensor[j] ? "sum(%s * %s)" : "tanh(%s)", names[j],
                 names[j]);
        snprintf(buf, size, "%s = %s %s %s", names[k], left, op, right);
        is_tensor[k] = false;
        break;
    }
    case 7:
        if (is_tensor[i]) {
            snprintf(buf, size, "%s = sigmoid(%s) %s 2", names[k], names[i], op);
            is_tensor[k] = true;
        } else {
            snprintf(buf, size, "%s = exp(%s / 100) %s 3", names[k], names[i], op);
            is_tensor[k] = false;
        }
        break;
    case 8: snprintf(buf, size, ":del %s", names[k]); break;
    default: snprintf(buf, size, ":target %s", names[k]); break;
    }
}

/* The settings at the end of a session: a seed (scalar, or a tensor shaped
 * like the target when it is one), digits, elide. */
static void settings(uint64_t *state, Harness *h, char *buf, size_t size) {
    char value[512] = "1";
    NodeId target = session_target(&h->s);
    int pick = below(state, 3);
    if (pick == 1) number(state, value, sizeof value);
    if (pick == 2 && target != NODE_NONE && !graph_is_scalar(&h->s.graph, target)) {
        char call[64];
        const Shape *s = graph_shape(&h->s.graph, target);
        size_t used = (size_t)snprintf(call, sizeof call, "randn(");
        for (int a = 0; a < s->rank; a++)
            used += (size_t)snprintf(call + used, sizeof call - used, "%s%d", a ? ", " : "",
                                     (int)s->dims[a]);
        snprintf(call + used, sizeof call - used, ", seed=%d)", below(state, 50));
        snprintf(value, sizeof value, "%s", call);
    }
    snprintf(buf, size, ":seed %s\n:digits %d\n:elide %d", value, 1 + below(state, 17),
             below(state, 3) == 0 ? 0 : 1 + below(state, 2000));
}

static char *script_of(Session *s) {
    char *text = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&text, &size);
    ck_assert(f);
    ck_assert(session_write_script(s, f, NULL));
    fclose(f);
    return text;
}

static bool same_values(Value a, Value b) {
    if (a.shape->rank != b.shape->rank || a.size != b.size) return false;
    for (int i = 0; i < a.shape->rank; i++)
        if (a.shape->dims[i] != b.shape->dims[i]) return false;
    return memcmp(a.data, b.data, a.size * sizeof *a.data) == 0;
}

/* Runs the backward pass the session's target and seed call for; false
 * when the seed does not fit the target, or there is no target. */
static bool backward(Session *s) {
    NodeId target = session_target(s);
    const double *seed = NULL;
    char why[256];
    if (target == NODE_NONE || !session_seed(s, target, &seed, why, sizeof why)) return false;
    ck_assert(graph_backward(&s->graph, target, seed));
    return true;
}

/* Every observable part of a and b is identical; `at` names the session. */
static void compare(Session *a, Session *b, const char *at) {
    Graph *ga = &a->graph, *gb = &b->graph;
    bool grads = backward(a);
    ck_assert_msg(backward(b) == grads, "%s: backward passes differ", at);
    int32_t kb = 0;
    for (int32_t ka = 0; ka < ga->name_count; ka++) {
        NodeId ia = ga->names[ka].node;
        if (ia == NODE_NONE) continue;
        while (kb < gb->name_count && gb->names[kb].node == NODE_NONE)
            kb++;
        ck_assert_msg(kb < gb->name_count, "%s: '%s' is missing", at, graph_name_of(ga, ia));
        NodeId ib = gb->names[kb++].node;
        const char *name = graph_name_of(ga, ia);
        ck_assert_msg(strcmp(name, graph_name_of(gb, ib)) == 0, "%s: '%s' became '%s'", at, name,
                      graph_name_of(gb, ib));
        ck_assert_msg(graph_is_leaf(ga, ia) == graph_is_leaf(gb, ib), "%s: %s's kind", at, name);
        ck_assert_msg(graph_is_param(ga, ia) == graph_is_param(gb, ib), "%s: %s's param", at, name);
        ck_assert_msg(same_values(graph_value(ga, ia), graph_value(gb, ib)), "%s: %s's value", at,
                      name);
        if (grads)
            ck_assert_msg(same_values(graph_grad_value(ga, ia), graph_grad_value(gb, ib)),
                          "%s: %s's gradient", at, name);
    }
    while (kb < gb->name_count && gb->names[kb].node == NODE_NONE)
        kb++;
    ck_assert_msg(kb == gb->name_count, "%s: the reload has extra names", at);
    NodeId ta = session_target(a), tb = session_target(b);
    ck_assert_msg((ta == NODE_NONE) == (tb == NODE_NONE), "%s: target", at);
    if (ta != NODE_NONE)
        ck_assert_msg(strcmp(graph_name_of(ga, ta), graph_name_of(gb, tb)) == 0, "%s: target %s",
                      at, graph_name_of(ga, ta));
    ck_assert_msg((a->target == NODE_NONE) == (b->target == NODE_NONE), "%s: target chosen", at);
    ck_assert_msg(memcmp(&a->seed, &b->seed, sizeof a->seed) == 0, "%s: seed", at);
    ck_assert_msg((a->seed_tensor == NULL) == (b->seed_tensor == NULL), "%s: seed kind", at);
    if (a->seed_tensor) {
        Value sa = {&a->seed_shape, a->seed_tensor, shape_size(&a->seed_shape)};
        Value sb = {&b->seed_shape, b->seed_tensor, shape_size(&b->seed_shape)};
        ck_assert_msg(same_values(sa, sb), "%s: seed tensor", at);
    }
    ck_assert_int_eq(a->digits, b->digits);
    ck_assert_uint_eq(a->elide, b->elide);
}

START_TEST(test_save_load_round_trip) {
    uint64_t state = (uint64_t)_i * 7919u + 1;
    bool is_tensor[NAMES] = {false};
    Harness h;
    h_init(&h);
    char line[2048], at[64], path[128];
    snprintf(at, sizeof at, "session %d", _i);
    int statements = 1 + below(&state, MAX_STATEMENTS);
    for (int n = 0; n < statements; n++) {
        statement(&state, is_tensor, line, sizeof line);
        h_run(&h, line); /* a cycle or a refused :del changes nothing */
    }
    settings(&state, &h, line, sizeof line);
    ck_assert_msg(h_run(&h, line), "%s: %s: %s", at, line, h.err_text);
    snprintf(path, sizeof path, "%s/session%d.bp", tmpdir, _i);
    snprintf(line, sizeof line, ":save %s", path);
    ck_assert_msg(h_run(&h, line), "%s: %s", at, h.err_text);
    char *first = script_of(&h.s);

    Harness fresh;
    h_init(&fresh);
    snprintf(line, sizeof line, ":load %s", path);
    ck_assert_msg(h_run(&fresh, line), "%s: %s\nscript:\n%s", at, fresh.err_text, first);
    compare(&h.s, &fresh.s, at);
    char *second = script_of(&fresh.s);
    ck_assert_msg(strcmp(first, second) == 0, "%s: saved\n%s\nthen\n%s", at, first, second);
    free(first);
    free(second);
    remove(path);
    h_free(&fresh);
    h_free(&h);
}
END_TEST

static Suite *save_property_suite(void) {
    Suite *s = suite_create("save_property");
    TCase *tc = tcase_create("round trip");
    tcase_add_unchecked_fixture(tc, make_tmpdir, remove_tmpdir);
    tcase_add_loop_test(tc, test_save_load_round_trip, 0, SESSIONS);
    suite_add_tcase(s, tc);
    return s;
}

CHECK_MAIN(save_property_suite)
