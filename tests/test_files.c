/* test_files.c - the files backprop writes and the commands that name them:
 * modes, symbolic links and special files (io/file.c), quoted names and
 * comments in command arguments, --steps frame sets, :watch, and :quit
 * inside a :load. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check_main.h"
#include "io/file.h"
#include "harness.h"

#define ck_assert_has(text, part)                                                                  \
    ck_assert_msg(strstr((text), (part)) != NULL, "\"%s\" lacks \"%s\"", (text), (part))

/* tmpdir/name into buf. */
static const char *in_tmp(char *buf, size_t size, const char *name) {
    snprintf(buf, size, "%s/%s", tmpdir, name);
    return buf;
}

/* Runs `command` followed by " " and tmpdir/name. */
static bool run_on(Harness *h, const char *command, const char *name) {
    char line[512];
    snprintf(line, sizeof line, "%s %s/%s", command, tmpdir, name);
    return h_run(h, line);
}

static mode_t mode_of(const char *path) {
    struct stat st;
    ck_assert_msg(lstat(path, &st) == 0, "%s is missing", path);
    return st.st_mode;
}

static bool exists(const char *path) {
    struct stat st;
    return lstat(path, &st) == 0;
}

static const char *const SESSION = "x = 2; y = x * 3";

/* --- modes ---------------------------------------------------------------- */

static const struct {
    const char *command, *name;
} writers[] = {
    {":save", "m.bp"},     {":render", "m.svg"}, {":render", "m.dot"},
    {":mermaid", "m.mmd"}, {":watch", "w.svg"},  {":render --steps", "st.svg"},
};

/* A new file gets 0666 less the umask, as any program's new file does
 * (it was 0600, the temporary file's mode, whatever the umask). */
START_TEST(test_new_file_mode) {
    const mode_t masks[] = {022, 027, 002};
    char path[256];
    Harness h; /* one: Graphviz's text plug-in is not safe to open twice in a process */
    h_init(&h);
    ck_assert(h_run(&h, SESSION));
    for (int m = 0; m < 3; m++) {
        umask(masks[m]);
        ck_assert_msg(run_on(&h, writers[_i].command, writers[_i].name), "%s", h.err_text);
        const char *name =
            strcmp(writers[_i].command, ":render --steps") == 0 ? "st-01.svg" : writers[_i].name;
        in_tmp(path, sizeof path, name);
        ck_assert_int_eq(mode_of(path) & 07777, 0666 & ~masks[m]);
        ck_assert(unlink(path) == 0);
    }
    h_free(&h);
    umask(022);
}
END_TEST

/* The shared helper itself, which also writes the REPL's history. */
START_TEST(test_file_replace_mode) {
    char path[256], why[256];
    in_tmp(path, sizeof path, "bytes.txt");
    umask(026);
    ck_assert_msg(file_replace_bytes(path, "hi\n", 3, why, sizeof why), "%s", why);
    ck_assert_int_eq(mode_of(path) & 07777, 0640);
    umask(022);
    char *text = h_read_file(path);
    ck_assert_str_eq(text, "hi\n");
    free(text);
    ck_assert(unlink(path) == 0);
}
END_TEST

/* An existing file keeps its permission bits, as an editor keeps them. */
START_TEST(test_existing_mode_kept) {
    char path[256];
    in_tmp(path, sizeof path, "kept.bp");
    FILE *f = fopen(path, "w");
    fputs("old\n", f);
    fclose(f);
    ck_assert(chmod(path, 0604) == 0);
    Harness h;
    h_init(&h);
    ck_assert(h_run(&h, SESSION));
    ck_assert_msg(run_on(&h, ":save", "kept.bp"), "%s", h.err_text);
    ck_assert_int_eq(mode_of(path) & 07777, 0604);
    char *text = h_read_file(path);
    ck_assert_has(text, "y = x * 3");
    free(text);
    h_free(&h);
}
END_TEST

/* --- links and special files ------------------------------------------------ */

/* A symbolic link is written through, as editors do: the link stays a
 * link and the file it leads to gets the new contents. */
