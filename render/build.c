/* build.c - adding circles, labels and links to a View: the figure
 * builder view.c (walking the graph) and expand.c, elements.c and
 * expand_loss.c (drawing one graph node as the book's several) share. */
#include "build.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../graph/format.h"

static const Shape SCALAR = {0};

void build_set_text(char *dst, const char *s) {
    size_t n = strlen(s);
    if (n < VIEW_TEXT) {
        memcpy(dst, s, n + 1);
        return;
    }
    size_t cut = VIEW_TEXT - 4;
    while (cut > 0 && ((unsigned char)s[cut] & 0xC0) == 0x80)
        cut--;
    memcpy(dst, s, cut);
    memcpy(dst + cut, "…", 4);
}

/* Makes room for one more item in *items (count used of *cap, each `size`
 * bytes), doubling; false, with b->failed set, if memory ran out. */
static bool make_room(Builder *b, void **items, int count, int *cap, size_t size) {
    if (count < *cap) return true;
    int grown = *cap ? *cap * 2 : 32;
    void *more = realloc(*items, (size_t)grown * size);
    if (!more) {
        b->failed = true;
        return false;
    }
    *items = more;
    *cap = grown;
    return true;
}

int build_node(Builder *b, ViewNodeKind kind, const char *label) {
    View *v = b->v;
    if (!make_room(b, (void **)&v->nodes, v->node_count, &b->node_cap, sizeof *v->nodes)) return -1;
    ViewNode *n = &v->nodes[v->node_count];
    n->kind = kind;
    build_set_text(n->label, label);
    n->step = 0;
    if (kind == VIEW_OP || kind == VIEW_LAYER) v->op_count++;
    return v->node_count++;
}

int build_number(Builder *b, double value) {
    char num[FMT_NUMBER_SIZE];
    return build_node(b, VIEW_CONST, fmt_number(num, sizeof num, value, b->digits));
}

void build_tensor_text(char *out, const Shape *shape, const double *value, int digits,
                       const char *shape_text) {
    char text[1024], num[FMT_NUMBER_SIZE];
    size_t size = shape_size(shape);
    if (size > VIEW_SHOWN) {
        build_set_text(out, shape_text);
        return;
    }
    size_t row = size ? (size_t)shape->dims[shape->rank - 1] : 0, used = 0;
    bool nested = shape->rank > 1;
    const char *first = nested ? "[[" : "[";
    used += (size_t)snprintf(text, sizeof text, "%s%s%s", shape_text, *shape_text ? " " : "",
                             size ? "" : first);
    for (size_t i = 0; i < size && used < sizeof text; i++)
        used += (size_t)snprintf(text + used, sizeof text - used, "%s%s",
                                 i == 0    ? first
                                 : i % row ? " "
                                           : "] [",
                                 fmt_number(num, sizeof num, value[i], digits));
    if (used < sizeof text) snprintf(text + used, sizeof text - used, nested ? "]]" : "]");
    build_set_text(out, text);
}

void build_value_text(const Builder *b, char *out, const Shape *shape, const double *value) {
    char num[FMT_NUMBER_SIZE], text[SHAPE_TEXT_SIZE];
    if (shape->rank == 0)
        build_set_text(out, fmt_number(num, sizeof num, *value, b->digits));
    else
        build_tensor_text(out, shape, value, b->tensor_digits,
                          shape_text(shape, text, sizeof text));
}

int build_edge(Builder *b, int from, int to, const Shape *shape, const double *value,
               const double *grad, const char *name) {
    View *v = b->v;
    if (from < 0 || to < 0) return -1;
    if (b->elements && elements_fits(shape))
        return elements_edge(b, from, to, shape, value, grad, name);
    if (!make_room(b, (void **)&v->edges, v->edge_count, &b->edge_cap, sizeof *v->edges)) return -1;
    ViewEdge *e = &v->edges[v->edge_count];
    v->tensors = v->tensors || shape->rank > 0;
    e->from = from;
    e->to = to;
    e->value[0] = '\0'; /* a constant's label is its value: a plain arrow, not "-1" twice */
    if (v->nodes[from].kind != VIEW_CONST) build_value_text(b, e->value, shape, value);
    e->grad[0] = '\0';
    if (grad) build_value_text(b, e->grad, shape, grad);
    build_set_text(e->name, name ? name : "");
    e->step = 0;
    e->blank = 0;
    return v->edge_count++;
}

int build_scalar_edge(Builder *b, int from, int to, double value, const double *grad,
                      const char *name) {
    return build_edge(b, from, to, &SCALAR, &value, grad, name);
}

/* Replaces a link's number `field` by `symbol`, as build_say says. */
static void say_one(char *field, const char *symbol, const Shape *s, bool values) {
    char text[2 * VIEW_TEXT], shape[SHAPE_TEXT_SIZE];
    if (values)
        snprintf(text, sizeof text, "%s = %s", symbol, field);
    else if (s->rank > 0)
        snprintf(text, sizeof text, "%s %s", symbol, shape_text(s, shape, sizeof shape));
    else
        snprintf(text, sizeof text, "%s", symbol);
    build_set_text(field, text);
}

void build_said(Builder *b, const char *symbol) {
    char *copy = NULL;
    if (make_room(b, (void **)&b->said, b->said_count, &b->said_cap, sizeof *b->said) &&
        (copy = malloc(VIEW_TEXT)) != NULL) {
        build_set_text(copy, symbol);
        b->said[b->said_count++] = copy;
    }
}

void build_say(Builder *b, int e, const char *symbol, const Shape *shape, const char *grad) {
    if (e < 0 || !b->sym || !symbol || b->failed) return;
    ViewEdge *edge = &b->v->edges[e];
    if (b->v->nodes[edge->from].kind == VIEW_CONST) return;
    build_said(b, symbol);
    say_one(edge->value, symbol, shape, b->values);
    if (edge->grad[0] && grad && grad[0]) say_one(edge->grad, grad, shape, b->values);
}

int build_links_of(const Builder *b, const Shape *shape) {
    return b->elements && elements_fits(shape) ? (int)shape->dims[0] : 1;
}

void build_free(Builder *b) {
    for (int i = 0; i < b->said_count; i++)
        free(b->said[i]);
    free(b->said);
    b->said = NULL;
    b->said_count = b->said_cap = 0;
}
