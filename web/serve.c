/* serve.c - the :serve command, which the web view adds to the session. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "web_internal.h"

/* The status line: running (URL, pages open) or not. */
static void say_status(WebServer *w, const char *what) {
    Event e;
    event_init(&e, "serve");
    event_bool(&e, "running", web_running(w));
    if (web_running(w)) {
        event_str(&e, "url", web_url(w));
        event_int(&e, "pages", w->page_count);
        event_printf(&e, "%s %s  (%d page%s open; :serve off stops it)\n", what, web_url(w),
                     w->page_count, w->page_count == 1 ? "" : "s");
    } else {
        event_printf(&e, "%s\n", what);
    }
    session_emit(w->s, &e);
}

/* Is `host` a loopback address, which only this machine can reach? */
static bool is_loopback(const char *host) {
    return strncmp(host, "127.", 4) == 0 || strcmp(host, "localhost") == 0;
}

/* Reads one blank-separated word of args[*at..len) into word; false at the end. */
static bool next_word(const char *args, size_t len, size_t *at, char *word, size_t size) {
    while (*at < len && (args[*at] == ' ' || args[*at] == '\t'))
        (*at)++;
    size_t start = *at;
    while (*at < len && args[*at] != ' ' && args[*at] != '\t')
        (*at)++;
    if (*at == start) return false;
    snprintf(word, size, "%.*s", (int)(*at - start), args + start);
    return true;
}

/* :serve [PORT] [--host ADDR] | :serve off */
static bool run_serve(Session *s, void *ctx, const char *args, size_t len, char *error,
                      int error_size) {
    (void)s;
    WebServer *w = ctx;
    char word[128], host[64] = "127.0.0.1";
    long port = -1;
    bool off = false;
    for (size_t at = 0; next_word(args, len, &at, word, sizeof word);) {
        char *end;
        if (strcmp(word, "off") == 0) {
            off = true;
        } else if (strcmp(word, "--host") == 0) {
            if (!next_word(args, len, &at, host, sizeof host)) {
                snprintf(error, (size_t)error_size, "--host needs an address (127.0.0.1)");
                return false;
            }
        } else if (port < 0 && (port = strtol(word, &end, 10), *end == '\0') && port >= 0 &&
                   port <= 65535) {
            continue;
        } else {
            snprintf(error, (size_t)error_size,
                     "'%s': :serve takes a port (0-65535), --host ADDR, or off", word);
            return false;
        }
    }
    if (off) {
        bool was = web_running(w);
        web_stop(w);
        say_status(w, was ? "stopped serving" : "not serving");
        return true;
    }
    if (port < 0 && strcmp(host, "127.0.0.1") == 0) { /* :serve alone: the status */
        if (web_running(w)) {
            say_status(w, "serving at");
            return true;
        }
        port = 0;
    }
    if (web_running(w)) web_stop(w);
    if (!web_start(w, host, (int)(port < 0 ? 0 : port), error, (size_t)error_size)) return false;
    if (!is_loopback(host)) {
        Event e;
        event_init(&e, "warning");
        e.diagnostic = true;
        event_str(&e, "message", "serving beyond this machine");
        event_printf(&e,
                     "warning: listening on %s: anyone who can reach it and has the URL can "
                     "watch and move the sliders\n",
                     host);
        session_emit(s, &e);
    }
    say_status(w, "serving at");
    return true;
}

void web_init(WebServer *w, Session *s) {
    memset(w, 0, sizeof *w);
    w->s = s;
    static const SessionCommand serve = {
        "serve",
        "[PORT|off]",
        "show the figure live in a browser, with sliders (127.0.0.1)",
        "PORT        listen on this port (default: a free one); prints the URL to\n"
        "            open, with the session's secret token\n"
        "--host ADDR listen on ADDR instead of 127.0.0.1 (with a warning)\n"
        "off         stop serving; none: say whether it runs, its URL, pages open\n"
        "example: :serve 8080",
        run_serve,
        NULL};
    SessionCommand mine = serve;
    mine.ctx = w;
    session_add_command(s, &mine);
}
