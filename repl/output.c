/* output.c - JSON lines, terminal widths and carets. */
#include "output.h"

#include <stdint.h>
#include <string.h>

#include "../graph/format.h"

void json_begin(FILE *f, const char *kind) {
    fputs("{\"kind\":", f);
    json_write_string(f, kind, strlen(kind));
}

static void key(FILE *f, const char *k) {
    fputc(',', f);
    json_write_string(f, k, strlen(k));
    fputc(':', f);
}

void json_str(FILE *f, const char *k, const char *value) {
    key(f, k);
    if (value)
        json_write_string(f, value, strlen(value));
    else
        fputs("null", f);
}

static void number(FILE *f, double value) {
    char buf[FMT_NUMBER_SIZE];
    fmt_number(buf, sizeof buf, value, FMT_ROUND_TRIP);
    bool finite = strcmp(buf, "nan") != 0 && strcmp(buf, "inf") != 0 && strcmp(buf, "-inf") != 0;
    if (finite)
        fputs(buf, f);
    else
        fprintf(f, "\"%s\"", buf);
}

void json_num(FILE *f, const char *k, double value) {
    key(f, k);
    number(f, value);
}

void json_int(FILE *f, const char *k, long value) {
    key(f, k);
    fprintf(f, "%ld", value);
}

void json_bool(FILE *f, const char *k, bool value) {
    key(f, k);
    fputs(value ? "true" : "false", f);
}

void json_int_array(FILE *f, const char *k, const int *values, int n) {
    key(f, k);
    fputc('[', f);
    for (int i = 0; i < n; i++)
        fprintf(f, "%s%d", i ? "," : "", values[i]);
    fputc(']', f);
}

/* The elements of v as nested arrays, one level per axis. */
static void nested(FILE *f, Value v) {
    const Shape *s = v.shape;
    if (s->rank == 0) {
        number(f, v.data[0]);
        return;
    }
    if (v.size == 0) {
        fputs("[]", f);
        return;
    }
    for (size_t i = 0; i < v.size; i++) {
        size_t block = v.size;
        for (int a = 0; a < s->rank; a++) {
            if (i % block == 0) fputc('[', f);
            block /= (size_t)s->dims[a];
        }
        number(f, v.data[i]);
        size_t inner = 1;
        for (int a = s->rank - 1; a >= 0; a--) {
            inner *= (size_t)s->dims[a];
            if ((i + 1) % inner != 0) break;
            fputc(']', f);
        }
        if (i + 1 < v.size) fputc(',', f);
    }
}

void json_value(FILE *f, const char *k, Value v) {
    if (v.shape->rank > 0) {
        int dims[BP_MAX_RANK];
        for (int a = 0; a < v.shape->rank; a++)
            dims[a] = v.shape->dims[a];
        json_int_array(f, "shape", dims, v.shape->rank);
    }
    json_array(f, k, v);
}

void json_array(FILE *f, const char *k, Value v) {
    key(f, k);
    nested(f, v);
}

void json_end(FILE *f) {
    fputs("}\n", f);
}

void json_write_string(FILE *f, const char *s, size_t len) {
    fputc('"', f);
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\')
            fprintf(f, "\\%c", c);
        else if (c == '\n')
            fputs("\\n", f);
        else if (c == '\t')
            fputs("\\t", f);
        else if (c < 0x20 || c == 0x7f)
            fprintf(f, "\\u%04x", c);
        else
            fputc(c, f);
    }
    fputc('"', f);
}

/* Decodes one UTF-8 code point; invalid bytes count as one column each. */
static uint32_t next_codepoint(const char *s, size_t len, size_t *i) {
    unsigned char b = (unsigned char)s[*i];
    int n = b < 0x80             ? 1
            : (b & 0xE0) == 0xC0 ? 2
            : (b & 0xF0) == 0xE0 ? 3
            : (b & 0xF8) == 0xF0 ? 4
                                 : 1;
    if (*i + (size_t)n > len) n = 1;
    uint32_t c = n == 1 ? b : n == 2 ? b & 0x1Fu : n == 3 ? b & 0x0Fu : b & 0x07u;
    for (int k = 1; k < n; k++)
        c = (c << 6) | ((unsigned char)s[*i + (size_t)k] & 0x3Fu);
    *i += (size_t)n;
    return c;
}

static int codepoint_width(uint32_t c) {
    if ((c >= 0x0300 && c <= 0x036F) || (c >= 0x200B && c <= 0x200F)) return 0; /* combining */
    if ((c >= 0x1100 && c <= 0x115F) || (c >= 0x2E80 && c <= 0xA4CF) ||
        (c >= 0xAC00 && c <= 0xD7A3) || (c >= 0xF900 && c <= 0xFAFF) ||
        (c >= 0xFE30 && c <= 0xFE4F) || (c >= 0xFF00 && c <= 0xFF60) ||
        (c >= 0xFFE0 && c <= 0xFFE6) || (c >= 0x1F300 && c <= 0x1FAFF) ||
        (c >= 0x20000 && c <= 0x3FFFD))
        return 2;
    return 1;
}

int display_width(const char *text, size_t len) {
    int width = 0;
    for (size_t i = 0; i < len;)
        width += codepoint_width(next_codepoint(text, len, &i));
    return width;
}

void write_padded(FILE *f, const char *s, int width) {
    fputs(s, f);
    for (int w = display_width(s, strlen(s)); w < width; w++)
        fputc(' ', f);
}

void write_caret(FILE *f, const char *text, size_t len, int offset, int length) {
    while (len > 0 && (text[len - 1] == '\n' || text[len - 1] == '\r'))
        len--;
    if ((size_t)offset > len) offset = (int)len;
    if ((size_t)(offset + length) > len) length = (int)len - offset;
    fprintf(f, "    %.*s\n    ", (int)len, text);
    for (size_t i = 0; i < (size_t)offset;) {
        size_t start = i;
        uint32_t c = next_codepoint(text, len, &i);
        if (c == '\t')
            fputc('\t', f);
        else
            for (int w = display_width(text + start, i - start); w > 0; w--)
                fputc(' ', f);
    }
    fputc('^', f);
    for (int w = display_width(text + offset, (size_t)(length > 0 ? length : 0)); w > 1; w--)
        fputc('~', f);
    fputc('\n', f);
}
