/* tensor_ops.c - the ops that see whole tensors: matrix product, transpose,
 * reductions, reshapes, row indexing, and the book's layers (Affine, Softmax,
 * cross-entropy, Softmax-with-Loss).
 *
 * Each op is a shape rule, then forward and backward side by side. Kernels
 * never fail: the engine checks shapes with the rule before it allocates the
 * node, and re-checks them when a redefinition changes an input's shape.
 * Matrix products go through CBLAS; gradients accumulate with beta = 1.
 */
#include "tensor_ops.h"

#include <cblas.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "format.h"

static bool fail(char *why, size_t why_size, const char *fmt, const Shape *a, const Shape *b) {
    char sa[SHAPE_TEXT_SIZE], sb[SHAPE_TEXT_SIZE];
    shape_text(a, sa, sizeof sa);
    if (b) shape_text(b, sb, sizeof sb);
    snprintf(why, why_size, fmt, sa, b ? sb : "");
    return false;
}

/* --- matmul: Y = A @ B ----------------------------------------------------- */

/* A vector on the left is one row (1,k); on the right one column (k,1). */
typedef struct {
    int n, k, m;
} MatDims;

static MatDims mat_dims(const Shape *a, const Shape *b) {
    MatDims d;
    d.n = a->rank == 2 ? a->dims[0] : 1;
    d.k = a->dims[a->rank - 1];
    d.m = b->rank == 2 ? b->dims[1] : 1;
    return d;
}

bool matmul_infer(const Shape *const *in, int32_t arg, const Shape *spec, Shape *out, char *why,
                  size_t why_size) {
    (void)arg, (void)spec;
    const Shape *a = in[0], *b = in[1];
    if (a->rank < 1 || a->rank > 2 || b->rank < 1 || b->rank > 2)
        return fail(why, why_size, "@ multiplies vectors and matrices, not shapes %s and %s", a, b);
    if (a->dims[a->rank - 1] != b->dims[0])
        return fail(why, why_size,
                    "shapes %s and %s do not fit for @: the left's last axis must match the "
                    "right's first",
                    a, b);
    out->rank = 0;
    if (a->rank == 2) out->dims[out->rank++] = a->dims[0];
    if (b->rank == 2) out->dims[out->rank++] = b->dims[1];
    return true;
}

/* Y = A·B + beta·Y for A (n,k), B (k,m). */
static void gemm(MatDims d, const double *a, const double *b, double beta, double *y) {
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, d.n, d.m, d.k, 1.0, a, d.k, b, d.m, beta,
                y, d.m);
}
/* ∂L/∂A += ∂L/∂Y · Bᵀ and ∂L/∂B += Aᵀ · ∂L/∂Y: the book's Affine backward. */
static void gemm_backward(MatDims d, const double *a, const double *b, const double *dy, double *da,
                          double *db) {
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, d.n, d.k, d.m, 1.0, dy, d.m, b, d.m, 1.0,
                da, d.k);
    cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, d.k, d.m, d.n, 1.0, a, d.k, dy, d.m, 1.0,
                db, d.m);
}

void matmul_forward(const OpCall *c) {
    gemm(mat_dims(c->x[0].shape, c->x[1].shape), c->x[0].data, c->x[1].data, 0.0, c->y);
}
void matmul_backward(const OpCall *c) {
    gemm_backward(mat_dims(c->x[0].shape, c->x[1].shape), c->x[0].data, c->x[1].data, c->dy,
                  c->dx[0], c->dx[1]);
}

/* --- transpose: axes reversed ---------------------------------------------- */

bool transpose_infer(const Shape *const *in, int32_t arg, const Shape *spec, Shape *out, char *why,
                     size_t why_size) {
    (void)arg, (void)spec, (void)why, (void)why_size;
    out->rank = in[0]->rank;
    for (int i = 0; i < out->rank; i++)
        out->dims[i] = in[0]->dims[out->rank - 1 - i];
    return true;
}

/* dst[j reversed] (+)= src[j] over every index j of src (shape s). Padding
 * to four axes keeps it one loop nest for every rank. */
