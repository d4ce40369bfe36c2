/* symbolic_bench.c - does a symbolic figure draw as fast as the numeric one?
 *
 *     symbolic_bench [REPETITIONS]     (default: 51)
 *
 * Renders the apple-and-orange figure (15 nodes) to SVG in-process, taking
 * turns between numbers and --symbolic after one warm-up of each, and prints
 * both medians and their ratio. Issue 12 asks for at most 1.2.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "apple_orange.h"
#include "timing.h"
#include "repl/session.h"

/* Milliseconds rendering the session's target to path took, or -1. */
static double time_render(Session *s, const char *path, ViewLabels labels) {
    RenderOptions o = render_defaults(session_target(s), NULL, s->digits);
    o.view.labels = labels;
    RenderResult result;
    char error[512];
    double start = bench_now_ms();
    if (!render_file(&s->io.renderer, &s->graph, &o, path, &result, error, sizeof error)) {
        fprintf(stderr, "symbolic_bench: %s\n", error);
        return -1;
    }
    return bench_now_ms() - start;
}

int main(int argc, char **argv) {
    long reps = bench_arg(argc > 1 ? argv[1] : NULL, 51);
    if (argc > 2 || reps < 1 || reps > 100000) {
        fprintf(stderr, "usage: symbolic_bench [REPETITIONS]\n");
        return 2;
    }
    char dir[] = "/tmp/symbolic_bench.XXXXXX", svg[64];
    if (!mkdtemp(dir)) {
        perror("symbolic_bench: mkdtemp");
        return 1;
    }
    snprintf(svg, sizeof svg, "%s/figure.svg", dir);
    double *num = calloc((size_t)reps, sizeof *num), *sym = calloc((size_t)reps, sizeof *sym);
    FILE *devnull = fopen("/dev/null", "w");
    if (!num || !sym || !devnull) {
        fprintf(stderr, "symbolic_bench: out of memory\n");
        return 1;
    }
    StreamSink sink;
    stream_sink_init(&sink, devnull, stderr);
    Session s;
    session_init(&s, &sink.sink);
    char error[512];
    bool ok = renderer_init(&s.io.renderer, error, sizeof error);
    if (!ok) fprintf(stderr, "symbolic_bench: %s\n", error);
    for (size_t i = 0; ok && i < APPLE_ORANGE_LINES; i++)
        ok = session_run_line(&s, "<bench>", 1, APPLE_ORANGE[i], strlen(APPLE_ORANGE[i]));
    ok = ok && time_render(&s, svg, VIEW_NUMBERS) >= 0 && time_render(&s, svg, VIEW_SYMBOLIC) >= 0;
    for (long r = 0; ok && r < reps; r++) {
        num[r] = time_render(&s, svg, VIEW_NUMBERS);
        sym[r] = time_render(&s, svg, VIEW_SYMBOLIC);
        ok = num[r] >= 0 && sym[r] >= 0;
    }
    if (ok) {
        double n = bench_median(num, (int)reps), y = bench_median(sym, (int)reps);
        printf("apple-orange (15 nodes), numbers     median %8.3f ms\n", n);
        printf("apple-orange (15 nodes), --symbolic  median %8.3f ms\n", y);
        printf("ratio symbolic / numbers             %8.3f (issue 12: at most 1.2)\n", y / n);
    }
    unlink(svg);
    rmdir(dir);
    session_free(&s);
    fclose(devnull);
    free(num);
    free(sym);
    return ok ? 0 : 1;
}
