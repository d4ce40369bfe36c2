/* test_label_geometry.c - every label visibly belongs to its own link.
 *
 * On every figure committed under examples/ (each --steps frame, the
 * worksheets, the symbolic ones, the notes' figures) and on a few more drawn
 * here (tanh expanded, a two-input neuron), each label of a link - its value,
 * gradient, grey name, or a worksheet's box for one - must
 *
 *   (a) be nearer its own link's arrows than any other link's arrow, by at
 *       least ARROW_MARGIN points, so the eye pairs it with its own;
 *   (b) keep at least LABEL_GAP points from every other link's labels, so
 *       two numbers never read as one ("2.2 2"); and
 *   (c) sit on its own side: a gradient nearer its link's red arrow than
 *       its black one, a value or name nearer the black one.
 *
 * The SVG writer groups each link's arrows and labels in
 * <g class="link" data-link="N">, which is how a label's link is known.
 * Geometry is in SVG units (points, y down); a text's box is estimated from
 * its characters (DejaVu Sans: about 0.6 em a character, 1 em for CJK) and
 * its font's ascent and descent. */
#include <check.h>
#include <dirent.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check_main.h"
#include "harness.h"

/* Points: what "nearer" and "apart" mean. A margin of 3 is more than the
 * 2.5 points each arrow keeps from the link's middle, so a label halfway
 * between two links fails (apple_num's 2 under apple's red arrow did). A
 * gap of 5 is about half an em at 11 points: the figures' texts keep 6.4
 * or more, a worksheet's boxes (text plus padding) 5.4. */
static const double ARROW_MARGIN = 3;
static const double LABEL_GAP = 5;

enum { MAX_LINKS = 512, MAX_SEGMENTS = 65536, MAX_LABELS = 2048, BEZIER_STEPS = 24 };

typedef struct {
    double x0, y0, x1, y1;
} Box;

typedef struct {
    double ax, ay, bx, by;
    int link;
    bool red; /* a piece of the red (backward) arrow */
} Segment;

typedef struct {
    Box box;
    int link;
    char kind[10]; /* "value", "gradient" or "name" */
    char text[256];
} Label;

typedef struct {
    Segment *segments; /* every arrow of every link, as straight pieces */
    int segment_count;
    Label labels[MAX_LABELS];
    int label_count;
} Figure;

static double num_attr(const char *tag, const char *end, const char *name) {
    char v[64];
    h_attr(tag, end, name, v, sizeof v);
    return atof(v);
}

static void add_segment(Figure *f, double ax, double ay, double bx, double by, int link, bool red) {
    ck_assert(f->segment_count < MAX_SEGMENTS);
    f->segments[f->segment_count++] = (Segment){ax, ay, bx, by, link, red};
}

/* Reads the next "x,y" of a path or polygon; false at its end. */
static bool next_point(const char **s, double *x, double *y) {
    while (**s && !strchr("-0123456789.", **s))
        (*s)++;
    if (!**s) return false;
    char *end;
    *x = strtod(*s, &end);
    ck_assert(*end == ',');
    *y = strtod(end + 1, &end);
    *s = end;
    return true;
}

/* A path as the SVG writer draws arrows: "M p C p p p p p p ..." (cubic
 * Béziers, flattened here) or "M p L p p ..." (straight pieces). */
static void add_path(Figure *f, const char *d, int link, bool red) {
    bool bezier = strchr(d, 'C') != NULL;
    double x, y, p[6];
    ck_assert(next_point(&d, &x, &y));
    for (;;) {
        if (!bezier) {
            if (!next_point(&d, &p[0], &p[1])) return;
            add_segment(f, x, y, p[0], p[1], link, red);
            x = p[0], y = p[1];
            continue;
        }
        if (!next_point(&d, &p[0], &p[1])) return;
        ck_assert(next_point(&d, &p[2], &p[3]) && next_point(&d, &p[4], &p[5]));
        double px = x, py = y;
        for (int k = 1; k <= BEZIER_STEPS; k++) {
            double u = (double)k / BEZIER_STEPS, v = 1 - u;
            double qx =
                v * v * v * x + 3 * v * v * u * p[0] + 3 * v * u * u * p[2] + u * u * u * p[4];
            double qy =
                v * v * v * y + 3 * v * v * u * p[1] + 3 * v * u * u * p[3] + u * u * u * p[5];
            add_segment(f, px, py, qx, qy, link, red);
            px = qx, py = qy;
        }
        x = p[4], y = p[5];
    }
}

