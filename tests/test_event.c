/* test_event.c - the session API a front end sits on: events and sinks
 * (repl/event.h), observers, setting a leaf, names, completion, drawing
 * into a buffer (repl/session.h). */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "harness.h"
#include "repl/event.h"
#include "repl/session.h"

/* A front end's own sink: keeps each event's kind and text, as a web page
 * or a notes runner would keep what it shows. */
typedef struct {
    Sink sink;
    char kinds[512]; /* "value update warning " */
    StrBuf text;     /* every event's text, in order */
    int flushes;
} RecordSink;

static void record_emit(Sink *sink, const Event *e) {
    RecordSink *r = (RecordSink *)sink;
    size_t n = strlen(r->kinds);
    snprintf(r->kinds + n, sizeof r->kinds - n, "%s ", e->kind ? e->kind : "-");
    sb_append(&r->text, e->text.data, e->text.len);
}

static void record_flush(Sink *sink) {
    ((RecordSink *)sink)->flushes++;
}

static void record_init(RecordSink *r) {
    r->sink = (Sink){record_emit, record_flush, NULL};
    r->kinds[0] = '\0';
    sb_init(&r->text);
    r->flushes = 0;
}

static bool run(Session *s, const char *line) {
    return session_run_line(s, "<test>", 1, line, strlen(line));
}

START_TEST(test_event_json_fields) {
    double data[] = {1, 2, 3, 4};
    Shape shape = {2, {2, 2}};
    Value tensor = {&shape, data, 4};
    int ids[] = {3, 5};
    Event e;
    event_init(&e, "all");
    event_str(&e, "s", "a\"b");
    event_str(&e, "none", NULL);
    event_num(&e, "n", 0.1);
    event_num(&e, "nan", NAN);
    event_int(&e, "i", -7);
    event_bool(&e, "b", true);
    event_ints(&e, "ids", ids, 2);
    event_value(&e, "v", tensor);
    event_array(&e, "a", tensor);
    event_printf(&e, "text is not in JSON\n");
    char *buf = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&buf, &size);
    event_write_json(&e, f);
    fclose(f);
    ck_assert_str_eq(buf,
                     "{\"kind\":\"all\",\"s\":\"a\\\"b\",\"none\":null,\"n\":0.1,\"nan\":\"nan\","
                     "\"i\":-7,\"b\":true,\"ids\":[3,5],\"shape\":[2,2],\"v\":[[1,2],[3,4]],"
                     "\"a\":[[1,2],[3,4]]}\n");
    free(buf);
    event_free(&e);
}
END_TEST

/* A copy owns everything: changing what the original borrowed leaves it. */
START_TEST(test_event_copy_is_deep) {
    double data[] = {1, 2};
    Shape shape = {1, {2}};
    char name[] = "apple";
    Event e;
    event_init(&e, "value");
    event_str(&e, "name", name);
    event_value(&e, "value", (Value){&shape, data, 2});
    event_printf(&e, "apple = [1, 2]\n");
    Event *copy = event_copy(&e);
    ck_assert_ptr_nonnull(copy);
    name[0] = 'X';
    data[0] = 99;
    shape.dims[0] = 1;
    event_free(&e);
    ck_assert_str_eq(copy->fields[0].as.str, "apple");
    ck_assert_double_eq(copy->fields[1].as.value.data[0], 1);
    ck_assert_int_eq(copy->fields[1].as.value.shape->dims[0], 2);
    ck_assert_str_eq(copy->text.data, "apple = [1, 2]\n");
    event_free(copy);
    free(copy);
}
END_TEST

/* What :load relies on: held events wait for release, errors do not. */
START_TEST(test_hold_sink) {
    RecordSink r;
    record_init(&r);
    HoldSink hold;
    hold_sink_init(&hold, &r.sink);
    Event e;
    event_init(&e, "value");
    event_printf(&e, "x = 1\n");
    sink_emit(&hold.sink, &e);
    event_free(&e);
    event_init(&e, "error");
    e.diagnostic = true;
    event_printf(&e, "oops\n");
    sink_emit(&hold.sink, &e);
    event_free(&e);
    ck_assert_str_eq(r.kinds, "error ");
    hold_sink_release(&hold);
    ck_assert_str_eq(r.kinds, "error value ");
    ck_assert_str_eq(r.text.data, "oops\nx = 1\n");
    ck_assert(!hold.lost);
    sb_free(&r.text);
}
END_TEST

/* A front end brings its own sink and hears what a statement did. */
START_TEST(test_own_sink_hears_events) {
    RecordSink r;
    record_init(&r);
    Session s;
    session_init(&s, &r.sink);
    ck_assert(run(&s, "apple = 100; price = apple * 2")); /* ';' silences apple */
    ck_assert(run(&s, "apple = 150"));
    ck_assert(run(&s, "x = 1 / 0"));
    ck_assert(!run(&s, "y = nope"));
    ck_assert(run(&s, ":grad"));
    ck_assert_str_eq(r.kinds, "value value update value warning error grad ");
    ck_assert_ptr_nonnull(strstr(r.text.data, "  → price = 300\n"));
    session_free(&s);
    sb_free(&r.text);
}
END_TEST

