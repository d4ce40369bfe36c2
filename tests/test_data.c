/* test_data.c - data files in the language: load("..."), :save of loaded
 * leaves, :export, and the ops that score a classifier (accuracy, argmax).
 *
 * Covers: load of a .npy file and of a CSV file into a leaf that can be
 * changed and gets gradients; relative names resolved from the script's
 * folder (a script, a :load-ed file) or the current folder (the prompt);
 * every failure (a missing or truncated file, a FIFO, a directory, load
 * inside an expression, strings elsewhere, an unterminated string) reported
 * at its column with the file and the reason, the session unchanged; :save
 * writing the load(...) call relative to the saved script's folder, and the
 * numbers once the leaf has changed (redefined, trained); :export of a value
 * and of a gradient read back with array_read_file, bit for bit; accuracy
 * and argmax in a session, with zero gradient that :check confirms.
 *
 * The files are written in a scratch folder (harness.h's tmpdir); .npy
 * files by array_write_npy, whose agreement with NumPy is test_array's.
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check_main.h"
#include "harness.h"
#include "io/array.h"

/* --- files for the tests --------------------------------------------------------------- */

static void tmp_path(char *buf, size_t size, const char *name) {
    snprintf(buf, size, "%s/%s", tmpdir, name);
}

static void write_text(const char *name, const char *text) {
    char path[256];
    tmp_path(path, sizeof path, name);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
}

static void write_npy(const char *name, Shape shape, const double *data) {
    char path[256], why[256];
    tmp_path(path, sizeof path, name);
    ck_assert_msg(array_write_npy(path, &shape, data, why, sizeof why), "%s", why);
}

static void make_folder(const char *name) {
    char path[256];
    tmp_path(path, sizeof path, name);
    ck_assert(mkdir(path, 0755) == 0 || access(path, F_OK) == 0);
}

/* The folders and files most tests use: data/x.npy (2,3), data/y.csv (2,2)
 * and scripts/s.bp, which loads ../data/x.npy relative to itself. */
static const double x_data[6] = {0.5, -1.25, 3, 1e-300, -0.0, 7};

static void make_files(void) {
    make_folder("data");
    make_folder("scripts");
    make_folder("out");
    write_npy("data/x.npy", (Shape){2, {2, 3}}, x_data);
    write_text("data/y.csv", "a,b\n1,2\n3,4\n");
    write_text("scripts/s.bp", "X = load(\"../data/x.npy\")\nY = load('../data/y.csv')\n");
}

/* Runs `line` with every %s replaced by tmpdir. */
static bool run_in_tmp(Harness *h, const char *fmt) {
    char line[1024];
    snprintf(line, sizeof line, fmt, tmpdir, tmpdir, tmpdir);
    return h_run(h, line);
}

/* Asserts that NAME's value has `shape` and holds exactly want[0..n). */
static void assert_value(Harness *h, const char *name, const char *shape, const double *want) {
    NodeId id = graph_lookup(&h->s.graph, name, (int)strlen(name));
    ck_assert_msg(id != NODE_NONE, "%s is not defined", name);
    Value v = graph_value(&h->s.graph, id);
    char text[SHAPE_TEXT_SIZE];
    ck_assert_str_eq(shape_text(v.shape, text, sizeof text), shape);
    ck_assert(memcmp(v.data, want, v.size * sizeof *want) == 0);
}

/* --- load ------------------------------------------------------------------------------ */

START_TEST(test_load_npy_and_csv) {
    make_files();
    Harness h;
    h_init(&h);
    ck_assert(run_in_tmp(&h, "X = load(\"%s/data/x.npy\"); Y = load(\"%s/data/y.csv\")"));
    assert_value(&h, "X", "(2,3)", x_data);
    assert_value(&h, "Y", "(2,2)", (const double[]){1, 2, 3, 4});
    ck_assert_str_eq(h.out_text, "Y = [[1 2]\n     [3 4]]\n");
    /* A leaf like any other: gradients flow to it, and it can be changed. */
    ck_assert(h_run(&h, "L = sum(X * 2)\n:grad X\nX = [1, 2]\n:vars"));
    ck_assert(strstr(h.out_text, "∂L/∂X = [[2 2 2]\n         [2 2 2]]\n"));
    ck_assert(strstr(h.out_text, "→ L = 6\n"));
    ck_assert(strstr(h.out_text, "X = [1 2]"));
    /* A bare load() shows the file. */
    ck_assert(run_in_tmp(&h, "load('%s/data/y.csv')"));
    ck_assert_str_eq(h.out_text, "[[1 2]\n [3 4]]\n");
    h_free(&h);
}
END_TEST

