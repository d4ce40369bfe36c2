/* test_limits.c - the limits that keep backprop from crashing or hanging,
 * and what it says at them.
 *
 * Covers: nesting depth; 10 MB lines (a long expression and a long literal
 * work, a long name is refused); the name length cap; the element cap on
 * every path that makes a tensor (constructors, literals, broadcasting,
 * matrix products); warnings naming where a nan or an infinity first
 * appeared (overflow, log of a negative number, an update, a diverging
 * :descend, JSON); Ctrl-C, counted in polls and never timed (:descend
 * keeps the steps it took, :check changes nothing, :load leaves the session
 * as it was, every command that walks the graph stops); failed writes (:save, :render, :mermaid)
 * that name the path and the reason and leave the previous file whole.
 *
 * The program's own signal handling (Ctrl-C exit status, a closed output
 * pipe) is tested on the real binary in cli.cmake.
 */
#include <check.h>
#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check_main.h"
#include "harness.h"
#include "repl/lexer.h"
#include "repl/session.h"

#define ck_assert_has(text, part)                                                                  \
    ck_assert_msg(strstr((text), (part)) != NULL, "expected '%s' in:\n%.2000s", (part), (text))

/* A string of `prefix`, then `item` n times separated by `sep`, then
 * `suffix` (malloc'd). */
static char *repeat(const char *prefix, const char *item, const char *sep, size_t n,
                    const char *suffix) {
    size_t il = strlen(item), sl = strlen(sep), pl = strlen(prefix);
    char *s = malloc(pl + n * (il + sl) + strlen(suffix) + 1);
    ck_assert(s);
    char *p = s;
    memcpy(p, prefix, pl), p += pl;
    for (size_t i = 0; i < n; i++) {
        if (i) memcpy(p, sep, sl), p += sl;
        memcpy(p, item, il), p += il;
    }
    strcpy(p, suffix);
    return s;
}

/* --- source size ------------------------------------------------------------------------------ */

START_TEST(test_nesting_depth) {
    Harness h;
    h_init(&h);
    char *deep = repeat("x = ", "(", "", 300, "1");
    ck_assert(!h_run(&h, deep));
    ck_assert_has(h.err_text, "expression nested too deeply (the limit is 256 levels)");
    free(deep);
    h_free(&h);
}
END_TEST

/* 10 MB lines: 5 million terms, 5 million elements. */
START_TEST(test_long_lines_work) {
    Harness h;
    h_init(&h);
    char *sum = repeat("x = ", "1", "+", 5000000, "");
    ck_assert_msg(h_run(&h, sum), "%.500s", h.err_text);
    ck_assert_str_eq(h.out_text, "x = 5000000\n");
    free(sum);
    char *literal = repeat("y = [", "1", ",", 5000000, "]; sum(y)");
    ck_assert_msg(h_run(&h, literal), "%.500s", h.err_text);
    ck_assert_str_eq(h.out_text, "5000000\n"); /* y's value is silenced by the ';' */
    free(literal);
    h_free(&h);
}
END_TEST

START_TEST(test_name_length) {
    Harness h;
    h_init(&h);
    char *longest = repeat("", "a", "", LEXER_MAX_NAME, " = 1");
    ck_assert_msg(h_run(&h, longest), "%s", h.err_text);
    free(longest);
    char *too_long = repeat("", "b", "", LEXER_MAX_NAME + 1, " = 1");
    ck_assert(!h_run(&h, too_long));
    ck_assert_has(h.err_text, "<test>:2:1: error: name too long: the limit is 255 bytes\n");
    free(too_long);
    char *huge = repeat("", "c", "", 10000000, " = 1");
    ck_assert(!h_run(&h, huge));
    ck_assert_has(h.err_text, "name too long: the limit is 255 bytes");
    free(huge);
    /* Korean letters are 3 bytes: 86 of them are over. */
    char *korean = repeat("", "가", "", 86, " = 1");
    ck_assert(!h_run(&h, korean));
    ck_assert_has(h.err_text, "name too long");
    free(korean);
    h_free(&h);
}
END_TEST