static void transpose_into(const double *src, const Shape *s, double *dst, bool add) {
    int64_t d[BP_MAX_RANK], stride[BP_MAX_RANK]; /* src dims, dst strides, padded */
    int pad = BP_MAX_RANK - s->rank;
    for (int i = 0; i < BP_MAX_RANK; i++)
        d[i] = i < pad ? 1 : s->dims[i - pad];
    /* In dst, src's last axis comes first, so it has the largest stride. */
    int64_t st = 1;
    for (int i = pad; i < BP_MAX_RANK; i++) {
        stride[i] = st;
        st *= d[i];
    }
    for (int i = 0; i < pad; i++)
        stride[i] = 0;
    size_t j = 0;
    for (int64_t a = 0; a < d[0]; a++)
        for (int64_t b = 0; b < d[1]; b++)
            for (int64_t e = 0; e < d[2]; e++)
                for (int64_t f = 0; f < d[3]; f++, j++) {
                    int64_t k = a * stride[0] + b * stride[1] + e * stride[2] + f * stride[3];
                    dst[k] = add ? dst[k] + src[j] : src[j];
                }
}

void transpose_forward(const OpCall *c) {
    transpose_into(c->x[0].data, c->x[0].shape, c->y, false);
}
void transpose_backward(const OpCall *c) {
    transpose_into(c->dy, c->yshape, c->dx[0], true);
}

/* --- sum and mean: over one axis or all ------------------------------------ */

/* A reduction axis seen as (outer, n, inner): x[(o·n + j)·inner + i]. */
typedef struct {
    size_t outer, n, inner;
} Split;

static Split split_at(const Shape *s, int32_t axis) {
    Split sp = {1, shape_size(s), 1};
    if (axis == AXIS_ALL) return sp;
    int ax = axis < 0 ? axis + s->rank : axis;
    sp.n = (size_t)s->dims[ax];
    size_product(s->dims, ax, &sp.outer); /* parts of a value's shape: they fit */
    size_product(s->dims + ax + 1, s->rank - ax - 1, &sp.inner);
    return sp;
}

static bool reduce_infer(const char *name, const Shape *const *in, int32_t axis, Shape *out,
                         char *why, size_t why_size) {
    const Shape *s = in[0];
    if (axis == AXIS_ALL) {
        out->rank = 0;
        return true;
    }
    if (axis < -s->rank || axis >= s->rank) {
        char st[SHAPE_TEXT_SIZE];
        snprintf(why, why_size, "%s: axis %d is out of range for shape %s", name, (int)axis,
                 shape_text(s, st, sizeof st));
        return false;
    }
    int ax = axis < 0 ? axis + s->rank : axis;
    out->rank = 0;
    for (int i = 0; i < s->rank; i++)
        if (i != ax) out->dims[out->rank++] = s->dims[i];
    return true;
}

static void reduce_forward(const OpCall *c, double scale) {
    Split sp = split_at(c->x[0].shape, c->arg);
    const double *x = c->x[0].data;
    for (size_t o = 0; o < sp.outer; o++)
        for (size_t i = 0; i < sp.inner; i++) {
            double total = 0;
            for (size_t j = 0; j < sp.n; j++)
                total += x[(o * sp.n + j) * sp.inner + i];
            c->y[o * sp.inner + i] = total * scale;
        }
}
static void reduce_backward(const OpCall *c, double scale) {
    Split sp = split_at(c->x[0].shape, c->arg);
    for (size_t o = 0; o < sp.outer; o++)
        for (size_t j = 0; j < sp.n; j++)
            for (size_t i = 0; i < sp.inner; i++)
                c->dx[0][(o * sp.n + j) * sp.inner + i] += c->dy[o * sp.inner + i] * scale;
}

bool sum_infer(const Shape *const *in, int32_t arg, const Shape *spec, Shape *out, char *why,
               size_t why_size) {
    (void)spec;
    return reduce_infer("sum", in, arg, out, why, why_size);
}
void sum_forward(const OpCall *c) {
    reduce_forward(c, 1.0);
}
void sum_backward(const OpCall *c) {
    reduce_backward(c, 1.0);
}

bool mean_infer(const Shape *const *in, int32_t arg, const Shape *spec, Shape *out, char *why,
                size_t why_size) {
    (void)spec;
    return reduce_infer("mean", in, arg, out, why, why_size);
}
void mean_forward(const OpCall *c) {
    reduce_forward(c, 1.0 / (double)split_at(c->x[0].shape, c->arg).n);
}
void mean_backward(const OpCall *c) {
    reduce_backward(c, 1.0 / (double)split_at(c->x[0].shape, c->arg).n);
}

/* --- reshape and flatten: same elements, new shape -------------------------- */