/* A script's names are its folder's, wherever backprop runs; the prompt's
 * are the current folder's. */
START_TEST(test_relative_names) {
    make_files();
    Harness h;
    h_init(&h);
    ck_assert(chdir("/") == 0);
    char script[256];
    tmp_path(script, sizeof script, "scripts/s.bp");
    ck_assert(session_run_file(&h.s, script, true));
    assert_value(&h, "X", "(2,3)", x_data);
    /* A :load-ed file too; the session keeps no folder afterwards. */
    ck_assert(run_in_tmp(&h, ":clear\n:load %s/scripts/s.bp"));
    assert_value(&h, "Y", "(2,2)", (const double[]){1, 2, 3, 4});
    ck_assert_ptr_null(h.s.io.dir);
    /* At the prompt, from the current folder. */
    ck_assert(!h_run(&h, "Z = load(\"data/y.csv\")"));
    ck_assert_str_eq(h.err_text,
                     "<test>:3:5: error: cannot load 'data/y.csv': No such file or "
                     "directory\n    Z = load(\"data/y.csv\")\n        ^~~~~~~~~~~~~~~~~~\n");
    ck_assert(chdir(tmpdir) == 0);
    ck_assert(h_run(&h, "Z = load(\"data/y.csv\")"));
    /* A script run by name from its own folder, named without a folder. */
    ck_assert(chdir("scripts") == 0);
    ck_assert(session_run_file(&h.s, "s.bp", true));
    h_free(&h);
}
END_TEST

/* Every failure names the file and the reason at the call, and the session
 * is exactly as before. */
static const struct {
    const char *line;
    int col;
    const char *message;
} load_errors[] = {
    {"A = load(\"%s/missing.npy\")", 5, "cannot load '%s/missing.npy': No such file or directory"},
    {"A = load(\"%s/short.npy\")", 5, "cannot load '%s/short.npy': "},
    {"A = load(\"%s/fifo\")", 5,
     "cannot load '%s/fifo': it is a FIFO, not a regular file (backprop reads only regular files)"},
    {"A = load(\"%s/data\")", 5, "cannot load '%s/data': it is a directory, not a regular file"},
    {"A = load(\"/dev/zero\")", 5, "cannot load '/dev/zero': it is a character device"},
    {"A = load(\"%s/data/x.npy\") * 2", 5,
     "load(...) must be the whole right side of a definition, as in X = load(\"x.npy\"): compute "
     "with X on the next line"},
    {"A = 1 + load(\"%s/data/x.npy\")", 9, "load(...) must be the whole right side"},
    {"A = [load(\"%s/data/x.npy\")]", 6, "a literal's element must be a number, not a tensor"},
    {"A = load(x)", 10, "load takes a file name in quotes: load(\"digits.npy\")"},
    {"A = load(\"a.npy\", 2)", 17, "expected ')' to close the '(' at column 9"},
    {"A = load(\"a.npy", 10,
     "unterminated string: a string ends with the quote it starts with, on the same line"},
    {"A = 'a.npy'", 5, "a string is a file name, and only load takes one: X = load(\"x.npy\")"},
    {"A = [1, 2] + \"x\"", 14, "a string is a file name"},
    {"load = 2", 1, "'load' is a function name and cannot be assigned"},
};

START_TEST(test_load_errors_change_nothing) {
    make_files();
    char path[256];
    tmp_path(path, sizeof path, "fifo");
    ck_assert(mkfifo(path, 0644) == 0 || access(path, F_OK) == 0);
    /* x.npy with its last element cut off */
    char *bytes = calloc(1, 1 << 16);
    tmp_path(path, sizeof path, "data/x.npy");
    FILE *f = fopen(path, "rb");
    size_t n = fread(bytes, 1, 1 << 16, f);
    fclose(f);
    tmp_path(path, sizeof path, "short.npy");
    f = fopen(path, "wb");
    fwrite(bytes, 1, n - 8, f);
    fclose(f);
    free(bytes);

    Harness h;
    h_init(&h);
    ck_assert(h_run(&h, "A = [1, 2]; B = A * 3"));
    int32_t count = graph_count(&h.s.graph);
    char line[512], want[512];
    snprintf(line, sizeof line, load_errors[_i].line, tmpdir);
    snprintf(want, sizeof want, load_errors[_i].message, tmpdir);
    ck_assert_msg(!h_run(&h, line), "%s was accepted", line);
    char head[64];
    snprintf(head, sizeof head, "<test>:2:%d: error: ", load_errors[_i].col);
    ck_assert_msg(strncmp(h.err_text, head, strlen(head)) == 0, "%s", h.err_text);
    ck_assert_msg(strstr(h.err_text, want), "%s lacks %s", h.err_text, want);
    ck_assert_int_eq(graph_count(&h.s.graph), count);
    assert_value(&h, "A", "(2)", (const double[]){1, 2});
    ck_assert_int_eq(h.s.loaded_count, 0);
    h_free(&h);
}
END_TEST

