/* web_internal.h - what the web view's files share (private to web/). */
#ifndef BP_WEB_INTERNAL_H
#define BP_WEB_INTERNAL_H

#include <microhttpd.h>

#include "web.h"

/* One request being answered: what the checks found and the POST body so
 * far. Made at the first call of the access handler, freed when MHD says
 * the request is over. */
typedef struct {
    StrBuf body;
    bool too_large; /* the body passed WEB_BODY_MAX: the rest is dropped */
} Request;

/* Queues a response with status, content type and body (copied); `extra`
 * adds Cache-Control and security headers every response carries. */
enum MHD_Result web_respond(struct MHD_Connection *c, unsigned status, const char *type,
                            const char *body, size_t len);
/* A plain-text error response: "403 forbidden: wrong or missing token\n". */
enum MHD_Result web_error(struct MHD_Connection *c, unsigned status, const char *message);

/* GET /events: opens a page's event stream (web_pages.c); 503 past
 * WEB_PAGES_MAX. */
enum MHD_Result web_open_page(WebServer *w, struct MHD_Connection *c);
/* Pushes w->state to every open page (web_pages.c). */
void web_push_state(WebServer *w);
/* Closes every page's stream (web_pages.c): their next read ends them. */
void web_close_pages(WebServer *w);

/* GET /figure.svg: the figure the query's toggles ask for (web_state.c). */
enum MHD_Result web_figure(WebServer *w, struct MHD_Connection *c);
/* POST /leaf {"name": "apple", "value": 150} (web_state.c). */
enum MHD_Result web_set_leaf(WebServer *w, struct MHD_Connection *c, const Request *r);

/* The page, built into the program from web/page.html (page_html.c, made
 * by the build). */
extern const char web_page_html[];
extern const size_t web_page_html_len;

#endif
