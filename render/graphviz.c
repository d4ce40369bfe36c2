/* graphviz.c - laying out a View with dot and drawing the book's picture. */
#include "render.h"

#include <dirent.h>
#include <errno.h>
#include <graphviz/cgraph.h>
#include <graphviz/gvc.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../io/file.h"
#include "layout.h"

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
    int shown = digits < VIEW_DIGITS ? digits : VIEW_DIGITS;
    return (RenderOptions){.view = {.target = target,
                                    .of = NODE_NONE,
                                    .names = true,
                                    .seed = seed,
                                    .digits = shown,
                                    .tensor_digits = shown},
                           .scale = RENDER_SCALE};
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

static void style_node(Agnode_t *n, const ViewNode *vn) {
    set(n, "fontname", FONT);
    switch (vn->kind) {
    case VIEW_OP:
        set(n, "shape", "circle");
        set(n, "fixedsize", "true");
        setf(n, "width", "%.2f", lay_circle_width(vn->label) / 72, 0);
        setf(n, "fontsize", "%g", lay_node_font_size(vn), 0);
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

/* Reads dot's curve for e: its control points (every piece of it, in
 * order) and the point its arrowhead touches. False if it has none. */
static bool read_spline(Agedge_t *e, Point *points, int *count, Point *tip) {
    const splines *spl = ED_spl(e);
    *count = 0;
    bool has_tip = false;
    for (int k = 0; spl && k < spl->size; k++) {
        const bezier *bz = &spl->list[k];
        if (bz->eflag) *tip = (Point){bz->ep.x, bz->ep.y}, has_tip = true;
        for (int j = 0; j < bz->size && *count < MAX_POINTS; j++)
            points[(*count)++] = (Point){bz->list[j].x, bz->list[j].y};
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

/* Is e a link of the main path, from an op to an op (or the output)? Such
 * links weigh more, so dot draws the path on one line, as the book's 5-19
 * does, with constants and leaves hanging off it instead of a staircase.
 * Scalar figures only: a tensor's long labels need the room dot gives them
 * (the expanded Affine's labels collide on a straight path). */
static bool is_path(const View *v, const ViewEdge *e) {
    ViewNodeKind from = v->nodes[e->from].kind, to = v->nodes[e->to].kind;
    return (from == VIEW_OP || from == VIEW_LAYER) && to != VIEW_LEAF && to != VIEW_CONST;
}

/* The graph dot lays out: the view's nodes, each link labelled with what
 * step 3 writes beside it, so dot leaves room for both. NULL if memory ran
 * out; nodes and edges (node_count and edge_count long) receive its parts. */
static Agraph_t *layout_graph(const View *v, Agnode_t **nodes, Agedge_t **edges) {
    Agraph_t *g = agopen("layout", Agdirected, NULL);
    if (!g) return NULL;
    set(g, "rankdir", "LR");
    set(g, "ordering", "in");
    set(g, "nodesep", "0.45");
    set(g, "ranksep", "0.75");
    for (int i = 0; i < v->node_count; i++) {
        nodes[i] = make_node(g, "n", i);
        style_node(nodes[i], &v->nodes[i]);
    }
    for (int i = 0; i < v->edge_count; i++) {
        const ViewEdge *e = &v->edges[i];
        char name[32], label[3 * VIEW_TEXT + 8];
        snprintf(name, sizeof name, "e%d", i);
        edges[i] = agedge(g, nodes[e->from], nodes[e->to], name, 1);
        /* Name and value above, gradient below; a line for the name on
         * every link, so that parallel links (5-30's y1 y2 y3) keep room
         * for each label beside its own arrow, names or not. */
        snprintf(label, sizeof label, "%s\n%s\n%s", *e->name ? e->name : " ", e->value,
                 *e->grad ? e->grad : " ");
        set(edges[i], "label", label);
        set(edges[i], "fontsize", "11");
        set(edges[i], "fontname", FONT);
        set(edges[i], "arrowsize", "0.7");
        if (!v->tensors && is_path(v, e)) set(edges[i], "weight", "8");
    }
    return g;
}

/* Step 1 and 2: dot's layout of the view, read back as numbers. */
static bool lay_out(Renderer *r, const View *v, Layout *l, char *error, int size) {
    memset(l, 0, sizeof *l);
    Agnode_t **nodes = calloc((size_t)v->node_count + 1, sizeof *nodes);
    Agedge_t **edges = calloc((size_t)v->edge_count + 1, sizeof *edges);
    Agraph_t *g = nodes && edges ? layout_graph(v, nodes, edges) : NULL;
    l->pos = calloc((size_t)v->node_count + 1, sizeof *l->pos);
    l->curve = calloc((size_t)v->edge_count + 1, sizeof *l->curve);
    l->points = calloc((size_t)v->edge_count + 1, sizeof *l->points);
    l->tip = calloc((size_t)v->edge_count + 1, sizeof *l->tip);
    l->width = calloc((size_t)v->node_count + 1, sizeof *l->width);
    l->value_at = calloc((size_t)v->edge_count + 1, sizeof *l->value_at);
    l->grad_at = calloc((size_t)v->edge_count + 1, sizeof *l->grad_at);
    l->name_at = calloc((size_t)v->edge_count + 1, sizeof *l->name_at);
    bool ok = g && l->pos && l->curve && l->points && l->tip && l->width && l->value_at &&
              l->grad_at && l->name_at;
    if (ok && gvLayout(r->gvc, g, "dot") != 0) {
        fail(error, size,
             "Graphviz could not lay out the graph (are its plugins configured? "
             "run `dot -c` as root)");
        ok = false;
    } else if (ok) {
        for (int i = 0; i < v->node_count; i++) {
            l->pos[i] = (Point){ND_coord(nodes[i]).x, ND_coord(nodes[i]).y};
            l->width[i] = 72 * ND_width(nodes[i]); /* inches to points */
        }
        Point *points = malloc(MAX_POINTS * sizeof *points);
        for (int i = 0; ok && i < v->edge_count; i++) {
            ok = points && read_spline(edges[i], points, &l->points[i], &l->tip[i]);
            if (ok) l->curve[i] = malloc((size_t)l->points[i] * sizeof *points);
            if (ok && (ok = l->curve[i] != NULL))
                memcpy(l->curve[i], points, (size_t)l->points[i] * sizeof *points);
        }
        free(points);
        gvFreeLayout(r->gvc, g);
        if (ok) lay_place_labels(v, l);
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

/* A label as a worksheet shows it (svg.c's put_blank): an empty box the
 * size of its text, or in the answer key the text boxed. */
static void pin_blank(Agraph_t *g, const char *prefix, int i, const char *text, Point at,
                      const char *color, bool answers) {
    pin_label(g, prefix, i, answers ? text : "", at, VALUE_SIZE, color);
    Agnode_t *n = make_node(g, prefix, i);
    set(n, "shape", "box");
    set(n, "color", color);
    set(n, "fixedsize", "true");
    setf(n, "width", "%.3f", lay_blank_width(text, VALUE_SIZE) / 72, 0);
    setf(n, "height", "%.3f", lay_blank_height(text, VALUE_SIZE) / 72, 0);
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

/* The legend (svg.c places it) as one left-aligned text under the picture. */
static void pin_legend(Agraph_t *g, const View *v, const Layout *l, bool names) {
    if (v->legend_count == 0) return;
    double box[4], widest = 0;
    lay_extent(v, l, names, box);
    Point corner = lay_legend_place(v, box);
    StrBuf text;
    sb_init(&text);
    for (int i = 0; i < v->legend_count; i++) {
        sb_printf(&text, "%s\\l", v->legend[i]); /* \l: the line ends, left-aligned */
        widest = fmax(widest, lay_text_width(v->legend[i], VALUE_SIZE));
    }
    double height = v->legend_count * VALUE_SIZE * 1.2;
    if (!text.failed)
        pin_label(g, "legend", 0, text.data, (Point){corner.x + widest / 2, corner.y - height / 2},
                  VALUE_SIZE, "black");
    sb_free(&text);
}

/* Step 3 through Graphviz (DOT, PNG, PDF): the picture, showing the red
 * arrows of backward steps <= frame. */
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
        Point fwd_tip, back_tip;
        lay_link_arrows(l, i, fwd, &fwd_tip, back, &back_tip);
        char name[32];
        snprintf(name, sizeof name, "f%d", i);
        Agedge_t *e = agedge(g, nodes[ve->from], nodes[ve->to], name, 1);
        set_spline(e, fwd, l->points[i], fwd_tip);
        set(e, "arrowsize", "0.7");
        if (ve->blank & VIEW_BLANK_VALUE)
            pin_blank(g, "v", i, ve->value, l->value_at[i], "black", v->answers);
        else if (*ve->value)
            pin_label(g, "v", i, ve->value, l->value_at[i], VALUE_SIZE, "black");
        if (names && *ve->name) pin_label(g, "m", i, ve->name, l->name_at[i], NAME_SIZE, "gray45");
        if (!*ve->grad || ve->step > frame) continue;
        snprintf(name, sizeof name, "b%d", i);
        Agedge_t *r = agedge(g, nodes[ve->to], nodes[ve->from], name, 1);
        set_spline(r, back, l->points[i], back_tip);
        set(r, "color", "red");
        set(r, "arrowsize", "0.7");
        if (ve->blank & VIEW_BLANK_GRAD)
            pin_blank(g, "g", i, ve->grad, l->grad_at[i], "red", v->answers);
        else
            pin_label(g, "g", i, ve->grad, l->grad_at[i], VALUE_SIZE, "red");
    }
    free(nodes);
    free(fwd);
    free(back);
    pin_legend(g, v, l, names);
    return g;
}

/* Finished bytes go into path (atomically), or are appended to out when
 * path is NULL: every format ends here. */
static bool deliver(const char *data, size_t len, const char *path, StrBuf *out, char *error,
                    int size) {
    char why[256];
    if (!path) {
        sb_append(out, data, len);
        return true;
    }
    if (file_replace_bytes(path, data, len, why, sizeof why)) return true;
    snprintf(error, (size_t)size, "cannot write '%s': %s", path, why);
    return false;
}

/* Draws the picture into path (through deliver), or appends it to
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
    else
        ok = deliver(data, len, path, out, error, size);
    gvFreeRenderData(data);
    gvFreeLayout(r->gvc, g);
    return ok;
}

/* Step 3 for SVG, written here (svg.c): into path, or appended to out
 * when path is NULL. */
static bool emit_svg(const View *v, const Layout *l, int frame, bool names, const char *path,
                     StrBuf *out, char *error, int size) {
    StrBuf svg;
    sb_init(&svg);
    lay_write_svg(v, l, frame, names, &svg);
    bool ok = !svg.failed;
    if (!ok)
        snprintf(error, (size_t)size, "out of memory");
    else
        ok = deliver(svg.data, svg.len, path, out, error, size);
    sb_free(&svg);
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

/* Is name (a directory entry) what frame_path names frame k of path's
 * file name base (stem + ext), for some k > frames? */
static bool is_later_frame(const char *name, const char *stem, size_t stem_len, const char *ext,
                           int frames) {
    if (strncmp(name, stem, stem_len) != 0 || name[stem_len] != '-') return false;
    const char *digits = name + stem_len + 1, *end = digits;
    while (*end >= '0' && *end <= '9' && end - digits < 9)
        end++;
    if (end == digits || strcmp(end, ext) != 0) return false;
    int k = atoi(digits);
    char canonical[16];
    snprintf(canonical, sizeof canonical, "%02d", k);
    return k > frames && strlen(canonical) == (size_t)(end - digits) &&
           memcmp(canonical, digits, (size_t)(end - digits)) == 0;
}

/* After --steps drew frames 1..frames of path, removes the later frames an
 * earlier, longer rendering of the same path left (out-05.svg ... when now
 * there are 4): the set of frames is the rendering's, and an old frame
 * beside the new ones would pass for part of it. Only regular files named
 * exactly as frame_path names a frame go. A frame that cannot be removed
 * is a warning, not a failure: the new frames are all written. */
static void remove_stale_frames(const char *path, int frames, char *warning, int size) {
    const char *slash = strrchr(path, '/'), *base = slash ? slash + 1 : path;
    const char *ext = strrchr(base, '.'); /* render_format_for found one */
    char *dir = slash ? strndup(path, slash == path ? 1 : (size_t)(slash - path)) : strdup(".");
    char *stem = strndup(base, (size_t)(ext - base));
    DIR *d = dir && stem ? opendir(dir) : NULL;
    for (struct dirent *e; d && (e = readdir(d)) != NULL;) {
        if (!is_later_frame(e->d_name, stem, strlen(stem), ext, frames)) continue;
        char *file = frame_path(path, atoi(e->d_name + strlen(stem) + 1));
        struct stat st;
        if (file && lstat(file, &st) == 0 && S_ISREG(st.st_mode) && unlink(file) != 0 &&
            !warning[0])
            snprintf(warning, (size_t)size, "could not remove the old frame '%s': %s", file,
                     strerror(errno));
        free(file);
    }
    if (d) closedir(d);
    free(dir);
    free(stem);
}

static double seconds_since(const struct timespec *start) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - start->tv_sec) + (double)(now.tv_nsec - start->tv_nsec) / 1e9;
}

/* The Mermaid flowchart into path (fenced for Markdown when it ends in
 * .md), or appended to out when path is NULL; frame as render_mermaid_frame,
 * and a --steps frame starts with a comment saying which it is. */
static bool emit_mermaid(const View *v, bool names, int frame, bool steps, const char *path,
                         StrBuf *out, char *error, int size) {
    StrBuf text;
    sb_init(&text);
    bool fenced = path && strlen(path) > 3 && strcmp(path + strlen(path) - 3, ".md") == 0;
    if (fenced) sb_puts(&text, "```mermaid\n");
    if (steps) sb_printf(&text, "%%%% step %d of %d\n", frame, v->steps);
    render_mermaid_frame(v, names, frame, &text);
    if (fenced) sb_puts(&text, "```\n");
    bool ok = !text.failed;
    if (!ok)
        snprintf(error, (size_t)size, "out of memory");
    else
        ok = deliver(text.data, text.len, path, out, error, size);
    sb_free(&text);
    return ok;
}

/* The graph dot lays out, as DOT, unpositioned, appended to out: what
 * `dot` itself would be given to draw this figure. */
static bool emit_layout_graph(const View *v, StrBuf *out, char *error, int size) {
    Agnode_t **nodes = calloc((size_t)v->node_count + 1, sizeof *nodes);
    Agedge_t **edges = calloc((size_t)v->edge_count + 1, sizeof *edges);
    Agraph_t *g = nodes && edges ? layout_graph(v, nodes, edges) : NULL;
    char *text = NULL;
    size_t len = 0;
    FILE *f = g ? open_memstream(&text, &len) : NULL;
    bool ok = f && agwrite(g, f) == 0;
    if (f && fclose(f) != 0) ok = false;
    if (ok) sb_append(out, text, len);
    if (!ok) snprintf(error, (size_t)size, "out of memory");
    free(text);
    if (g) agclose(g);
    free(nodes);
    free(edges);
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
    if (strcmp(format, "mermaid") == 0) { /* with --steps, a flowchart per frame */
        if (o->steps && v.steps == 0) {
            snprintf(error, (size_t)size,
                     "--steps needs a backward pass: there are no steps to draw");
            ok = false;
        }
        for (int frame = o->steps ? 1 : v.steps; ok && frame <= v.steps; frame++) {
            char *file = path && o->steps ? frame_path(path, frame) : NULL;
            ok = (!o->steps || !path || file) && emit_mermaid(&v, o->view.names, frame, o->steps,
                                                              file ? file : path, out, error, size);
            if (!ok && o->steps && path && !file) snprintf(error, (size_t)size, "out of memory");
            if (ok && path) result->files++;
            free(file);
        }
        view_free(&v);
        result->seconds = seconds_since(&start);
        if (ok && path && o->steps)
            remove_stale_frames(path, result->files, result->warning, sizeof result->warning);
        return ok;
    }
    if (strcmp(format, "layout") == 0) {
        ok = emit_layout_graph(&v, out, error, size);
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
    if (!o->steps && o->frame > 0 && o->frame < v.steps) first = last = o->frame;
    if (o->steps && v.steps == 0) {
        snprintf(error, (size_t)size, "--steps needs a backward pass: there are no steps to draw");
        ok = false;
    }
    for (int frame = first; ok && frame <= (last > first ? last : first); frame++) {
        char *file = path && o->steps ? frame_path(path, frame) : NULL;
        int shown = o->view.forward_only ? -1 : frame;
        Agraph_t *pic = NULL;
        ok = (!o->steps || !path || file) &&
             (strcmp(format, "svg") == 0 || (pic = draw(&v, &l, shown, o->view.names)));
        if (pic && strcmp(format, "png") == 0) /* pixels: sharp when projected */
            setf(pic, "dpi", "%g", 96 * o->scale, 0);
        if (!ok)
            snprintf(error, (size_t)size, "out of memory");
        else if (pic)
            ok = emit(r, pic, format, file ? file : path, out, error, size);
        else
            ok = emit_svg(&v, &l, shown, o->view.names, file ? file : path, out, error, size);
        if (pic) agclose(pic);
        if (ok && path) result->files++;
        free(file);
    }
    layout_free(&l, v.edge_count);
    view_free(&v);
    result->seconds = seconds_since(&start);
    if (ok && graphviz_message[0]) { /* drawn, but Graphviz had something to say */
        fail(result->warning, sizeof result->warning, "Graphviz warned");
    }
    if (ok && path && o->steps)
        remove_stale_frames(path, result->files, result->warning, sizeof result->warning);
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