bool reshape_infer(const Shape *const *in, int32_t arg, const Shape *spec, Shape *out, char *why,
                   size_t why_size) {
    (void)arg;
    Shape given = *spec; /* the dims given, the -1 counted as 1 */
    int unknown = -1;
    for (int i = 0; i < spec->rank; i++) {
        if (spec->dims[i] == -1 && unknown < 0)
            given.dims[unknown = i] = 1;
        else if (spec->dims[i] < 1)
            return fail(why, why_size, "reshape: %s is not a shape (one -1 may stand for the rest)",
                        spec, NULL);
    }
    size_t size = shape_size(in[0]), known;
    /* More than a value may hold is more than x holds: it cannot fit. */
    if (!size_product(given.dims, given.rank, &known) || size % known != 0 ||
        (unknown < 0 && known != size))
        return fail(why, why_size, "reshape: a value of shape %s cannot be reshaped to %s", in[0],
                    spec);
    *out = given;
    if (unknown >= 0) out->dims[unknown] = (int32_t)(size / known);
    return true;
}
void reshape_forward(const OpCall *c) {
    memcpy(c->y, c->x[0].data, c->ysize * sizeof *c->y);
}
void reshape_backward(const OpCall *c) {
    for (size_t i = 0; i < c->ysize; i++)
        c->dx[0][i] += c->dy[i];
}

bool flatten_infer(const Shape *const *in, int32_t arg, const Shape *spec, Shape *out, char *why,
                   size_t why_size) {
    (void)arg, (void)spec, (void)why, (void)why_size;
    out->rank = 1;
    out->dims[0] = (int32_t)shape_size(in[0]);
    return true;
}
void flatten_forward(const OpCall *c) {
    reshape_forward(c);
}
void flatten_backward(const OpCall *c) {
    reshape_backward(c);
}

/* --- index: x[i], one row -------------------------------------------------- */

bool index_infer(const Shape *const *in, int32_t arg, const Shape *spec, Shape *out, char *why,
                 size_t why_size) {
    (void)spec;
    const Shape *s = in[0];
    if (s->rank == 0) return fail(why, why_size, "a scalar cannot be indexed", s, NULL);
    if (arg < -s->dims[0] || arg >= s->dims[0]) {
        char st[SHAPE_TEXT_SIZE];
        snprintf(why, why_size, "index %d is out of range for shape %s", (int)arg,
                 shape_text(s, st, sizeof st));
        return false;
    }
    out->rank = (uint8_t)(s->rank - 1);
    for (int i = 1; i < s->rank; i++)
        out->dims[i - 1] = s->dims[i];
    return true;
}
static size_t index_start(const OpCall *c) {
    int32_t row = c->arg < 0 ? c->arg + c->x[0].shape->dims[0] : c->arg;
    return (size_t)row * c->ysize;
}
void index_forward(const OpCall *c) {
    memcpy(c->y, c->x[0].data + index_start(c), c->ysize * sizeof *c->y);
}
void index_backward(const OpCall *c) {
    double *dx = c->dx[0] + index_start(c);
    for (size_t i = 0; i < c->ysize; i++)
        dx[i] += c->dy[i];
}

/* --- affine: Y = X·W + b, X flattened per sample ---------------------------- */

/* X of rank 1 is one sample; otherwise axis 0 counts samples and the rest
 * is flattened, as the book's tensor-aware Affine layer. */
static MatDims affine_dims(const Shape *x, const Shape *w) {
    MatDims d;
    d.n = x->rank <= 1 ? 1 : x->dims[0];
    d.k = (int)(shape_size(x) / (size_t)d.n);
    d.m = w->dims[1];
    return d;
}

bool affine_infer(const Shape *const *in, int32_t arg, const Shape *spec, Shape *out, char *why,
                  size_t why_size) {
    (void)arg, (void)spec;
    const Shape *x = in[0], *w = in[1], *b = in[2];
    if (x->rank < 1)
        return fail(why, why_size, "affine: X must have samples, not shape %s", x, NULL);
    if (w->rank != 2)
        return fail(why, why_size, "affine: W must be a matrix, not shape %s", w, NULL);
    MatDims d = affine_dims(x, w);
    if (d.k != w->dims[0]) {
        char sx[SHAPE_TEXT_SIZE], sw[SHAPE_TEXT_SIZE];
        snprintf(why, why_size, "affine: X %s has %d value%s per sample, but W %s has %d row%s",
                 shape_text(x, sx, sizeof sx), d.k, d.k == 1 ? "" : "s",
                 shape_text(w, sw, sizeof sw), w->dims[0], w->dims[0] == 1 ? "" : "s");
        return false;
    }
    if (b->rank != 1 || b->dims[0] != d.m)
        return fail(why, why_size, "affine: b %s must be a vector as long as W %s has columns", b,
                    w);
    out->rank = x->rank <= 1 ? 1 : 2;
    out->dims[0] = x->rank <= 1 ? d.m : d.n;
    out->dims[1] = d.m;
    return true;
}

