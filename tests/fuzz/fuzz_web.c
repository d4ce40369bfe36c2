/* fuzz_web.c - libFuzzer target: any bytes sent to the web view must get
 * an HTTP answer (or a closed connection), never a crash, hang or leak, and
 * never change the session except by setting a scalar leaf to a finite
 * number.
 *
 * The first byte says what the rest is:
 *   0  a whole request, as a client would send it (no token: always 403,
 *      which fuzzes libmicrohttpd's parsing and our checks before it);
 *   1  the JSON body of a POST /leaf from the page, with the right token,
 *      Host and Origin (fuzzes the body's parsing and the leaf's checks);
 *   2  a path and query after the right token, as a GET (fuzzes routing
 *      and the query's options; the figure and the event stream are left
 *      out: Graphviz's own leaks are not ours, drawing is fuzzed through
 *      the session, and the stream stays open by design).
 * One session and server serve every input, as in a classroom.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../web_client.h"

static _Noreturn void fail(const char *what) {
    fprintf(stderr, "fuzz_web: %s\n", what);
    abort();
}

static Session session;
static StreamSink sink;
static WebServer web;

static void start(void) {
    FILE *out = fopen("/dev/null", "w");
    if (!out) fail("no /dev/null");
    stream_sink_init(&sink, out, out);
    session_init(&session, &sink.sink);
    web_init(&web, &session);
    const char *script = "apple = 100; n = 2; tax = 1.1; price = apple * n * tax; W = [1, 2]";
    if (!session_run_line(&session, "<fuzz>", 1, script, strlen(script))) fail("setup");
    char error[256];
    if (!web_start(&web, "127.0.0.1", 0, error, sizeof error)) fail(error);
}

/* Sends req and serves until the server closes the connection; returns
 * whether the answer (if any) is HTTP. */
static bool exchange(const char *req, size_t len) {
    StrBuf answer;
    sb_init(&answer);
    if (!web_client_exchange(&web, req, len, &answer)) fail("serving failed");
    bool http = answer.len == 0 || strncmp(answer.data, "HTTP/1.1 ", 9) == 0;
    sb_free(&answer);
    return http;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (!web_running(&web)) start();
    if (size == 0) return 0;
    const char *rest = (const char *)data + 1;
    size_t len = size - 1;
    StrBuf req;
    sb_init(&req);
    if (data[0] % 3 == 0) {
        sb_append(&req, rest, len);
    } else if (data[0] % 3 == 1) {
        sb_printf(&req,
                  "POST /leaf?token=%s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nOrigin: "
                  "http://127.0.0.1:%d\r\nContent-Type: application/json\r\nConnection: "
                  "close\r\nContent-Length: %zu\r\n\r\n",
                  web.token, web.port, web.port, len);
        sb_append(&req, rest, len);
    } else { /* the path: up to a blank or line end, '/' added if missing */
        size_t path = 0;
        while (path < len && rest[path] != ' ' && rest[path] != '\r' && rest[path] != '\n')
            path++;
        size_t skip = path > 0 && rest[0] == '/';
        /* Left out: the figure (see above) and the event stream, which
         * stays open by design. */
        if ((path - skip >= 6 && strncmp(rest + skip, "figure", 6) == 0) ||
            (path - skip >= 6 && strncmp(rest + skip, "events", 6) == 0)) {
            sb_free(&req);
            return 0;
        }
        sb_printf(&req,
                  "GET /%.*s%stoken=%s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nConnection: "
                  "close\r\n\r\n",
                  (int)(path - skip), rest + skip, memchr(rest, '?', path) ? "&" : "?", web.token,
                  web.port);
    }
    if (req.failed) fail("out of memory");
    if (!exchange(req.data, req.len)) fail("an answer that is not HTTP");
    sb_free(&req);
    /* Whatever came in, the leaves are still finite numbers. */
    int32_t cursor = 0;
    SessionName n;
    while (session_next_name(&session, &cursor, &n))
        if (n.leaf && n.value.size == 1 && !isfinite(n.value.data[0])) fail("a leaf not finite");
    return 0;
}
