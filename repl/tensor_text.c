/* tensor_text.c - NumPy-style layout of tensor values (see tensor_text.h).
 *
 * The layout walks the value twice with the same code: once to measure the
 * widest integer part and fraction among the elements that will be shown,
 * once to write them. Ranks are at most BP_MAX_RANK, so the walk recurses.
 */
#include "tensor_text.h"

#include <math.h>
#include <string.h>

#include "../graph/format.h"
#include "../graph/graph.h"

enum { LINE_WIDTH = 75 }; /* NumPy's: longer rows wrap */

typedef struct {
    Value v;
    const TensorStyle *style;
    bool elide;
    int left, right; /* widest integer part, widest rest (".25", "e-07") */
    StrBuf *out;     /* NULL while measuring */
    int column;      /* where the text written so far ends */
} Walk;

/* Where the integer part of a formatted number ends. */
static size_t integer_part(const char *num) {
    return strcspn(num, ".e");
}

/* Appends text that occupies `width` columns. */
static void put(Walk *w, const char *text, int width) {
    sb_puts(w->out, text);
    w->column += width;
}

static void pad(Walk *w, int n) {
    for (; n > 0; n--)
        put(w, " ", 1);
}

static void new_line(Walk *w, int lines, int indent) {
    /* No trailing blanks where a wrapped row breaks after a padded number. */
    while (w->out->len > 0 && w->out->data[w->out->len - 1] == ' ')
        w->out->data[--w->out->len] = '\0';
    for (int k = 0; k < lines; k++)
        sb_append(w->out, "\n", 1);
    w->column = 0;
    pad(w, indent);
}

static void element(Walk *w, double x) {
    char num[FMT_NUMBER_SIZE];
    fmt_number(num, sizeof num, x, w->style->digits);
    int left = (int)integer_part(num), right = (int)strlen(num) - left;
    if (!w->out) {
        if (left > w->left) w->left = left;
        if (right > w->right) w->right = right;
        return;
    }
    pad(w, w->left - left);
    put(w, num, (int)strlen(num));
    pad(w, w->right - right);
}

/* Between two entries of `axis`: a space inside a row, or a line break if
 * the next entry would pass LINE_WIDTH; between rows a line break (plus a
 * blank line per further axis) and the indent that puts the next bracket
 * under the one before. */
static void separator(Walk *w, int axis) {
    int rank = w->v.shape->rank;
    if (axis < rank - 1)
        new_line(w, rank - 1 - axis, w->style->indent + axis + 1);
    else if (w->column + 1 + w->left + w->right > LINE_WIDTH)
        new_line(w, 1, w->style->indent + rank);
    else
        put(w, " ", 1);
}

static void walk(Walk *w, int axis, size_t base) {
    const Shape *s = w->v.shape;
    /* Shapes never exceed BP_MAX_RANK; saying so lets gcc -O3 see the
     * recursion below stays inside dims[]. */
    int rank = s->rank < BP_MAX_RANK ? s->rank : BP_MAX_RANK;
    size_t stride = 1;
    size_product(s->dims + axis + 1, rank - axis - 1, &stride); /* part of a value's shape */
    int n = s->dims[axis];
    bool cut = w->elide && n > 2 * TENSOR_EDGE;
    if (w->out) put(w, "[", 1);
    for (int i = 0; i < n; i++) {
        if (w->out && i > 0) separator(w, axis);
        if (cut && i == TENSOR_EDGE) {
            if (w->out) {
                put(w, "…", 1);
                separator(w, axis);
            }
            i = n - TENSOR_EDGE;
        }
        if (axis >= rank - 1)
            element(w, w->v.data[base + (size_t)i]);
        else
            walk(w, axis + 1, base + (size_t)i * stride);
    }
    if (w->out) put(w, "]", 1);
}

void tensor_text(StrBuf *out, Value v, const TensorStyle *style) {
    if (v.shape->rank == 0) {
        char num[FMT_NUMBER_SIZE];
        sb_puts(out, fmt_number(num, sizeof num, v.data[0], style->digits));
        return;
    }
    Walk w = {v, style, style->elide > 0 && v.size > style->elide, 0, 0, NULL, style->indent};
    walk(&w, 0, 0);
    w.out = out;
    walk(&w, 0, 0);
}

void tensor_text_cell(StrBuf *out, Value v, int digits, size_t inline_max) {
    if (v.size <= inline_max) {
        graph_value_text(v, digits, out);
        return;
    }
    char shape[SHAPE_TEXT_SIZE], lo[FMT_NUMBER_SIZE], hi[FMT_NUMBER_SIZE];
    sb_puts(out, shape_text(v.shape, shape, sizeof shape));
    double min = INFINITY, max = -INFINITY;
    for (size_t i = 0; i < v.size; i++) {
        if (isnan(v.data[i])) {
            sb_puts(out, " has nan");
            return;
        }
        min = fmin(min, v.data[i]);
        max = fmax(max, v.data[i]);
    }
    /* A range is for orientation, so a few digits are enough. */
    int d = digits < 4 ? digits : 4;
    sb_printf(out, " ∈ [%s, %s]", fmt_number(lo, sizeof lo, min, d),
              fmt_number(hi, sizeof hi, max, d));
}