/* --- tensor sizes ------------------------------------------------------------------------------
 */

static const struct {
    const char *input, *error;
} too_big[] = {
    {"zeros(10000, 10000)", "that is 100000000 elements: the limit is 67108864 per value"},
    {"randn(8193, 8192)", "that is 67117056 elements: the limit is 67108864 per value"},
    {"full(1e9, 1)", "a dimension must be a whole number from 1 to 67108864, not 1e+09"},
    {"arange(0, 1e9)", "arange would make 1000000000 elements: the limit is 67108864 per value"},
    /* Small operands whose broadcast or product would pass the limit. */
    {"ones(1, 16384) * ones(16384, 1, 1)",
     "a value of shape (16384,1,16384) is too big: the limit is 67108864 elements per value"},
    {"ones(9000, 3) @ ones(3, 9000)",
     "a value of shape (9000,9000) is too big: the limit is 67108864 elements per value"},
    {"dot(ones(9000, 3), ones(3, 9000))", "a value of shape (9000,9000) is too big"},
    {"reshape(arange(16), 67108865)", "a dimension must be a whole number from 1 up"},
};

START_TEST(test_tensor_too_big) {
    Harness h;
    h_init(&h);
    ck_assert(!h_run(&h, too_big[_i].input));
    ck_assert_has(h.err_text, too_big[_i].error);
    ck_assert_int_eq(graph_count(&h.s.graph), 0); /* nothing was kept */
    h_free(&h);
}
END_TEST

/* A literal one element past the limit: 134 MB of text and 512 MiB of
 * elements parsed before the refusal, seconds in an optimised build but
 * minutes and gigabytes under AddressSanitizer, which the other limits here
 * (refused before anything is allocated) cover; so sanitizer builds skip it. */
#if defined(__SANITIZE_ADDRESS__)
#define BP_UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define BP_UNDER_ASAN 1
#endif
#endif

START_TEST(test_literal_too_big) {
#ifdef BP_UNDER_ASAN
    fprintf(stderr, "test_literal_too_big: skipped under AddressSanitizer\n");
    return;
#endif
    Harness h;
    h_init(&h);
    char *literal = repeat("[", "0", ",", (size_t)BP_MAX_ELEMENTS + 1, "]");
    ck_assert(!h_run(&h, literal));
    ck_assert_has(h.err_text, "a literal of more than 67108864 elements is too big: the limit is "
                              "67108864 elements per value");
    free(literal);
    h_free(&h);
}
END_TEST

/* --- nan and inf -------------------------------------------------------------------------------
 */

static const struct {
    const char *what, *input, *out;
} warnings[] = {
    {"overflow", "price = 1e308 * 10",
     "price = inf\nwarning: price = inf: overflow at 1e+308 * 10\n"},
    {"log of a negative input", "x = -1; y = log(x)",
     "y = nan\n"
     "warning: y = nan: nan first appears at log(x) (x = -1)\n"},
    {"found upstream, named", "x = -1; y = log(x); z = y * 2 + x",
     "warning: y = nan: nan first appears at log(x) (x = -1)\n"
     "z = nan\n"
     "warning: z = nan: nan first appears at y = log(x) (x = -1)\n"},
    {"the first of two", "a = -1; b = -4; c = log(a) + sqrt(b)",
     "c = nan\n"
     "warning: c = nan: nan first appears at log(a) (a = -1)\n"},
    {"inputs through unnamed nodes", "a = 2; b = 3; c = log(a - b * 2)",
     "c = nan\n"
     "warning: c = nan: nan first appears at log(a - b * 2) (a = 2, b = 3)\n"},
    {"a tensor element", "w = [4, -4]; v = sqrt(w)",
     "v = [  2 nan]\n"
     "warning: v has nan: nan first appears at sqrt(w) (w = [4, -4])\n"},
    {"log of 0", "log(0)", "-inf\nwarning: log of 0 at log(0)\n"},
    {"exp overflows", "t = 1000; e = exp(t)",
     "e = inf\n"
     "warning: e = inf: overflow at exp(t) (t = 1000)\n"},
    {"from an infinite input", "big = 1e308 * 10; y = big - 1",
     "warning: big = inf: overflow at 1e+308 * 10\n"
     "y = inf\n"
     "warning: y = inf: it comes from the input big, which is inf\n"},
    {"an update", "x = 1; y = log(x); x = -2",
     "x = -2\n"
     "  → y = nan\n"
     "warning: y = nan: nan first appears at log(x) (x = -2)\n"},
    {"finite values say nothing", "x = 1e308; y = x * 1.5 / 2", "y = 7.5e+307\n"},
};