void affine_forward(const OpCall *c) {
    MatDims d = affine_dims(c->x[0].shape, c->x[1].shape);
    for (int r = 0; r < d.n; r++)
        memcpy(c->y + (size_t)r * (size_t)d.m, c->x[2].data, (size_t)d.m * sizeof *c->y);
    gemm(d, c->x[0].data, c->x[1].data, 1.0, c->y); /* onto the bias rows */
}
/* The book's Affine backward: dX = dY·Wᵀ, dW = Xᵀ·dY, db = Σ over samples dY. */
void affine_backward(const OpCall *c) {
    MatDims d = affine_dims(c->x[0].shape, c->x[1].shape);
    gemm_backward(d, c->x[0].data, c->x[1].data, c->dy, c->dx[0], c->dx[1]);
    for (int r = 0; r < d.n; r++)
        for (int j = 0; j < d.m; j++)
            c->dx[2][j] += c->dy[(size_t)r * (size_t)d.m + (size_t)j];
}

/* --- softmax, along the last axis ----------------------------------------- */

/* Rows of a value whose last axis holds the classes. */
static size_t class_count(const Shape *s) {
    return s->rank == 0 ? 1 : (size_t)s->dims[s->rank - 1];
}

bool softmax_infer(const Shape *const *in, int32_t arg, const Shape *spec, Shape *out, char *why,
                   size_t why_size) {
    (void)arg, (void)spec;
    if (in[0]->rank == 0)
        return fail(why, why_size, "softmax needs an axis to normalise along, not a scalar %s",
                    in[0], NULL);
    *out = *in[0];
    return true;
}

/* y = exp(x − max) / Σ exp(x − max): subtracting the row's max keeps exp
 * from overflowing and does not change the result. */
static void softmax_row(const double *x, double *y, size_t n) {
    double max = x[0], total = 0;
    for (size_t j = 1; j < n; j++)
        max = x[j] > max ? x[j] : max;
    for (size_t j = 0; j < n; j++)
        total += y[j] = exp(x[j] - max);
    for (size_t j = 0; j < n; j++)
        y[j] /= total;
}

void softmax_forward(const OpCall *c) {
    size_t n = class_count(c->yshape);
    for (size_t r = 0; r < c->ysize; r += n)
        softmax_row(c->x[0].data + r, c->y + r, n);
}
/* dx = y ⊙ (dy − Σ dy⊙y), per row. */
void softmax_backward(const OpCall *c) {
    size_t n = class_count(c->yshape);
    for (size_t r = 0; r < c->ysize; r += n) {
        double dot = 0;
        for (size_t j = 0; j < n; j++)
            dot += c->dy[r + j] * c->y[r + j];
        for (size_t j = 0; j < n; j++)
            c->dx[0][r + j] += c->y[r + j] * (c->dy[r + j] - dot);
    }
}

/* --- cross-entropy and Softmax-with-Loss ------------------------------------ */

/* t is one-hot (t's shape is y's) or integer labels (y's shape without the
 * class axis). Either way the loss is averaged over the rows (the batch). */
static bool targets_infer(const char *name, const Shape *const *in, Shape *out, char *why,
                          size_t why_size) {
    const Shape *y = in[0], *t = in[1];
    bool labels = t->rank + 1 == y->rank;
    for (int i = 0; labels && i < t->rank; i++)
        labels = t->dims[i] == y->dims[i];
    if (y->rank == 0 || (!shape_equal(y, t) && !labels)) {
        char sy[SHAPE_TEXT_SIZE], st[SHAPE_TEXT_SIZE];
        snprintf(why, why_size,
                 "%s: t %s must be one-hot like the scores %s, or hold one label per row", name,
                 shape_text(t, st, sizeof st), shape_text(y, sy, sizeof sy));
        return false;
    }
    out->rank = 0;
    return true;
}

