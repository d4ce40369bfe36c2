/* graphviz.c - laying out a View with dot and drawing the book's picture. */
#include "render.h"

#include <errno.h>
#include <graphviz/cgraph.h>
#include <graphviz/gvc.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "layout.h"

enum { MAX_POINTS = 1024 }; /* spline control points kept per link */
static const char *const FONT = "DejaVu Sans";

/* Graphviz reports problems through one process-wide callback, so the text
 * it gives is collected here and handed to the caller with each failure. */
static char graphviz_message[512];

static int collect_message(char *text) {
    size_t used = strlen(graphviz_message);
    snprintf(graphviz_message + used, sizeof graphviz_message - used, "%s", text);
    return 0;
}

/* "why: what Graphviz said" without its trailing newline. */
static void fail(char *error, int size, const char *why) {
    size_t n = strlen(graphviz_message);
    char *list = strstr(graphviz_message, " Use one of:"); /* a list of nothing: drop it */
    if (list) *list = '\0', n = strlen(graphviz_message);
    while (n > 0 && (graphviz_message[n - 1] == '\n' || graphviz_message[n - 1] == ' '))
        graphviz_message[--n] = '\0';
    if (n > 0)
        snprintf(error, (size_t)size, "%s: Graphviz says: %s", why, graphviz_message);
    else
        snprintf(error, (size_t)size, "%s", why);
}

bool renderer_init(Renderer *r, char *error, int error_size) {
    agseterrf(collect_message);
    agseterr(AGWARN);
    r->gvc = gvContext();
    if (!r->gvc) {
        snprintf(error, (size_t)error_size, "cannot start Graphviz");
        return false;
    }
    return true;
}

void renderer_free(Renderer *r) {
    if (r->gvc) gvFreeContext(r->gvc);
    r->gvc = NULL;
}

RenderOptions render_defaults(NodeId target, const double *seed, int digits) {
    return (RenderOptions){
        .view = {.target = target, .of = NODE_NONE, .names = true, .seed = seed, .digits = digits}};
}

const char *render_format_for(const char *path) {
    const char *dot = strrchr(path, '.');
    if (!dot || strchr(dot, '/')) return NULL;
    static const char *const formats[][2] = {
        {".svg", "svg"}, {".png", "png"},     {".pdf", "pdf"},   {".dot", "dot"},
        {".gv", "dot"},  {".mmd", "mermaid"}, {".md", "mermaid"}};
    for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++)
        if (strcmp(dot, formats[i][0]) == 0) return formats[i][1];
    return NULL;
}

static void set(void *obj, const char *name, const char *value) {
    agsafeset(obj, (char *)name, (char *)value, "");
}

static void setf(void *obj, const char *name, const char *fmt, double a, double b) {
    char text[64];
    snprintf(text, sizeof text, fmt, a, b);
    set(obj, name, text);
}

static Agnode_t *make_node(Agraph_t *g, const char *prefix, int i) {
    char name[32];
    snprintf(name, sizeof name, "%s%d", prefix, i);
    return agnode(g, name, 1);
}

/* Characters in the longest line of s. */
static int codepoints(const char *s) {
    int n = 0, longest = 0;
    for (; *s; s++) {
        if (*s == '\n') n = 0;
        n += *s != '\n' && ((unsigned char)*s & 0xC0) != 0x80;
        longest = n > longest ? n : longest;
    }
    return longest;
}

/* Circles are sized to their text so "sigmoid" fits as well as "×". */
static double circle_width(const char *label) {
    int n = codepoints(label);
    return n <= 1 ? 0.45 : n <= 3 ? 0.5 : 0.2 + 0.08 * n;
}

static const char *circle_font_size(const char *label) {
    int n = codepoints(label);
    return n <= 1 ? "16" : n <= 3 ? "12" : "11";
}