START_TEST(test_symlink_written_through) {
    const char *commands[] = {":save", ":render", ":mermaid"};
    const char *targets[] = {"real.bp", "real.svg", "real.mmd"};
    const char *links[] = {"link.bp", "link.svg", "link.mmd"};
    const char *expect[] = {"y = x * 3", "<svg", "flowchart"};
    char target[256], link[256];
    in_tmp(target, sizeof target, "sub");
    ck_assert(mkdir(target, 0700) == 0 || exists(target));
    Harness h;
    h_init(&h);
    ck_assert(h_run(&h, SESSION));
    for (int k = 0; k < 3; k++) {
        char rel[64];
        snprintf(rel, sizeof rel, "sub/%s", targets[k]); /* relative to the link's directory */
        in_tmp(target, sizeof target, rel);
        FILE *f = fopen(target, "w");
        fputs("old\n", f);
        fclose(f);
        ck_assert(chmod(target, 0640) == 0);
        in_tmp(link, sizeof link, links[k]);
        ck_assert(symlink(rel, link) == 0);
        ck_assert_msg(run_on(&h, commands[k], links[k]), "%s", h.err_text);
        ck_assert(S_ISLNK(mode_of(link)));
        ck_assert(S_ISREG(mode_of(target)));
        ck_assert_int_eq(mode_of(target) & 07777, 0640);
        char *text = h_read_file(target);
        ck_assert_has(text, expect[k]);
        free(text);
    }
    ck_assert_int_eq(h_leftovers(tmpdir), 0);
    h_free(&h);
}
END_TEST

/* What is not a regular file or a missing path is refused, untouched,
 * with the reason: renaming over it would destroy it. */
START_TEST(test_special_files_refused) {
    char fifo[256], dangling[256], line[512];
    in_tmp(fifo, sizeof fifo, "pipe.bp");
    ck_assert(mkfifo(fifo, 0600) == 0);
    in_tmp(dangling, sizeof dangling, "dangling.bp");
    ck_assert(symlink("nowhere.bp", dangling) == 0);
    char fifo_svg[300];
    snprintf(fifo_svg, sizeof fifo_svg, "%s.svg", fifo);
    ck_assert(mkfifo(fifo_svg, 0600) == 0);
    const struct {
        const char *command, *path, *reason;
    } cases[] = {
        {":save", fifo, "it is a FIFO, not a regular file"},
        {":render", fifo_svg, "it is a FIFO, not a regular file"},
        {":save", "/dev/null", "it is a character device, not a regular file"},
        {":save", dangling, "it is a symbolic link to a missing file"},
        {":save", tmpdir, "it is a directory, not a regular file"},
    };
    Harness h;
    h_init(&h);
    ck_assert(h_run(&h, SESSION));
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        snprintf(line, sizeof line, "%s %s", cases[k].command, cases[k].path);
        ck_assert_msg(!h_run(&h, line), "%s succeeded", line);
        ck_assert_has(h.err_text, cases[k].reason);
        ck_assert_str_eq(h.out_text, "");
    }
    /* A link to a device is refused too, and the device stays. */
    char devlink[256];
    in_tmp(devlink, sizeof devlink, "null.svg");
    ck_assert(symlink("/dev/null", devlink) == 0);
    ck_assert(!run_on(&h, ":render", "null.svg"));
    ck_assert_has(h.err_text, "it is a symbolic link to a character device, not to a regular");
    ck_assert(S_ISFIFO(mode_of(fifo)) && S_ISFIFO(mode_of(fifo_svg)));
    ck_assert(S_ISLNK(mode_of(dangling)) && S_ISLNK(mode_of(devlink)));
    ck_assert(S_ISCHR(mode_of("/dev/null")));
    ck_assert_int_eq(h_leftovers(tmpdir), 0);
    h_free(&h);
}
END_TEST

/* --- command arguments ------------------------------------------------------ */

/* '#' starts a comment in commands too; a quoted name may hold '#', ';'
 * and spaces; ';' still ends the command. */
