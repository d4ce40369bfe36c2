/* labels.c - where the numbers go: beside each link, off every line.
 *
 * Each link gets its value above and its gradient below (left and right of
 * the direction of travel). Candidate spots are tried along the link, from
 * its middle outwards and then a little further from the line; the first
 * where no label box touches another label, a node or any link wins. */
#include <math.h>
#include <stdlib.h>

#include "layout.h"

const double LINE_GAP = 2.5;
const double VALUE_SIZE = 11;
const double NAME_SIZE = 9;
const double NODE_SIZE = 14;
const double LAYER_HEIGHT = 40;
static const double LABEL_GAP = 3.5; /* from the arrows to the nearest label edge */
enum { SAMPLES = 12 };               /* points checked per Bézier segment */

typedef struct {
    double x0, y0, x1, y1;
} Box;

Point point_add(Point a, Point b, double k) {
    return (Point){a.x + k * b.x, a.y + k * b.y};
}

Point unit_normal(Point from, Point to) {
    double dx = to.x - from.x, dy = to.y - from.y, n = hypot(dx, dy);
    if (n == 0) return (Point){0, 1};
    return (Point){-dy / n, dx / n};
}

/* Each control point moves along its neighbours' chord normal; for offsets
 * this small the result stays parallel to the original. */
void offset_curve(const Point *in, int n, double d, Point *out) {
    for (int i = 0; i < n; i++) {
        Point a = in[i > 0 ? i - 1 : 0], b = in[i < n - 1 ? i + 1 : n - 1];
        out[i] = point_add(in[i], unit_normal(a, b), d);
    }
}

double text_width(const char *s, double size) {
    double w = 0, widest = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '\n') w = 0;
        if ((*p & 0xC0) == 0x80 || *p == '\n') continue;
        w += *p >= 0xE0 ? size : *p >= 0x80 ? 0.62 * size : 0.6 * size; /* CJK is wide */
        widest = w > widest ? w : widest;
    }
    return widest;
}

int text_lines(const char *s) {
    int n = 1;
    for (; *s; s++)
        n += *s == '\n';
    return n;
}

/* The point at t (0..1 over the whole curve) and the normal there. */
static Point curve_at(const Point *p, int n, double t, Point *normal) {
    int segments = (n - 1) / 3;
    if (segments < 1) {
        *normal = unit_normal(p[0], p[n - 1]);
        return point_add(p[0], (Point){p[n - 1].x - p[0].x, p[n - 1].y - p[0].y}, t);
    }
    int k = (int)(t * segments);
    if (k >= segments) k = segments - 1;
    double u = t * segments - k, v = 1 - u;
    const Point *c = &p[3 * k];
    Point at = {
        v * v * v * c[0].x + 3 * v * v * u * c[1].x + 3 * v * u * u * c[2].x + u * u * u * c[3].x,
        v * v * v * c[0].y + 3 * v * v * u * c[1].y + 3 * v * u * u * c[2].y + u * u * u * c[3].y};
    Point d = {3 * v * v * (c[1].x - c[0].x) + 6 * v * u * (c[2].x - c[1].x) +
                   3 * u * u * (c[3].x - c[2].x),
               3 * v * v * (c[1].y - c[0].y) + 6 * v * u * (c[2].y - c[1].y) +
                   3 * u * u * (c[3].y - c[2].y)};
    *normal = unit_normal((Point){0, 0}, d);
    return at;
}

/* The box of `text` set beside the line at `at`, `gap` from it on `side`. */
static Box label_box(const char *text, double size, Point at, Point normal, double side, double gap,
                     Point *center) {
    double hw = text_width(text, size) / 2, hh = size * 0.6 * text_lines(text);
    double reach = gap + fabs(normal.x) * hw + fabs(normal.y) * hh;
    *center = point_add(at, normal, side * reach);
    return (Box){center->x - hw, center->y - hh, center->x + hw, center->y + hh};
}

static bool boxes_meet(Box a, Box b) {
    return a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1;
}

/* How many obstacles the box touches. */
static int collisions(Box b, const Box *placed, int nplaced, const Box *nodes, int nnodes,
                      const Point *samples, int nsamples) {
    int hits = 0;
    /* Labels keep apart, so each number reads as belonging to its own link. */
    Box spaced = {b.x0 - 9, b.y0 - 4, b.x1 + 9, b.y1 + 4};
    for (int i = 0; i < nplaced; i++)
        hits += boxes_meet(spaced, placed[i]);
    for (int i = 0; i < nnodes; i++)
        hits += boxes_meet(b, nodes[i]);
    double pad = LINE_GAP + 1;
    Box grown = {b.x0 - pad, b.y0 - pad, b.x1 + pad, b.y1 + pad};
    for (int i = 0; i < nsamples; i++)
        hits += samples[i].x > grown.x0 && samples[i].x < grown.x1 && samples[i].y > grown.y0 &&
                samples[i].y < grown.y1;
    return hits;
}