static void add_polygon(Figure *f, const char *points, int link, bool red) {
    double x0, y0, x, y, nx, ny;
    ck_assert(next_point(&points, &x0, &y0));
    x = x0, y = y0;
    while (next_point(&points, &nx, &ny)) {
        add_segment(f, x, y, nx, ny, link, red);
        x = nx, y = ny;
    }
    add_segment(f, x, y, x0, y0, link, red);
}

/* The width of a line of text: 0.6 em a character, 1 em for CJK (3-byte
 * UTF-8 from U+1100 on, which also takes in ∂ and · at 1 em: generous). */
static double text_width(const char *s, double size) {
    double w = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p & 0xC0) == 0x80) continue;
        w += *p >= 0xE1 ? size : 0.6 * size;
    }
    return w;
}

static const char *kind_of(const char *colour) {
    return strcmp(colour, "red") == 0     ? "gradient"
           : strcmp(colour, "black") == 0 ? "value"
                                          : "name";
}

static void add_label(Figure *f, Box box, int link, const char *kind, const char *text) {
    ck_assert(f->label_count < MAX_LABELS);
    Label *l = &f->labels[f->label_count++];
    *l = (Label){box, link, "", ""};
    snprintf(l->kind, sizeof l->kind, "%s", kind);
    snprintf(l->text, sizeof l->text, "%s", text);
}

static bool inside(Box b, double x, double y) {
    return x >= b.x0 && x <= b.x1 && y >= b.y0 && y <= b.y1;
}

/* The links' arrows and labels of the SVG text. A text line right under the
 * previous one of the same colour and size continues its label (a tensor's
 * rows); a worksheet's box is the label, the answer written in it part of it. */
static void figure_read(Figure *f, const char *svg) {
    memset(f, 0, sizeof *f);
    f->segments = malloc(MAX_SEGMENTS * sizeof *f->segments);
    ck_assert(f->segments);
    int link = -1;
    double last_x = NAN, last_y = NAN, last_size = 0;
    char last_fill[32] = "";
    for (const char *p = svg; (p = strchr(p, '<')) != NULL; p++) {
        const char *end = strchr(p, '>');
        ck_assert_ptr_nonnull(end);
        if (strncmp(p, "<g class=\"link\"", 15) == 0) {
            link = (int)num_attr(p, end, "data-link");
            ck_assert(link >= 0 && link < MAX_LINKS);
            continue;
        }
        if (strncmp(p, "</g>", 4) == 0) link = -1;
        if (link < 0) continue; /* nodes, and what frames the picture */
        char stroke[32], fill[32];
        h_attr(p, end, "stroke", stroke, sizeof stroke);
        h_attr(p, end, "fill", fill, sizeof fill);
        if (strncmp(p, "<path", 5) == 0) {
            char *d = malloc((size_t)(end - p) + 1);
            h_attr(p, end, "d", d, (size_t)(end - p) + 1);
            add_path(f, d, link, strcmp(stroke, "red") == 0);
            free(d);
        } else if (strncmp(p, "<polygon", 8) == 0) {
            char *points = malloc((size_t)(end - p) + 1);
            h_attr(p, end, "points", points, (size_t)(end - p) + 1);
            add_polygon(f, points, link, strcmp(stroke, "red") == 0);
            free(points);
        } else if (strncmp(p, "<rect", 5) == 0) {
            double x = num_attr(p, end, "x"), y = num_attr(p, end, "y");
            Box b = {x, y, x + num_attr(p, end, "width"), y + num_attr(p, end, "height")};
            add_label(f, b, link, kind_of(stroke), "(box)");
        } else if (strncmp(p, "<text", 5) == 0) {
            const char *close = strstr(end, "</text>");
            ck_assert_ptr_nonnull(close);
            double x = num_attr(p, end, "x"), y = num_attr(p, end, "y");
            char text[256];
            snprintf(text, sizeof text, "%.*s", (int)(close - end - 1), end + 1);
            double size = num_attr(p, end, "font-size"), w = text_width(text, size);
            /* Ascent and descent of DejaVu Sans, about 0.76 and 0.24 em. */
            Box b = {x - w / 2, y - 0.76 * size, x + w / 2, y + 0.24 * size};
            Label *prev = f->label_count ? &f->labels[f->label_count - 1] : NULL;
            bool answer = prev && prev->link == link && strcmp(prev->text, "(box)") == 0 &&
                          inside(prev->box, x, y - 0.3 * size);
            bool next_row = prev && prev->link == link && strcmp(fill, last_fill) == 0 &&
                            size == last_size && x == last_x &&
                            fabs(y - last_y - 1.2 * size) < 0.02;
            if (next_row) {
                prev->box =
                    (Box){fmin(prev->box.x0, b.x0), prev->box.y0, fmax(prev->box.x1, b.x1), b.y1};
            } else if (!answer) {
                add_label(f, b, link, kind_of(*fill ? fill : "black"), text);
            }
            last_x = x, last_y = y, last_size = size;
            snprintf(last_fill, sizeof last_fill, "%s", fill);
        }
    }
}