START_TEST(test_quoted_names_and_comments) {
    char line[512], path[256];
    Harness h;
    h_init(&h);
    ck_assert(h_run(&h, SESSION));
    snprintf(line, sizeof line, ":save %s/out.bp # keep", tmpdir);
    ck_assert_msg(h_run(&h, line), "%s", h.err_text);
    ck_assert(exists(in_tmp(path, sizeof path, "out.bp")));
    ck_assert(!exists(in_tmp(path, sizeof path, "out.bp # keep")));
    snprintf(line, sizeof line, ":save %s/c#d.bp", tmpdir); /* bare: '#' ends it */
    ck_assert(h_run(&h, line));
    ck_assert(exists(in_tmp(path, sizeof path, "c")));
    const struct {
        const char *written, *name;
    } quoted[] = {
        {"\"my file.bp\"", "my file.bp"},
        {"'a#b; c.bp'", "a#b; c.bp"},
        {"\"q\\\"uote\\\\.bp\"", "q\"uote\\.bp"},
        {"'it''s.bp'", NULL}, /* two quoted words run together: an error */
    };
    for (size_t k = 0; k < sizeof quoted / sizeof quoted[0]; k++) {
        /* the quotes go round the whole path */
        snprintf(line, sizeof line, ":save %c%s/%s", quoted[k].written[0], tmpdir,
                 quoted[k].written + 1);
        if (!quoted[k].name) {
            ck_assert(!h_run(&h, line));
            ck_assert_has(h.err_text, "text after the closing quote");
            continue;
        }
        ck_assert_msg(h_run(&h, line), "%s: %s", line, h.err_text);
        ck_assert_msg(exists(in_tmp(path, sizeof path, quoted[k].name)), "%s", quoted[k].name);
        snprintf(line, sizeof line, "saved %s\n", path);
        ck_assert_str_eq(h.out_text, line);
    }
    /* :load, :render, :mermaid and :watch read names the same way. */
    snprintf(line, sizeof line, ":load \"%s/my file.bp\" # again; x = 5", tmpdir);
    ck_assert_msg(h_run(&h, line), "%s", h.err_text);
    ck_assert(h_run(&h, "x"));
    ck_assert_str_eq(h.out_text, "2\n");
    snprintf(line, sizeof line, ":render '%s/fig one.svg' --forward; z = 1 # c", tmpdir);
    ck_assert_msg(h_run(&h, line), "%s", h.err_text);
    ck_assert(exists(in_tmp(path, sizeof path, "fig one.svg")));
    ck_assert_has(h.out_text, "z = 1\n");
    snprintf(line, sizeof line, ":mermaid \"%s/m m.mmd\"#note", tmpdir);
    ck_assert_msg(h_run(&h, line), "%s", h.err_text);
    ck_assert(exists(in_tmp(path, sizeof path, "m m.mmd")));
    snprintf(line, sizeof line, ":watch \"%s/w w.svg\" # live", tmpdir);
    ck_assert_msg(h_run(&h, line), "%s", h.err_text);
    ck_assert(exists(in_tmp(path, sizeof path, "w w.svg")));
    ck_assert(!h_run(&h, ":watch 'off'")); /* quoted: a file name, not the word */
    ck_assert_has(h.err_text, "cannot tell the format of 'off'");
    h_free(&h);
}
END_TEST

/* Invalid UTF-8 in a command's argument is refused before anything is
 * written, so a JSON row never has to carry it. */
START_TEST(test_arguments_must_be_utf8) {
    char line[512], path[256];
    Harness h;
    h_init(&h);
    h.sink.json = true;
    ck_assert(h_run(&h, SESSION));
    const char *commands[] = {":save", ":load", ":render", ":mermaid", ":watch", ":help"};
    for (int k = 0; k < 6; k++) {
        snprintf(line, sizeof line, "%s %s/\xff.bp", commands[k], tmpdir);
        ck_assert(!h_run(&h, line));
        ck_assert_has(h.out_text, "\"kind\":\"error\"");
        ck_assert_has(h.out_text, "invalid UTF-8 in a command");
        for (const char *p = h.out_text; *p; p++)
            ck_assert_msg((unsigned char)*p < 0x80, "a raw byte in %s", h.out_text);
    }
    ck_assert(!exists(in_tmp(path, sizeof path, "\xff.bp")));
    h_free(&h);
}
END_TEST

