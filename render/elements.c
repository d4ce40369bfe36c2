/* elements.c - --elements: a small vector drawn as the book draws it in
 * figures 5-29 and 5-30, one arrow per element, each named after the vector
 * with a 1-based index (a1 a2 a3) and carrying its own value and gradient.
 * Bigger vectors and matrices stay one arrow with their elements in brackets. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "build.h"

bool elements_fits(const Shape *shape) {
    return shape->rank == 1 && shape->dims[0] >= 1 && shape->dims[0] <= VIEW_ELEMENTS;
}

void elements_base(const Builder *b, int from, const char *name, char *base) {
    const ViewNode *n = &b->v->nodes[from];
    snprintf(base, VIEW_TEXT, "%s", n->kind == VIEW_LEAF ? n->label : name ? name : "");
}

int elements_source(Builder *b, int from, const char *base, int i, double value, char *name) {
    snprintf(name, VIEW_TEXT + 12, "%s%d", base, i + 1);
    ViewNodeKind kind = b->v->nodes[from].kind;
    if (kind == VIEW_LEAF || kind == VIEW_CONST) {
        /* In symbols a leaf is a bare arrow tail: its link says a1. */
        int source = kind == VIEW_LEAF ? build_node(b, VIEW_LEAF, b->sym ? "" : name)
                                       : build_number(b, value);
        *name = '\0'; /* the source says it */
        return source;
    }
    if (!*base) *name = '\0';
    return from;
}

int elements_edge(Builder *b, int from, int to, const Shape *shape, const double *value,
                  const double *grad, const char *name) {
    if (from < 0 || to < 0) return -1;
    char base[VIEW_TEXT], element[VIEW_TEXT + 12];
    elements_base(b, from, name, base);
    int first = -1;
    for (int i = 0; i < shape->dims[0]; i++) {
        int source = elements_source(b, from, base, i, value[i], element);
        int e = build_scalar_edge(b, source, to, value[i], grad ? &grad[i] : NULL,
                                  *element ? element : NULL);
        if (first < 0) first = e;
    }
    return first;
}

void elements_prune(View *v) {
    int *linked = calloc((size_t)v->node_count + 1, sizeof *linked);
    if (!linked) return; /* the unlinked sources stay: a stray name, never a wrong number */
    for (int e = 0; e < v->edge_count; e++)
        linked[v->edges[e].from] = linked[v->edges[e].to] = 1;
    int kept = 0;
    for (int i = 0; i < v->node_count; i++) {
        bool drop = (v->nodes[i].kind == VIEW_LEAF || v->nodes[i].kind == VIEW_CONST) && !linked[i];
        linked[i] = drop ? -1 : kept; /* now: where node i moves */
        if (!drop) v->nodes[kept++] = v->nodes[i];
    }
    v->node_count = kept;
    for (int e = 0; e < v->edge_count; e++) {
        v->edges[e].from = linked[v->edges[e].from];
        v->edges[e].to = linked[v->edges[e].to];
    }
    free(linked);
}
