/* state.c - what a page reads and the one thing it may change: the state
 * (leaves, gradients, trace), the figure, and a leaf set from a slider.
 *
 * The gradients and the trace are what :grad and :trace say, read from
 * their events (session_run_into), so the page shows the same numbers as
 * the prompt, from the same code. JSON is written and read with cJSON
 * (Debian's libcjson): small, one header, and it parses a buffer of a
 * given length, which is what a bounded request body is.
 */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "web_internal.h"

/* A sink that keeps what :grad and :trace say: the gradient rows, and the
 * trace's text cut into its steps. */
typedef struct {
    Sink sink;
    cJSON *grads; /* [{"name", "text", "value"}] */
    cJSON *steps; /* ["step 1: ...", ...] */
    StrBuf step;  /* the step being read */
    bool tracing;
} Capture;

static const Field *field(const Event *e, const char *key) {
    for (int i = 0; i < e->field_count; i++)
        if (strcmp(e->fields[i].key, key) == 0) return &e->fields[i];
    return NULL;
}

static void end_step(Capture *c) {
    if (c->step.len > 0) cJSON_AddItemToArray(c->steps, cJSON_CreateString(c->step.data));
    sb_clear(&c->step);
}

static void capture_emit(Sink *sink, const Event *e) {
    Capture *c = (Capture *)sink;
    if (e->kind && strcmp(e->kind, "grad") == 0) {
        const Field *wrt = field(e, "wrt"), *value = field(e, "value");
        cJSON *row = cJSON_CreateObject();
        cJSON_AddStringToObject(row, "name", wrt && wrt->type == FIELD_STR ? wrt->as.str : "");
        cJSON_AddStringToObject(row, "text", e->text.data ? e->text.data : "");
        if (value && value->type == FIELD_NUM && isfinite(value->as.num))
            cJSON_AddNumberToObject(row, "value", value->as.num);
        else if (value && value->type == FIELD_VALUE && value->as.value.size == 1 &&
                 isfinite(value->as.value.data[0]))
            cJSON_AddNumberToObject(row, "value", value->as.value.data[0]);
        cJSON_AddItemToArray(c->grads, row);
        return;
    }
    if (!c->tracing || !e->text.data) return;
    /* A step starts at a line "step N: ..."; the heading before the first
     * and the result line after the last belong to no step. */
    for (const char *line = e->text.data; *line;) {
        const char *end = strchr(line, '\n');
        size_t len = end ? (size_t)(end - line + 1) : strlen(line);
        if (strncmp(line, "step ", 5) == 0) end_step(c);
        if (strncmp(line, "result:", 7) == 0) end_step(c);
        if (strncmp(line, "step ", 5) == 0 || (c->step.len > 0 && line[0] == ' '))
            sb_append(&c->step, line, len);
        line += len;
    }
}

/* {"name", "value"} for each scalar leaf: what gets a slider. */
static cJSON *leaves(const Session *s) {
    cJSON *list = cJSON_CreateArray();
    int32_t cursor = 0;
    SessionName n;
    while (session_next_name(s, &cursor, &n)) {
        if (!n.leaf || n.value.size != 1 || n.value.shape->rank != 0) continue;
        cJSON *row = cJSON_CreateObject();
        cJSON_AddStringToObject(row, "name", n.name);
        cJSON_AddNumberToObject(row, "value", isfinite(n.value.data[0]) ? n.value.data[0] : 0);
        cJSON_AddItemToArray(list, row);
    }
    return list;
}

bool web_state_json(WebServer *w, StrBuf *out) {
    Session *s = w->s;
    cJSON *root = cJSON_CreateObject();
    Capture c = {.sink = {.emit = capture_emit}};
    c.grads = cJSON_CreateArray();
    c.steps = cJSON_CreateArray();
    sb_init(&c.step);
    NodeId target = session_target(s);
    cJSON_AddNumberToObject(root, "version", (double)w->version);
    if (target != NODE_NONE) {
        cJSON_AddStringToObject(root, "target", graph_name_of(&s->graph, target));
        session_run_into(s, &c.sink, ":grad");
        /* The step-through is for figures a class can read; a graph far
         * past what a figure draws gets no trace after every change. */
        if (s->graph.count <= WEB_TRACE_NODES_MAX) {
            c.tracing = true;
            session_run_into(s, &c.sink, ":trace");
            end_step(&c);
        }
    } else {
        cJSON_AddNullToObject(root, "target");
    }
    cJSON_AddItemToObject(root, "leaves", leaves(s));
    cJSON_AddItemToObject(root, "grads", c.grads);
    cJSON_AddItemToObject(root, "steps", c.steps);
    sb_free(&c.step);
    char *text = cJSON_PrintUnformatted(root);
    cJSON_Delete(root);
    if (!text) return false;
    sb_puts(out, text);
    cJSON_free(text);
    return !out->failed;
}

