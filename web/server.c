/* server.c - the web view's HTTP server: libmicrohttpd driven from the
 * session's own loop, and the checks every request passes before it is
 * answered.
 *
 * The daemon runs no thread: web_serve_until_readable selects on the
 * prompt's input and the daemon's sockets together and lets the daemon
 * work (MHD_run_from_select) until the input is ready. Requests are
 * answered one after another on the session's thread, so there are no
 * locks; writes never block (the daemon's sockets are non-blocking), so a
 * slow page never holds up the prompt.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/select.h>

#include "web_internal.h"

/* --- responses ----------------------------------------------------------------- */

enum MHD_Result web_respond(struct MHD_Connection *c, unsigned status, const char *type,
                            const char *body, size_t len) {
    struct MHD_Response *r =
        MHD_create_response_from_buffer(len, (void *)body, MHD_RESPMEM_MUST_COPY);
    if (!r) return MHD_NO;
    MHD_add_response_header(r, "Content-Type", type);
    /* The page and its answers are this session's: never cached, never
     * framed by another site, never sniffed as another type. */
    MHD_add_response_header(r, "Cache-Control", "no-store");
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(r, "X-Frame-Options", "DENY");
    MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
    enum MHD_Result ok = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    return ok;
}

enum MHD_Result web_error(struct MHD_Connection *c, unsigned status, const char *message) {
    char text[512];
    int n = snprintf(text, sizeof text, "%u %s\n", status, message);
    return web_respond(c, status, "text/plain; charset=utf-8", text,
                       (size_t)(n < (int)sizeof text ? n : (int)sizeof text - 1));
}

/* --- the checks ---------------------------------------------------------------- */

/* Compares in time independent of where they differ: the token is a secret. */
static bool same_secret(const char *given, const char *token) {
    size_t n = strlen(token);
    if (!given || strlen(given) != n) return false;
    unsigned char diff = 0;
    for (size_t i = 0; i < n; i++)
        diff |= (unsigned char)(given[i] ^ token[i]);
    return diff == 0;
}

/* Is `authority` ("host:port") one this server answers to: its own address,
 * or the loopback names, with its port? Anything else is a page that
 * reached us through another name (DNS rebinding). */
static bool is_our_authority(const WebServer *w, const char *authority) {
    if (!authority) return false;
    const char *names[] = {w->host, "127.0.0.1", "localhost", "[::1]"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        char want[128];
        snprintf(want, sizeof want, "%s:%d", names[i], w->port);
        if (strcmp(authority, want) == 0) return true;
    }
    return false;
}

/* An Origin header must be http:// and one of our authorities. */
static bool is_our_origin(const WebServer *w, const char *origin) {
    const char *scheme = "http://";
    return origin && strncmp(origin, scheme, strlen(scheme)) == 0 &&
           is_our_authority(w, origin + strlen(scheme));
}

/* The first check a request fails, as a response; MHD_YES with *answered
 * false when it passes them all. */
static enum MHD_Result check(WebServer *w, struct MHD_Connection *c, const char *method,
                             bool *answered) {
    *answered = true;
    const char *host = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Host");
    if (!is_our_authority(w, host))
        return web_error(c, 403, "forbidden: the Host header does not name this server");
    const char *token = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "token");
    if (!same_secret(token, w->token))
        return web_error(c, 403, "forbidden: wrong or missing token (open the URL :serve shows)");
    if (strcmp(method, "POST") == 0) {
        const char *origin = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Origin");
        if (!is_our_origin(w, origin))
            return web_error(c, 403, "forbidden: a change must come from this server's page");
        const char *type = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Type");
        if (!type || strncmp(type, "application/json", 16) != 0)
            return web_error(c, 415, "unsupported media type: send application/json");
    } else if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0) {
        return web_error(c, 405, "method not allowed: GET, or POST for a change");
    }
    *answered = false;
    return MHD_YES;
}

/* --- routing ------------------------------------------------------------------- */