START_TEST(test_nonfinite_warning) {
    Harness h;
    h_init(&h);
    ck_assert(h_run(&h, warnings[_i].input));
    ck_assert_msg(strcmp(h.out_text, warnings[_i].out) == 0, "%s:\n%s\nexpected:\n%s",
                  warnings[_i].what, h.out_text, warnings[_i].out);
    ck_assert_str_eq(h.err_text, "");
    h_free(&h);
}
END_TEST

START_TEST(test_warning_json) {
    Harness h;
    h_init(&h);
    h.sink.json = true;
    ck_assert(h_run(&h, "x = -1; y = log(x)"));
    ck_assert_has(h.out_text,
                  "{\"kind\":\"warning\",\"name\":\"y\",\"message\":\"y = nan: nan first "
                  "appears at log(x) (x = -1)\",\"at\":\"log(x)\"}\n");
    h_free(&h);
}
END_TEST

/* A diverging descent warns once, at the first step that overflows. */
START_TEST(test_descend_warns_once) {
    Harness h;
    h_init(&h);
    ck_assert(h_run(&h, "param w = 1e100\nloss = w * w * w\n:descend 1e200 3"));
    char *first = strstr(h.out_text, "warning:");
    ck_assert_msg(first && !strstr(first + 1, "warning:"), "%s", h.out_text);
    h_free(&h);
}
END_TEST

/* --- Ctrl-C --------------------------------------------------------------------------------------
 */

/* The harness's Ctrl-C, cleared as backprop --driver clears its flag. */
static void h_ctrl_c_clear(void *ctx) {
    ((Harness *)ctx)->ctrl_c_after = -1;
}

/* Runs `input` through session_run_input, as standard input from a pipe. */
static bool h_run_input(Harness *h, const char *input) {
    int fds[2];
    ck_assert_int_eq(pipe(fds), 0);
    ck_assert_int_eq(write(fds[1], input, strlen(input)), (ssize_t)strlen(input));
    close(fds[1]);
    bool ok = session_run_input(&h->s, fds[0], "<stdin>");
    close(fds[0]);
    h_run(h, ""); /* out_text, err_text: what the input printed */
    return ok;
}

/* A driver (a notebook's kernel) interrupts a long line: with --driver,
 * only that line stops, and the lines after it run; without, the input
 * ends there. Each line ends with its done row. */
START_TEST(test_driver_interrupt_stops_one_line) {
    Harness h;
    h_init(&h);
    ck_assert(h_run(&h, "param W = randn(60, 60, seed=1) * 0.01\nloss = sum(W * W)"));
    h.s.io.interrupt.clear = h_ctrl_c_clear;
    h.sink.json = true;
    h.ctrl_c_after = 3;
    ck_assert(!h_run_input(&h, ":descend 0.001 1000000\nx = 5\n"));
    ck_assert_has(h.out_text, "of 1000000 steps; the params keep the steps taken\"}");
    ck_assert_has(h.out_text, "{\"kind\":\"done\",\"file\":\"<stdin>\",\"line\":1,\"ok\":false}\n"
                              "{\"kind\":\"value\",\"name\":\"x\",\"value\":5}\n"
                              "{\"kind\":\"done\",\"file\":\"<stdin>\",\"line\":2,\"ok\":true}\n");
    /* Without clear, Ctrl-C ends the input: x is never defined. */
    h.s.io.interrupt.clear = NULL;
    h.ctrl_c_after = 3;
    ck_assert(!h_run_input(&h, ":descend 0.001 1000000\ny = 5\n"));
    ck_assert(!strstr(h.out_text, "\"name\":\"y\""));
    ck_assert_has(h.out_text, "interrupted before line 2");
    h_free(&h);
}
END_TEST

