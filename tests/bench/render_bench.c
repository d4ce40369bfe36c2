/* render_bench.c - how long does drawing a figure take?
 *
 *     render_bench [REPETITIONS] [OPS]     (default: 51 repetitions, a 300-op chain)
 *
 * Renders to SVG in-process, through one Renderer as a session does:
 *   - the apple-and-orange figure (examples/apple_orange.bp, 15 nodes),
 *     REPETITIONS times after one warm-up render (Graphviz loads its
 *     plugins the first time);
 *   - the benchmark chain (chain.h) of OPS links, forced past the size
 *     limit, REPETITIONS / 5 + 1 times after a warm-up, taking turns with
 *     `dot -Tsvg` run as a subprocess on the DOT the chain's figure is laid
 *     out from (render_text's "layout").
 * Prints the median and maximum of each in milliseconds; the `dot` line
 * says so when Graphviz's `dot` is not installed (Debian package: graphviz).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "chain.h"
#include "apple_orange.h"
#include "timing.h"
#include "repl/session.h"

/* Sorts ms in place and prints its median and maximum. */
static void report(const char *what, double *ms, int count) {
    double median = bench_median(ms, count);
    printf("%-40s median %9.3f ms   max %9.3f ms   (%d runs)\n", what, median, ms[count - 1],
           count);
}

static bool run_line(Session *s, const char *text) {
    if (session_run_line(s, "<bench>", 1, text, strlen(text))) return true;
    fprintf(stderr, "render_bench: statement failed: %s\n", text);
    return false;
}

/* Milliseconds rendering the session's target to path took, or -1. */
static double time_render(Session *s, const char *path) {
    RenderOptions o = render_defaults(session_target(s), NULL, s->digits);
    o.force = true;
    RenderResult result;
    char error[512];
    double start = bench_now_ms();
    if (!render_file(&s->io.renderer, &s->graph, &o, path, &result, error, sizeof error)) {
        fprintf(stderr, "render_bench: %s\n", error);
        return -1;
    }
    return bench_now_ms() - start;
}

/* Writes the DOT that the session's figure is laid out from to path. */
static bool write_layout_dot(Session *s, const char *path) {
    RenderOptions o = render_defaults(session_target(s), NULL, s->digits);
    o.force = true;
    RenderResult result;
    char error[512];
    StrBuf dot;
    sb_init(&dot);
    bool ok =
        render_text(&s->io.renderer, &s->graph, &o, "layout", &dot, &result, error, sizeof error);
    if (!ok) fprintf(stderr, "render_bench: %s\n", error);
    FILE *f = ok ? fopen(path, "w") : NULL;
    ok = f && fwrite(dot.data, 1, dot.len, f) == dot.len;
    if (f && fclose(f) != 0) ok = false;
    sb_free(&dot);
    return ok;
}

/* Milliseconds `dot -Tsvg dot_path -o /dev/null` took: -1 if there is no
 * dot to run, -2 if it failed. */
static double time_dot(const char *dot_path) {
    double start = bench_now_ms();
    pid_t pid = fork();
    if (pid == 0) {
        execlp("dot", "dot", "-Tsvg", dot_path, "-o", "/dev/null", (char *)NULL);
        _exit(127);
    }
    int status;
    if (pid < 0 || waitpid(pid, &status, 0) < 0 || !WIFEXITED(status)) return -2;
    if (WEXITSTATUS(status) == 127) return -1;
    return WEXITSTATUS(status) == 0 ? bench_now_ms() - start : -2;
}

int main(int argc, char **argv) {
    long reps = bench_arg(argc > 1 ? argv[1] : NULL, 51);
    long ops = bench_arg(argc > 2 ? argv[2] : NULL, 300);
    if (argc > 3 || reps < 1 || reps > 100000 || ops < 1 || ops > 100000) {
        fprintf(stderr, "usage: render_bench [REPETITIONS] [OPS]\n");
        return 2;
    }
    char dir[] = "/tmp/render_bench.XXXXXX", svg[64], dot[64];
    if (!mkdtemp(dir)) {
        perror("render_bench: mkdtemp");
        return 1;
    }
    snprintf(svg, sizeof svg, "%s/figure.svg", dir);
    snprintf(dot, sizeof dot, "%s/layout.dot", dir);
    int big_reps = (int)reps / 5 + 1;
    double *ms = calloc((size_t)reps, sizeof *ms);
    FILE *devnull = fopen("/dev/null", "w");
    if (!ms || !devnull) {
        fprintf(stderr, "render_bench: out of memory\n");
        return 1;
    }
    double *dot_ms = calloc((size_t)big_reps, sizeof *dot_ms);
    StreamSink sink;
    stream_sink_init(&sink, devnull, stderr);
    Session s;
    session_init(&s, &sink.sink);
    char error[512];
    bool ok = dot_ms && renderer_init(&s.io.renderer, error, sizeof error);
    if (!ok) fprintf(stderr, "render_bench: cannot start Graphviz\n");

    /* The apple-and-orange figure, after a warm-up render. */
    for (size_t i = 0; ok && i < APPLE_ORANGE_LINES; i++)
        ok = run_line(&s, APPLE_ORANGE[i]);
    ok = ok && time_render(&s, svg) >= 0;
    for (int r = 0; ok && r < reps; r++)
        ok = (ms[r] = time_render(&s, svg)) >= 0;
    if (ok) report("apple_orange.svg (15 nodes), in-process", ms, (int)reps);

    /* The chain, in-process and by dot taking turns, so both see the same
     * load on a shared machine. */
    session_clear(&s);
    char line[128], expr[64], what[64];
    ok = ok && run_line(&s, "x0 = " CHAIN_LEAF_VALUE);
    for (long i = 1; ok && i <= ops; i++) {
        chain_link_expr(i, expr, sizeof expr);
        snprintf(line, sizeof line, "x%ld = %s", i, expr);
        ok = run_line(&s, line);
    }
    ok = ok && write_layout_dot(&s, dot) && time_render(&s, svg) >= 0;
    bool have_dot = true;
    for (int r = 0; ok && r < big_reps; r++) {
        ok = (ms[r] = time_render(&s, svg)) >= 0;
        if (have_dot) dot_ms[r] = time_dot(dot);
        have_dot = dot_ms[r] >= 0;
        if (dot_ms[r] == -2) {
            fprintf(stderr, "render_bench: dot -Tsvg %s failed\n", dot);
            ok = false;
        }
    }
    snprintf(what, sizeof what, "chain of %ld ops, in-process", ops);
    if (ok) report(what, ms, big_reps);
    snprintf(what, sizeof what, "chain of %ld ops, dot -Tsvg", ops);
    if (ok && have_dot)
        report(what, dot_ms, big_reps);
    else if (ok)
        printf("%-40s not run: Graphviz's `dot` is missing (apt-get install graphviz)\n", what);

    unlink(svg);
    unlink(dot);
    rmdir(dir);
    free(ms);
    free(dot_ms);
    session_free(&s);
    fclose(devnull);
    return ok ? 0 : 1;
}
