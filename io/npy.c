/* npy.c - NumPy's .npy format, read and written.
 *
 * A file is the magic "\x93NUMPY", a version (major, minor byte), the
 * header's length (2 bytes little-endian in version 1.0, 4 in 2.0 and 3.0),
 * the header, then the raw elements. The header is a Python dict literal,
 * padded with spaces and ended by '\n':
 *
 *     {'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), }
 *
 * The reader takes exactly these three keys, in any order, with the spacing
 * and trailing comma NumPy writes or leaves out; the dtypes of ElementType,
 * either byte order; C or Fortran order (Fortran's transposed into
 * row-major). Integers convert to doubles exactly or not at all: an i8 or u8
 * element a double cannot hold (beyond 2^53 and not a multiple of the
 * spacing there) is refused, with its index, rather than rounded.
 */
#include "array_parts.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "file.h"

static const char MAGIC[] = "\x93NUMPY";
enum { MAGIC_LEN = 6, MAX_DESCR = 32, MAX_DIMS = 64 /* NumPy's own limit */ };

/* --- the header --------------------------------------------------------- */

typedef struct {
    char kind;                /* 'f' float, 'i' signed, 'u' unsigned, 'b' bool */
    int size;                 /* bytes per element: 1, 2, 4 or 8 */
    bool big;                 /* big-endian (multi-byte elements only) */
    char text[MAX_DESCR + 1]; /* as the header spells it, for messages */
} ElementType;

typedef struct {
    ElementType type;
    bool fortran;
    int rank;                /* may exceed BP_MAX_RANK: refused after parsing */
    uint64_t dims[MAX_DIMS]; /* saturate at UINT64_MAX */
    char shape_text[96];     /* "(3,4)", for messages */
} Header;

typedef struct {
    const char *p, *end;
} Cursor;

static void skip_space(Cursor *c) {
    while (c->p < c->end && (*c->p == ' ' || *c->p == '\t' || *c->p == '\n' || *c->p == '\r'))
        c->p++;
}

static bool take(Cursor *c, char ch) {
    skip_space(c);
    if (c->p < c->end && *c->p == ch) {
        c->p++;
        return true;
    }
    return false;
}

/* A quoted Python string without escapes, into out (at most size-1
 * characters); false if it is not one or is longer. */
static bool take_string(Cursor *c, char *out, size_t size) {
    skip_space(c);
    if (c->p == c->end || (*c->p != '\'' && *c->p != '"')) return false;
    char quote = *c->p++;
    size_t n = 0;
    while (c->p < c->end && *c->p != quote) {
        if (*c->p == '\\' || n + 1 >= size) return false;
        out[n++] = *c->p++;
    }
    if (c->p == c->end) return false;
    c->p++;
    out[n] = '\0';
    return true;
}

static bool take_word(Cursor *c, const char *word) {
    skip_space(c);
    size_t n = strlen(word);
    if ((size_t)(c->end - c->p) < n || memcmp(c->p, word, n) != 0) return false;
    c->p += n;
    return true;
}

/* dtype text such as "<f8", "|u1", ">i4"; false if backprop does not read it. */
static bool parse_type(const char *text, ElementType *t) {
    snprintf(t->text, sizeof t->text, "%s", text);
    char order = '=';
    if (*text == '<' || *text == '>' || *text == '|' || *text == '=') order = *text++;
    if (*text == '\0' || !strchr("fiub", *text)) return false;
    t->kind = *text++;
    if (!(text[0] >= '1' && text[0] <= '8') || text[1] != '\0') return false;
    t->size = text[0] - '0';
    bool ok = t->kind == 'b'   ? t->size == 1
              : t->kind == 'f' ? t->size == 2 || t->size == 4 || t->size == 8
                               : t->size == 1 || t->size == 2 || t->size == 4 || t->size == 8;
    if (!ok || (order == '|' && t->size > 1)) return false;
    uint16_t probe = 1;
    unsigned char first;
    memcpy(&first, &probe, 1);
    t->big = order == '>' || (order == '=' && first == 0);
    return true;
}

