/* svg.c - the book's picture written as SVG straight from the layout.
 *
 * Everything is already placed (dot's nodes and curves, the arrows beside
 * them, the labels), so the picture is a list of shapes: writing it here
 * saves a second Graphviz pass, which took most of a render's time. The
 * output looks like Graphviz's own SVG: points as units, DejaVu Sans,
 * arrowheads as closed polygons; y is flipped to point down. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "layout.h"

static const char *const GREY = "#737373"; /* Graphviz's gray45 */
static const double PAD = 14.4;            /* points around the picture: Graphviz's pad=0.2 */
static const double LINE_SPACING = 1.2;    /* lines of text, in font sizes apart */
static const double BASELINE = 0.27;       /* a line's baseline below its middle, in font sizes */
static const double CORNER = 12;           /* a layer box's rounded corner radius */
static const double LEGEND_GAP = 10;       /* points between the picture and its legend */

/* Where picture coordinates (y up) land in the SVG (y down). */
typedef struct {
    double left, top;
} Frame;

static double sx(const Frame *f, double x) {
    return x - f->left;
}

static double sy(const Frame *f, double y) {
    return f->top - y;
}

/* before, x to two decimals, then after: what "%.2f" prints, without
 * printf's cost, which was most of writing a big picture. */
static void put_num(StrBuf *out, const char *before, double x, const char *after) {
    sb_puts(out, before);
    if (!(fabs(x) < 1e15)) { /* never for a layout's coordinates, but stay correct */
        sb_printf(out, "%.2f%s", x, after);
        return;
    }
    long long v = llround(fabs(x) * 100);
    char digits[24], *p = digits + sizeof digits;
    *--p = (char)('0' + v % 10), v /= 10;
    *--p = (char)('0' + v % 10), v /= 10;
    *--p = '.';
    do
        *--p = (char)('0' + v % 10), v /= 10;
    while (v > 0);
    if (x < 0 && strncmp(p, "0.00", 4) != 0) *--p = '-';
    sb_append(out, p, (size_t)(digits + sizeof digits - p));
    sb_puts(out, after);
}

/* "x,y" of a picture point, then after. */
static void put_point(StrBuf *out, const Frame *f, Point p, const char *after) {
    put_num(out, "", sx(f, p.x), ",");
    put_num(out, "", sy(f, p.y), after);
}

/* The text, XML-escaped. */
static void put_escaped(StrBuf *out, const char *s, size_t n) {
    size_t start = 0;
    for (size_t i = 0; i < n; i++) {
        const char *entity = s[i] == '&'   ? "&amp;"
                             : s[i] == '<' ? "&lt;"
                             : s[i] == '>' ? "&gt;"
                             : s[i] == '"' ? "&quot;"
                                           : NULL;
        if (!entity) continue;
        sb_append(out, s + start, i - start);
        sb_puts(out, entity);
        start = i + 1;
    }
    sb_append(out, s + start, n - start);
}

/* Multi-line text centred on `at`, one <text> per line. */
static void put_text(StrBuf *out, const Frame *f, const char *text, Point at, double size,
                     const char *fill) {
    int lines = lay_text_lines(text);
    double y = sy(f, at.y) - (lines - 1) * size * LINE_SPACING / 2 + BASELINE * size;
    for (const char *line = text;; y += size * LINE_SPACING) {
        const char *end = strchr(line, '\n');
        size_t n = end ? (size_t)(end - line) : strlen(line);
        put_num(out, "<text text-anchor=\"middle\" x=\"", sx(f, at.x), "\"");
        put_num(out, " y=\"", y, "\"");
        sb_printf(out, " font-size=\"%g\"", size);
        if (fill) sb_printf(out, " fill=\"%s\"", fill);
        sb_puts(out, ">");
        put_escaped(out, line, n);
        sb_puts(out, "</text>\n");
        if (!end) break;
        line = end + 1;
    }
}

/* A label as a worksheet shows it: an empty box the size of its text, or
 * in the answer key (answers) the text with the box around it. */
static void put_blank(StrBuf *out, const Frame *f, const char *text, Point at, double size,
                      const char *colour, bool answers) {
    double w = lay_blank_width(text, size), h = lay_blank_height(text, size);
    sb_printf(out, "<rect fill=\"none\" stroke=\"%s\"", colour);
    put_num(out, " x=\"", sx(f, at.x - w / 2), "\"");
    put_num(out, " y=\"", sy(f, at.y + h / 2), "\"");
    put_num(out, " width=\"", w, "\"");
    put_num(out, " height=\"", h, "\"/>\n");
    if (answers) put_text(out, f, text, at, size, strcmp(colour, "black") ? colour : NULL);
}