static enum MHD_Result route(WebServer *w, struct MHD_Connection *c, const char *url,
                             const char *method, const Request *r) {
    bool post = strcmp(method, "POST") == 0;
    if (strcmp(url, "/") == 0 && !post)
        return web_respond(c, 200, "text/html; charset=utf-8", web_page_html, web_page_html_len);
    if (strcmp(url, "/events") == 0 && !post) return web_open_page(w, c);
    if (session_busy(w->s)) return web_error(c, 503, "busy: a line is running; try again");
    if (strcmp(url, "/state") == 0 && !post) {
        if (!w->state) return web_error(c, 500, "out of memory");
        return web_respond(c, 200, "application/json", w->state, strlen(w->state));
    }
    if (strcmp(url, "/figure.svg") == 0 && !post) return web_figure(w, c);
    if (strcmp(url, "/leaf") == 0 && post) return web_set_leaf(w, c, r);
    bool known = strcmp(url, "/") == 0 || strcmp(url, "/events") == 0 ||
                 strcmp(url, "/state") == 0 || strcmp(url, "/figure.svg") == 0 ||
                 strcmp(url, "/leaf") == 0;
    return known ? web_error(c, 405, "method not allowed here") : web_error(c, 404, "not found");
}

/* libmicrohttpd calls this once with the headers (*con_cls NULL), then
 * once per piece of the body, then once more with *upload_size 0. */
static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version, const char *upload,
                                  size_t *upload_size, void **con_cls) {
    (void)version;
    WebServer *w = cls;
    Request *r = *con_cls;
    if (!r) {
        bool answered;
        enum MHD_Result ok = check(w, c, method, &answered);
        if (answered) return ok;
        r = calloc(1, sizeof *r);
        if (!r) return MHD_NO;
        sb_init(&r->body);
        *con_cls = r;
        return MHD_YES;
    }
    if (*upload_size > 0) { /* a piece of the body */
        if (r->body.len + *upload_size > WEB_BODY_MAX)
            r->too_large = true;
        else
            sb_append(&r->body, upload, *upload_size);
        *upload_size = 0;
        return MHD_YES;
    }
    if (r->too_large) return web_error(c, 413, "content too large: a body is at most 4096 bytes");
    if (r->body.failed) return web_error(c, 500, "out of memory");
    return route(w, c, url, method, r);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode why) {
    (void)cls, (void)c, (void)why;
    Request *r = *con_cls;
    if (!r) return;
    sb_free(&r->body);
    free(r);
    *con_cls = NULL;
}

/* libmicrohttpd's own complaints would land in the middle of the prompt. */
static void quiet_log(void *cls, const char *fmt, va_list ap) {
    (void)cls, (void)fmt, (void)ap;
}

/* --- starting and stopping ----------------------------------------------------- */

/* Makes the state anew and pushes it to every page, once the session is
 * not in the middle of a line (the state runs :grad and :trace). */
static void refresh(WebServer *w) {
    if (!w->stale || session_busy(w->s)) return;
    w->stale = false;
    StrBuf json;
    sb_init(&json);
    if (web_state_json(w, &json) && !json.failed) {
        free(w->state);
        w->state = json.data; /* taken over: not freed below */
        web_push_state(w);
    } else {
        sb_free(&json);
    }
}

/* The session changed: the pages hear of it before the loop next waits. */
static void on_change(Session *s, void *ctx) {
    (void)s;
    WebServer *w = ctx;
    w->version++;
    w->stale = true;
}

static bool new_token(char token[33]) {
    unsigned char bits[16];
    if (getrandom(bits, sizeof bits, 0) != (ssize_t)sizeof bits) return false;
    for (int i = 0; i < 16; i++)
        sprintf(token + 2 * i, "%02x", bits[i]);
    return true;
}

