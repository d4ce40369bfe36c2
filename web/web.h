/* web.h - the web view: the session's figure, live in a browser, with a
 * slider for each number typed in and the backward pass step by step. In C:
 *
 *     StreamSink terminal;
 *     stream_sink_init(&terminal, stdout, stderr);
 *     Session session;
 *     session_init(&session, &terminal.sink);
 *     WebServer web;
 *     web_init(&web, &session);     // adds :serve to the session's commands
 *     char error[256];
 *     if (web_start(&web, "127.0.0.1", 0, error, sizeof error)) // 0: any free port
 *         puts(web_url(&web));      // http://127.0.0.1:41234/?token=9f3c...
 *     session_run_stream(&session, 0, "<stdin>", false); // pages answered meanwhile
 *     web_free(&web);
 *     session_free(&session);
 *
 * Nothing runs in a thread of its own. While the session waits for input
 * (the session's Waiter, which web_start installs), web_serve_until
 * readable answers the pages' requests on the same thread, so a request
 * never meets a half-run statement. After every change the session tells
 * its observers; the web view's pushes the new state to every open page
 * (Server-Sent Events) and each page fetches the figure its toggles ask for.
 *
 * What a page may do is small on purpose: read the figure, the state and
 * the trace, and set a scalar leaf to a finite number (session_set_leaf).
 * It never runs a statement or a command and never touches a file. Every
 * request carries the session's random token; the Host header must name
 * this server (against DNS rebinding); a POST must come from this server's
 * own page (Origin) with a small JSON body. web_request.c says how each is
 * checked.
 */
#ifndef BP_WEB_H
#define BP_WEB_H

#include <stdbool.h>
#include <stddef.h>

#include "../repl/session.h"

enum {
    WEB_PAGES_MAX = 16,         /* open pages (event streams); the next gets 503 */
    WEB_BODY_MAX = 4096,        /* bytes of a POST body; more gets 413 */
    WEB_CONNECTIONS_MAX = 64,   /* sockets at once, pages included */
    WEB_TIMEOUT_SECONDS = 30,   /* a request that stalls this long is dropped */
    WEB_TRACE_NODES_MAX = 2000, /* larger graphs get no step-through text */
};

struct MHD_Daemon;
struct WebPage;

typedef struct WebServer {
    Session *s;                /* not owned */
    struct MHD_Daemon *daemon; /* NULL: not serving */
    char host[64];             /* the address listened on, as given */
    int port;
    char token[33]; /* 128 random bits, in hex: every request must carry it */
    char url[160];
    struct WebPage *pages[WEB_PAGES_MAX]; /* the open event streams */
    int page_count;
    unsigned long version; /* counts the changes pushed, so a page skips stale figures */
    char *state;           /* the last state pushed, as JSON (owned), or NULL */
    bool stale;            /* the session changed since: push a new state */
    bool resumed;          /* a page was resumed: the daemon must run before waiting */
} WebServer;

/* Adds the :serve command to s; serves nothing yet. w must stay where it
 * is (the session keeps a pointer) until web_free. */
void web_init(WebServer *w, Session *s);
/* Stops serving (pages are closed) and releases everything w owns. */
void web_free(WebServer *w);

/* Listens on host:port (port 0: a free one the system picks), makes a new
 * token, installs the session's Waiter and observer. False with error set
 * if it cannot (port taken, bad address, no random source); nothing
 * changed then. host other than loopback is the caller's decision: the
 * :serve command warns about it. */
bool web_start(WebServer *w, const char *host, int port, char *error, size_t error_size);
/* Stops listening and closes every page; the Waiter and observer go. */
void web_stop(WebServer *w);
bool web_running(const WebServer *w);
/* http://HOST:PORT/?token=TOKEN while running, else "". */
const char *web_url(const WebServer *w);

/* The Waiter web_start installs: answers requests until fd can be read.
 * False with errno EINTR when a signal came (Ctrl-C). Exposed for tests,
 * which call it with a descriptor that is never readable and count. */
bool web_serve_until_readable(void *web, int fd);
/* Answers whatever requests are ready now, without waiting: for tests. */
void web_poll(WebServer *w);

/* The JSON a page gets after every change: version, target, leaves (name,
 * value), gradients (name, value), backward steps and each step's trace
 * text. Appends to out; false if memory ran out. Defined in web_state.c. */
bool web_state_json(WebServer *w, StrBuf *out);

#endif