/* --- --steps owns its frames ------------------------------------------------ */

/* How many frames fr-01.svg, fr-02.svg, ... there are in a row. */
static int count_frames(void) {
    char name[32], path[256];
    int n = 0;
    for (;; n++) {
        snprintf(name, sizeof name, "fr-%02d.svg", n + 1);
        if (!exists(in_tmp(path, sizeof path, name))) return n;
    }
}

START_TEST(test_steps_replace_the_set) {
    char path[256], line[512];
    Harness h;
    h_init(&h);
    /* Five backward steps, then two. */
    ck_assert(h_run(&h, "a = 1; b = 2; c = a * b; d = c + a; e = d * b; f = e * 2"));
    ck_assert_msg(run_on(&h, ":render --steps", "fr.svg"), "%s", h.err_text);
    int before = count_frames();
    ck_assert_int_gt(before, 3);
    /* Names that are not this rendering's frames, which must stay. */
    const char *others[] = {"fr-3.svg",  "fr-003.svg", "fr-09.png", "fr-09.svg.bak",
                            "gr-09.svg", "fr-x9.svg",  "fr-09",     "fr-99.svg"};
    for (size_t k = 0; k < sizeof others / sizeof others[0]; k++) {
        if (strcmp(others[k], "fr-99.svg") == 0) { /* a directory: not a regular file */
            ck_assert(mkdir(in_tmp(path, sizeof path, others[k]), 0700) == 0);
            continue;
        }
        FILE *f = fopen(in_tmp(path, sizeof path, others[k]), "w");
        fclose(f);
    }
    FILE *f = fopen(in_tmp(path, sizeof path, "fr-12.svg"), "w"); /* an old, longer set */
    fclose(f);
    ck_assert(h_run(&h, ":clear"));
    ck_assert(h_run(&h, "p = 3; q = p * 2"));
    ck_assert_msg(run_on(&h, ":render --steps", "fr.svg"), "%s", h.err_text);
    int after = count_frames();
    ck_assert_int_lt(after, before);
    ck_assert(!exists(in_tmp(path, sizeof path, "fr-12.svg")));
    for (int k = after + 1; k <= before; k++) {
        snprintf(line, sizeof line, "fr-%02d.svg", k);
        ck_assert_msg(!exists(in_tmp(path, sizeof path, line)), "%s is left", line);
    }
    for (size_t k = 0; k < sizeof others / sizeof others[0]; k++)
        ck_assert_msg(exists(in_tmp(path, sizeof path, others[k])), "%s was removed", others[k]);
    h_free(&h);
}
END_TEST

/* --- :watch and :quit ------------------------------------------------------- */

/* A :watch whose first drawing fails is refused, and the old one stays. */
START_TEST(test_watch_refused_when_drawing_fails) {
    char path[256];
    ck_assert(mkdir(in_tmp(path, sizeof path, "wdir.svg"), 0700) == 0);
    Harness h;
    h_init(&h);
    ck_assert(h_run(&h, SESSION));
    ck_assert_msg(run_on(&h, ":watch", "good.svg"), "%s", h.err_text);
    ck_assert(!run_on(&h, ":watch", "wdir.svg"));
    ck_assert_has(h.err_text, "it is a directory, not a regular file (backprop writes only regular "
                              "files); not watching it");
    ck_assert_str_eq(h.out_text, "");
    ck_assert(h_run(&h, ":watch"));
    char expected[300];
    snprintf(expected, sizeof expected, "watch: %s/good.svg\n", tmpdir);
    ck_assert_str_eq(h.out_text, expected);
    /* With nothing to draw yet, a watch is taken and drawn later. */
    ck_assert(h_run(&h, ":clear"));
    ck_assert(run_on(&h, ":watch", "later.svg"));
    ck_assert(!exists(in_tmp(path, sizeof path, "later.svg")));
    ck_assert(h_run(&h, SESSION));
    ck_assert(exists(path));
    h_free(&h);
}
END_TEST

static void write_file(const char *name, const char *text) {
    char path[256];
    FILE *f = fopen(in_tmp(path, sizeof path, name), "w");
    ck_assert(f);
    fputs(text, f);
    fclose(f);
}

