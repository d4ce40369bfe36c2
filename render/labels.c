/* labels.c - where the numbers go: beside each link, off every line.
 *
 * Each link gets its value above and its gradient below (left and right of
 * the direction of travel). Candidate spots are tried along the link, from
 * its middle outwards and then a little further from the line; the first
 * where no label box touches another label, a node or any link wins, else
 * the one touching fewest, text over text counting worst of all. What a
 * box could touch is found through a grid of cells, not by trying all. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "layout.h"

const double LINE_GAP = 2.5;
const double VALUE_SIZE = 11;
const double NAME_SIZE = 9;
const double NODE_SIZE = 14;
const double LAYER_HEIGHT = 40;
const double BLANK_PAD = 2;
static const double BLANK_MIN_WIDTH = 26;

double lay_blank_width(const char *text, double size) {
    return fmax(lay_text_width(text, size) + 2 * BLANK_PAD, BLANK_MIN_WIDTH);
}

double lay_blank_height(const char *text, double size) {
    return size * 1.2 * lay_text_lines(text) + BLANK_PAD;
}
static const double LABEL_GAP = 3.5; /* from the arrows to the nearest label edge */
enum { SAMPLES = 12 };               /* points checked per Bézier segment */

typedef struct {
    double x0, y0, x1, y1;
} Box;

Point lay_point_add(Point a, Point b, double k) {
    return (Point){a.x + k * b.x, a.y + k * b.y};
}

Point lay_unit_normal(Point from, Point to) {
    double dx = to.x - from.x, dy = to.y - from.y, n = hypot(dx, dy);
    if (n == 0) return (Point){0, 1};
    return (Point){-dy / n, dx / n};
}

/* Each control point moves along its neighbours' chord normal; for offsets
 * this small the result stays parallel to the original. */
void lay_offset_curve(const Point *in, int n, double d, Point *out) {
    for (int i = 0; i < n; i++) {
        Point a = in[i > 0 ? i - 1 : 0], b = in[i < n - 1 ? i + 1 : n - 1];
        out[i] = lay_point_add(in[i], lay_unit_normal(a, b), d);
    }
}

double lay_text_width(const char *s, double size) {
    double w = 0, widest = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '\n') w = 0;
        if ((*p & 0xC0) == 0x80 || *p == '\n') continue;
        w += *p >= 0xE0 ? size : *p >= 0x80 ? 0.62 * size : 0.6 * size; /* CJK is wide */
        widest = w > widest ? w : widest;
    }
    return widest;
}

int lay_text_lines(const char *s) {
    int n = 1;
    for (; *s; s++)
        n += *s == '\n';
    return n;
}