/* --- :save -------------------------------------------------------------------------------- */

START_TEST(test_save_writes_the_load) {
    make_files();
    Harness h;
    h_init(&h);
    ck_assert(chdir(tmpdir) == 0);
    ck_assert(h_run(&h, "X = load(\"data/x.npy\"); param W = load(\"data/y.csv\"); b = 1\n"
                        "L = sum(X.T @ W) + b\n:save out/s.bp"));
    char path[256];
    tmp_path(path, sizeof path, "out/s.bp");
    char *text = h_read_file(path);
    ck_assert_str_eq(text, "# backprop session: replay with `backprop FILE` or `:load FILE`\n"
                           "X = load(\"../data/x.npy\")\nparam W = load(\"../data/y.csv\")\nb = 1\n"
                           "L = sum(transpose(X) @ W) + b\n");
    free(text);
    /* Read back from anywhere, it loads the same files. */
    Harness back;
    h_init(&back);
    ck_assert(chdir("/") == 0);
    ck_assert(session_run_file(&back.s, path, true));
    assert_value(&back, "X", "(2,3)", x_data);
    ck_assert(graph_is_param(&back.s.graph, graph_lookup(&back.s.graph, "W", 1)));
    /* Trained, W holds other numbers: they are saved. Redefined, so is X. */
    ck_assert(h_run(&back, ":descend 0.1\nX = [[1, 2, 3], [4, 5, 6]]\n:save out.bp"));
    ck_assert_int_eq(back.s.loaded_count, 0);
    h_free(&back);
    /* Quoting: a folder with a quote and a backslash in its name. */
    make_folder("data/a\"b\\c");
    write_text("data/a\"b\\c/z.csv", "5\n");
    ck_assert(chdir(tmpdir) == 0);
    ck_assert(
        h_run(&h, "Z = load('data/a\"b\\c/z.csv')\n:save data/s2.bp\n:clear\n:load data/s2.bp"));
    assert_value(&h, "Z", "(1,1)", (const double[]){5});
    tmp_path(path, sizeof path, "data/s2.bp");
    text = h_read_file(path);
    ck_assert(strstr(text, "Z = load(\"a\\\"b\\\\c/z.csv\")\n"));
    free(text);
    h_free(&h);
}
END_TEST

/* --- :export ------------------------------------------------------------------------------ */

/* The .npy file at tmpdir/name holds exactly shape and data. */
static void assert_file(const char *name, const char *shape, const double *data) {
    char path[256], why[256], text[SHAPE_TEXT_SIZE];
    tmp_path(path, sizeof path, name);
    Array a;
    ck_assert_msg(array_read_file(path, &a, why, sizeof why), "%s: %s", name, why);
    ck_assert_str_eq(shape_text(&a.shape, text, sizeof text), shape);
    ck_assert(memcmp(a.data, data, shape_size(&a.shape) * sizeof *data) == 0);
    array_free(&a);
}