/* The distance between a point and a segment. */
static double point_segment(double px, double py, Segment s) {
    double dx = s.bx - s.ax, dy = s.by - s.ay, len2 = dx * dx + dy * dy;
    double t = len2 > 0 ? fmax(0, fmin(1, ((px - s.ax) * dx + (py - s.ay) * dy) / len2)) : 0;
    return hypot(px - s.ax - t * dx, py - s.ay - t * dy);
}

static double point_box(double px, double py, Box b) {
    return hypot(fmax(0, fmax(b.x0 - px, px - b.x1)), fmax(0, fmax(b.y0 - py, py - b.y1)));
}

/* Whether the segment crosses the box's side from (x0,y0) to (x1,y1). */
static bool crosses(Segment s, double x0, double y0, double x1, double y1) {
    double d1 = (x1 - x0) * (s.ay - y0) - (y1 - y0) * (s.ax - x0);
    double d2 = (x1 - x0) * (s.by - y0) - (y1 - y0) * (s.bx - x0);
    double d3 = (s.bx - s.ax) * (y0 - s.ay) - (s.by - s.ay) * (x0 - s.ax);
    double d4 = (s.bx - s.ax) * (y1 - s.ay) - (s.by - s.ay) * (x1 - s.ax);
    return d1 * d2 <= 0 && d3 * d4 <= 0;
}

/* The distance between a box and a segment: 0 if they meet, else the
 * nearest of the segment's ends to the box and the box's corners to it. */
static double box_segment(Box b, Segment s) {
    bool apart = fmax(s.ax, s.bx) < b.x0 || fmin(s.ax, s.bx) > b.x1 || fmax(s.ay, s.by) < b.y0 ||
                 fmin(s.ay, s.by) > b.y1; /* (a segment in line with a side "crosses" it) */
    if (!apart && (inside(b, s.ax, s.ay) || crosses(s, b.x0, b.y0, b.x1, b.y0) ||
                   crosses(s, b.x1, b.y0, b.x1, b.y1) || crosses(s, b.x1, b.y1, b.x0, b.y1) ||
                   crosses(s, b.x0, b.y1, b.x0, b.y0)))
        return 0;
    double d = fmin(point_box(s.ax, s.ay, b), point_box(s.bx, s.by, b));
    d = fmin(d, fmin(point_segment(b.x0, b.y0, s), point_segment(b.x1, b.y0, s)));
    return fmin(d, fmin(point_segment(b.x0, b.y1, s), point_segment(b.x1, b.y1, s)));
}

static double box_box(Box a, Box b) {
    double dx = fmax(0, fmax(a.x0 - b.x1, b.x0 - a.x1));
    double dy = fmax(0, fmax(a.y0 - b.y1, b.y0 - a.y1));
    return hypot(dx, dy);
}

/* The failures found, one a line, so one run shows many (Check's message
 * holds a few thousand characters: the rest go to stderr only). */
static char failures[3072];