/* (3, 4), (3,), () and (3): whole numbers, trailing comma allowed. */
static bool parse_shape(Cursor *c, Header *h, char *why, size_t why_size) {
    if (!take(c, '(')) return array_refuse(why, why_size, "bad header: 'shape' is not a tuple");
    h->rank = 0;
    size_t at = 0;
    at += (size_t)snprintf(h->shape_text, sizeof h->shape_text, "(");
    while (!take(c, ')')) {
        skip_space(c);
        if (c->p == c->end || !(*c->p >= '0' && *c->p <= '9'))
            return array_refuse(why, why_size,
                                "bad header: 'shape' must be a tuple of whole numbers");
        uint64_t d = 0;
        for (; c->p < c->end && *c->p >= '0' && *c->p <= '9'; c->p++)
            d = d > (UINT64_MAX - 9) / 10 ? UINT64_MAX : d * 10 + (uint64_t)(*c->p - '0');
        if (h->rank == MAX_DIMS)
            return array_refuse(why, why_size,
                                "the shape has more than %d dimensions: the "
                                "limit is %d",
                                MAX_DIMS, BP_MAX_RANK);
        h->dims[h->rank++] = d;
        if (at < sizeof h->shape_text)
            at += (size_t)snprintf(h->shape_text + at, sizeof h->shape_text - at, "%s%llu",
                                   h->rank > 1 ? "," : "", (unsigned long long)d);
        if (!take(c, ',')) {
            if (take(c, ')')) break;
            return array_refuse(why, why_size,
                                "bad header: 'shape' must be a tuple of whole "
                                "numbers");
        }
    }
    if (at < sizeof h->shape_text) snprintf(h->shape_text + at, sizeof h->shape_text - at, ")");
    return true;
}

/* The header dict, text[0..len): exactly 'descr', 'fortran_order' and
 * 'shape', then only padding. */
static bool parse_header(const char *text, size_t len, Header *h, char *why, size_t why_size) {
    Cursor c = {text, text + len};
    bool seen[3] = {false, false, false};
    static const char *const keys[3] = {"descr", "fortran_order", "shape"};
    char descr[MAX_DESCR + 1] = "";
    if (!take(&c, '{')) return array_refuse(why, why_size, "bad header: it is not a dict");
    while (!take(&c, '}')) {
        char key[32];
        if (!take_string(&c, key, sizeof key) || !take(&c, ':'))
            return array_refuse(why, why_size, "bad header: expected 'key': value");
        int k = 0;
        while (k < 3 && strcmp(key, keys[k]) != 0)
            k++;
        if (k == 3) return array_refuse(why, why_size, "bad header: unknown key '%s'", key);
        if (seen[k]) return array_refuse(why, why_size, "bad header: '%s' appears twice", key);
        seen[k] = true;
        if (k == 0) {
            skip_space(&c);
            if (c.p < c.end && *c.p == '[')
                return array_refuse(why, why_size,
                                    "unsupported dtype: a structured array "
                                    "(named fields); backprop reads plain "
                                    "numbers");
            if (!take_string(&c, descr, sizeof descr))
                return array_refuse(why, why_size, "bad header: 'descr' is not a dtype string");
        } else if (k == 1) {
            if (take_word(&c, "True"))
                h->fortran = true;
            else if (take_word(&c, "False"))
                h->fortran = false;
            else
                return array_refuse(why, why_size,
                                    "bad header: 'fortran_order' is not True or False");
        } else if (!parse_shape(&c, h, why, why_size)) {
            return false;
        }
        if (!take(&c, ',')) {
            if (take(&c, '}')) break;
            return array_refuse(why, why_size, "bad header: expected ',' or '}' after '%s'", key);
        }
    }
    skip_space(&c);
    if (c.p != c.end) return array_refuse(why, why_size, "bad header: text after the dict");
    for (int k = 0; k < 3; k++)
        if (!seen[k]) return array_refuse(why, why_size, "bad header: no '%s'", keys[k]);
    if (!parse_type(descr, &h->type))
        return array_refuse(why, why_size,
                            "unsupported dtype '%s': backprop reads f2, f4, f8, i1, i2, i4, i8, "
                            "u1, u2, u4, u8 and b1 (bool)",
                            h->type.text);
    return true;
}

/* --- the elements ------------------------------------------------------- */

/* The unsigned number in p[0..size) in the file's byte order. */
static uint64_t raw(const unsigned char *p, int size, bool big) {
    uint64_t u = 0;
    for (int k = 0; k < size; k++)
        u |= (uint64_t)p[big ? size - 1 - k : k] << (8 * k);
    return u;
}

static double half_to_double(uint64_t h) {
    int exp = (int)(h >> 10) & 0x1f;
    double mant = (double)(h & 0x3ff), sign = h & 0x8000 ? -1 : 1;
    if (exp == 0) return sign * ldexp(mant, -24);
    if (exp == 31) return mant == 0 ? sign * INFINITY : copysign(NAN, sign);
    return sign * ldexp(mant + 1024, exp - 25);
}

/* The element at p as a double into *v; false if it has no exact double
 * (an i8 or u8 too big) or is a bool other than 0 or 1. */