/* :quit in a :load-ed file, at any depth, ends the file there, keeps what
 * it built, and quits backprop: nothing after it runs. */
START_TEST(test_quit_in_load) {
    char line[512];
    write_file("quits.bp", "a = 1\n:quit\nb = 2\n");
    snprintf(line, sizeof line, "c = 3\n:load %s/quits.bp\nd = 4\n", tmpdir);
    write_file("outer.bp", line);
    const char *lines[] = {":load %s/quits.bp; e = 5", ":load %s/outer.bp; e = 5"};
    for (int k = 0; k < 2; k++) {
        Harness h;
        h_init(&h);
        snprintf(line, sizeof line, lines[k], tmpdir);
        ck_assert_msg(h_run(&h, line), "%s", h.err_text);
        ck_assert(h.s.quit);
        ck_assert_str_eq(h.out_text, k == 0 ? "a = 1\n" : "c = 3\na = 1\n");
        ck_assert(graph_lookup(&h.s.graph, "a", 1) != NODE_NONE);
        ck_assert(graph_lookup(&h.s.graph, "b", 1) == NODE_NONE);
        ck_assert(graph_lookup(&h.s.graph, "d", 1) == NODE_NONE);
        ck_assert(graph_lookup(&h.s.graph, "e", 1) == NODE_NONE);
        h_free(&h);
    }
    /* As a script: the lines after the :load do not run either. */
    Harness h;
    h_init(&h);
    char path[256];
    snprintf(line, sizeof line, ":load %s/quits.bp\nf = 6\n", tmpdir);
    write_file("script.bp", line);
    ck_assert(session_run_file(&h.s, in_tmp(path, sizeof path, "script.bp"), true));
    ck_assert(h.s.quit);
    ck_assert(graph_lookup(&h.s.graph, "f", 1) == NODE_NONE);
    h_free(&h);
}
END_TEST

/* A :load-ed file that draws, then the session drawing again: one
 * Graphviz for both (a second one read freed memory, seen under ASan). */
START_TEST(test_load_that_renders) {
    char line[512];
    snprintf(line, sizeof line, "x = 1; y = x * 2\n:render %s/in-load.svg\n", tmpdir);
    write_file("draws.bp", line);
    Harness h;
    h_init(&h);
    ck_assert_msg(run_on(&h, ":load", "draws.bp"), "%s", h.err_text);
    ck_assert_msg(run_on(&h, ":render", "after-load.svg"), "%s", h.err_text);
    ck_assert_msg(run_on(&h, ":load", "draws.bp"), "%s", h.err_text);
    ck_assert_has(h.out_text, "rendered");
    h_free(&h);
}
END_TEST

/* A test case in s whose tests share one scratch directory. */
static TCase *scratch_case(Suite *s, const char *name) {
    TCase *tc = tcase_create(name);
    tcase_set_timeout(tc, 60);
    tcase_add_unchecked_fixture(tc, make_tmpdir, remove_tmpdir);
    suite_add_tcase(s, tc);
    return tc;
}

static Suite *files_suite(void) {
    Suite *s = suite_create("files");
    TCase *tc = scratch_case(s, "modes");
    tcase_add_loop_test(tc, test_new_file_mode, 0, sizeof writers / sizeof writers[0]);
    tcase_add_test(tc, test_file_replace_mode);
    tcase_add_test(tc, test_existing_mode_kept);
    tc = scratch_case(s, "links");
    tcase_add_test(tc, test_symlink_written_through);
    tcase_add_test(tc, test_special_files_refused);
    tc = scratch_case(s, "arguments");
    tcase_add_test(tc, test_quoted_names_and_comments);
    tcase_add_test(tc, test_arguments_must_be_utf8);
    tc = scratch_case(s, "sessions");
    tcase_add_test(tc, test_steps_replace_the_set);
    tcase_add_test(tc, test_watch_refused_when_drawing_fails);
    tcase_add_test(tc, test_quit_in_load);
    tcase_add_test(tc, test_load_that_renders);
    return s;
}

CHECK_MAIN(files_suite)