static void style_node(Agnode_t *n, const ViewNode *vn) {
    set(n, "fontname", FONT);
    switch (vn->kind) {
    case VIEW_OP:
        set(n, "shape", "circle");
        set(n, "fixedsize", "true");
        setf(n, "width", "%.2f", circle_width(vn->label), 0);
        set(n, "fontsize", circle_font_size(vn->label));
        set(n, "label", vn->label);
        break;
    case VIEW_LAYER: /* the book's layer boxes: tall, rounded, the name inside */
        set(n, "shape", "box");
        set(n, "style", "rounded");
        setf(n, "height", "%.2f", LAYER_HEIGHT / 72, 0);
        set(n, "margin", "0.12,0.04");
        set(n, "fontsize", "12");
        set(n, "label", vn->label);
        break;
    case VIEW_LEAF:
    case VIEW_CONST:
        set(n, "shape", "plaintext");
        set(n, "fontsize", "14");
        set(n, "label", vn->label);
        break;
    case VIEW_SINK:
        set(n, "shape", "point");
        set(n, "width", "0.01");
        set(n, "style", "invis");
        break;
    }
}

static bool parse_point(const char **s, Point *p) {
    char *end;
    p->x = strtod(*s, &end);
    if (end == *s || *end != ',') return false;
    const char *y = end + 1;
    p->y = strtod(y, &end);
    if (end == y) return false;
    *s = end;
    return true;
}

/* Reads an edge's "pos": [e,x,y ][s,x,y ]x,y x,y ... (see Graphviz's docs). */
static bool parse_spline(const char *pos, Point *points, int *count, Point *tip) {
    *count = 0;
    bool has_tip = false;
    for (const char *s = pos; *s;) {
        while (*s == ' ' || *s == ';')
            s++;
        if (!*s) break;
        bool end_mark = s[0] == 'e' && s[1] == ',';
        bool start_mark = s[0] == 's' && s[1] == ',';
        if (end_mark || start_mark) s += 2;
        Point p;
        if (!parse_point(&s, &p)) return false;
        if (end_mark)
            *tip = p, has_tip = true;
        else if (!start_mark && *count < MAX_POINTS)
            points[(*count)++] = p;
    }
    if (*count < 2) return false;
    if (!has_tip) *tip = points[*count - 1];
    return true;
}

static void layout_free(Layout *l, int edges) {
    if (l->curve)
        for (int i = 0; i < edges; i++)
            free(l->curve[i]);
    free(l->curve);
    free(l->points);
    free(l->tip);
    free(l->pos);
    free(l->width);
    free(l->value_at);
    free(l->grad_at);
    free(l->name_at);
    memset(l, 0, sizeof *l);
}