typedef struct {
    int calls;
    double price; /* what the observer saw */
} Seen;

static void saw(Session *s, void *ctx) {
    Seen *seen = ctx;
    seen->calls++;
    NodeId id = graph_lookup(&s->graph, "price", 5);
    seen->price = id == NODE_NONE ? NAN : graph_scalar(&s->graph, id);
}

/* Observers hear every change once per line, after it, and nothing else. */
START_TEST(test_observers) {
    Harness h;
    h_init(&h);
    Seen a = {0, 0}, b = {0, 0};
    ck_assert(session_observe(&h.s, saw, &a));
    ck_assert(session_observe(&h.s, saw, &b));
    ck_assert(h_run(&h, "apple = 100; price = apple * 2"));
    ck_assert_int_eq(a.calls, 1);
    ck_assert_double_eq(a.price, 200);
    ck_assert(h_run(&h, ":grad\n:vars\nprice\n:trace"));
    ck_assert_int_eq(a.calls, 1); /* looking changes nothing */
    ck_assert(!h_run(&h, "apple = nope"));
    ck_assert_int_eq(a.calls, 1); /* a failed statement changes nothing */
    session_unobserve(&h.s, saw, &a);
    ck_assert(h_run(&h, "apple = 3"));
    ck_assert_int_eq(a.calls, 1);
    ck_assert_int_eq(b.calls, 2);
    ck_assert_double_eq(b.price, 6);
    for (int i = 1; i < SESSION_OBSERVERS_MAX; i++)
        ck_assert(session_observe(&h.s, saw, &a));
    ck_assert(!session_observe(&h.s, saw, &a)); /* full */
    h_free(&h);
}
END_TEST

/* Setting a leaf from a front end does exactly what the statement does. */
START_TEST(test_set_leaf_is_the_statement) {
    const char *script = "apple = 100\nn = 2\nprice = apple * n * 1.1\n:watch off";
    Harness typed, set;
    h_init(&typed);
    h_init(&set);
    ck_assert(h_run(&typed, script));
    ck_assert(h_run(&set, script));
    Seen seen = {0, 0};
    ck_assert(session_observe(&set.s, saw, &seen));
    ck_assert(h_run(&typed, "apple = 150"));
    ck_assert(session_set_leaf(&set.s, "the page", "apple", 150));
    ck_assert(h_run(&set, ""));
    ck_assert_str_eq(typed.out_text, "apple = 150\n  → price = 330\n");
    ck_assert_str_eq(set.out_text, "apple = 150 (from the page)\n  → price = 330\n");
    ck_assert_int_eq(seen.calls, 1);
    ck_assert_double_eq_tol(seen.price, 330, 1e-9);
    char *a = h_script(&typed), *b = h_script(&set);
    ck_assert_str_eq(a, b);
    free(a);
    free(b);
    h_free(&typed);
    h_free(&set);
}
END_TEST

static const struct {
    const char *name;
    double value;
    const char *error;
} bad_sets[] = {
    {"price", 3,
     "the page: error: price is not a number typed in: only a scalar leaf can be set\n"},
    {"W", 3, "the page: error: W is not a number typed in: only a scalar leaf can be set\n"},
    {"nobody", 3, "the page: error: no leaf named 'nobody'\n"},
    {"apple", NAN, "the page: error: apple can only be set to a finite number\n"},
    {"apple", INFINITY, "the page: error: apple can only be set to a finite number\n"},
    {"apple; :save x", 3, "the page: error: no leaf named 'apple; :save x'\n"},
};

START_TEST(test_set_leaf_refuses) {
    Harness h;
    h_init(&h);
    ck_assert(h_run(&h, "apple = 100; price = apple * 2; W = [1, 2]"));
    char *before = h_script(&h);
    ck_assert(!session_set_leaf(&h.s, "the page", bad_sets[_i].name, bad_sets[_i].value));
    h_run(&h, "");
    ck_assert_str_eq(h.err_text, bad_sets[_i].error);
    char *after = h_script(&h);
    ck_assert_str_eq(before, after);
    free(before);
    free(after);
    h_free(&h);
}
END_TEST

START_TEST(test_names) {
    Harness h;
    h_init(&h);
    ck_assert(h_run(&h, "apple = 100; param w = 2; price = apple * w; tmp = 1; :del tmp"));
    int32_t cursor = 0;
    SessionName n;
    StrBuf seen;
    sb_init(&seen);
    while (session_next_name(&h.s, &cursor, &n))
        sb_printf(&seen, "%s:%s%s=%g ", n.name, n.leaf ? "leaf" : "derived",
                  n.param ? ",param" : "", n.value.data[0]);
    ck_assert_str_eq(seen.data, "apple:leaf=100 w:leaf,param=2 price:derived=200 ");
    sb_free(&seen);
    h_free(&h);
}
END_TEST