__attribute__((format(printf, 1, 2))) static void note_failure(const char *fmt, ...) {
    char line[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    fprintf(stderr, "%s\n", line);
    size_t n = strlen(failures);
    snprintf(failures + n, sizeof failures - n, "%s\n", line);
}

/* Checks (a), (b) and (c) on every label of the figure, noting each failure;
 * returns how many labels. */
static int check_figure(const char *what, const char *svg) {
    Figure f;
    figure_read(&f, svg);
    for (int i = 0; i < f.label_count; i++) {
        const Label *l = &f.labels[i];
        double own = INFINITY, other = INFINITY, own_by_colour[2] = {INFINITY, INFINITY};
        int nearest = -1;
        for (int k = 0; k < f.segment_count; k++) {
            double d = box_segment(l->box, f.segments[k]);
            if (f.segments[k].link == l->link) {
                own = fmin(own, d);
                own_by_colour[f.segments[k].red] = fmin(own_by_colour[f.segments[k].red], d);
            } else if (d < other) {
                other = d, nearest = f.segments[k].link;
            }
        }
        if (other - own < ARROW_MARGIN)
            note_failure("%s: link %d's %s '%s' is %.1f points from its own arrows but %.1f from "
                         "link %d's (want %g nearer)",
                         what, l->link, l->kind, l->text, own, other, nearest, ARROW_MARGIN);
        /* On its own side: a gradient by the red arrow, the rest by the
         * black one (where the link has both). */
        bool red = strcmp(l->kind, "gradient") == 0;
        if (isfinite(own_by_colour[!red]) && own_by_colour[red] >= own_by_colour[!red])
            note_failure("%s: link %d's %s '%s' is %.1f points from its %s arrow, %.1f from its %s",
                         what, l->link, l->kind, l->text, own_by_colour[red], red ? "red" : "black",
                         own_by_colour[!red], red ? "black" : "red");
        for (int k = 0; k < f.label_count; k++) {
            const Label *m = &f.labels[k];
            if (k < i || m->link == l->link) continue; /* each pair once */
            double gap = box_box(l->box, m->box);
            if (gap < LABEL_GAP)
                note_failure(
                    "%s: link %d's %s '%s' is %.1f points from link %d's %s '%s' (want %g)", what,
                    l->link, l->kind, l->text, gap, m->link, m->kind, m->text, LABEL_GAP);
        }
    }
    free(f.segments);
    return f.label_count;
}

/* Every SVG in dir, named in failures by prefix and its file name; adds to
 * *figures and *labels. */
static void check_dir(const char *dir, const char *prefix, int *figures, int *labels) {
    DIR *d = opendir(dir);
    ck_assert_msg(d, "cannot open %s", dir);
    for (struct dirent *e; (e = readdir(d)) != NULL;) {
        size_t n = strlen(e->d_name);
        if (n < 5 || strcmp(e->d_name + n - 4, ".svg") != 0) continue;
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        char *svg = h_read_file(path), what[512];
        snprintf(what, sizeof what, "%s%s", prefix, e->d_name);
        *labels += check_figure(what, svg);
        (*figures)++;
        free(svg);
    }
    closedir(d);
}

START_TEST(test_every_example_figure) {
    int figures = 0, labels = 0;
    failures[0] = '\0';
    check_dir(BP_EXAMPLES_DIR, "", &figures, &labels);
    check_dir(BP_EXAMPLES_DIR "/notes/figures", "notes/figures/", &figures, &labels);
    ck_assert_msg(!*failures, "%s", failures);
    ck_assert_msg(figures >= 40 && labels >= 300, "only %d figures, %d labels", figures, labels);
    printf("label geometry: %d labels on %d example figures\n", labels, figures);
}
END_TEST

/* Figures the issue named that no example draws. */
static const struct {
    const char *what, *source, *options;
} drawn[] = {
    {"tanh expanded", "x = 0.5; y = tanh(x)", "--expand"},
    {"tanh expanded, symbolic", "x = 0.5; y = tanh(x)", "--expand --symbolic"},
    {"a tanh neuron", "w = -3; x = 2; b = 6.88; y = tanh(w * x + b)", "--expand"},
    {"a scalar neuron",
     "x1 = 2; x2 = 0; w1 = -3; w2 = 1; b = 6.88\ny = tanh(x1 * w1 + x2 * w2 + b)", ""},
    {"a sigmoid neuron",
     "x1 = 1; x2 = -2; w1 = 0.5; w2 = -1.5; b = 0.1\n"
     "y = sigmoid(x1 * w1 + x2 * w2 + b)",
     ""},
};

START_TEST(test_drawn_figure) {
    char dir[] = "/tmp/bp_label_geometry_XXXXXX", path[64], line[256];
    ck_assert(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/figure.svg", dir);
    failures[0] = '\0';
    Harness h;
    h_init(&h);
    ck_assert_msg(h_run(&h, drawn[_i].source), "%s", h.err_text);
    snprintf(line, sizeof line, ":render %s %s", path, drawn[_i].options);
    ck_assert_msg(h_run(&h, line), "%s: %s", drawn[_i].what, h.err_text);
    h_free(&h);
    char *svg = h_read_file(path);
    check_figure(drawn[_i].what, svg);
    ck_assert_msg(!*failures, "%s", failures);
    free(svg);
    unlink(path);
    rmdir(dir);
}
END_TEST

static Suite *label_geometry_suite(void) {
    Suite *s = suite_create("label_geometry");
    TCase *tc = tcase_create("label_geometry");
    tcase_add_test(tc, test_every_example_figure);
    tcase_add_loop_test(tc, test_drawn_figure, 0, sizeof drawn / sizeof drawn[0]);
    suite_add_tcase(s, tc);
    return s;
}

CHECK_MAIN(label_geometry_suite)
