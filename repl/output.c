/* output.c - JSON lines, terminal widths and carets. */
#include "output.h"

#include <stdint.h>
#include <string.h>

#include "../graph/format.h"
#include "../graph/utf8.h"

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
    size_t plain = 0; /* most strings (names, numbers' text) need no escape */
    while (plain < len && (uint8_t)s[plain] >= 0x20 && (uint8_t)s[plain] < 0x7F &&
           s[plain] != '"' && s[plain] != '\\')
        plain++;
    if (plain == len) {
        fwrite(s, 1, len, f);
    } else {
        StrBuf sb;
        sb_init(&sb);
        utf8_escape(&sb, s, len, UTF8_JSON);
        fwrite(sb.data, 1, sb.len, f);
        sb_free(&sb);
    }
    fputc('"', f);
}

const char *shown_text(StrBuf *sb, const char *s) {
    sb_clear(sb);
    utf8_escape(sb, s, strlen(s), UTF8_TEXT);
    return sb->data;
}

/* Decodes one code point; a byte that is not UTF-8 counts as one column. */
static uint32_t next_codepoint(const char *s, size_t len, size_t *i) {
    uint32_t c = (unsigned char)s[*i];
    int n = c < 0x80 ? 1 : utf8_decode(s + *i, s + len, &c);
    *i += n > 0 ? (size_t)n : 1;
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

void write_padded(StrBuf *out, const char *s, int width) {
    sb_puts(out, s);
    for (int w = display_width(s, strlen(s)); w < width; w++)
        sb_append(out, " ", 1);
}

/* Where a long line is cut: back from i to the start of its UTF-8 character
 * (at most 3 continuation bytes, never below floor), so a cut never splits
 * a character, and bytes that are not UTF-8 cannot move it further. */
static size_t char_start(const char *text, size_t i, size_t floor) {
    for (int k = 0; k < 3 && i > floor && ((unsigned char)text[i] & 0xC0) == 0x80; k++)
        i--;
    return i;
}

void write_caret(StrBuf *out, const char *text, size_t len, int offset, int length) {
    if ((size_t)offset > len) offset = (int)len;
    if ((size_t)(offset + length) > len) length = (int)len - offset;
    if (length < 0) length = 0;
    /* A long line (a pasted literal of a million numbers) is shown as a
     * window around the mark, cut with "…": the error stays readable and
     * costs the same whatever the line's length. */
    size_t from = 0, to = len, mark_end = (size_t)(offset + length);
    if (len > CARET_LINE_MAX) {
        if ((size_t)offset > CARET_CONTEXT)
            from = char_start(text, (size_t)offset - CARET_CONTEXT, 0);
        if (mark_end > (size_t)offset + CARET_CONTEXT)
            mark_end = char_start(text, (size_t)offset + CARET_CONTEXT, (size_t)offset);
        if (mark_end + CARET_CONTEXT < len)
            to = char_start(text, mark_end + CARET_CONTEXT, mark_end);
    }
    /* The line as shown, escaped: the caret goes under the escaped text. */
    StrBuf line, caret;
    sb_init(&line);
    sb_init(&caret);
    sb_puts(&line, from > 0 ? "    …" : "    ");
    size_t shown_from = line.len;
    utf8_escape(&line, text + from, (size_t)offset - from, UTF8_TEXT);
    size_t before = line.len;
    utf8_escape(&line, text + offset, mark_end - (size_t)offset, UTF8_TEXT);
    size_t marked = line.len - before;
    utf8_escape(&line, text + mark_end, to - mark_end, UTF8_TEXT);
    sb_puts(&line, to < len ? "…\n" : "\n");
    sb_puts(&caret, from > 0 ? "     " : "    ");
    for (size_t i = shown_from; i < before;) {
        size_t start = i;
        uint32_t c = next_codepoint(line.data, before, &i);
        if (c == '\t')
            sb_puts(&caret, "\t");
        else
            for (int w = display_width(line.data + start, i - start); w > 0; w--)
                sb_puts(&caret, " ");
    }
    sb_puts(&caret, "^");
    for (int w = display_width(line.data + before, marked); w > 1; w--)
        sb_puts(&caret, "~");
    sb_puts(&caret, "\n");
    sb_append(out, line.data, line.len);
    sb_append(out, caret.data, caret.len);
    sb_free(&line);
    sb_free(&caret);
}
