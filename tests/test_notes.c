/* test_notes.c - backprop --notes on notes written in a scratch folder:
 * what is generated, byte for byte; a second run changes nothing; --check;
 * errors pointing into the notes and changing nothing; the Markdown cmark
 * knows (fences of ~~~, longer fences, in lists) and text left alone (CRLF,
 * tabs, Korean, no final newline). */
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"
#include "check_main.h"
#include "notes/notes.h"

static char dir[64];

static char *path_of(const char *name) {
    static char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return path;
}

static void write_notes(const char *name, const char *text) {
    FILE *f = fopen(path_of(name), "wb");
    ck_assert(f);
    fputs(text, f);
    fclose(f);
}

/* Runs name's notes (check: --check); *said: what it wrote on err.
 * Each run is a process of its own, as backprop --notes is: Graphviz 2.42's
 * pango plugin reads a font name an earlier, freed context owned, so two
 * sessions that draw, one after the other, must not share a process. */
static int run(const char *name, bool check, char **said) {
    char path[256], err_path[300];
    snprintf(path, sizeof path, "%s", path_of(name));
    snprintf(err_path, sizeof err_path, "%s.err", path);
    fflush(NULL);
    pid_t child = fork();
    ck_assert_int_ge(child, 0);
    if (child == 0) {
        FILE *err = fopen(err_path, "w");
        NotesOptions o = {.path = path, .check = check};
        int status = err ? notes_run(&o, err) : 3;
        if (err) fclose(err);
        _exit(status);
    }
    int status;
    ck_assert_int_eq(waitpid(child, &status, 0), child);
    ck_assert(WIFEXITED(status));
    *said = h_read_file(err_path);
    ck_assert(*said);
    remove(err_path);
    return WEXITSTATUS(status);
}

/* name's notes now, compared with want. */
static void notes_are(const char *name, const char *want) {
    char *now = h_read_file(path_of(name));
    ck_assert_str_eq(now, want);
    free(now);
}

#define BEGIN "<!-- backprop:begin (made by backprop --notes: edits here are replaced) -->"
#define END   "<!-- backprop:end -->"

static const struct {
    const char *notes, *after;
} cases[] = {
    /* the apple example: its text block */
    {"# Apple\n\n```bp\napple = 100\nprice = apple * 2.2\n```\nend\n",
     "# Apple\n\n```bp\napple = 100\nprice = apple * 2.2\n```\n" BEGIN
     "\n```text\napple = 100\nprice = 220\n```\n" END "\nend\n"},
    /* ~~~ fences, longer fences, a fence in a list item (indented like it) */
    {"~~~bp\nx = 2\n~~~\n````bp\ny = 3\n````\n- item\n\n  ```bp\n  z = 4\n  ```\n",
     "~~~bp\nx = 2\n~~~\n" BEGIN "\n```text\nx = 2\n```\n" END "\n````bp\ny = 3\n````\n" BEGIN
     "\n```text\ny = 3\n```\n" END "\n- item\n\n  ```bp\n  z = 4\n  ```\n  " BEGIN
     "\n  ```text\n  z = 4\n  ```\n  " END "\n"},
    /* other languages and indented code are left alone */
    {"```python\nx = 1\n```\n\n    x = 2\n", "```python\nx = 1\n```\n\n    x = 2\n"},
    /* CRLF stays CRLF, generated lines too; tabs and Korean untouched; no final newline */
    {"가격\t계산\r\n```bp\r\n사과 = 100\r\n```\r\n끝",
     "가격\t계산\r\n```bp\r\n사과 = 100\r\n```\r\n" BEGIN "\r\n```text\r\n사과 = 100\r\n```\r\n" END
     "\r\n끝"},
    /* the last line is the fence, without a line end */
    {"```bp\nx = 1\n```", "```bp\nx = 1\n```\n" BEGIN "\n```text\nx = 1\n```\n" END "\n"},
    /* silent: runs, writes nothing; what it defined is there later */
    {"```bp silent\nx = 7\n```\n```bp\nx * 2\n```\n",
     "```bp silent\nx = 7\n```\n```bp\nx * 2\n```\n" BEGIN "\n```text\n14\n```\n" END "\n"},
    /* hidden code: `<!-- bp ... -->` runs, and only its output shows */
    {"<!-- bp\nx = 2\n-->\ntext\n",
     "<!-- bp\nx = 2\n-->\n" BEGIN "\n```text\nx = 2\n```\n" END "\ntext\n"},
    {"<!-- bp silent\nx = 2\n-->\n\n```bp\nx * 3\n```\n",
     "<!-- bp silent\nx = 2\n-->\n\n```bp\nx * 3\n```\n" BEGIN "\n```text\n6\n```\n" END "\n"},
    /* other HTML comments are left alone */
    {"<!-- bpx\nx = 2\n-->\n<!-- note -->\n", "<!-- bpx\nx = 2\n-->\n<!-- note -->\n"},
    /* fails: the error as the REPL shows it, pointing into the notes */
    {"```bp fails\ny = aple\n```\n",
     "```bp fails\ny = aple\n```\n" BEGIN "\n```text\nn.md:2:5: error: undefined name 'aple'\n"
     "    y = aple\n        ^~~~\n```\n" END "\n"},
    /* empty notes (fuzz_notes found them freed wrongly) */
    {"", ""},
    /* a block quote; a lone CR ends a line, as CommonMark says (fuzz_notes) */
    {"> ```bp\n> x = 1\n> ```\n",
     "> ```bp\n> x = 1\n> ```\n> " BEGIN "\n> ```text\n> x = 1\n> ```\n> " END "\n"},
    {"a\r```bp\rx = 1\r```\r", "a\r```bp\rx = 1\r```\r" BEGIN "\n```text\nx = 1\n```\n" END "\n"},
    /* :mermaid: a mermaid block (checked below) */
    {"```bp\nx = 2\ny = x * 3\n:mermaid --forward\n```\n", NULL},
};

