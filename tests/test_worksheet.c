/* test_worksheet.c - worksheets: figures with blank boxes (--blanks) and
 * their answer keys (--answers).
 *
 * On every figure the examples declare (`# figure:` lines): --blanks all
 * draws one box per label a link shows (its value, unless it comes from a
 * constant, and its gradient unless it is the seed at the output), and no answer; --answers draws
 * the same boxes with every answer in them, on the very same layout (every arrow and box of the key
 * is the sheet's). Also: gradients only by default, blanks for some names, Mermaid's boxes, and
 * option errors.
 */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check_main.h"
#include "harness.h"

static int count(const char *text, const char *what) {
    int n = 0;
    for (const char *p = text; (p = strstr(p, what)) != NULL; p += strlen(what))
        n++;
    return n;
}

/* The lines of text that start with prefix, in order, joined. */
static char *lines_starting(const char *text, const char *prefix) {
    size_t size = strlen(text) + 1, len = 0;
    char *out = malloc(size);
    ck_assert(out);
    for (const char *line = text; *line;) {
        const char *end = strchr(line, '\n');
        size_t n = end ? (size_t)(end - line + 1) : strlen(line);
        if (strncmp(line, prefix, strlen(prefix)) == 0) memcpy(out + len, line, n), len += n;
        line += n;
    }
    out[len] = '\0';
    return out;
}

/* The labels the figure of the session with options shows, counted on its
 * View: each link's value, and its gradient unless it is the seed on the
 * output's arrow (given on a worksheet, as in the book). Figure lines use
 * only --forward, --expand, --expand=2, --elements, --symbolic, --chain,
 * --derived, --values and --of NAME. */
static int labels_shown(Harness *h, const char *options) {
    ViewOptions o = render_defaults(session_target(&h->s), NULL, h->s.digits).view;
    char copy[256];
    snprintf(copy, sizeof copy, "%s", options);
    for (char *w = strtok(copy, " "); w; w = strtok(NULL, " ")) {
        if (strcmp(w, "--of") == 0) {
            const char *name = strtok(NULL, " ");
            ck_assert(name);
            o.of = graph_lookup(&h->s.graph, name, (int)strlen(name));
        }
        o.forward_only |= strcmp(w, "--forward") == 0;
        o.expand |= strcmp(w, "--expand") == 0 || strcmp(w, "--expand=2") == 0;
        o.expand_level = strcmp(w, "--expand=2") == 0 ? 2 : o.expand_level;
        o.elements |= strcmp(w, "--elements") == 0;
        o.values |= strcmp(w, "--values") == 0;
        if (strcmp(w, "--symbolic") == 0) o.labels = VIEW_SYMBOLIC;
        if (strcmp(w, "--chain") == 0) o.labels = VIEW_CHAIN;
        if (strcmp(w, "--derived") == 0) o.labels = VIEW_DERIVED;
    }
    View v;
    char error[256];
    ck_assert_msg(view_build(&v, &h->s.graph, &o, error, sizeof error), "%s", error);
    int n = 0;
    for (int i = 0; i < v.edge_count; i++)
        n += (*v.edges[i].value != '\0') +
             (*v.edges[i].grad && v.nodes[v.edges[i].to].kind != VIEW_SINK);
    view_free(&v);
    return n;
}

/* Draws the sheet and the key of one figure of an example and compares. */
static void check_figure(Harness *h, const char *example, const char *options, const char *dir) {
    char line[512], sheet_path[256], key_path[256];
    snprintf(sheet_path, sizeof sheet_path, "%s/sheet.svg", dir);
    snprintf(key_path, sizeof key_path, "%s/key.svg", dir);
    snprintf(line, sizeof line, ":render %s %s --blanks all\n:render %s %s --blanks all --answers",
             sheet_path, options, key_path, options);
    ck_assert_msg(h_run(h, line), "%s %s: %s", example, options, h->err_text);
    char *sheet = h_read_file(sheet_path), *key = h_read_file(key_path);
    int labels = labels_shown(h, options);
    /* One <rect> is the white background. */
    ck_assert_msg(count(sheet, "<rect") - 1 == labels, "%s %s: %d boxes for %d labels", example,
                  options, count(sheet, "<rect") - 1, labels);
    ck_assert_int_eq(count(key, "<rect"), count(sheet, "<rect"));
    ck_assert_msg(count(key, "<text") - count(sheet, "<text") >= labels,
                  "%s %s: the key shows fewer answers than there are boxes", example, options);
    const char *shapes[] = {"<path", "<rect", "<polygon", "<circle"};
    for (size_t k = 0; k < sizeof shapes / sizeof shapes[0]; k++) {
        char *a = lines_starting(sheet, shapes[k]), *b = lines_starting(key, shapes[k]);
        ck_assert_msg(strcmp(a, b) == 0, "%s %s: the key's %s differ from the sheet's", example,
                      options, shapes[k]);
        free(a);
        free(b);
    }
    free(sheet);
    free(key);
}

