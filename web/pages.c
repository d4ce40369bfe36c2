/* pages.c - the open pages' event streams (Server-Sent Events).
 *
 * Each page holds one GET /events response open. What it has not been sent
 * yet is its `pending` text; libmicrohttpd asks for more whenever the socket
 * can take it (page_read). With nothing pending the connection is
 * suspended, and a push resumes it: no polling, no busy loop.
 *
 * A page only ever needs the newest state, so a push replaces what a page
 * has not started to receive: a page that never reads holds one message,
 * not every change since it stopped (its connection then times out).
 */
#include <stdlib.h>
#include <string.h>

#include "web_internal.h"

typedef struct WebPage {
    WebServer *w;
    struct MHD_Connection *c;
    StrBuf pending; /* event-stream text not yet sent */
    size_t sent;    /* of pending, already handed to libmicrohttpd */
    size_t current; /* the end of the message being sent (0: none started) */
    bool suspended;
    bool closing; /* the server stops: end the stream at the next read */
} WebPage;

/* The state as one event: `event: state` and a data line (JSON has no
 * newlines, so one line is the whole of it). */
static void add_state(WebPage *p, const char *state) {
    sb_puts(&p->pending, "event: state\ndata: ");
    sb_puts(&p->pending, state);
    sb_puts(&p->pending, "\n\n");
}

static ssize_t page_read(void *cls, uint64_t pos, char *buf, size_t max) {
    (void)pos;
    WebPage *p = cls;
    if (p->sent == p->pending.len) {
        sb_clear(&p->pending);
        p->sent = p->current = 0;
        if (p->closing) return MHD_CONTENT_READER_END_OF_STREAM;
        /* Nothing to say until the next push, which resumes the page. */
        p->suspended = true;
        MHD_suspend_connection(p->c);
        return 0;
    }
    if (p->pending.failed) return MHD_CONTENT_READER_END_WITH_ERROR;
    size_t n = p->pending.len - p->sent;
    if (n > max) n = max;
    memcpy(buf, p->pending.data + p->sent, n);
    p->sent += n;
    if (p->current == 0) p->current = p->pending.len;
    return (ssize_t)n;
}

/* The stream ended (the page went away, or the server stopped). */
static void page_free(void *cls) {
    WebPage *p = cls;
    WebServer *w = p->w;
    for (int i = 0; i < w->page_count; i++)
        if (w->pages[i] == p) {
            w->pages[i] = w->pages[--w->page_count];
            break;
        }
    sb_free(&p->pending);
    free(p);
}

enum MHD_Result web_open_page(WebServer *w, struct MHD_Connection *c) {
    if (w->page_count == WEB_PAGES_MAX)
        return web_error(c, 503, "too many pages: at most 16 are open at once");
    WebPage *p = calloc(1, sizeof *p);
    if (!p) return MHD_NO;
    p->w = w;
    p->c = c;
    sb_init(&p->pending);
    sb_puts(&p->pending, "retry: 1000\n\n"); /* reconnect soon if the stream drops */
    if (w->state) add_state(p, w->state);
    struct MHD_Response *r =
        MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 16384, page_read, p, page_free);
    if (!r) {
        sb_free(&p->pending);
        free(p);
        return MHD_NO;
    }
    MHD_add_response_header(r, "Content-Type", "text/event-stream");
    MHD_add_response_header(r, "Cache-Control", "no-store");
    /* A page waits for changes as long as it likes; it is never idle-dropped
     * while suspended (libmicrohttpd does not time suspended connections). */
    MHD_set_connection_option(c, MHD_CONNECTION_OPTION_TIMEOUT, (unsigned)WEB_TIMEOUT_SECONDS);
    enum MHD_Result ok = MHD_queue_response(c, 200, r);
    MHD_destroy_response(r); /* page_free runs when the connection ends */
    if (ok == MHD_YES) w->pages[w->page_count++] = p;
    return ok;
}

/* Replaces what p has not started to receive with the newest state. */
static void push(WebPage *p, const char *state) {
    if (p->sent == 0) {
        sb_clear(&p->pending);
        p->current = 0;
    } else { /* finish the message under way, then the newest */
        size_t keep = p->current ? p->current : p->pending.len;
        p->pending.len = keep;
        if (p->pending.data) p->pending.data[keep] = '\0';
    }
    add_state(p, state);
    if (p->suspended) {
        p->suspended = false;
        MHD_resume_connection(p->c);
        p->w->resumed = true;
    }
}

void web_push_state(WebServer *w) {
    for (int i = 0; i < w->page_count; i++)
        push(w->pages[i], w->state);
}

void web_close_pages(WebServer *w) {
    for (int i = 0; i < w->page_count; i++) {
        WebPage *p = w->pages[i];
        p->closing = true;
        if (p->suspended) {
            p->suspended = false;
            MHD_resume_connection(p->c);
        }
    }
}