/* Step 1 and 2: dot's layout of the view, read back as numbers. */
static bool lay_out(Renderer *r, const View *v, Layout *l, char *error, int size) {
    memset(l, 0, sizeof *l);
    Agraph_t *g = agopen("layout", Agdirected, NULL);
    set(g, "rankdir", "LR");
    set(g, "ordering", "in");
    set(g, "nodesep", "0.45");
    set(g, "ranksep", "0.75");
    Agnode_t **nodes = calloc((size_t)v->node_count + 1, sizeof *nodes);
    Agedge_t **edges = calloc((size_t)v->edge_count + 1, sizeof *edges);
    l->pos = calloc((size_t)v->node_count + 1, sizeof *l->pos);
    l->curve = calloc((size_t)v->edge_count + 1, sizeof *l->curve);
    l->points = calloc((size_t)v->edge_count + 1, sizeof *l->points);
    l->tip = calloc((size_t)v->edge_count + 1, sizeof *l->tip);
    l->width = calloc((size_t)v->node_count + 1, sizeof *l->width);
    l->value_at = calloc((size_t)v->edge_count + 1, sizeof *l->value_at);
    l->grad_at = calloc((size_t)v->edge_count + 1, sizeof *l->grad_at);
    l->name_at = calloc((size_t)v->edge_count + 1, sizeof *l->name_at);
    bool ok = g && nodes && edges && l->pos && l->curve && l->points && l->tip && l->width &&
              l->value_at && l->grad_at && l->name_at;
    for (int i = 0; ok && i < v->node_count; i++) {
        nodes[i] = make_node(g, "n", i);
        style_node(nodes[i], &v->nodes[i]);
    }
    for (int i = 0; ok && i < v->edge_count; i++) {
        const ViewEdge *e = &v->edges[i];
        char name[32], label[3 * VIEW_TEXT + 8];
        snprintf(name, sizeof name, "e%d", i);
        edges[i] = agedge(g, nodes[e->from], nodes[e->to], name, 1);
        /* Room for what step 3 writes beside the link: name and value above,
         * gradient below. */
        snprintf(label, sizeof label, "%s%s%s\n%s", e->name, *e->name ? "\n" : "", e->value,
                 *e->grad ? e->grad : " ");
        set(edges[i], "label", label);
        set(edges[i], "fontsize", "11");
        set(edges[i], "fontname", FONT);
        set(edges[i], "arrowsize", "0.7");
    }
    if (ok && gvLayout(r->gvc, g, "dot") != 0) {
        fail(error, size,
             "Graphviz could not lay out the graph (are its plugins configured? "
             "run `dot -c` as root)");
        ok = false;
    } else if (ok) {
        char *data = NULL;
        unsigned int len = 0;
        /* Rendering to "dot" is what stores the layout as pos attributes. */
        ok = gvRenderData(r->gvc, g, "dot", &data, &len) == 0;
        gvFreeRenderData(data);
        for (int i = 0; ok && i < v->node_count; i++) {
            const char *s = agget(nodes[i], "pos");
            ok = s && parse_point(&s, &l->pos[i]);
            const char *w = agget(nodes[i], "width");
            l->width[i] = w ? 72 * atof(w) : 0; /* inches to points */
        }
        Point *points = malloc(MAX_POINTS * sizeof *points);
        for (int i = 0; ok && i < v->edge_count; i++) {
            const char *s = agget(edges[i], "pos");
            ok = points && s && parse_spline(s, points, &l->points[i], &l->tip[i]);
            if (ok) l->curve[i] = malloc((size_t)l->points[i] * sizeof *points);
            if (ok && (ok = l->curve[i] != NULL))
                memcpy(l->curve[i], points, (size_t)l->points[i] * sizeof *points);
        }
        free(points);
        gvFreeLayout(r->gvc, g);
        if (ok) place_labels(v, l);
        if (!ok) fail(error, size, "could not read Graphviz's layout back");
    } else {
        snprintf(error, (size_t)size, "out of memory");
    }
    if (g) agclose(g);
    free(nodes);
    free(edges);
    if (!ok) layout_free(l, v->edge_count);
    return ok;
}

/* A text label pinned at `at`. */
static void pin_label(Agraph_t *g, const char *prefix, int i, const char *text, Point at,
                      double size, const char *color) {
    Agnode_t *n = make_node(g, prefix, i);
    set(n, "shape", "plaintext");
    set(n, "label", text);
    set(n, "fontname", FONT);
    setf(n, "fontsize", "%g", size, 0);
    set(n, "fontcolor", color);
    set(n, "margin", "0");
    set(n, "width", "0");
    set(n, "height", "0");
    setf(n, "pos", "%.2f,%.2f!", at.x, at.y);
}

static void set_spline(Agedge_t *e, const Point *p, int n, Point tip) {
    StrBuf sb;
    sb_init(&sb);
    sb_printf(&sb, "e,%.2f,%.2f", tip.x, tip.y);
    for (int i = 0; i < n; i++)
        sb_printf(&sb, " %.2f,%.2f", p[i].x, p[i].y);
    set(e, "pos", sb.failed ? "" : sb.data);
    sb_free(&sb);
}