bool web_start(WebServer *w, const char *host, int port, char *error, size_t error_size) {
    if (w->daemon) {
        snprintf(error, error_size, "already serving at %s", w->url);
        return false;
    }
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    if (strcmp(host, "localhost") == 0) host = "127.0.0.1";
    if (inet_pton(AF_INET, host, &addr.sin_addr) != 1) {
        snprintf(error, error_size, "'%s' is not an IPv4 address such as 127.0.0.1", host);
        return false;
    }
    if (port < 0 || port > 65535) {
        snprintf(error, error_size, "port %d is not between 0 and 65535", port);
        return false;
    }
    if (!new_token(w->token)) {
        snprintf(error, error_size, "no random token: %s", strerror(errno));
        return false;
    }
    w->daemon = MHD_start_daemon(
        MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG, (uint16_t)port, NULL, NULL, on_request, w,
        MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr, MHD_OPTION_CONNECTION_LIMIT,
        (unsigned)WEB_CONNECTIONS_MAX, MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)WEB_TIMEOUT_SECONDS,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)16384, MHD_OPTION_NOTIFY_COMPLETED,
        on_completed, w, MHD_OPTION_EXTERNAL_LOGGER, quiet_log, NULL, MHD_OPTION_END);
    if (!w->daemon) {
        snprintf(error, error_size, "cannot listen on %s:%d: %s", host, port,
                 errno ? strerror(errno) : "libmicrohttpd refused");
        return false;
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(w->daemon, MHD_DAEMON_INFO_BIND_PORT);
    w->port = info ? info->port : port;
    snprintf(w->host, sizeof w->host, "%s", host);
    snprintf(w->url, sizeof w->url, "http://%s:%d/?token=%s", w->host, w->port, w->token);
    session_observe(w->s, on_change, w);
    w->s->io.wait = (Waiter){web_serve_until_readable, w};
    on_change(w->s, w); /* the first state, for the first page */
    refresh(w);
    return true;
}

void web_stop(WebServer *w) {
    if (!w->daemon) return;
    session_unobserve(w->s, on_change, w);
    if (w->s->io.wait.ctx == w) w->s->io.wait = (Waiter){0};
    web_close_pages(w);
    MHD_stop_daemon(w->daemon); /* closes every connection, pages included */
    w->daemon = NULL;
    w->page_count = 0;
    w->url[0] = '\0';
    free(w->state);
    w->state = NULL;
}

void web_free(WebServer *w) {
    web_stop(w);
}

bool web_running(const WebServer *w) {
    return w->daemon != NULL;
}

const char *web_url(const WebServer *w) {
    return w->url;
}

/* --- the loop ------------------------------------------------------------------ */

/* Waits (up to timeout_ms; -1: as long as it takes) for fd or the daemon's
 * sockets, then lets the daemon work. Sets *ready when fd can be read. */
static bool serve_once(WebServer *w, int fd, long timeout_ms, bool *ready) {
    /* A resumed page rejoins the daemon's sockets only when it runs; in
     * this mode nothing else would wake the wait for it. */
    while (w->resumed) {
        w->resumed = false;
        MHD_run(w->daemon);
    }
    fd_set rs, ws, es;
    FD_ZERO(&rs);
    FD_ZERO(&ws);
    FD_ZERO(&es);
    MHD_socket max = -1;
    if (fd >= 0) {
        FD_SET(fd, &rs);
        max = fd;
    }
    MHD_get_fdset2(w->daemon, &rs, &ws, &es, &max, FD_SETSIZE);
    MHD_UNSIGNED_LONG_LONG mhd_ms;
    if (MHD_get_timeout(w->daemon, &mhd_ms) == MHD_YES &&
        (timeout_ms < 0 || mhd_ms < (MHD_UNSIGNED_LONG_LONG)timeout_ms))
        timeout_ms = (long)mhd_ms;
    struct timeval tv = {timeout_ms / 1000, (timeout_ms % 1000) * 1000};
    int n = select(max + 1, &rs, &ws, &es, timeout_ms < 0 ? NULL : &tv);
    if (n < 0) {
        if (errno != EINTR) return false;
        FD_ZERO(&rs);
        FD_ZERO(&ws);
        FD_ZERO(&es);
    }
    *ready = fd >= 0 && n > 0 && FD_ISSET(fd, &rs);
    MHD_run_from_select(w->daemon, &rs, &ws, &es);
    /* A leaf set from a page: the terminal shows it now, the pages next. */
    sink_flush(w->s->io.sink);
    refresh(w);
    return n >= 0;
}

bool web_serve_until_readable(void *web, int fd) {
    WebServer *w = web;
    for (;;) {
        if (!w->daemon) return true; /* :serve off ran: just read */
        refresh(w);
        bool ready = false;
        if (!serve_once(w, fd, -1, &ready)) return false; /* errno says why (EINTR) */
        if (ready) return true;
    }
}

void web_poll(WebServer *w) {
    bool ready;
    if (w->daemon) serve_once(w, -1, 0, &ready);
}
