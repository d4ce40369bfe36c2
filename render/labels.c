/* labels.c - where the numbers go: beside each link, off every line.
 *
 * Each link gets its value above and its gradient below (left and right of
 * the direction of travel). Candidate spots are tried along the link, from
 * its middle outwards and then a little further from the line; the first
 * where no label box touches another label, a node or any link, and no
 * other link comes nearer than its own, wins; else the one with fewest
 * such faults, text over text counting worst of all. A link placed early
 * cannot see labels placed later, so while faults remain every link is
 * placed again. What a box could touch is found through a grid of cells,
 * not by trying all. */
#include <limits.h>
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
/* A label's own link must be this much nearer than any other: a number
 * halfway between two links reads as either's (tests/test_label_geometry.c
 * asks for 3 points between the arrows; 1 more covers sampling). */
static const double OWN_MARGIN = 4;
enum { SAMPLES = 12 };    /* points checked per Bézier segment, at least */
enum { SAMPLE_STEP = 2 }; /* points between them, at most (about) */

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
    Box *boxes; /* obstacles 0 .. nboxes-1: node boxes, then placed labels */
    int *owner; /* per box: the link whose label it is, -1 for a node */
    int nboxes, boxes_cap;
    const Point *samples; /* obstacles nboxes_cap + k: points along the links */
    int *sample_link;     /* per sample: its link */
    int *seen;            /* per box: the last query that counted it */
    int *crossed, *near;  /* per link: the last query that counted it so */
    int query;
    bool failed;
} Grid;

enum { CELL = 32 };          /* points: about one scalar label */
enum { OVERLAP = 1000 };     /* what a label over another label counts as */
enum { REPLACE_PASSES = 3 }; /* more rounds of placing, while labels have faults */
/* What touching a node or a line, or another link's line coming nearer
 * than the label's own, counts as: more than crowding another label, which
 * can still move when its link is placed again (see lay_place_labels). */
enum { FIXED = 2 };

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

/* Adds box b as obstacle, a label of link `owner` (kept further apart
 * from other links' labels) or a node (-1); returns its number, -1 if the
 * grid has no room left for it. */
static int grid_add_box(Grid *g, Box b, int owner) {
    if (g->nboxes == g->boxes_cap) return -1;
    g->boxes[g->nboxes] = b;
    g->owner[g->nboxes] = owner;
    grid_insert(g, b.x0, b.y0, b.x1, b.y1, g->nboxes);
    return g->nboxes++;
}

/* Moves label box o to b. The cells of its old place still list it, but
 * every query tests the box itself, so they only cost a test. */
static void grid_move_box(Grid *g, int o, Box b) {
    g->boxes[o] = b;
    grid_insert(g, b.x0, b.y0, b.x1, b.y1, o);
}

static bool box_has(Box b, Point p) {
    return p.x > b.x0 && p.x < b.x1 && p.y > b.y0 && p.y < b.y1;
}

/* How bad a spot is for box b, a label of `link` whose own link is `own`
 * points from it: FIXED for each node and link it touches and each other
 * link that comes within own + OWN_MARGIN, one for each label it crowds.
 * Counting stops once it reaches `enough` (at least 1): a spot already as
 * bad as the best one so far is not taken, however much worse it is. */