/* The counted Ctrl-C (harness.h): :descend polls once per step, so with
 * ctrl_c_after = 5 it takes exactly 5 steps on any machine. The loss is
 * bounded below, so no step can overflow however many are taken. */
START_TEST(test_interrupt_descend) {
    Harness h;
    h_init(&h);
    ck_assert(h_run(&h, "param W = randn(60, 60, seed=1) * 0.01\nloss = sum(W * W)"));
    h.ctrl_c_after = 5;
    ck_assert(!h_run(&h, ":descend 0.001 1000000; never = 1"));
    ck_assert_has(h.err_text,
                  "interrupted after 5 of 1000000 steps; the params keep the steps taken");
    ck_assert_msg(strstr(h.out_text, "step 5: loss = ") && !strstr(h.out_text, "step 6:"), "%s",
                  h.out_text);
    /* The steps taken are whole: the last one printed is the loss now. */
    const char *last = strstr(h.out_text, "step 5: loss = ") + strlen("step 5: loss = ");
    char *printed = strndup(last, strcspn(last, "\n") + 1);
    ck_assert(graph_lookup(&h.s.graph, "never", 5) == NODE_NONE);
    h.ctrl_c_after = -1;
    ck_assert(h_run(&h, "loss"));
    ck_assert_str_eq(h.out_text, printed);
    free(printed);
    /* One step asked for and none taken: counted in the singular. */
    h.ctrl_c_after = 0;
    ck_assert(!h_run(&h, ":descend 0.001"));
    ck_assert_has(h.err_text, "interrupted after 0 of 1 step; the params keep the steps taken");
    h_free(&h);
}
END_TEST

START_TEST(test_interrupt_check) {
    Harness h;
    h_init(&h);
    ck_assert(h_run(&h, "x = [1, 2, 3]; y = sum(x * x)"));
    h.ctrl_c_after = 0;
    ck_assert(!h_run(&h, ":check"));
    ck_assert_has(h.err_text, "interrupted; the rows above are complete and no value changed");
    /* In the middle of a leaf's elements: a poll for the leaf, then one per
     * element, so the third poll stops it with x[1] moved by h. */
    h.ctrl_c_after = 2;
    ck_assert(!h_run(&h, ":check"));
    ck_assert_has(h.err_text, "interrupted; the rows above are complete and no value changed");
    h.ctrl_c_after = -1;
    ck_assert(h_run(&h, "x\ny"));
    ck_assert_str_eq(h.out_text, "[1 2 3]\n14\n");
    h_free(&h);
}
END_TEST

/* Every command that walks the whole graph polls once per row or step, so
 * Ctrl-C stops it within a step of being pressed whatever the graph's size.
 * 200 leaves summed: each command below has 200 or more rows or steps. */
static const struct {
    const char *command, *error;
} interruptible[] = {
    {":trace", "interrupted after step 3; the steps above are complete"},
    {":vars", "interrupted; the rows above are complete"},
    {":graph", "interrupted; the rows above are complete"},
    {":grad", "interrupted; the gradients above are complete"},
    {":save", "' was not written"},
};

static size_t count_lines(const char *text) {
    size_t n = 0;
    for (const char *p = text; (p = strchr(p, '\n')); p++)
        n++;
    return n;
}