/* t holds one class label per row, rather than one-hot rows, when it has
 * one axis fewer than the scores: told by shape alone (with one class the
 * sizes are equal either way), never by what t holds. */
static bool has_labels(const OpCall *c) {
    return c->x[1].shape->rank + 1 == c->x[0].shape->rank;
}

/* The class row r's label picks, or -1 when it is none of the n classes
 * (the engine refuses such labels, but a change such as :descend on t may
 * still make one). Rounded, so a numerical-gradient nudge (2 → 2.00002)
 * picks the same class; every comparison with nan is false. */
static long label_at(const OpCall *c, size_t r, size_t n) {
    double v = c->x[1].data[r / n];
    return v > -0.5 && v < (double)n - 0.5 ? lround(v) : -1;
}

/* Labels must name classes: whole numbers from 0 to n − 1. */
static bool labels_check(const char *name, const Value *x, char *why, size_t why_size) {
    if (x[1].shape->rank + 1 != x[0].shape->rank) return true; /* one-hot: any values */
    size_t n = class_count(x[0].shape);
    for (size_t r = 0; r < x[1].size; r++) {
        double v = x[1].data[r];
        if (v >= 0 && v < (double)n && v == floor(v)) continue;
        char label[FMT_NUMBER_SIZE];
        snprintf(why, why_size,
                 "%s: label %s in row %zu is not a class: the scores have %zu class%s, so a "
                 "label is a whole number from 0 to %zu",
                 name, fmt_number(label, sizeof label, v, FMT_ROUND_TRIP), r, n, n == 1 ? "" : "es",
                 n - 1);
        return false;
    }
    return true;
}

bool cross_entropy_infer(const Shape *const *in, int32_t arg, const Shape *spec, Shape *out,
                         char *why, size_t why_size) {
    (void)arg, (void)spec;
    return targets_infer("cross_entropy", in, out, why, why_size);
}
bool cross_entropy_check(const Value *x, char *why, size_t why_size) {
    return labels_check("cross_entropy", x, why, why_size);
}

/* The book's cross_entropy_error: −Σ t·log(y + 1e-7) / batch; the 1e-7 keeps
 * log(0) finite. */
static const double ce_delta = 1e-7;

void cross_entropy_forward(const OpCall *c) {
    size_t n = class_count(c->x[0].shape), batch = c->x[0].size / n;
    const double *y = c->x[0].data, *t = c->x[1].data;
    bool labels = has_labels(c);
    double loss = 0;
    for (size_t r = 0; r < c->x[0].size; r += n) {
        if (labels) {
            long label = label_at(c, r, n);
            loss -= label >= 0 ? log(y[r + (size_t)label] + ce_delta) : NAN;
            continue;
        }
        for (size_t j = 0; j < n; j++)
            loss -= t[r + j] * log(y[r + j] + ce_delta);
    }
    c->y[0] = loss / (double)batch;
}
void cross_entropy_backward(const OpCall *c) {
    size_t n = class_count(c->x[0].shape), batch = c->x[0].size / n;
    const double *y = c->x[0].data, *t = c->x[1].data;
    bool labels = has_labels(c);
    double scale = c->dy[0] / (double)batch;
    for (size_t r = 0; r < c->x[0].size; r += n) {
        if (labels) { /* labels are discrete: no gradient flows to them */
            long label = label_at(c, r, n);
            if (label >= 0)
                c->dx[0][r + (size_t)label] -= scale / (y[r + (size_t)label] + ce_delta);
            continue;
        }
        for (size_t j = 0; j < n; j++) {
            c->dx[0][r + j] -= scale * t[r + j] / (y[r + j] + ce_delta);
            c->dx[1][r + j] -= scale * log(y[r + j] + ce_delta);
        }
    }
}

bool softmax_with_loss_infer(const Shape *const *in, int32_t arg, const Shape *spec, Shape *out,
                             char *why, size_t why_size) {
    (void)arg, (void)spec;
    return targets_infer("softmax_with_loss", in, out, why, why_size);
}
bool softmax_with_loss_check(const Value *x, char *why, size_t why_size) {
    return labels_check("softmax_with_loss", x, why, why_size);
}

/* log softmax of one row, stably: x − max − log Σ exp(x − max). */
static double log_sum_exp(const double *x, size_t n) {
    double max = x[0], total = 0;
    for (size_t j = 1; j < n; j++)
        max = x[j] > max ? x[j] : max;
    for (size_t j = 0; j < n; j++)
        total += exp(x[j] - max);
    return max + log(total);
}