/* A curve (1 + 3k control points; straight segments otherwise) and its
 * arrowhead, tip at `tip`, pointing from the curve's end. */
static void put_arrow(StrBuf *out, const Frame *f, const Point *p, int n, Point tip,
                      const char *colour) {
    bool bezier = n >= 4 && (n - 1) % 3 == 0;
    sb_printf(out, "<path fill=\"none\" stroke=\"%s\" d=\"M", colour);
    put_point(out, f, p[0], bezier ? "C" : "L");
    for (int i = 1; i < n; i++)
        put_point(out, f, p[i], i < n - 1 ? " " : "\"/>\n");
    Point from = p[n - 1];
    double len = hypot(from.x - tip.x, from.y - tip.y);
    Point back = len > 0 ? (Point){(from.x - tip.x) / len, (from.y - tip.y) / len} : (Point){-1, 0};
    Point base = lay_point_add(tip, back, ARROW_LENGTH), side = {-back.y, back.x};
    double half = 0.35 * ARROW_LENGTH; /* Graphviz's "normal" arrowhead */
    Point corners[3] = {lay_point_add(base, side, half), tip, lay_point_add(base, side, -half)};
    sb_printf(out, "<polygon fill=\"%s\" stroke=\"%s\" points=\"", colour, colour);
    for (int i = 0; i < 4; i++)
        put_point(out, f, corners[i % 3], i < 3 ? " " : "\"/>\n");
}

/* A layer's box with rounded corners, as a path (as Graphviz draws it). */
static void put_rounded_box(StrBuf *out, const Frame *f, Point c, double w, double h) {
    double x0 = sx(f, c.x - w / 2), x1 = sx(f, c.x + w / 2);
    double y0 = sy(f, c.y + h / 2), y1 = sy(f, c.y - h / 2), r = fmin(CORNER, fmin(w, h) / 2);
    sb_printf(out,
              "<path fill=\"none\" stroke=\"black\" d=\"M%.2f,%.2f L%.2f,%.2f Q%.2f,%.2f "
              "%.2f,%.2f L%.2f,%.2f Q%.2f,%.2f %.2f,%.2f L%.2f,%.2f Q%.2f,%.2f %.2f,%.2f "
              "L%.2f,%.2f Q%.2f,%.2f %.2f,%.2f Z\"/>\n",
              x0 + r, y0, x1 - r, y0, x1, y0, x1, y0 + r, x1, y1 - r, x1, y1, x1 - r, y1, x0 + r,
              y1, x0, y1, x0, y1 - r, x0, y0 + r, x0, y0, x0 + r, y0);
}

static void grow(double *box, Point p, double hw, double hh) {
    box[0] = fmin(box[0], p.x - hw), box[1] = fmin(box[1], p.y - hh);
    box[2] = fmax(box[2], p.x + hw), box[3] = fmax(box[3], p.y + hh);
}

static void grow_label(double *box, const char *text, double size, Point at) {
    if (*text) grow(box, at, lay_text_width(text, size) / 2, size * 0.6 * lay_text_lines(text));
}

void lay_extent(const View *v, const Layout *l, bool names, double *box) {
    box[0] = box[1] = INFINITY, box[2] = box[3] = -INFINITY;
    for (int i = 0; i < v->node_count; i++) {
        ViewNodeKind kind = v->nodes[i].kind;
        double hh = kind == VIEW_OP      ? l->width[i] / 2
                    : kind == VIEW_LAYER ? LAYER_HEIGHT / 2
                                         : NODE_SIZE * 0.6 * lay_text_lines(v->nodes[i].label);
        grow(box, l->pos[i], kind == VIEW_SINK ? 0 : l->width[i] / 2, kind == VIEW_SINK ? 0 : hh);
    }
    for (int i = 0; i < v->edge_count; i++) {
        for (int k = 0; k < l->points[i]; k++)
            grow(box, l->curve[i][k], LINE_GAP, LINE_GAP);
        grow(box, l->tip[i], LINE_GAP, LINE_GAP);
        if (*v->edges[i].value) grow_label(box, v->edges[i].value, VALUE_SIZE, l->value_at[i]);
        grow_label(box, v->edges[i].grad, VALUE_SIZE, l->grad_at[i]);
        if (names) grow_label(box, v->edges[i].name, NAME_SIZE, l->name_at[i]);
    }
}