void lay_link_arrows(const Layout *l, int i, Point *fwd, Point *fwd_tip, Point *back,
                     Point *back_tip) {
    const Point *c = l->curve[i];
    int n = l->points[i];
    lay_offset_curve(c, n, LINE_GAP, fwd);
    *fwd_tip = lay_point_add(l->tip[i], lay_unit_normal(c[n - 1], l->tip[i]), LINE_GAP);
    /* The red arrow runs the other way: from the head's end of the link
     * back to the tail, its tip where dot's curve starts. */
    lay_offset_curve(c, n, -LINE_GAP, back);
    for (int k = 0; k < n / 2; k++) {
        Point t = back[k];
        back[k] = back[n - 1 - k];
        back[n - 1 - k] = t;
    }
    back[0] = lay_point_add(l->tip[i], lay_unit_normal(c[n - 1], l->tip[i]), -LINE_GAP);
    Point tip = back[n - 1], before = back[n - 2];
    double len = hypot(tip.x - before.x, tip.y - before.y);
    if (len > 0) /* end the curve where the arrowhead begins */
        back[n - 1] = lay_point_add(tip, (Point){before.x - tip.x, before.y - tip.y},
                                    ARROW_LENGTH / fmax(len, ARROW_LENGTH + 1));
    *back_tip = tip;
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

double lay_circle_width(const char *label) {
    int n = codepoints(label);
    return 72 * (n <= 1 ? 0.45 : n <= 3 ? 0.5 : 0.2 + 0.08 * n);
}

double lay_node_font_size(const ViewNode *n) {
    int chars = codepoints(n->label);
    switch (n->kind) {
    case VIEW_OP: return chars <= 1 ? 16 : chars <= 3 ? 12 : 11;
    case VIEW_LAYER: return 12;
    default: return NODE_SIZE;
    }
}

/* The point at t (0..1 over the whole curve) and the normal there. */
static Point curve_at(const Point *p, int n, double t, Point *normal) {
    int segments = (n - 1) / 3;
    if (segments < 1) {
        *normal = lay_unit_normal(p[0], p[n - 1]);
        return lay_point_add(p[0], (Point){p[n - 1].x - p[0].x, p[n - 1].y - p[0].y}, t);
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
    *normal = lay_unit_normal((Point){0, 0}, d);
    return at;
}

/* The box of `text` set beside the line at `at`, `gap` from it on `side`. */
static Box label_box(const char *text, double size, Point at, Point normal, double side, double gap,
                     Point *center) {
    double hw = lay_text_width(text, size) / 2, hh = size * 0.6 * lay_text_lines(text);
    double reach = gap + fabs(normal.x) * hw + fabs(normal.y) * hh;
    *center = lay_point_add(at, normal, side * reach);
    return (Box){center->x - hw, center->y - hh, center->x + hw, center->y + hh};
}

static bool boxes_meet(Box a, Box b) {
    return a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1;
}

/* Everything a label must keep off, bucketed into square cells so a
 * candidate box is tested only against what lies near it: the all-pairs
 * test made label placement quadratic in the links. Boxes go into every
 * cell they overlap; cells outside the grid clamp to its edge, for inserts
 * and queries alike, so nothing is missed. */
typedef struct {
    double x0, y0, cell;
    int cols, rows;
    int *head;       /* per cell: first entry, -1 if none */
    int *next, *obj; /* per entry: next in its cell, the obstacle */
    int entries, capacity;
    Box *boxes;     /* obstacles 0 .. nboxes-1: node boxes, then placed labels */
    bool *is_label; /* per box: a placed label (kept further apart) */
    int nboxes, boxes_cap;
    const Point *samples; /* obstacles nboxes_cap + k: points along the links */
    int *seen;            /* per obstacle: the last query that counted it */
    int query;
    bool failed;
} Grid;

enum { CELL = 32 };      /* points: about one scalar label */
enum { OVERLAP = 1000 }; /* what a label over another label counts as */

static int cell_of(double v, double origin, double cell, int count) {
    int c = (int)floor((v - origin) / cell);
    return c < 0 ? 0 : c >= count ? count - 1 : c;
}

static void grid_insert(Grid *g, double x0, double y0, double x1, double y1, int obj) {
    int c0 = cell_of(x0, g->x0, g->cell, g->cols), c1 = cell_of(x1, g->x0, g->cell, g->cols);
    int r0 = cell_of(y0, g->y0, g->cell, g->rows), r1 = cell_of(y1, g->y0, g->cell, g->rows);
    for (int r = r0; r <= r1; r++)
        for (int c = c0; c <= c1; c++) {
            if (g->entries == g->capacity) {
                int cap = g->capacity * 2 + 64;
                int *next = realloc(g->next, (size_t)cap * sizeof *next);
                if (next) g->next = next;
                int *obj_ = next ? realloc(g->obj, (size_t)cap * sizeof *obj_) : NULL;
                if (obj_) g->obj = obj_;
                if (!next || !obj_) {
                    g->failed = true;
                    return;
                }
                g->capacity = cap;
            }
            int cell = r * g->cols + c;
            g->obj[g->entries] = obj;
            g->next[g->entries] = g->head[cell];
            g->head[cell] = g->entries++;
        }
}

/* Adds box b as obstacle; labels also count against their neighbours'
 * spacing. Ignored if the grid has no room left for it. */
static void grid_add_box(Grid *g, Box b, bool is_label) {
    if (g->nboxes == g->boxes_cap) return;
    g->boxes[g->nboxes] = b;
    g->is_label[g->nboxes] = is_label;
    grid_insert(g, b.x0, b.y0, b.x1, b.y1, g->nboxes);
    g->nboxes++;
}

/* How many obstacles the box touches. */
static int collisions(Grid *g, Box b) {
    int hits = 0;
    /* Labels keep apart, so each number reads as belonging to its own link. */
    Box spaced = {b.x0 - 9, b.y0 - 4, b.x1 + 9, b.y1 + 4};
    double pad = LINE_GAP + 1;
    Box grown = {b.x0 - pad, b.y0 - pad, b.x1 + pad, b.y1 + pad};
    g->query++;
    int c0 = cell_of(fmin(spaced.x0, grown.x0), g->x0, g->cell, g->cols);
    int c1 = cell_of(fmax(spaced.x1, grown.x1), g->x0, g->cell, g->cols);
    int r0 = cell_of(fmin(spaced.y0, grown.y0), g->y0, g->cell, g->rows);
    int r1 = cell_of(fmax(spaced.y1, grown.y1), g->y0, g->cell, g->rows);
    for (int r = r0; r <= r1; r++)
        for (int c = c0; c <= c1; c++)
            for (int k = g->head[r * g->cols + c]; k >= 0; k = g->next[k]) {
                int o = g->obj[k];
                if (g->seen[o] == g->query) continue;
                g->seen[o] = g->query;
                if (o >= g->boxes_cap) {
                    Point p = g->samples[o - g->boxes_cap];
                    hits += p.x > grown.x0 && p.x < grown.x1 && p.y > grown.y0 && p.y < grown.y1;
                } else {
                    hits += boxes_meet(g->is_label[o] ? spaced : b, g->boxes[o]);
                    /* Text over text is unreadable: worse than any number of
                     * lines crossed, so a spot with it is taken last. */
                    if (g->is_label[o] && boxes_meet(b, g->boxes[o])) hits += OVERLAP;
                }
            }
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
        double w = v->tensors ? lay_text_width(v->edges[e].value, VALUE_SIZE) +
                                    lay_text_width(v->edges[e].grad, VALUE_SIZE)
                              : 0;
        for (; k > 0 && w > lay_text_width(v->edges[order[k - 1]].value, VALUE_SIZE) +
                                lay_text_width(v->edges[order[k - 1]].grad, VALUE_SIZE);
             k--)
            order[k] = order[k - 1];
        order[k] = e;
    }
    return order;
}

/* A grid over the nodes and the sampled links; false if memory ran out. */
static bool grid_init(Grid *g, const View *v, const Layout *l) {
    memset(g, 0, sizeof *g);
    int nsamples = 0;
    for (int e = 0; e < v->edge_count; e++)
        nsamples += ((l->points[e] - 1) / 3 + 1) * SAMPLES;
    g->boxes_cap = v->node_count + 3 * v->edge_count;
    g->boxes = malloc(((size_t)g->boxes_cap + 1) * sizeof *g->boxes);
    g->is_label = malloc(((size_t)g->boxes_cap + 1) * sizeof *g->is_label);
    Point *samples = malloc(((size_t)nsamples + 1) * sizeof *samples);
    g->samples = samples;
    g->seen = calloc((size_t)g->boxes_cap + (size_t)nsamples + 1, sizeof *g->seen);
    if (!g->boxes || !g->is_label || !samples || !g->seen) return false;
    nsamples = 0;
    for (int e = 0; e < v->edge_count; e++) {
        int count = ((l->points[e] - 1) / 3 + 1) * SAMPLES;
        Point normal;
        for (int s = 0; s <= count - 1; s++)
            samples[nsamples++] =
                curve_at(l->curve[e], l->points[e], (double)s / (count - 1), &normal);
    }
    Box all = {INFINITY, INFINITY, -INFINITY, -INFINITY};
    for (int i = 0; i < nsamples; i++)
        all = (Box){fmin(all.x0, samples[i].x), fmin(all.y0, samples[i].y),
                    fmax(all.x1, samples[i].x), fmax(all.y1, samples[i].y)};
    for (int i = 0; i < v->node_count; i++)
        all = (Box){fmin(all.x0, l->pos[i].x), fmin(all.y0, l->pos[i].y), fmax(all.x1, l->pos[i].x),
                    fmax(all.y1, l->pos[i].y)};
    g->x0 = all.x0, g->y0 = all.y0, g->cell = CELL;
    double w = all.x1 - all.x0, h = all.y1 - all.y0;
    while ((w / g->cell + 1) * (h / g->cell + 1) > 1 << 20) /* a huge picture: coarser cells */
        g->cell *= 2;
    g->cols = (int)(w / g->cell) + 1, g->rows = (int)(h / g->cell) + 1;
    g->head = malloc((size_t)g->cols * (size_t)g->rows * sizeof *g->head);
    if (!g->head) return false;
    for (int i = 0; i < g->cols * g->rows; i++)
        g->head[i] = -1;
    for (int i = 0; i < v->node_count; i++) {
        ViewNodeKind kind = v->nodes[i].kind;
        double hw = l->width[i] / 2;
        double hh = kind == VIEW_OP      ? hw
                    : kind == VIEW_LAYER ? LAYER_HEIGHT / 2
                                         : NODE_SIZE * 0.6 * lay_text_lines(v->nodes[i].label);
        grid_add_box(g,
                     (Box){l->pos[i].x - hw, l->pos[i].y - hh, l->pos[i].x + hw, l->pos[i].y + hh},
                     false);
    }
    for (int i = 0; i < nsamples; i++)
        grid_insert(g, samples[i].x, samples[i].y, samples[i].x, samples[i].y, g->boxes_cap + i);
    return !g->failed;
}

static void grid_free(Grid *g) {
    free(g->head);
    free(g->next);
    free(g->obj);
    free(g->boxes);
    free(g->is_label);
    free((Point *)g->samples);
    free(g->seen);
}

void lay_place_labels(const View *v, Layout *l) {
    Grid grid;
    bool ok = grid_init(&grid, v, l); /* without it, labels go to their first spot */
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
                for (int b = 0; ok && b < count; b++)
                    hits += collisions(&grid, boxes[b]);
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
        for (int b = 0; ok && b < (*ve->name ? 3 : 2); b++)
            grid_add_box(&grid, best_boxes[b], true);
    }
    free(order);
    grid_free(&grid);
}