START_TEST(test_notes) {
    write_notes("n.md", cases[_i].notes);
    char *said;
    ck_assert_msg(run("n.md", false, &said) == 0, "%s", said);
    free(said);
    char *first = h_read_file(path_of("n.md"));
    if (cases[_i].after) {
        ck_assert_str_eq(first, cases[_i].after);
    } else {
        ck_assert(strstr(first, "```\n```mermaid\nflowchart LR\n"));
    }
    /* A second run changes nothing, byte for byte, and --check agrees. */
    ck_assert_int_eq(run("n.md", false, &said), 0);
    free(said);
    notes_are("n.md", first);
    ck_assert_int_eq(run("n.md", true, &said), 0);
    ck_assert_str_eq(said, "");
    free(said);
    free(first);
}
END_TEST

START_TEST(test_check_names_what_is_stale) {
    write_notes("c.md", "text\n\n```bp\nx = 2\ny = x * 3\n:render fig.svg\n```\n");
    char *said;
    ck_assert_int_eq(run("c.md", false, &said), 0);
    free(said);
    char *fresh = h_read_file(path_of("c.md"));
    ck_assert(strstr(fresh, "```text\nx = 2\ny = 6\n```\n![fig.svg](fig.svg)\n"));
    ck_assert_int_eq(access(path_of("fig.svg"), F_OK), 0);
    /* The code changes: the block's output and its figure are out of date. */
    char *edited = strdup(fresh);
    strstr(edited, "x = 2")[4] = '5';
    write_notes("c.md", edited);
    ck_assert_int_eq(run("c.md", true, &said), 1);
    char want[1024];
    snprintf(want, sizeof want,
             "%s:3: the output of this block is out of date\n"
             "%s:3: the figure fig.svg is out of date\n",
             path_of("c.md"), path_of("c.md"));
    ck_assert_str_eq(said, want);
    free(said);
    notes_are("c.md", edited); /* --check changed nothing */
    free(fresh);
    free(edited);
}
END_TEST

START_TEST(test_an_error_changes_nothing) {
    const char *notes = "```bp\nx = 2\nw = x * 2\n:render e.svg\n```\n\n```bp\ny = x * zz\n```\n";
    write_notes("e.md", notes);
    char *said;
    ck_assert_int_eq(run("e.md", false, &said), 1);
    /* On stderr, the notes as named on the command line. */
    char want[512];
    snprintf(want, sizeof want,
             "%s:8:9: error: undefined name 'zz'\n    y = x * zz\n            ^~\n",
             path_of("e.md"));
    ck_assert_str_eq(said, want);
    free(said);
    notes_are("e.md", notes);
    ck_assert_int_ne(access(path_of("e.svg"), F_OK), 0); /* no figure either */
    /* A block that must fail and does not. */
    write_notes("f.md", "```bp fails\nx = 1\n```\n");
    ck_assert_int_eq(run("f.md", false, &said), 1);
    ck_assert(
        strstr(said, ":1: error: this block must fail (bp fails), but it ran without an error"));
    free(said);
    /* A bp block never closed: the rest of the notes would be its code. */
    write_notes("u.md", "text\n```bp\nx = 1\n");
    ck_assert_int_eq(run("u.md", false, &said), 1);
    ck_assert(strstr(said, ":2: error: this bp block has no closing fence"));
    free(said);
    /* A hidden block whose --> is not on a line of its own. */
    write_notes("h.md", "<!-- bp\nx = 1 -->\n");
    ck_assert_int_eq(run("h.md", false, &said), 1);
    ck_assert(strstr(said, ":1: error: a hidden bp block ends with --> on a line of its own"));
    free(said);
    /* An unknown option. */
    write_notes("g.md", "```bp loud\nx = 1\n```\n");
    ck_assert_int_eq(run("g.md", false, &said), 1);
    ck_assert(strstr(said, ":1: error: unknown block option 'loud' (bp takes silent, fails)"));
    free(said);
    /* Notes that are not there. */
    ck_assert_int_eq(run("nothing.md", false, &said), 1);
    ck_assert(strstr(said, "cannot read the notes: No such file or directory"));
    free(said);
}
END_TEST

static void setup(void) {
    snprintf(dir, sizeof dir, "/tmp/bp_test_notes_XXXXXX");
    ck_assert(mkdtemp(dir));
}

static void teardown(void) {
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    ck_assert_int_eq(system(cmd), 0);
}

static Suite *notes_suite(void) {
    Suite *s = suite_create("notes");
    TCase *tc = tcase_create("notes");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_loop_test(tc, test_notes, 0, sizeof cases / sizeof cases[0]);
    tcase_add_test(tc, test_check_names_what_is_stale);
    tcase_add_test(tc, test_an_error_changes_nothing);
    suite_add_tcase(s, tc);
    return s;
}

CHECK_MAIN(notes_suite)