Point lay_legend_place(const View *v, double *box) {
    double widest = 0, lines = v->legend_count;
    for (int i = 0; i < v->legend_count; i++)
        widest = fmax(widest, lay_text_width(v->legend[i], VALUE_SIZE));
    Point corner = {box[0], box[1] - LEGEND_GAP};
    if (v->legend_count == 0) return corner;
    box[1] = corner.y - lines * VALUE_SIZE * LINE_SPACING;
    box[2] = fmax(box[2], box[0] + widest);
    return corner;
}

/* The legend's lines, left-aligned from its top-left corner. */
static void put_legend(StrBuf *out, const Frame *f, const View *v, Point corner) {
    for (int i = 0; i < v->legend_count; i++) {
        double y = sy(f, corner.y) + (i + 1 - BASELINE) * VALUE_SIZE * LINE_SPACING;
        put_num(out, "<text x=\"", sx(f, corner.x), "\"");
        put_num(out, " y=\"", y, "\"");
        sb_printf(out, " font-size=\"%g\">", VALUE_SIZE);
        put_escaped(out, v->legend[i], strlen(v->legend[i]));
        sb_puts(out, "</text>\n");
    }
}

void lay_write_svg(const View *v, const Layout *l, int frame, bool names, StrBuf *out) {
    double box[4];
    lay_extent(v, l, names, box);
    Point legend = lay_legend_place(v, box);
    Frame f = {box[0] - PAD, box[3] + PAD};
    double w = box[2] - box[0] + 2 * PAD, h = box[3] - box[1] + 2 * PAD;
    sb_printf(out,
              "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?>\n"
              "<svg width=\"%.0fpt\" height=\"%.0fpt\" viewBox=\"0.00 0.00 %.2f %.2f\" "
              "xmlns=\"http://www.w3.org/2000/svg\" data-steps=\"%d\">\n"
              "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n"
              "<g font-family=\"DejaVu Sans\">\n",
              ceil(w), ceil(h), w, h, v->steps);
    for (int i = 0; i < v->node_count; i++) {
        const ViewNode *n = &v->nodes[i];
        if (n->kind == VIEW_SINK) continue;
        if (n->kind == VIEW_OP) {
            put_num(out, "<circle fill=\"none\" stroke=\"black\" cx=\"", sx(&f, l->pos[i].x), "\"");
            put_num(out, " cy=\"", sy(&f, l->pos[i].y), "\"");
            put_num(out, " r=\"", l->width[i] / 2, "\"/>\n");
        }
        if (n->kind == VIEW_LAYER) put_rounded_box(out, &f, l->pos[i], l->width[i], LAYER_HEIGHT);
        put_text(out, &f, n->label, l->pos[i], lay_node_font_size(n), NULL);
    }
    Point *fwd = malloc(MAX_POINTS * sizeof *fwd), *back = malloc(MAX_POINTS * sizeof *back);
    for (int i = 0; fwd && back && i < v->edge_count; i++) {
        const ViewEdge *e = &v->edges[i];
        Point fwd_tip, back_tip;
        lay_link_arrows(l, i, fwd, &fwd_tip, back, &back_tip);
        /* A group per link says which arrows and labels belong together:
         * tests check each label sits by its own link (test_label_geometry). */
        sb_printf(out, "<g class=\"link\" data-link=\"%d\">\n", i);
        put_arrow(out, &f, fwd, l->points[i], fwd_tip, "black");
        if (e->blank & VIEW_BLANK_VALUE)
            put_blank(out, &f, e->value, l->value_at[i], VALUE_SIZE, "black", v->answers);
        else if (*e->value)
            put_text(out, &f, e->value, l->value_at[i], VALUE_SIZE, NULL);
        if (names && *e->name) put_text(out, &f, e->name, l->name_at[i], NAME_SIZE, GREY);
        if (*e->grad && e->step <= frame) {
            put_arrow(out, &f, back, l->points[i], back_tip, "red");
            if (e->blank & VIEW_BLANK_GRAD)
                put_blank(out, &f, e->grad, l->grad_at[i], VALUE_SIZE, "red", v->answers);
            else
                put_text(out, &f, e->grad, l->grad_at[i], VALUE_SIZE, "red");
        }
        sb_puts(out, "</g>\n");
    }
    if (!fwd || !back) out->failed = true;
    free(fwd);
    free(back);
    put_legend(out, &f, v, legend);
    sb_puts(out, "</g>\n</svg>\n");
}