/* Step 3: the picture, showing the red arrows of backward steps <= frame. */
static Agraph_t *draw(const View *v, const Layout *l, int frame, bool names) {
    Agraph_t *g = agopen("backprop", Agdirected, NULL);
    if (!g) return NULL;
    set(g, "pad", "0.2");
    set(g, "bgcolor", "white");
    Agnode_t **nodes = calloc((size_t)v->node_count + 1, sizeof *nodes);
    Point *fwd = malloc(MAX_POINTS * sizeof *fwd), *back = malloc(MAX_POINTS * sizeof *back);
    if (!nodes || !fwd || !back) {
        free(nodes), free(fwd), free(back);
        agclose(g);
        return NULL;
    }
    for (int i = 0; i < v->node_count; i++) {
        nodes[i] = make_node(g, "n", i);
        style_node(nodes[i], &v->nodes[i]);
        setf(nodes[i], "pos", "%.2f,%.2f!", l->pos[i].x, l->pos[i].y);
    }
    for (int i = 0; i < v->edge_count; i++) {
        const ViewEdge *ve = &v->edges[i];
        const Point *c = l->curve[i];
        int n = l->points[i];
        char name[32];
        snprintf(name, sizeof name, "f%d", i);
        offset_curve(c, n, LINE_GAP, fwd);
        Agedge_t *e = agedge(g, nodes[ve->from], nodes[ve->to], name, 1);
        set_spline(e, fwd, n, point_add(l->tip[i], unit_normal(c[n - 1], l->tip[i]), LINE_GAP));
        set(e, "arrowsize", "0.7");
        pin_label(g, "v", i, ve->value, l->value_at[i], VALUE_SIZE, "black");
        if (names && *ve->name) pin_label(g, "m", i, ve->name, l->name_at[i], NAME_SIZE, "gray45");
        if (!*ve->grad || ve->step > frame) continue;

        /* The red arrow runs the other way: from the head's end of the link
         * back to the tail, its tip where dot's curve starts. */
        offset_curve(c, n, -LINE_GAP, back);
        for (int k = 0; k < n / 2; k++) {
            Point t = back[k];
            back[k] = back[n - 1 - k];
            back[n - 1 - k] = t;
        }
        back[0] = point_add(l->tip[i], unit_normal(c[n - 1], l->tip[i]), -LINE_GAP);
        Point tip = back[n - 1], before = back[n - 2];
        double len = hypot(tip.x - before.x, tip.y - before.y);
        if (len > 0) /* end the curve where the arrowhead begins */
            back[n - 1] = point_add(tip, (Point){before.x - tip.x, before.y - tip.y},
                                    ARROW_LENGTH / fmax(len, ARROW_LENGTH + 1));
        snprintf(name, sizeof name, "b%d", i);
        Agedge_t *r = agedge(g, nodes[ve->to], nodes[ve->from], name, 1);
        set_spline(r, back, n, tip);
        set(r, "color", "red");
        set(r, "arrowsize", "0.7");
        pin_label(g, "g", i, ve->grad, l->grad_at[i], VALUE_SIZE, "red");
    }
    free(nodes);
    free(fwd);
    free(back);
    return g;
}

/* Writes data to path through a temporary file renamed over it. */
static bool write_atomically(const char *path, const char *data, size_t len, char *error,
                             int size) {
    size_t n = strlen(path) + 16;
    char *tmp = malloc(n);
    FILE *f = NULL;
    int fd = -1;
    if (tmp) {
        snprintf(tmp, n, "%s.tmp.XXXXXX", path);
        fd = mkstemp(tmp);
    }
    if (fd >= 0) f = fdopen(fd, "w");
    bool ok = f && fwrite(data, 1, len, f) == len;
    if (f && fclose(f) != 0)
        ok = false;
    else if (!f && fd >= 0)
        close(fd);
    if (ok && rename(tmp, path) != 0) ok = false;
    if (!ok) {
        snprintf(error, (size_t)size, "cannot write '%s': %s", path, strerror(errno));
        if (fd >= 0) unlink(tmp);
    }
    free(tmp);
    return ok;
}

/* Draws the picture into path (through write_atomically), or appends it to
 * out when path is NULL. */
static bool emit(Renderer *r, Agraph_t *g, const char *format, const char *path, StrBuf *out,
                 char *error, int size) {
    if (gvLayout(r->gvc, g, "nop2") != 0) {
        fail(error, size,
             "Graphviz could not place the picture (run `dot -c` as root if its "
             "plugins are not configured)");
        return false;
    }
    char *data = NULL;
    unsigned int len = 0;
    bool ok = gvRenderData(r->gvc, g, format, &data, &len) == 0;
    if (!ok)
        fail(error, size, "Graphviz could not draw the picture");
    else if (path)
        ok = write_atomically(path, data, len, error, size);
    else
        sb_append(out, data, len);
    gvFreeRenderData(data);
    gvFreeLayout(r->gvc, g);
    return ok;
}

