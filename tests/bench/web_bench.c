/* web_bench.c - from a slider moved on a page to the new figure sent.
 *
 *     web_bench [REPETITIONS]     (default: 51)
 *
 * Through real sockets on 127.0.0.1, in one thread as backprop serves:
 * POST /leaf (the slider), the new state made and pushed to an open page
 * (its :grad and :trace), then GET /figure.svg answered whole. Timed for
 * the apple-and-orange figure (15 nodes; goal: under 5 ms) and for the
 * benchmark chain of 100 links (chain.h; goal: under 50 ms). Prints the
 * median and maximum in milliseconds.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../web_client.h"
#include "apple_orange.h"
#include "chain.h"
#include "timing.h"

static bool run_line(Session *s, const char *text) {
    if (session_run_line(s, "<bench>", 1, text, strlen(text))) return true;
    fprintf(stderr, "web_bench: statement failed: %s\n", text);
    return false;
}

/* One request answered whole; false unless its status is 200. */
static bool ask(WebServer *w, const char *method, const char *path, const char *body) {
    StrBuf req, answer;
    sb_init(&req);
    sb_init(&answer);
    sb_printf(&req, "%s %s?token=%s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nConnection: close\r\n",
              method, path, w->token, w->port);
    if (body)
        sb_printf(&req,
                  "Origin: http://127.0.0.1:%d\r\nContent-Type: application/json\r\n"
                  "Content-Length: %zu\r\n\r\n%s",
                  w->port, strlen(body), body);
    else
        sb_puts(&req, "\r\n");
    bool ok = web_client_exchange(w, req.data, req.len, &answer) && answer.data &&
              strncmp(answer.data, "HTTP/1.1 200", 12) == 0;
    if (!ok) fprintf(stderr, "web_bench: %s %s: %.200s\n", method, path, answer.data);
    sb_free(&req);
    sb_free(&answer);
    return ok;
}

/* Times `reps` slider moves of `leaf` in a session built by lines. */
static bool bench(const char *what, const char *const *lines, int count, const char *leaf,
                  double base, int reps) {
    StreamSink sink;
    FILE *null = fopen("/dev/null", "w");
    stream_sink_init(&sink, null, null);
    Session s;
    session_init(&s, &sink.sink);
    WebServer w;
    web_init(&w, &s);
    bool ok = true;
    for (int i = 0; i < count && ok; i++)
        ok = run_line(&s, lines[i]);
    char error[256];
    if (ok && !web_start(&w, "127.0.0.1", 0, error, sizeof error)) {
        fprintf(stderr, "web_bench: %s\n", error);
        ok = false;
    }
    /* A page with its event stream open, so each change is pushed. */
    int page = ok ? web_client_connect(&w) : -1;
    char open[256];
    snprintf(open, sizeof open, "GET /events?token=%s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n\r\n",
             w.token, w.port);
    ok = ok && page >= 0 && web_client_send(page, open, strlen(open));
    double *ms = calloc((size_t)reps + 1, sizeof *ms);
    ok = ok && ms && ask(&w, "GET", "/figure.svg", NULL); /* warm-up: Graphviz loads */
    for (int r = 0; r < reps && ok; r++) {
        char body[128];
        snprintf(body, sizeof body, "{\"name\": \"%s\", \"value\": %.17g}", leaf,
                 base + (r % 7) * 0.25);
        double start = bench_now_ms();
        ok = ask(&w, "POST", "/leaf", body);
        web_poll(&w); /* the state is made and pushed */
        ok = ok && ask(&w, "GET", "/figure.svg", NULL);
        ms[r] = bench_now_ms() - start;
    }
    if (ok) {
        double median = bench_median(ms, reps);
        printf("%-44s median %8.3f ms   max %8.3f ms   (%d runs)\n", what, median, ms[reps - 1],
               reps);
    }
    free(ms);
    if (page >= 0) close(page);
    web_free(&w);
    session_free(&s);
    fclose(null);
    return ok;
}

int main(int argc, char **argv) {
    long reps = bench_arg(argc > 1 ? argv[1] : NULL, 51);
    if (reps < 1) {
        fprintf(stderr, "usage: web_bench [REPETITIONS]\n");
        return 2;
    }
    bool ok = bench("slider to figure, apple-orange (15 nodes)", APPLE_ORANGE, APPLE_ORANGE_LINES,
                    "apple", 100, (int)reps);
    enum { LINKS = 100 };
    static char text[LINKS + 1][64];
    const char *chain[LINKS + 1];
    snprintf(text[0], sizeof text[0], "x0 = %s", CHAIN_LEAF_VALUE);
    for (long i = 1; i <= LINKS; i++) {
        char expr[48];
        chain_link_expr(i, expr, sizeof expr);
        snprintf(text[i], sizeof text[i], "x%ld = %s", i, expr);
    }
    for (int i = 0; i <= LINKS; i++)
        chain[i] = text[i];
    ok = bench("slider to figure, chain of 100 links", chain, LINKS + 1, "x0", 0.5,
               (int)(reps / 5 + 1)) &&
         ok;
    return ok ? 0 : 1;
}