START_TEST(test_export_value_and_gradient) {
    make_files();
    Harness h;
    h_init(&h);
    ck_assert(chdir(tmpdir) == 0);
    ck_assert(h_run(&h, "W = [[0.1, -2], [1e-300, 3]]; x = [1, 2]; L = sum((x @ W) ** 2)\n"
                        ":export W out/w.npy\n:export ∂W out/dw.npy\n:export W out/dw2.npy --grad\n"
                        ":export L out/l.npy"));
    ck_assert_str_eq(h.out_text,
                     "L = 16.01\nexported W (2,2) to out/w.npy\n"
                     "exported ∂L/∂W (2,2) to out/dw.npy\n"
                     "exported ∂L/∂W (2,2) to out/dw2.npy\nexported L () to out/l.npy\n");
    NodeId w = graph_lookup(&h.s.graph, "W", 1);
    assert_file("out/w.npy", "(2,2)", graph_value(&h.s.graph, w).data);
    ck_assert(h_run(&h, ":grad W"));
    assert_file("out/dw.npy", "(2,2)", graph_grad_value(&h.s.graph, w).data);
    assert_file("out/dw2.npy", "(2,2)", graph_grad_value(&h.s.graph, w).data);
    assert_file("out/l.npy", "()",
                (const double[]){graph_scalar(&h.s.graph, graph_lookup(&h.s.graph, "L", 1))});
    /* In a script, the file goes beside the script, as load() reads it. */
    write_text("scripts/e.bp", "v = [1, 2, 3]\n:export v v.npy\nw = load(\"v.npy\")\n");
    ck_assert(chdir("/") == 0);
    char path[256];
    tmp_path(path, sizeof path, "scripts/e.bp");
    ck_assert(session_run_file(&h.s, path, true));
    assert_file("scripts/v.npy", "(3)", (const double[]){1, 2, 3});
    h_free(&h);
}
END_TEST

static const struct {
    const char *line;
    const char *message;
} export_errors[] = {
    {":export", ":export needs a name and a file"},
    {":export W", ":export needs a name and a file"},
    {":export nope n.npy", "undefined name 'nope'"},
    {":export W w.npy x.npy", "one name and one file: 'x.npy' is a third argument"},
    {":export W w.npy --gard", "unknown option '--gard' (:export takes --grad)"},
    {":export W %s/no/such/w.npy", "cannot export to '%s/no/such/w.npy': "},
    {":export W %s/data", "cannot export to '%s/data': it is a directory"},
    {":export W \"w.npy", "unclosed quote"},
};

START_TEST(test_export_errors) {
    make_files();
    Harness h;
    h_init(&h);
    ck_assert(h_run(&h, "W = [1, 2]"));
    char line[512], want[512];
    snprintf(line, sizeof line, export_errors[_i].line, tmpdir);
    snprintf(want, sizeof want, export_errors[_i].message, tmpdir);
    ck_assert_msg(!h_run(&h, line), "%s was accepted", line);
    ck_assert_msg(strstr(h.err_text, want), "%s lacks %s", h.err_text, want);
    ck_assert_str_eq(h.out_text, "");
    h_free(&h);
}
END_TEST

/* --- accuracy and argmax in a session ------------------------------------------------------ */

START_TEST(test_accuracy_in_a_session) {
    Harness h;
    h_init(&h);
    ck_assert(h_run(&h, "y = [[0.1, 0.8, 0.1], [0.6, 0.3, 0.1]]; t = [1, 2]\nacc = accuracy(y, t)\n"
                        "argmax(y)\nL = sum(y * y) + acc\n:grad y\n:check y"));
    /* acc adds nothing to the gradient, and central differences agree. */
    const char *want = "t = [1 2]\nacc = 0.5\n[1 0]\nL = 1.62\n"
                       "∂L/∂y = [[0.2 1.6 0.2]\n         [1.2 0.6 0.2]]\n";
    ck_assert_msg(strncmp(h.out_text, want, strlen(want)) == 0, "%s", h.out_text);
    ck_assert_msg(strstr(h.out_text, "    ok\n") && !strstr(h.out_text, "MISMATCH"), "%s",
                  h.out_text);
    h_free(&h);
}
END_TEST

static Suite *data_suite(void) {
    Suite *s = suite_create("data");
    TCase *tc = tcase_create("data");
    tcase_add_unchecked_fixture(tc, make_tmpdir, remove_tmpdir);
    tcase_add_test(tc, test_load_npy_and_csv);
    tcase_add_test(tc, test_relative_names);
    tcase_add_loop_test(tc, test_load_errors_change_nothing, 0,
                        sizeof load_errors / sizeof load_errors[0]);
    tcase_add_test(tc, test_save_writes_the_load);
    tcase_add_test(tc, test_export_value_and_gradient);
    tcase_add_loop_test(tc, test_export_errors, 0, sizeof export_errors / sizeof export_errors[0]);
    tcase_add_test(tc, test_accuracy_in_a_session);
    suite_add_tcase(s, tc);
    return s;
}

CHECK_MAIN(data_suite)
