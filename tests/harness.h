/* harness.h - drives a Session in a test: every line's output captured. In C:
 *
 *     Harness h;
 *     h_init(&h);
 *     ck_assert(h_run(&h, "x = 2\ny = x * x"));   // lines run one by one
 *     ck_assert_str_eq(h.out_text, "x = 2\ny = 4\n");
 *     h_free(&h);
 *
 * out_text and err_text hold what the last h_run printed to each stream.
 *
 * Ctrl-C is counted, never timed: with h.ctrl_c_after = n, the session's
 * first n polls of session_stopped (one per :descend step, :trace step,
 * :check element, ...) go on and every later one sees Ctrl-C, so work stops
 * at the same place on every machine. 0 is Ctrl-C already pressed; -1 (the
 * default) never. */
#ifndef BP_HARNESS_H
#define BP_HARNESS_H

#include <check.h>
#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "repl/command.h"
#include "repl/session.h"

typedef struct {
    Session s;
    StreamSink sink; /* the terminal's sink, on memory streams; sink.json for --json */
    FILE *out, *err;
    char *out_buf, *err_buf;
    size_t out_size, err_size;
    size_t out_mark, err_mark; /* what earlier runs printed */
    int line;                  /* number of the last line run */
    long ctrl_c_after;         /* polls before Ctrl-C; -1: never (see above) */
    char *out_text, *err_text; /* what the last h_run printed */
} Harness;

/* The session's Interrupt: counts the polls down to Ctrl-C. */
static inline bool h_ctrl_c(void *ctx) {
    Harness *h = ctx;
    if (h->ctrl_c_after < 0) return false;
    if (h->ctrl_c_after == 0) return true;
    h->ctrl_c_after--;
    return false;
}

static inline void h_init(Harness *h) {
    memset(h, 0, sizeof *h);
    h->out = open_memstream(&h->out_buf, &h->out_size);
    h->err = open_memstream(&h->err_buf, &h->err_size);
    ck_assert(h->out && h->err);
    stream_sink_init(&h->sink, h->out, h->err);
    session_init(&h->s, &h->sink.sink);
    h->ctrl_c_after = -1;
    h->s.io.interrupt = (Interrupt){h_ctrl_c, h, NULL};
    h->out_text = strdup("");
    h->err_text = strdup("");
}

static inline void h_free(Harness *h) {
    session_free(&h->s);
    fclose(h->out);
    fclose(h->err);
    free(h->out_buf);
    free(h->err_buf);
    free(h->out_text);
    free(h->err_text);
}

/* Runs each '\n'-separated line of `lines`; keeps what they printed in
 * out_text / err_text. True if every line succeeded. */
static inline bool h_run(Harness *h, const char *lines) {
    bool ok = true;
    for (const char *p = lines;;) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        if (!session_run_line(&h->s, "<test>", ++h->line, p, len)) ok = false;
        if (!nl) break;
        p = nl + 1;
    }
    fflush(h->out);
    fflush(h->err);
    free(h->out_text);
    free(h->err_text);
    h->out_text = strndup(h->out_buf + h->out_mark, h->out_size - h->out_mark);
    h->err_text = strndup(h->err_buf + h->err_mark, h->err_size - h->err_mark);
    h->out_mark = h->out_size;
    h->err_mark = h->err_size;
    return ok;
}

/* What :save would write of the session, malloc'd. */
static inline char *h_script(Harness *h) {
    char *text = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&text, &size);
    ck_assert(f);
    ck_assert(session_write_script(&h->s, f, NULL));
    fclose(f);
    return text;
}

/* The whole of a file, malloc'd and NUL-terminated. */
static inline char *h_read_file(const char *path) {
    FILE *f = fopen(path, "rb");
    ck_assert_msg(f, "cannot read %s", path);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *text = malloc((size_t)n + 1);
    ck_assert(text && fread(text, 1, (size_t)n, f) == (size_t)n);
    text[n] = '\0';
    fclose(f);
    return text;
}

/* The value of attribute `name` in the SVG tag [tag, end), into out (size
 * bytes); "" if the tag has none. */
static inline void h_attr(const char *tag, const char *end, const char *name, char *out,
                          size_t size) {
    char key[32];
    snprintf(key, sizeof key, " %s=\"", name);
    out[0] = '\0';
    const char *at = strstr(tag, key);
    if (!at || at > end) return;
    at += strlen(key);
    const char *q = strchr(at, '"');
    snprintf(out, size, "%.*s", (int)(q - at), at);
}

/* Files in dir whose names contain ".tmp.": leftovers of a failed write. */
static inline int h_leftovers(const char *dir) {
    DIR *d = opendir(dir);
    ck_assert(d);
    int n = 0;
    for (struct dirent *e; (e = readdir(d)) != NULL;)
        n += strstr(e->d_name, ".tmp.") != NULL;
    closedir(d);
    return n;
}

/* A scratch directory for the whole suite, made and removed by the parent
 * process (use them as an unchecked fixture), so a failing test leaves
 * nothing behind. */
static char tmpdir[64];

static inline void make_tmpdir(void) {
    strcpy(tmpdir, "/tmp/bp_test_XXXXXX");
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        exit(EXIT_FAILURE);
    }
}

static inline void remove_tmpdir(void) {
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", tmpdir);
}

/* Checks what the last h_run printed, for a table-driven test case named
 * `what`: out exactly, and err containing err_part ("": nothing on err). */
static inline void h_expect(const Harness *h, const char *what, const char *out,
                            const char *err_part) {
    ck_assert_msg(strcmp(h->out_text, out) == 0, "%s\nout:\n%s\nexpected:\n%s", what, h->out_text,
                  out);
    ck_assert_msg(*err_part ? strstr(h->err_text, err_part) != NULL : h->err_text[0] == '\0',
                  "%s\nerr:\n%s\nexpected to contain:\n%s", what, h->err_text, err_part);
}

#endif
