/* test_elements.c - --elements (one arrow per element of a small vector),
 * softmax_with_loss under --expand and --expand=2, and :mermaid --steps. */
#include <math.h>
#include <unistd.h>

#include "check_main.h"
#include "harness.h"
#include "render/view.h"

/* A vector's elements as arrows of their own, named a1 a2, in the
 * write-ups' Mermaid style. */
START_TEST(test_mermaid_elements_exact) {
    Harness h;
    h_init(&h);
    ck_assert(h_run(&h, "a = [1, 2]\nL = sum(a * 3)"));
    ck_assert(h_run(&h, ":mermaid --elements"));
    ck_assert_str_eq(h.out_text,
                     "flowchart LR\n"
                     "    n0[\"3\"]\n"
                     "    n1((\"×\"))\n"
                     "    n2[\"a1\"]\n"
                     "    n3[\"a2\"]\n"
                     "    n4((\"sum\"))\n"
                     "    n5[\" \"]\n"
                     "    n2 -->|\"1\"| n1\n"
                     "    n3 -->|\"2\"| n1\n"
                     "    n0 --> n1\n"
                     "    n1 -->|\"3\"| n4\n"
                     "    n1 -->|\"6\"| n4\n"
                     "    n4 -->|\"L = 9\"| n5\n"
                     "    n5 -->|\"1\"| n4\n"
                     "    n4 -->|\"1\"| n1\n"
                     "    n4 -->|\"1\"| n1\n"
                     "    n1 -->|\"3\"| n2\n"
                     "    n1 -->|\"3\"| n3\n"
                     "    style n0 fill:none,stroke:none\n"
                     "    style n2 fill:none,stroke:none\n"
                     "    style n3 fill:none,stroke:none\n"
                     "    style n5 fill:none,stroke:none\n"
                     "    linkStyle 6,7,8,9,10 stroke:red,stroke-width:2px,color:red;\n");
    /* Nine elements are more than VIEW_ELEMENTS: one arrow, as without --elements. */
    ck_assert(h_run(&h, "a = [1, 2, 3, 4, 5, 6, 7, 8, 9]\n:mermaid --elements"));
    ck_assert_ptr_null(strstr(h.out_text, "a1"));
    ck_assert_ptr_nonnull(strstr(h.out_text, "n0[\"a\"]"));
    h_free(&h);
}
END_TEST

/* Scores, labels and the level of expansion; each drawn with 17 digits so
 * the numbers on the arrows can be read back exactly. */
static const struct {
    const char *script;
    int level;
    int layers, exps, logs; /* boxes, exp and log circles the figure must have */
} loss_cases[] = {
    {"a = [0.5, -1.25, 2]\nt = [0, 0, 1]\nL = softmax_with_loss(a, t)", 1, 2, 0, 0},
    {"a = [0.5, -1.25, 2]\nt = [0, 0, 1]\nL = softmax_with_loss(a, t)", 2, 0, 3, 3},
    {"a = [3, 1, -2, 0.25]\nL = softmax_with_loss(a, 1)", 1, 2, 0, 0},
    {"a = [3, 1, -2, 0.25]\nL = softmax_with_loss(a, 1) * 2.5", 2, 0, 4, 4},
    {"a = [-1.20397280433, -1.60943791243, -0.69314718056]\nt = [0, 1, 0]\n"
     "L = softmax_with_loss(a, t)",
     2, 0, 3, 3},
};

static int count_nodes(const View *v, ViewNodeKind kind, const char *label) {
    int n = 0;
    for (int i = 0; i < v->node_count; i++)
        n += v->nodes[i].kind == kind && (!label || strcmp(v->nodes[i].label, label) == 0);
    return n;
}

/* The expanded layer: its boxes or circles, a1 a2 ... each into its own
 * link carrying y_i − t_i, the engine's gradient of the fused op, to 1e-12;
 * no gradient into the labels. */