/* Fused, the loss is −Σ t·log softmax(x) / batch computed without the 1e-7,
 * so that its exact gradient is the book's (y − t) / batch. */
void softmax_with_loss_forward(const OpCall *c) {
    size_t n = class_count(c->x[0].shape), batch = c->x[0].size / n;
    const double *x = c->x[0].data, *t = c->x[1].data;
    bool labels = has_labels(c);
    double loss = 0;
    for (size_t r = 0; r < c->x[0].size; r += n) {
        double lse = log_sum_exp(x + r, n);
        if (labels) {
            long label = label_at(c, r, n);
            loss -= label >= 0 ? x[r + (size_t)label] - lse : NAN;
            continue;
        }
        for (size_t j = 0; j < n; j++)
            loss -= t[r + j] * (x[r + j] - lse);
    }
    c->y[0] = loss / (double)batch;
}
/* dx = (Σt · y − t) / batch, which is the book's (y − t) / batch for one-hot
 * t; written generally so soft targets get their exact gradient too. */
void softmax_with_loss_backward(const OpCall *c) {
    size_t n = class_count(c->x[0].shape), batch = c->x[0].size / n;
    const double *x = c->x[0].data, *t = c->x[1].data;
    bool labels = has_labels(c);
    double scale = c->dy[0] / (double)batch;
    for (size_t r = 0; r < c->x[0].size; r += n) {
        double lse = log_sum_exp(x + r, n);
        long label = labels ? label_at(c, r, n) : -1;
        if (labels && label < 0) continue; /* no class: no gradient (its loss is nan) */
        double mass = 1;
        if (!labels) {
            mass = 0;
            for (size_t j = 0; j < n; j++)
                mass += t[r + j];
        }
        for (size_t j = 0; j < n; j++) {
            double y = exp(x[r + j] - lse);
            double tj = labels ? (long)j == label : t[r + j];
            c->dx[0][r + j] += scale * (mass * y - tj);
            if (!labels) c->dx[1][r + j] -= scale * (x[r + j] - lse);
        }
    }
}

/* --- argmax and accuracy: which class a row picks --------------------------- */

/* The index of row x[0..n)'s largest element, the first one on a tie, as
 * NumPy's argmax (a nan counts as the largest, so it shows). */
static size_t row_argmax(const double *x, size_t n) {
    size_t best = 0;
    for (size_t j = 1; j < n && !isnan(x[best]); j++)
        if (x[j] > x[best] || isnan(x[j])) best = j;
    return best;
}

bool argmax_infer(const Shape *const *in, int32_t arg, const Shape *spec, Shape *out, char *why,
                  size_t why_size) {
    (void)arg, (void)spec, (void)why, (void)why_size;
    *out = *in[0];
    if (out->rank > 0) out->rank--; /* the last axis is what each row picks from */
    return true;
}
void argmax_forward(const OpCall *c) {
    size_t n = class_count(c->x[0].shape);
    for (size_t r = 0; r < c->ysize; r++)
        c->y[r] = (double)row_argmax(c->x[0].data + r * n, n);
}
/* A whole number that a small change of x never moves, except where it
 * jumps: its gradient is zero wherever it has one, so nothing flows back. */
void argmax_backward(const OpCall *c) {
    (void)c;
}

bool accuracy_infer(const Shape *const *in, int32_t arg, const Shape *spec, Shape *out, char *why,
                    size_t why_size) {
    (void)arg, (void)spec;
    return targets_infer("accuracy", in, out, why, why_size);
}
bool accuracy_check(const Value *x, char *why, size_t why_size) {
    return labels_check("accuracy", x, why, why_size);
}
/* The book's TwoLayerNet.accuracy: the fraction of rows whose largest score
 * is the label (for one-hot t, the row's largest target). */
void accuracy_forward(const OpCall *c) {
    size_t n = class_count(c->x[0].shape), rows = c->x[0].size / n, right = 0;
    const double *y = c->x[0].data, *t = c->x[1].data;
    bool labels = has_labels(c);
    for (size_t r = 0; r < c->x[0].size; r += n) {
        long want = labels ? label_at(c, r, n) : (long)row_argmax(t + r, n);
        right += want == (long)row_argmax(y + r, n);
    }
    c->y[0] = (double)right / (double)rows;
}
/* A count of rows: piecewise constant, so no gradient flows back. */
void accuracy_backward(const OpCall *c) {
    (void)c;
}