static bool element(const unsigned char *p, const ElementType *t, double *v) {
    uint64_t u = raw(p, t->size, t->big);
    switch (t->kind) {
    case 'f':
        if (t->size == 8) {
            memcpy(v, &u, sizeof *v);
        } else if (t->size == 4) {
            uint32_t u32 = (uint32_t)u;
            float f;
            memcpy(&f, &u32, sizeof f);
            *v = f;
        } else {
            *v = half_to_double(u);
        }
        return true;
    case 'b': *v = (double)u; return u <= 1;
    case 'u': *v = (double)u; return *v < 18446744073709551616.0 && (uint64_t)*v == u;
    default: {
        int shift = 64 - 8 * t->size; /* sign-extend from the element's width */
        int64_t i = (int64_t)(u << shift) >> shift;
        *v = (double)i;
        return *v < 9223372036854775808.0 && (int64_t)*v == i;
    }
    }
}

/* The row-major index of element `flat` of shape s, NumPy-style: "(1,2)". */
static void index_text(const Shape *s, size_t flat, char *buf, size_t size) {
    size_t idx[BP_MAX_RANK];
    for (int k = s->rank - 1; k >= 0; k--) {
        idx[k] = flat % (size_t)s->dims[k];
        flat /= (size_t)s->dims[k];
    }
    size_t at = (size_t)snprintf(buf, size, "(");
    for (int k = 0; k < s->rank && at < size; k++)
        at += (size_t)snprintf(buf + at, size - at, "%s%zu", k ? "," : "", idx[k]);
    if (at < size) snprintf(buf + at, size - at, ")");
}

/* Converts the elements at data into out's row-major doubles, taking them
 * in Fortran order (first index fastest) when fortran is set. */
static bool convert(const unsigned char *data, const ElementType *t, bool fortran, Array *out,
                    char *why, size_t why_size) {
    const Shape *s = &out->shape;
    size_t size = shape_size(s), stride[BP_MAX_RANK], idx[BP_MAX_RANK] = {0}, at = 0;
    for (int k = s->rank - 1; k >= 0; k--)
        stride[k] = k == s->rank - 1 ? 1 : stride[k + 1] * (size_t)s->dims[k + 1];
    fortran = fortran && s->rank > 1;
    for (size_t i = 0; i < size; i++) {
        size_t to = fortran ? at : i;
        if (!element(data + i * (size_t)t->size, t, &out->data[to])) {
            char where[SHAPE_TEXT_SIZE];
            index_text(s, to, where, sizeof where);
            uint64_t u = raw(data + i * (size_t)t->size, t->size, t->big);
            if (t->kind == 'b')
                return array_refuse(why, why_size, "element %s is %llu, not a bool (0 or 1)", where,
                                    (unsigned long long)u);
            if (t->kind == 'u')
                return array_refuse(why, why_size,
                                    "element %s is %llu, which a double cannot hold exactly", where,
                                    (unsigned long long)u);
            return array_refuse(why, why_size,
                                "element %s is %lld, which a double cannot hold exactly", where,
                                (long long)(int64_t)u);
        }
        if (!fortran) continue;
        /* Next Fortran-order position: the first index runs fastest. */
        int k = 0;
        idx[0]++, at += stride[0];
        while (k < s->rank - 1 && idx[k] == (size_t)s->dims[k]) {
            at -= idx[k] * stride[k];
            idx[k] = 0;
            idx[++k]++, at += stride[k];
        }
    }
    return true;
}

/* --- reading ------------------------------------------------------------ */

static bool read_npy(const unsigned char *bytes, size_t len, Array *out, char *why,
                     size_t why_size) {
    if (len < MAGIC_LEN + 2 || memcmp(bytes, MAGIC, MAGIC_LEN) != 0)
        return array_refuse(why, why_size,
                            len >= MAGIC_LEN && memcmp(bytes, MAGIC, MAGIC_LEN) == 0
                                ? "truncated header: the file ends after %zu bytes"
                                : "not a .npy file: it does not start with \\x93NUMPY "
                                  "(%zu bytes)",
                            len);
    int major = bytes[6], minor = bytes[7];
    if (major < 1 || major > 3 || minor != 0)
        return array_refuse(why, why_size,
                            "unsupported .npy version %d.%d: backprop reads 1.0, 2.0 and 3.0",
                            major, minor);
    size_t prefix = major == 1 ? 10 : 12;
    if (len < prefix)
        return array_refuse(why, why_size, "truncated header: the file ends after %zu bytes", len);
    uint64_t header_len = raw(bytes + 8, (int)prefix - 8, false);
    if (header_len > ARRAY_MAX_HEADER)
        return array_refuse(why, why_size, "the header is %llu bytes: the limit is %d",
                            (unsigned long long)header_len, ARRAY_MAX_HEADER);
    if (header_len > len - prefix)
        return array_refuse(why, why_size,
                            "truncated header: it says %llu bytes, the file has %zu after the "
                            "length",
                            (unsigned long long)header_len, len - prefix);
    Header h = {0};
    if (!parse_header((const char *)bytes + prefix, (size_t)header_len, &h, why, why_size))
        return false;
    if (h.rank > BP_MAX_RANK)
        return array_refuse(why, why_size, "the shape %s has %d dimensions: the limit is %d",
                            h.shape_text, h.rank, BP_MAX_RANK);
    double asked = 1; /* only to say how many: doubles do not wrap */
    Shape shape = {(uint8_t)h.rank, {0}};
    for (int k = 0; k < h.rank; k++) {
        asked *= (double)h.dims[k];
        if (h.dims[k] == 0)
            return array_refuse(why, why_size,
                                "the shape %s is empty: a value has at least one element",
                                h.shape_text);
        shape.dims[k] = h.dims[k] > INT32_MAX ? INT32_MAX : (int32_t)h.dims[k];
    }
    size_t size;
    if (!size_product(shape.dims, shape.rank, &size) || asked > BP_MAX_ELEMENTS)
        return array_refuse(why, why_size,
                            "the shape %s is %.0f elements: the limit is %d per "
                            "value",
                            h.shape_text, asked, BP_MAX_ELEMENTS);
    size_t data_len = len - prefix - (size_t)header_len, need = size * (size_t)h.type.size;
    if (data_len != need)
        return array_refuse(why, why_size,
                            "%s: the shape %s of %s needs %zu bytes, the file has %zu",
                            data_len < need ? "truncated data" : "extra data after the elements",
                            h.shape_text, h.type.text, need, data_len);
    if (!array_alloc(out, &shape, why, why_size)) return false;
    return convert(bytes + prefix + header_len, &h.type, h.fortran, out, why, why_size);
}