/* "out.svg", frame 3 -> "out-03.svg" */
static char *frame_path(const char *path, int frame) {
    const char *dot = strrchr(path, '.');
    size_t stem = dot ? (size_t)(dot - path) : strlen(path);
    size_t n = strlen(path) + 16;
    char *p = malloc(n);
    if (p) snprintf(p, n, "%.*s-%02d%s", (int)stem, path, frame, dot ? dot : "");
    return p;
}

static double seconds_since(const struct timespec *start) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - start->tv_sec) + (double)(now.tv_nsec - start->tv_nsec) / 1e9;
}

/* The Mermaid flowchart into path (fenced for Markdown when it ends in
 * .md), or appended to out when path is NULL. */
static bool emit_mermaid(const View *v, bool names, const char *path, StrBuf *out, char *error,
                         int size) {
    StrBuf text;
    sb_init(&text);
    bool fenced = path && strlen(path) > 3 && strcmp(path + strlen(path) - 3, ".md") == 0;
    if (fenced) sb_puts(&text, "```mermaid\n");
    render_mermaid(v, names, &text);
    if (fenced) sb_puts(&text, "```\n");
    bool ok = !text.failed;
    if (!ok)
        snprintf(error, (size_t)size, "out of memory");
    else if (path)
        ok = write_atomically(path, text.data, text.len, error, size);
    else
        sb_append(out, text.data, text.len);
    sb_free(&text);
    return ok;
}

static bool render(Renderer *r, Graph *g, const RenderOptions *o, const char *format,
                   const char *path, StrBuf *out, RenderResult *result, char *error, int size) {
    struct timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);
    memset(result, 0, sizeof *result);
    graphviz_message[0] = '\0';
    View v;
    ViewOptions vo = o->view;
    vo.max_ops = o->force ? 0 : RENDER_MAX_OPS;
    if (!view_build(&v, g, &vo, error, size)) return false;
    result->ops = v.op_count;
    result->links = v.edge_count;
    bool ok = true;
    if (strcmp(format, "mermaid") == 0) {
        if (o->steps)
            snprintf(error, (size_t)size,
                     "--steps draws pictures (.svg .png .pdf .dot), not Mermaid");
        ok = !o->steps && emit_mermaid(&v, o->view.names, path, out, error, size);
        result->files = ok && path;
        view_free(&v);
        result->seconds = seconds_since(&start);
        return ok;
    }
    Layout l;
    if (!lay_out(r, &v, &l, error, size)) {
        view_free(&v);
        return false;
    }
    int first = o->steps ? 1 : v.steps, last = v.steps;
    if (o->steps && v.steps == 0) {
        snprintf(error, (size_t)size, "--steps needs a backward pass: there are no steps to draw");
        ok = false;
    }
    for (int frame = first; ok && frame <= (last > first ? last : first); frame++) {
        char *file = path && o->steps ? frame_path(path, frame) : NULL;
        Agraph_t *pic = draw(&v, &l, o->view.forward_only ? -1 : frame, o->view.names);
        ok = pic && (!o->steps || !path || file);
        if (!ok) snprintf(error, (size_t)size, "out of memory");
        if (ok) ok = emit(r, pic, format, file ? file : path, out, error, size);
        if (ok && path) result->files++;
        if (pic) agclose(pic);
        free(file);
    }
    layout_free(&l, v.edge_count);
    view_free(&v);
    result->seconds = seconds_since(&start);
    if (ok && graphviz_message[0]) { /* drawn, but Graphviz had something to say */
        fail(result->warning, sizeof result->warning, "Graphviz warned");
    }
    return ok;
}

bool render_file(Renderer *r, Graph *g, const RenderOptions *o, const char *path,
                 RenderResult *result, char *error, int error_size) {
    const char *format = render_format_for(path);
    if (!format) {
        snprintf(error, (size_t)error_size,
                 "cannot tell the format of '%s': use .svg, .png, .pdf, .dot, .mmd or .md", path);
        return false;
    }
    return render(r, g, o, format, path, NULL, result, error, error_size);
}

bool render_text(Renderer *r, Graph *g, const RenderOptions *o, const char *format, StrBuf *out,
                 RenderResult *result, char *error, int error_size) {
    return render(r, g, o, format, NULL, out, result, error, error_size);
}