START_TEST(test_interrupt_walks) {
    Harness h;
    h_init(&h);
    StrBuf src;
    sb_init(&src);
    for (int i = 0; i < 200; i++)
        sb_printf(&src, "a%d = %d; ", i, i);
    sb_puts(&src, "x = a0");
    for (int i = 1; i < 200; i++)
        sb_printf(&src, " + a%d", i);
    ck_assert(h_run(&h, src.data));
    char line[256], path[200];
    snprintf(path, sizeof path, "%s/interrupted%d.bp", tmpdir, _i);
    bool save = strcmp(interruptible[_i].command, ":save") == 0;
    snprintf(line, sizeof line, "%s%s%s", interruptible[_i].command, save ? " " : "",
             save ? path : "");
    /* Uninterrupted, each prints 200 lines or more (or saves them). */
    ck_assert_msg(h_run(&h, line), "%s", h.err_text);
    size_t lines = count_lines(h.out_text);
    ck_assert_msg(save || lines >= 200, "%zu lines", lines);
    if (save) ck_assert(unlink(path) == 0);
    h.ctrl_c_after = 3;
    ck_assert(!h_run(&h, line));
    ck_assert_has(h.err_text, interruptible[_i].error);
    lines = count_lines(h.out_text);
    ck_assert_msg(lines <= 20, "%zu lines after Ctrl-C:\n%s", lines, h.out_text);
    ck_assert(access(path, F_OK) != 0); /* no partial :save */
    h.ctrl_c_after = -1;
    ck_assert(h_run(&h, "x"));
    ck_assert_str_eq(h.out_text, "19900\n");
    sb_free(&src);
    h_free(&h);
}
END_TEST

START_TEST(test_interrupt_load) {
    Harness h;
    h_init(&h);
    char path[128], line[160];
    snprintf(path, sizeof path, "%s/interrupted.bp", tmpdir);
    FILE *f = fopen(path, "w");
    ck_assert(f);
    fputs("a = 1\nb = 2\n", f);
    fclose(f);
    ck_assert(h_run(&h, "keep = 5"));
    h.ctrl_c_after = 0;
    snprintf(line, sizeof line, ":load %s", path);
    ck_assert(!h_run(&h, line));
    ck_assert_has(h.err_text, "interrupted.bp: error: interrupted before line 1\n");
    ck_assert_has(h.err_text, "the session is unchanged");
    h.ctrl_c_after = -1;
    ck_assert(h_run(&h, "keep"));
    ck_assert_str_eq(h.out_text, "5\n");
    h_free(&h);
}
END_TEST

/* --- failed writes -------------------------------------------------------------------------------
 */

static const struct {
    const char *command, *path, *reason;
} bad_writes[] = {
    {":save", "no-such-dir/x.bp", "No such file or directory"},
    {":save", "a-dir", "it is a directory, not a regular file"},
    {":save", "a-file/x.bp", "Not a directory"},
    {":render", "no-such-dir/x.dot", "No such file or directory"},
    {":render", "a-dir.dot", "it is a directory, not a regular file"},
    {":mermaid", "a-dir.mmd", "it is a directory, not a regular file"},
};

START_TEST(test_write_fails) {
    char dir[128], line[300], expected[300];
    snprintf(dir, sizeof dir, "%s/writes%d", tmpdir, _i);
    ck_assert(mkdir(dir, 0700) == 0);
    char sub[200];
    snprintf(sub, sizeof sub, "%s/a-dir", dir);
    ck_assert(mkdir(sub, 0700) == 0);
    snprintf(sub, sizeof sub, "%s/a-dir.dot", dir);
    ck_assert(mkdir(sub, 0700) == 0);
    snprintf(sub, sizeof sub, "%s/a-dir.mmd", dir);
    ck_assert(mkdir(sub, 0700) == 0);
    snprintf(sub, sizeof sub, "%s/a-file", dir);
    fclose(fopen(sub, "w"));
    Harness h;
    h_init(&h);
    ck_assert(h_run(&h, "x = 2; y = x * 3"));
    snprintf(line, sizeof line, "%s %s/%s", bad_writes[_i].command, dir, bad_writes[_i].path);
    ck_assert(!h_run(&h, line));
    snprintf(expected, sizeof expected, "'%s/%s': %s", dir, bad_writes[_i].path,
             bad_writes[_i].reason);
    ck_assert_has(h.err_text, expected);
    ck_assert_int_eq(h_leftovers(dir), 0);
    h_free(&h);
}
END_TEST