static int collisions(Grid *g, Box b, int link, double own, int enough) {
    int hits = 0;
    /* Labels keep apart, so each number reads as belonging to its own link. */
    Box spaced = {b.x0 - 9, b.y0 - 4, b.x1 + 9, b.y1 + 4};
    double pad = LINE_GAP + 1, clear = own + OWN_MARGIN + LINE_GAP;
    Box grown = {b.x0 - pad, b.y0 - pad, b.x1 + pad, b.y1 + pad};
    Box cleared = {b.x0 - clear, b.y0 - clear, b.x1 + clear, b.y1 + clear};
    double reach = fmax(9, clear);
    g->query++;
    int c0 = cell_of(b.x0 - reach, g->x0, g->cell, g->cols);
    int c1 = cell_of(b.x1 + reach, g->x0, g->cell, g->cols);
    int r0 = cell_of(b.y0 - reach, g->y0, g->cell, g->rows);
    int r1 = cell_of(b.y1 + reach, g->y0, g->cell, g->rows);
    for (int r = r0; r <= r1 && hits < enough; r++)
        for (int c = c0; c <= c1 && hits < enough; c++)
            for (int k = g->head[r * g->cols + c]; k >= 0 && hits < enough; k = g->next[k]) {
                int o = g->obj[k];
                if (o >= g->boxes_cap) {
                    /* A point of a link, in this one cell only. Each link
                     * counts once however many of its points are near:
                     * crossing it, and (another's) crowding in. */
                    int e = g->sample_link[o - g->boxes_cap];
                    bool crossed = g->crossed[e] == g->query;
                    bool near = e == link || g->near[e] == g->query;
                    if (crossed && near) continue;
                    Point p = g->samples[o - g->boxes_cap];
                    if (!crossed && box_has(grown, p)) {
                        g->crossed[e] = g->query;
                        hits += FIXED;
                    }
                    if (!near && box_has(cleared, p)) {
                        g->near[e] = g->query;
                        hits += FIXED;
                    }
                } else if (g->seen[o] != g->query && g->owner[o] != link) {
                    /* A box, listed in every cell it overlaps; its own
                     * old place does not count. */
                    g->seen[o] = g->query;
                    bool label = g->owner[o] >= 0;
                    hits += boxes_meet(label ? spaced : b, g->boxes[o]) * (label ? 1 : FIXED);
                    /* Text over text is unreadable: worse than any number of
                     * lines crossed, so a spot with it is taken last. */
                    if (label && boxes_meet(b, g->boxes[o])) hits += OVERLAP;
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

/* How many points link e is sampled at: SAMPLES a Bézier segment, more on
 * a long one so that no stretch of line slips between two (plus the tip). */
static int sample_count(const Layout *l, int e) {
    double length = 0;
    for (int k = 1; k < l->points[e]; k++)
        length +=
            hypot(l->curve[e][k].x - l->curve[e][k - 1].x, l->curve[e][k].y - l->curve[e][k - 1].y);
    return (int)fmax(((l->points[e] - 1) / 3 + 1) * SAMPLES, length / SAMPLE_STEP) + 1;
}

/* A grid over the nodes and the sampled links; false if memory ran out. */
static bool grid_init(Grid *g, const View *v, const Layout *l) {
    memset(g, 0, sizeof *g);
    int nsamples = 0;
    for (int e = 0; e < v->edge_count; e++)
        nsamples += sample_count(l, e);
    g->boxes_cap = v->node_count + 3 * v->edge_count;
    g->boxes = malloc(((size_t)g->boxes_cap + 1) * sizeof *g->boxes);
    g->owner = malloc(((size_t)g->boxes_cap + 1) * sizeof *g->owner);
    Point *samples = malloc(((size_t)nsamples + 1) * sizeof *samples);
    g->samples = samples;
    g->sample_link = malloc(((size_t)nsamples + 1) * sizeof *g->sample_link);
    g->seen = calloc((size_t)g->boxes_cap + 1, sizeof *g->seen);
    g->crossed = calloc((size_t)v->edge_count + 1, sizeof *g->crossed);
    g->near = calloc((size_t)v->edge_count + 1, sizeof *g->near);
    if (!g->boxes || !g->owner || !samples || !g->sample_link || !g->seen || !g->crossed ||
        !g->near)
        return false;
    nsamples = 0;
    for (int e = 0; e < v->edge_count; e++) {
        int count = sample_count(l, e) - 1;
        Point normal;
        for (int s = 0; s <= count - 1; s++) {
            g->sample_link[nsamples] = e;
            samples[nsamples++] =
                curve_at(l->curve[e], l->points[e], (double)s / (count - 1), &normal);
        }
        /* The arrowhead: from the curve's end to the tip. */
        g->sample_link[nsamples] = e;
        samples[nsamples++] = l->tip[e];
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
        grid_add_box(
            g, (Box){l->pos[i].x - hw, l->pos[i].y - hh, l->pos[i].x + hw, l->pos[i].y + hh}, -1);
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
    free(g->owner);
    free((Point *)g->samples);
    free(g->sample_link);
    free(g->seen);
    free(g->crossed);
    free(g->near);
}

/* A link's labels in the grid: their boxes' numbers there (-1: not there
 * yet) and how far each box is from its own link's nearer arrow. */
typedef struct {
    int box[3];
    double own[3];
} Placed;

/* The labels of a link, by slot: the value, the gradient, the name. The
 * value and the name move together (the name goes with its value); the
 * gradient is its own group. */
enum { VALUE, GRAD, NAME };
enum { WITH_VALUE = 1, WITH_GRAD = 2, WITH_BOTH = 3 };

/* Where a link's labels would go at one spot: centres, boxes, and how far
 * each box is from its own link's nearer arrow. */
typedef struct {
    Point center[3];
    Box box[3];
    double own[3];
} Spot;

/* Link e's labels set at t along it, push points further out than the
 * nearest; the name beyond the value, or (beside) before it along the link,
 * as near the link as the value, so that another link running past cannot
 * seem nearer. */
static void spot_at(const View *v, const Layout *l, int e, double t, double push, bool beside,
                    Spot *s) {
    const ViewEdge *ve = &v->edges[e];
    Point normal, at = curve_at(l->curve[e], l->points[e], t, &normal);
    double gap = LINE_GAP + LABEL_GAP + push;
    s->own[VALUE] = s->own[GRAD] = gap - LINE_GAP;
    s->box[VALUE] = label_box(ve->value, VALUE_SIZE, at, normal, 1, gap, &s->center[VALUE]);
    s->box[GRAD] =
        label_box(*ve->grad ? ve->grad : " ", VALUE_SIZE, at, normal, -1, gap, &s->center[GRAD]);
    s->center[NAME] = (Point){0, 0};
    if (!*ve->name) return;
    Box value = s->box[VALUE];
    if (!beside) {
        double beyond = gap + (value.x1 - value.x0) * fabs(normal.x) / 2 +
                        (value.y1 - value.y0) * fabs(normal.y) + 1;
        s->own[NAME] = beyond - LINE_GAP;
        s->box[NAME] = label_box(ve->name, NAME_SIZE, at, normal, 1, beyond, &s->center[NAME]);
        return;
    }
    Point along = {normal.y, -normal.x}; /* the way of travel */
    double name_w = lay_text_width(ve->name, NAME_SIZE);
    double name_h = NAME_SIZE * 1.2 * lay_text_lines(ve->name);
    double shift = ((value.x1 - value.x0) + name_w) * fabs(along.x) / 2 +
                   ((value.y1 - value.y0) + name_h) * fabs(along.y) / 2 +
                   4; /* points between name and value */
    s->own[NAME] = gap - LINE_GAP;
    s->box[NAME] = label_box(ve->name, NAME_SIZE, lay_point_add(at, along, -shift), normal, 1, gap,
                             &s->center[NAME]);
}

/* The faults of the labels of spot s in `groups`, counted up to `enough`. */
static int spot_faults(Grid *g, const View *v, int e, const Spot *s, int groups, int enough) {
    bool in[3] = {groups & WITH_VALUE, groups & WITH_GRAD,
                  (groups & WITH_VALUE) && *v->edges[e].name};
    int hits = 0;
    for (int b = 0; b < 3 && hits < enough; b++)
        if (in[b]) hits += collisions(g, s->box[b], e, s->own[b], enough - hits);
    return hits;
}

/* The first spot along link e where its labels in `groups` have no faults,
 * given everything placed so far (their own earlier places aside), else the
 * one with the fewest: sets *best, returns its faults. Spots go from the
 * middle of the link outwards, then a little further from it. */
static int best_spot(Grid *g, bool ok, const View *v, const Layout *l, int e, int groups,
                     Spot *best) {
    static const double spots[] = {0.5, 0.42, 0.58, 0.34, 0.66, 0.26, 0.74, 0.18, 0.82, 0.1, 0.9};
    static const double pushes[] = {0, 5, 10};
    int fewest = -1;
    int sides = (groups & WITH_VALUE) && *v->edges[e].name ? 2 : 1;
    for (int beside = 0; beside < sides && fewest != 0; beside++)
        for (size_t p = 0; p < sizeof pushes / sizeof pushes[0] && fewest != 0; p++)
            for (size_t t = 0; t < sizeof spots / sizeof spots[0] && fewest != 0; t++) {
                Spot s;
                spot_at(v, l, e, spots[t], pushes[p], beside, &s);
                int hits = ok ? spot_faults(g, v, e, &s, groups, fewest < 0 ? INT_MAX : fewest) : 0;
                if (fewest < 0 || hits < fewest) fewest = hits, *best = s;
            }
    return fewest;
}

/* Places link e's labels at the best spot given everything placed so far
 * (its own earlier place aside): sets their centres in l and their boxes in
 * the grid, recorded in *placed. Value and gradient sit at the same spot, one
 * either side, as in the book; where no spot suits both and apart_ok allows,
 * each group takes its own best spot, if that has fewer faults. Returns the
 * faults, 0 if none. */
static int place_link(Grid *g, bool ok, const View *v, Layout *l, int e, bool apart_ok,
                      Placed *placed) {
    Spot spot, value, grad;
    int faults = best_spot(g, ok, v, l, e, WITH_BOTH, &spot);
    if (faults > 0 && apart_ok) {
        int apart = best_spot(g, ok, v, l, e, WITH_VALUE, &value);
        apart += best_spot(g, ok, v, l, e, WITH_GRAD, &grad);
        if (apart < faults) {
            spot = value;
            spot.center[GRAD] = grad.center[GRAD], spot.box[GRAD] = grad.box[GRAD];
            spot.own[GRAD] = grad.own[GRAD];
            faults = apart;
        }
    }
    l->value_at[e] = spot.center[VALUE];
    l->grad_at[e] = spot.center[GRAD];
    l->name_at[e] = spot.center[NAME];
    for (int b = 0; ok && b < (*v->edges[e].name ? 3 : 2); b++) {
        if (placed->box[b] < 0)
            placed->box[b] = grid_add_box(g, spot.box[b], e);
        else
            grid_move_box(g, placed->box[b], spot.box[b]);
        placed->own[b] = spot.own[b];
    }
    return faults;
}

/* Whether link e's labels have faults where they are now. */
static bool has_faults(Grid *g, int e, const Placed *placed) {
    for (int b = 0; b < 3 && placed->box[b] >= 0; b++)
        if (collisions(g, g->boxes[placed->box[b]], e, placed->own[b], 1) > 0) return true;
    return false;
}

void lay_place_labels(const View *v, Layout *l) {
    Grid grid;
    bool ok = grid_init(&grid, v, l); /* without it, labels go to their first spot */
    int *order = label_order(v);
    Placed *placed = malloc(((size_t)v->edge_count + 1) * sizeof *placed);
    ok = ok && placed;
    bool faulty = false;
    for (int k = 0; k < v->edge_count; k++) {
        int e = order ? order[k] : k;
        Placed none, *slot = ok ? &placed[e] : &none;
        slot->box[0] = slot->box[1] = slot->box[2] = -1;
        faulty |= place_link(&grid, ok, v, l, e, false, slot) > 0;
    }
    /* Links placed early could not see the labels placed after them: while
     * any label has faults, each link whose labels have faults now, with
     * all the others in place, is placed again (the apple's 2.2, crowded by
     * apple_num's 2 placed after it, moves along its link to leave room).
     * A link without faults keeps its place: trying all its spots again is
     * what made this the slowest part of drawing a figure. Only now may a
     * link's value and gradient part: in the first round, what crowds them
     * may still move away. */
    for (int pass = 0; ok && faulty && pass < REPLACE_PASSES; pass++) {
        faulty = false;
        for (int k = 0; k < v->edge_count; k++) {
            int e = order ? order[k] : k;
            if (has_faults(&grid, e, &placed[e]))
                faulty |= place_link(&grid, ok, v, l, e, true, &placed[e]) > 0;
        }
    }
    free(placed);
    free(order);
    grid_free(&grid);
}
