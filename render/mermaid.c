/* mermaid.c - a View as a Mermaid flowchart, in the style of the
 * write-ups' own diagrams: forward links labelled with values first, then
 * the backward links in the order the backward pass sends them (the
 * output's first), coloured red by one linkStyle line. Ops are circles,
 * layers rounded boxes; names and numbers are plain text (no box), and the
 * output's arrow ends at an invisible node, its name on the arrow, as the
 * SVG draws it. Tensors show their shape and (when small) elements on one line. */
#include <stdio.h>
#include <stdlib.h>
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

static void node(StrBuf *out, const View *v, int i) {
    const ViewNode *n = &v->nodes[i];
    sb_printf(out, "    n%d", i);
    if (n->kind == VIEW_OP || n->kind == VIEW_LAYER) { /* a circle, or a layer's rounded box */
        bool circle = n->kind == VIEW_OP;
        sb_puts(out, circle ? "((" : "(");
        quoted(out, n->label);
        sb_puts(out, circle ? "))\n" : ")\n");
        return;
    }
    sb_puts(out, "[");
    quoted(out, n->kind == VIEW_SINK || !*n->label ? " " : n->label);
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
    render_mermaid_frame(v, names, v->steps, out);
}

/* The link numbers in the order of the backward step that sends their
 * gradient, links of one step in their own order (a counting sort: steps
 * run 0 .. v->steps). NULL if memory ran out; the caller frees. */
static int *backward_order(const View *v) {
    int *count = calloc((size_t)v->steps + 2, sizeof *count);
    int *order = malloc(((size_t)v->edge_count + 1) * sizeof *order);
    bool ok = count && order;
    for (int i = 0; ok && i < v->edge_count; i++)
        ok = v->edges[i].step >= 0 && v->edges[i].step <= v->steps;
    for (int i = 0; ok && i < v->edge_count; i++)
        count[v->edges[i].step + 1]++;
    for (int s = 1; ok && s <= v->steps + 1; s++)
        count[s] += count[s - 1];
    for (int i = 0; ok && i < v->edge_count; i++)
        order[count[v->edges[i].step]++] = i;
    free(count);
    if (!ok) free(order);
    return ok ? order : NULL;
}

void render_mermaid_frame(const View *v, bool names, int frame, StrBuf *out) {
    char buf[VIEW_TEXT + 8];
    sb_puts(out, "flowchart LR\n");
    for (int i = 0; i < v->node_count; i++)
        node(out, v, i);
    for (int i = 0; i < v->edge_count; i++) {
        const ViewEdge *e = &v->edges[i];
        link(out, e->from, e->to, shown(v, e->value, e->blank & VIEW_BLANK_VALUE, buf, sizeof buf),
             names ? e->name : NULL);
    }
    int red = 0, *order = backward_order(v); /* NULL: in link order */
    for (int k = 0; k < v->edge_count; k++) {
        const ViewEdge *e = &v->edges[order ? order[k] : k];
        if (!*e->grad || e->step > frame) continue;
        link(out, e->to, e->from, shown(v, e->grad, e->blank & VIEW_BLANK_GRAD, buf, sizeof buf),
             NULL);
        red++;
    }
    free(order);
    if (v->legend_count > 0) { /* what long labels' names stand for: a note beside */
        StrBuf text;
        sb_init(&text);
        for (int i = 0; i < v->legend_count; i++)
            sb_printf(&text, "%s%s", i ? "<br>" : "", v->legend[i]);
        sb_puts(out, "    legend[");
        quoted(out, text.failed ? "" : text.data);
        sb_puts(out, "]\n    style legend fill:none,stroke:gray\n");
        if (text.failed) out->failed = true;
        sb_free(&text);
    }
    for (int i = 0; i < v->node_count; i++) /* names, numbers and the end: text only */
        if (v->nodes[i].kind != VIEW_OP && v->nodes[i].kind != VIEW_LAYER)
            sb_printf(out, "    style n%d fill:none,stroke:none\n", i);
    if (red == 0) return;
    sb_puts(out, "    linkStyle ");
    for (int k = 0; k < red; k++)
        sb_printf(out, "%s%d", k ? "," : "", v->edge_count + k);
    sb_puts(out, " stroke:red,stroke-width:2px,color:red;\n");
}