START_TEST(test_loss_expansion) {
    Harness h;
    h_init(&h);
    ck_assert(h_run(&h, loss_cases[_i].script));
    NodeId a = graph_lookup(&h.s.graph, "a", 1);
    ViewOptions o = {.target = session_target(&h.s),
                     .of = NODE_NONE,
                     .expand = true,
                     .names = true,
                     .digits = 17,
                     .tensor_digits = 17,
                     .elements = true,
                     .expand_level = loss_cases[_i].level};
    View v;
    char error[256];
    ck_assert_msg(view_build(&v, &h.s.graph, &o, error, sizeof error), "%s", error);
    Value grad = graph_grad_value(&h.s.graph, a);
    ck_assert_int_eq(count_nodes(&v, VIEW_LAYER, NULL), loss_cases[_i].layers);
    ck_assert_int_eq(count_nodes(&v, VIEW_OP, "exp"), loss_cases[_i].exps);
    ck_assert_int_eq(count_nodes(&v, VIEW_OP, "log"), loss_cases[_i].logs);
    if (loss_cases[_i].layers) {
        ck_assert_int_eq(count_nodes(&v, VIEW_LAYER, "Softmax"), 1);
        ck_assert_int_eq(count_nodes(&v, VIEW_LAYER, "Cross Entropy\nError"), 1);
    }
    size_t found = 0;
    for (int e = 0; e < v.edge_count; e++) {
        const ViewNode *from = &v.nodes[v.edges[e].from];
        if (from->kind == VIEW_LEAF && from->label[0] == 't') ck_assert_str_eq(v.edges[e].grad, "");
        if (from->kind != VIEW_LEAF || from->label[0] != 'a') continue;
        size_t i = (size_t)atoi(from->label + 1) - 1;
        ck_assert_uint_lt(i, grad.size);
        double drawn = strtod(v.edges[e].grad, NULL);
        ck_assert_msg(fabs(drawn - grad.data[i]) <= 1e-12, "%s: %s, not %.17g", from->label,
                      v.edges[e].grad, grad.data[i]);
        found++;
    }
    ck_assert_uint_eq(found, grad.size);
    view_free(&v);
    h_free(&h);
}
END_TEST

/* --steps with :mermaid: one flowchart per backward step, each showing the
 * red arrows of the steps so far; printed one after another or written as
 * out-01.mmd, out-02.mmd. */
START_TEST(test_mermaid_steps) {
    Harness h;
    h_init(&h);
    ck_assert(h_run(&h, loss_cases[0].script));
    ck_assert(h_run(&h, ":mermaid --expand --elements --steps"));
    const char *second = strstr(h.out_text, "%% step 2 of 2\n");
    ck_assert_ptr_nonnull(second);
    ck_assert(strncmp(h.out_text, "%% step 1 of 2\nflowchart LR\n", 28) == 0);
    /* Step 1 is Cross Entropy Error's: 1 into it, −t/y out; step 2 adds y − t. */
    ck_assert_ptr_nonnull(strstr(h.out_text, "linkStyle 10,11,12,13 stroke:red"));
    ck_assert_ptr_nonnull(strstr(second, "linkStyle 10,11,12,13,14,15,16 stroke:red"));
    char dir[] = "/tmp/bp_elements_XXXXXX", path[64];
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/f.mmd", dir);
    char command[128];
    snprintf(command, sizeof command, ":mermaid %s --expand --steps", path);
    ck_assert(h_run(&h, command));
    ck_assert_ptr_nonnull(strstr(h.out_text, "rendered 2 frames"));
    for (int frame = 1; frame <= 2; frame++) {
        snprintf(path, sizeof path, "%s/f-%02d.mmd", dir, frame);
        ck_assert_int_eq(remove(path), 0);
    }
    ck_assert_int_eq(rmdir(dir), 0);
    h_free(&h);
}
END_TEST

static Suite *elements_suite(void) {
    Suite *s = suite_create("elements");
    TCase *tc = tcase_create("elements");
    tcase_add_test(tc, test_mermaid_elements_exact);
    tcase_add_loop_test(tc, test_loss_expansion, 0, sizeof loss_cases / sizeof loss_cases[0]);
    tcase_add_test(tc, test_mermaid_steps);
    suite_add_tcase(s, tc);
    return s;
}

CHECK_MAIN(elements_suite)