/* In a directory that cannot be written, the previous file stays whole.
 * (root writes anywhere, so there this proves nothing and is skipped.) */
START_TEST(test_write_keeps_previous) {
    if (geteuid() == 0) return;
    char dir[128], path[160], line[200];
    snprintf(dir, sizeof dir, "%s/readonly", tmpdir);
    ck_assert(mkdir(dir, 0700) == 0);
    Harness h;
    h_init(&h);
    ck_assert(h_run(&h, "x = 2; y = x * 3"));
    const char *commands[] = {":save", ":render", ":mermaid"};
    const char *names[] = {"s.bp", "r.dot", "m.mmd"};
    char *before[3];
    for (int k = 0; k < 3; k++) {
        snprintf(path, sizeof path, "%s/%s", dir, names[k]);
        snprintf(line, sizeof line, "%s %s", commands[k], path);
        ck_assert_msg(h_run(&h, line), "%s", h.err_text);
        before[k] = h_read_file(path);
    }
    ck_assert(chmod(dir, 0500) == 0);
    ck_assert(h_run(&h, "x = 5"));
    for (int k = 0; k < 3; k++) {
        snprintf(path, sizeof path, "%s/%s", dir, names[k]);
        snprintf(line, sizeof line, "%s %s", commands[k], path);
        ck_assert(!h_run(&h, line));
        ck_assert_has(h.err_text, "Permission denied");
        ck_assert_has(h.err_text, path);
        char *after = h_read_file(path);
        ck_assert_str_eq(after, before[k]);
        free(after);
        free(before[k]);
    }
    chmod(dir, 0700);
    h_free(&h);
}
END_TEST

static Suite *limits_suite(void) {
    Suite *s = suite_create("limits");
    TCase *tc = tcase_create("source");
    tcase_add_test(tc, test_nesting_depth);
    tcase_add_test(tc, test_long_lines_work);
    tcase_add_test(tc, test_name_length);
    suite_add_tcase(s, tc);
    tc = tcase_create("tensors");
    tcase_add_loop_test(tc, test_tensor_too_big, 0, sizeof too_big / sizeof too_big[0]);
    tcase_add_test(tc, test_literal_too_big);
    suite_add_tcase(s, tc);
    tc = tcase_create("nonfinite");
    tcase_add_loop_test(tc, test_nonfinite_warning, 0, sizeof warnings / sizeof warnings[0]);
    tcase_add_test(tc, test_warning_json);
    tcase_add_test(tc, test_descend_warns_once);
    suite_add_tcase(s, tc);
    tc = tcase_create("interrupt");
    tcase_add_unchecked_fixture(tc, make_tmpdir, remove_tmpdir);
    tcase_add_test(tc, test_interrupt_descend);
    tcase_add_test(tc, test_driver_interrupt_stops_one_line);
    tcase_add_test(tc, test_interrupt_check);
    tcase_add_test(tc, test_interrupt_load);
    tcase_add_loop_test(tc, test_interrupt_walks, 0,
                        sizeof interruptible / sizeof interruptible[0]);
    suite_add_tcase(s, tc);
    tc = tcase_create("writes");
    tcase_add_unchecked_fixture(tc, make_tmpdir, remove_tmpdir);
    tcase_add_loop_test(tc, test_write_fails, 0, sizeof bad_writes / sizeof bad_writes[0]);
    tcase_add_test(tc, test_write_keeps_previous);
    suite_add_tcase(s, tc);
    return s;
}

CHECK_MAIN(limits_suite)