/* The order links get their labels. Scalars' labels are short, so links
 * simply go in order; a tensor's can span most of its link, so the widest
 * go first, while there is room, and the short ones fit in around them. */
static int *label_order(const View *v) {
    int *order = malloc(((size_t)v->edge_count + 1) * sizeof *order);
    if (!order) return NULL;
    for (int e = 0; e < v->edge_count; e++) {
        int k = e;
        double w = v->tensors ? text_width(v->edges[e].value, VALUE_SIZE) +
                                    text_width(v->edges[e].grad, VALUE_SIZE)
                              : 0;
        for (; k > 0 && w > text_width(v->edges[order[k - 1]].value, VALUE_SIZE) +
                                text_width(v->edges[order[k - 1]].grad, VALUE_SIZE);
             k--)
            order[k] = order[k - 1];
        order[k] = e;
    }
    return order;
}

void place_labels(const View *v, Layout *l) {
    int nsamples = 0;
    for (int e = 0; e < v->edge_count; e++)
        nsamples += ((l->points[e] - 1) / 3 + 1) * SAMPLES;
    Point *samples = malloc(((size_t)nsamples + 1) * sizeof *samples);
    Box *nodes = malloc(((size_t)v->node_count + 1) * sizeof *nodes);
    Box *placed = malloc(((size_t)v->edge_count * 3 + 1) * sizeof *placed);
    int nplaced = 0;
    nsamples = 0;
    for (int e = 0; samples && e < v->edge_count; e++) {
        int count = ((l->points[e] - 1) / 3 + 1) * SAMPLES;
        Point normal;
        for (int s = 0; s <= count - 1; s++)
            samples[nsamples++] =
                curve_at(l->curve[e], l->points[e], (double)s / (count - 1), &normal);
    }
    for (int i = 0; nodes && i < v->node_count; i++) {
        ViewNodeKind kind = v->nodes[i].kind;
        double hw = l->width[i] / 2;
        double hh = kind == VIEW_OP      ? hw
                    : kind == VIEW_LAYER ? LAYER_HEIGHT / 2
                                         : NODE_SIZE * 0.6 * text_lines(v->nodes[i].label);
        nodes[i] = (Box){l->pos[i].x - hw, l->pos[i].y - hh, l->pos[i].x + hw, l->pos[i].y + hh};
    }
    static const double spots[] = {0.5, 0.42, 0.58, 0.34, 0.66, 0.26, 0.74, 0.18, 0.82};
    static const double pushes[] = {0, 5, 10};
    int *order = label_order(v);
    for (int k = 0; k < v->edge_count; k++) {
        int e = order ? order[k] : k;
        const ViewEdge *ve = &v->edges[e];
        int best = -1;
        Point best_value = {0, 0}, best_grad = {0, 0}, best_name = {0, 0};
        Box best_boxes[3];
        for (size_t p = 0; p < sizeof pushes / sizeof pushes[0] && best != 0; p++) {
            for (size_t s = 0; s < sizeof spots / sizeof spots[0] && best != 0; s++) {
                Point normal, value, grad, name = {0, 0};
                Point at = curve_at(l->curve[e], l->points[e], spots[s], &normal);
                double gap = LINE_GAP + LABEL_GAP + pushes[p];
                Box boxes[3];
                int count = 0;
                boxes[count++] = label_box(ve->value, VALUE_SIZE, at, normal, 1, gap, &value);
                boxes[count++] =
                    label_box(*ve->grad ? ve->grad : " ", VALUE_SIZE, at, normal, -1, gap, &grad);
                if (*ve->name) {
                    double beyond = gap + (boxes[0].x1 - boxes[0].x0) * fabs(normal.x) / 2 +
                                    (boxes[0].y1 - boxes[0].y0) * fabs(normal.y) + 1;
                    boxes[count++] = label_box(ve->name, NAME_SIZE, at, normal, 1, beyond, &name);
                }
                int hits = 0;
                for (int b = 0; b < count; b++)
                    hits += collisions(boxes[b], placed, nplaced, nodes ? nodes : boxes,
                                       nodes ? v->node_count : 0, samples ? samples : &at,
                                       samples ? nsamples : 0);
                if (best < 0 || hits < best) {
                    best = hits;
                    best_value = value, best_grad = grad, best_name = name;
                    for (int b = 0; b < count; b++)
                        best_boxes[b] = boxes[b];
                }
            }
        }
        l->value_at[e] = best_value;
        l->grad_at[e] = best_grad;
        l->name_at[e] = best_name;
        if (placed) {
            placed[nplaced++] = best_boxes[0];
            placed[nplaced++] = best_boxes[1];
            if (*ve->name) placed[nplaced++] = best_boxes[2];
        }
    }
    free(order);
    free(samples);
    free(nodes);
    free(placed);
}