/* --- the figure ---------------------------------------------------------------- */

/* Is query argument `key` "1"? */
static bool flag(struct MHD_Connection *c, const char *key) {
    const char *v = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, key);
    return v && strcmp(v, "1") == 0;
}

static NodeId named(const Session *s, const char *name) {
    int32_t cursor = 0;
    SessionName n;
    while (session_next_name(s, &cursor, &n))
        if (strcmp(n.name, name) == 0) return n.id;
    return NODE_NONE;
}

/* GET /figure.svg?forward=1&symbolic=1&derived=1&fold=1&expand=1&nonames=1&of=NAME&frame=K
 * (derived: symbols, with a sigmoid or tanh node as its expansion derives it) */
enum MHD_Result web_figure(WebServer *w, struct MHD_Connection *c) {
    Session *s = w->s;
    if (session_target(s) == NODE_NONE)
        return web_error(c, 409, "nothing to draw yet: define something at the prompt");
    RenderOptions o = session_render_options(s);
    o.view.forward_only = flag(c, "forward");
    o.view.expand = flag(c, "expand");
    o.view.names = !flag(c, "nonames");
    o.view.fold = flag(c, "fold");
    if (flag(c, "derived"))
        o.view.labels = VIEW_DERIVED;
    else if (flag(c, "symbolic"))
        o.view.labels = VIEW_SYMBOLIC;
    const char *of = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "of");
    if (of && *of) {
        o.view.of = named(s, of);
        if (o.view.of == NODE_NONE) return web_error(c, 404, "no such name to draw");
    }
    const char *frame = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "frame");
    if (frame) {
        char *end;
        long k = strtol(frame, &end, 10);
        if (*end || k < 0 || k > 100000) return web_error(c, 400, "frame must be a step number");
        o.frame = (int)k;
    }
    StrBuf svg;
    sb_init(&svg);
    char error[512];
    enum MHD_Result ok;
    if (session_draw(s, &o, "svg", &svg, error, sizeof error) && !svg.failed)
        ok = web_respond(c, 200, "image/svg+xml", svg.data, svg.len);
    else
        ok = web_error(c, 422, svg.failed ? "out of memory" : error);
    sb_free(&svg);
    return ok;
}

/* --- a slider moved ------------------------------------------------------------ */

/* POST /leaf {"name": "apple", "value": 150}: the leaf is set as typing
 * `apple = 150` would set it, and the terminal says it came from the page. */
enum MHD_Result web_set_leaf(WebServer *w, struct MHD_Connection *c, const Request *r) {
    cJSON *body = cJSON_ParseWithLength(r->body.data ? r->body.data : "", r->body.len);
    if (!body) return web_error(c, 400, "bad request: the body is not JSON");
    const cJSON *name = cJSON_GetObjectItemCaseSensitive(body, "name");
    const cJSON *value = cJSON_GetObjectItemCaseSensitive(body, "value");
    const char *problem = NULL;
    if (!cJSON_IsObject(body) || !cJSON_IsString(name) || !cJSON_IsNumber(value))
        problem = "bad request: send {\"name\": \"apple\", \"value\": 150}";
    else if (!isfinite(value->valuedouble))
        problem = "bad request: the value must be a finite number";
    if (problem) {
        cJSON_Delete(body);
        return web_error(c, 400, problem);
    }
    NodeId id = named(w->s, name->valuestring);
    int32_t cursor = 0;
    SessionName n = {0};
    while (id != NODE_NONE && session_next_name(w->s, &cursor, &n) && n.id != id)
        continue;
    bool scalar_leaf = id != NODE_NONE && n.leaf && n.value.shape->rank == 0;
    enum MHD_Result ok;
    if (id == NODE_NONE)
        ok = web_error(c, 404, "no leaf of that name");
    else if (!scalar_leaf)
        ok = web_error(c, 422, "only a number typed in (a scalar leaf) can be set");
    else if (!session_set_leaf(w->s, "the page", name->valuestring, value->valuedouble))
        ok = web_error(c, 422, "the leaf could not be set");
    else
        ok = web_respond(c, 200, "application/json", "{\"ok\":true}", 11);
    cJSON_Delete(body);
    return ok;
}