/* Every completion of prefix, separated by spaces. */
static char *completions(Session *s, const char *prefix) {
    Completion c = {0};
    StrBuf word, all;
    sb_init(&word);
    sb_init(&all);
    while (session_complete(s, prefix, &c, &word))
        sb_printf(&all, "%s ", word.data);
    sb_free(&word);
    char *text = strdup(all.data);
    sb_free(&all);
    return text;
}

static const struct {
    const char *prefix, *expected;
} completion_cases[] = {
    {":gr", ":grad :graph "},   {":qu", ":quit :quiet :quiz "},
    {"ap", "apple apple_tax "}, {"sigm", "sigmoid "},
    {"pa", "param "},           {"zzz", ""},
};

START_TEST(test_complete) {
    Harness h;
    h_init(&h);
    ck_assert(h_run(&h, "apple = 100; apple_tax = apple * 1.1"));
    char *got = completions(&h.s, completion_cases[_i].prefix);
    ck_assert_str_eq(got, completion_cases[_i].expected);
    free(got);
    h_free(&h);
}
END_TEST

/* :complete says what session_complete gives, one per line (JSON: one row each). */
START_TEST(test_complete_command) {
    Harness h;
    h_init(&h);
    ck_assert(h_run(&h, "apple = 100; apple_tax = apple * 1.1"));
    ck_assert(h_run(&h, ":complete ap"));
    ck_assert_str_eq(h.out_text, "apple\napple_tax\n");
    ck_assert(h_run(&h, ":complete :qu"));
    ck_assert_str_eq(h.out_text, ":quit\n:quiet\n:quiz\n");
    ck_assert(h_run(&h, ":complete zzz"));
    ck_assert_str_eq(h.out_text, "");
    ck_assert(!h_run(&h, ":complete a b"));
    ck_assert(strstr(h.err_text, ":complete takes one word"));
    h.sink.json = true;
    ck_assert(h_run(&h, ":complete apple_"));
    ck_assert_str_eq(h.out_text, "{\"kind\":\"completion\",\"word\":\"apple_tax\"}\n");
    h_free(&h);
}
END_TEST

/* `:render -.svg` gives the figure as SVG on the output: a notebook shows it. */
START_TEST(test_render_svg_to_output) {
    Harness h;
    h_init(&h);
    ck_assert(h_run(&h, "apple = 100; n = 2; price = apple * n * 1.1"));
    ck_assert(h_run(&h, ":render -.svg"));
    ck_assert(strncmp(h.out_text, "<?xml", 5) == 0 && strstr(h.out_text, ">2.2<"));
    ck_assert(h_run(&h, ":render -"));
    ck_assert(strncmp(h.out_text, "digraph", 7) == 0);
    h.sink.json = true;
    ck_assert(h_run(&h, ":render -.svg --forward"));
    const char *row = "{\"kind\":\"svg\",\"svg\":\"<?xml";
    ck_assert(strncmp(h.out_text, row, strlen(row)) == 0);
    ck_assert(!strstr(h.out_text, ">2.2<")); /* --forward: no gradients */
    h_free(&h);
}
END_TEST

START_TEST(test_draw_into_buffer) {
    Harness h;
    h_init(&h);
    ck_assert(h_run(&h, "apple = 100; n = 2; price = apple * n * 1.1"));
    RenderOptions o = session_render_options(&h.s);
    StrBuf svg;
    sb_init(&svg);
    char error[512];
    ck_assert_msg(session_draw(&h.s, &o, "svg", &svg, error, sizeof error), "%s", error);
    ck_assert_ptr_nonnull(strstr(svg.data, "<svg"));
    ck_assert_ptr_nonnull(strstr(svg.data, ">220<"));
    ck_assert_ptr_nonnull(strstr(svg.data, ">2.2<"));
    h_run(&h, "");
    ck_assert_str_eq(h.out_text, ""); /* drawn for the front end, nothing said */
    sb_free(&svg);
    h_free(&h);
}
END_TEST

static Suite *event_suite(void) {
    Suite *s = suite_create("event");
    TCase *tc = tcase_create("events");
    tcase_add_test(tc, test_event_json_fields);
    tcase_add_test(tc, test_event_copy_is_deep);
    tcase_add_test(tc, test_hold_sink);
    tcase_add_test(tc, test_own_sink_hears_events);
    suite_add_tcase(s, tc);
    tc = tcase_create("front_end_api");
    tcase_add_test(tc, test_observers);
    tcase_add_test(tc, test_set_leaf_is_the_statement);
    tcase_add_loop_test(tc, test_set_leaf_refuses, 0, sizeof bad_sets / sizeof bad_sets[0]);
    tcase_add_test(tc, test_names);
    tcase_add_loop_test(tc, test_complete, 0, sizeof completion_cases / sizeof completion_cases[0]);
    tcase_add_test(tc, test_complete_command);
    tcase_add_test(tc, test_render_svg_to_output);
    tcase_add_test(tc, test_draw_into_buffer);
    suite_add_tcase(s, tc);
    return s;
}

CHECK_MAIN(event_suite)