START_TEST(test_every_example_figure) {
    char dir[] = "/tmp/bp_worksheet_XXXXXX";
    ck_assert(mkdtemp(dir));
    DIR *d = opendir(BP_EXAMPLES_DIR);
    ck_assert(d);
    int figures = 0;
    /* One session for all, as at the prompt: Graphviz 2.42's text layout
     * keeps a font name from its context, which a second context in the same
     * process would read after the first freed it. */
    Harness h;
    h_init(&h);
    for (struct dirent *e; (e = readdir(d)) != NULL;) {
        size_t n = strlen(e->d_name);
        if (n < 4 || strcmp(e->d_name + n - 3, ".bp") != 0) continue;
        char path[512];
        snprintf(path, sizeof path, "%s/%s", BP_EXAMPLES_DIR, e->d_name);
        char *script = h_read_file(path);
        if (!strstr(script, "# figure: ")) {
            free(script);
            continue;
        }
        ck_assert(h_run(&h, ":clear"));
        h_run(&h, script);
        for (const char *p = script; (p = strstr(p, "# figure: ")) != NULL; p++) {
            char options[256] = "";
            const char *start = strchr(p + 10, ' '), *end = strchr(p, '\n');
            if (start && start < end)
                snprintf(options, sizeof options, "%.*s", (int)(end - start - 1), start + 1);
            /* Frames (the last is the figure), and figures that are worksheets already. */
            if (strstr(options, "--steps") || strstr(options, "--blanks") ||
                strstr(options, "--answers"))
                continue;
            check_figure(&h, e->d_name, options, dir);
            figures++;
        }
        free(script);
    }
    h_free(&h);
    closedir(d);
    ck_assert_msg(figures >= 10, "only %d example figures found", figures);
    char path[600];
    snprintf(path, sizeof path, "%s/sheet.svg", dir), unlink(path);
    snprintf(path, sizeof path, "%s/key.svg", dir), unlink(path);
    rmdir(dir);
}
END_TEST

static const char *const APPLE = "apple = 100; apple_num = 2; tax = 1.1\n"
                                 "apple_price = apple * apple_num\n"
                                 "price = apple_price * tax";

static const struct {
    const char *what;
    const char *command;
    int boxes; /* ☐ in the Mermaid text */
    const char *has;
} mermaid_cases[] = {
    {"gradients by default", ":mermaid - --blanks", 4, "n5 -->|\"1\"| n4"},
    {"values", ":mermaid - --blanks values", 5, "n1 -->|\"☐\"| n2"},
    {"all", ":mermaid - --blanks all", 9, "linkStyle"},
    {"some names", ":mermaid - --blanks tax apple", 2, "n2 -->|\"110\"| n1"},
    {"the key", ":mermaid - --answers", 0, "n2 -->|\"☑ 2.2\"| n0"},
    {"a file after the names", ":mermaid --blanks values tax - --forward", 1, "n3 -->|\"☐\"| n4"},
};

START_TEST(test_mermaid_blanks) {
    Harness h;
    h_init(&h);
    ck_assert(h_run(&h, APPLE));
    ck_assert_msg(h_run(&h, mermaid_cases[_i].command), "%s", h.err_text);
    ck_assert_msg(count(h.out_text, "☐") == mermaid_cases[_i].boxes, "%s:\n%s",
                  mermaid_cases[_i].what, h.out_text);
    ck_assert_msg(strstr(h.out_text, mermaid_cases[_i].has), "%s: no %s in\n%s",
                  mermaid_cases[_i].what, mermaid_cases[_i].has, h.out_text);
    h_free(&h);
}
END_TEST

START_TEST(test_option_errors) {
    Harness h;
    h_init(&h);
    ck_assert(h_run(&h, APPLE));
    ck_assert(!h_run(&h, ":render x.svg --blanks --nope"));
    ck_assert_msg(strstr(h.err_text, "<test>:4:24: error: unknown option '--nope'"), "%s",
                  h.err_text);
    ck_assert(!h_run(&h, ":render --blanks a b c d e f g h i j k l m n o p q r.svg"));
    h_free(&h);
}
END_TEST

static Suite *worksheet_suite(void) {
    Suite *s = suite_create("worksheet");
    TCase *tc = tcase_create("worksheet");
    tcase_add_test(tc, test_every_example_figure);
    tcase_add_loop_test(tc, test_mermaid_blanks, 0, sizeof mermaid_cases / sizeof mermaid_cases[0]);
    tcase_add_test(tc, test_option_errors);
    suite_add_tcase(s, tc);
    return s;
}

CHECK_MAIN(worksheet_suite)
