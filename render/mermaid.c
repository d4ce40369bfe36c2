/* mermaid.c - a View as a Mermaid flowchart, in the style of the
 * write-ups' own diagrams: forward links labelled with values first, then
 * the backward links, coloured red by one linkStyle line. Layers are rounded
 * boxes, tensors their shape and (when small) elements on one line. */
#include <stdio.h>
#include <string.h>

#include "render.h"

/* Mermaid text in double quotes: '"' has to be written as an entity. A
 * label's lines (a matrix's rows) are joined into one: "(2,3) [1 2 3] [4 5 6]". */
static void quoted(StrBuf *out, const char *s) {
    sb_puts(out, "\"");
    for (; *s; s++) {
        if (*s == '"')
            sb_puts(out, "#quot;");
        else
            sb_append(out, *s == '\n' ? " " : s, 1);
    }
    sb_puts(out, "\"");
}

static void node(StrBuf *out, const View *v, int i, bool names) {
    const ViewNode *n = &v->nodes[i];
    sb_printf(out, "    n%d", i);
    if (n->kind == VIEW_OP || n->kind == VIEW_LAYER) { /* a circle, or a layer's rounded box */
        bool circle = n->kind == VIEW_OP;
        sb_puts(out, circle ? "((" : "(");
        quoted(out, n->label);
        sb_puts(out, circle ? "))\n" : ")\n");
        return;
    }
    const char *text = n->label;
    if (n->kind == VIEW_SINK) { /* the output: named after what arrives */
        text = "output";
        for (int e = 0; e < v->edge_count; e++)
            if (v->edges[e].to == i && names && *v->edges[e].name) text = v->edges[e].name;
    }
    sb_puts(out, "[");
    quoted(out, text);
    sb_puts(out, "]\n");
}

static void link(StrBuf *out, int from, int to, const char *text, const char *name) {
    if (!*text && !(name && *name)) { /* a constant's plain arrow */
        sb_printf(out, "    n%d --> n%d\n", from, to);
        return;
    }
    sb_printf(out, "    n%d -->|", from);
    if (name && *name) {
        char both[3 * VIEW_TEXT];
        snprintf(both, sizeof both, "%s = %s", name, text);
        quoted(out, both);
    } else {
        quoted(out, text);
    }
    sb_printf(out, "| n%d\n", to);
}

/* A label as a worksheet shows it: a ballot box for a blank, and in the
 * answer key the text after a ticked one. */
static const char *shown(const View *v, const char *text, bool blank, char *buf, size_t size) {
    if (!blank) return text;
    if (!v->answers) return "☐";
    snprintf(buf, size, "☑ %s", text);
    return buf;
}

void render_mermaid(const View *v, bool names, StrBuf *out) {
    char buf[VIEW_TEXT + 8];
    sb_puts(out, "flowchart LR\n");
    for (int i = 0; i < v->node_count; i++)
        node(out, v, i, names);
    for (int i = 0; i < v->edge_count; i++) {
        const ViewEdge *e = &v->edges[i];
        bool to_sink = v->nodes[e->to].kind == VIEW_SINK;
        link(out, e->from, e->to, shown(v, e->value, e->blank & VIEW_BLANK_VALUE, buf, sizeof buf),
             names && !to_sink ? e->name : NULL);
    }
    int red = 0;
    for (int i = 0; i < v->edge_count; i++) {
        const ViewEdge *e = &v->edges[i];
        if (!*e->grad) continue;
        link(out, e->to, e->from, shown(v, e->grad, e->blank & VIEW_BLANK_GRAD, buf, sizeof buf),
             NULL);
        red++;
    }
    if (red == 0) return;
    sb_puts(out, "    linkStyle ");
    for (int k = 0; k < red; k++)
        sb_printf(out, "%s%d", k ? "," : "", v->edge_count + k);
    sb_puts(out, " stroke:red,stroke-width:2px,color:red;\n");
}
