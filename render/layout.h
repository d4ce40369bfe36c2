/* layout.h - geometry shared by the Graphviz and SVG writers and label placement
 * (private to render/; every name starts with lay_). Coordinates are Graphviz
 * points, y pointing up. */
#ifndef BP_LAYOUT_H
#define BP_LAYOUT_H

#include "../graph/strbuf.h"
#include "view.h"

typedef struct {
    double x, y;
} Point;

/* Where dot put everything, and where the labels go: shared by every
 * --steps frame, so the frames line up. */
typedef struct {
    Point *pos;                          /* per view node: its centre */
    double *width;                       /* per view node: its width in points (text or circle) */
    Point **curve;                       /* per edge: dot's Bézier control points, tail to head */
    int *points;                         /* per edge: how many */
    Point *tip;                          /* per edge: where the forward arrowhead points */
    Point *value_at, *grad_at, *name_at; /* per edge: label centres */
} Layout;

enum { ARROW_LENGTH = 7 };      /* points, for arrowsize 0.7 */
enum { MAX_POINTS = 1024 };     /* spline control points kept per link */
extern const double LINE_GAP;   /* each arrow's distance from dot's curve */
extern const double VALUE_SIZE; /* font sizes, in points */
extern const double NAME_SIZE;
extern const double NODE_SIZE;
extern const double LAYER_HEIGHT; /* a layer's box, in points */
extern const double BLANK_PAD;    /* a worksheet's box: this far around its label's text */
/* A worksheet's box for a label: its text's size with BLANK_PAD around,
 * and at least wide enough to write a short number in by hand. */
double lay_blank_width(const char *text, double size);
double lay_blank_height(const char *text, double size);

Point lay_point_add(Point a, Point b, double k);
/* The unit vector left of the way from `from` to `to` (up for →). */
Point lay_unit_normal(Point from, Point to);
/* The curve moved d points to its left (right for d < 0). */
void lay_offset_curve(const Point *in, int n, double d, Point *out);
/* Rough width of text (its longest line) at a font size: enough to keep
 * labels off lines. */
double lay_text_width(const char *s, double size);
/* How many lines the text has ('\n' separates them). */
int lay_text_lines(const char *s);

/* A circle's width in points: sized to its text so "sigmoid" fits as well as "×". */
double lay_circle_width(const char *label);
/* The font size a node's label is drawn at. */
double lay_node_font_size(const ViewNode *n);

/* Link i drawn as two arrows a LINE_GAP either side of dot's curve, each
 * l->points[i] control points and the tip of its head: the black one
 * forward into fwd and *fwd_tip, the red one back into back and *back_tip
 * (its curve stops where its head begins). */
void lay_link_arrows(const Layout *l, int i, Point *fwd, Point *fwd_tip, Point *back,
                     Point *back_tip);

/* The picture's extent: nodes, curves and labels, as x0, y0, x1, y1. */
void lay_extent(const View *v, const Layout *l, bool names, double *box);
/* Where the legend (v->legend) goes: its text's top-left corner, under the
 * picture's extent box, which grows to hold it. */
Point lay_legend_place(const View *v, double *box);

/* The picture as SVG, showing the red arrows of backward steps <= frame
 * and, with names, the grey names of intermediates; appended to out. The
 * <svg> element says how many backward steps the figure has (data-steps,
 * its --steps frames), which a page stepping through it reads. */
void lay_write_svg(const View *v, const Layout *l, int frame, bool names, StrBuf *out);

/* Chooses where each link's value, gradient and name go: beside the link,
 * value (and name) on the left of travel, gradient on the right, clear of
 * every line, node and other label where any spot along the link allows. */
void lay_place_labels(const View *v, Layout *l);

#endif