bool array_read_npy(const unsigned char *bytes, size_t len, Array *out, char *why,
                    size_t why_size) {
    *out = (Array){{0, {0}}, NULL};
    if (read_npy(bytes, len, out, why, why_size)) return true;
    array_free(out);
    return false;
}

/* --- writing ------------------------------------------------------------ */

typedef struct {
    const Shape *shape;
    const double *data;
} Source;

/* The version 1.0 header NumPy writes for a '<f8' C-order array, with the
 * length bytes, padded with spaces so the data starts at a multiple of 64
 * (as numpy.lib.format does, for memory mapping). Returns its length. */
static size_t header(const Shape *s, char *buf, size_t size) {
    char shape[SHAPE_TEXT_SIZE + BP_MAX_RANK] = "(";
    size_t at = 1;
    for (int k = 0; k < s->rank; k++)
        at +=
            (size_t)snprintf(shape + at, sizeof shape - at, "%s%d", k ? ", " : "", (int)s->dims[k]);
    snprintf(shape + at, sizeof shape - at, "%s)", s->rank == 1 ? "," : "");
    int n = snprintf(buf + 10, size - 10, "{'descr': '<f8', 'fortran_order': False, 'shape': %s, }",
                     shape);
    size_t total = (10 + (size_t)n + 1 + 63) / 64 * 64; /* + 1: the '\n' */
    memcpy(buf, MAGIC, MAGIC_LEN);
    buf[6] = 1, buf[7] = 0;
    buf[8] = (char)((total - 10) & 0xff), buf[9] = (char)((total - 10) >> 8);
    memset(buf + 10 + n, ' ', total - 10 - (size_t)n - 1);
    buf[total - 1] = '\n';
    return total;
}

static bool write_npy(FILE *f, const char *temp_path, void *ctx) {
    (void)temp_path;
    const Source *src = ctx;
    char head[256];
    size_t n = header(src->shape, head, sizeof head), size = shape_size(src->shape);
    if (fwrite(head, 1, n, f) != n) return false;
    unsigned char chunk[8 * 1024];
    for (size_t i = 0; i < size;) {
        size_t k = 0;
        for (; k < sizeof chunk / 8 && i < size; k++, i++) {
            uint64_t u;
            memcpy(&u, &src->data[i], sizeof u);
            for (int b = 0; b < 8; b++)
                chunk[8 * k + (size_t)b] = (unsigned char)(u >> (8 * b)); /* little-endian */
        }
        if (fwrite(chunk, 8, k, f) != k) return false;
    }
    return true;
}

bool array_write_npy(const char *path, const Shape *shape, const double *data, char *why,
                     size_t why_size) {
    size_t size;
    if (shape->rank > BP_MAX_RANK)
        return array_refuse(why, why_size, "cannot write a value of rank %d: the limit is %d",
                            shape->rank, BP_MAX_RANK);
    if (!size_product(shape->dims, shape->rank, &size)) {
        char st[SHAPE_TEXT_SIZE];
        return array_refuse(why, why_size, "cannot write a value of shape %s",
                            shape_text(shape, st, sizeof st));
    }
    Source src = {shape, data};
    return file_replace(path, write_npy, &src, why, why_size);
}
