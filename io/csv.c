/* csv.c - numeric CSV: a table of numbers, one row a line.
 *
 *     x,y,label          an optional header: a first line with a cell that
 *     0.5,1e-3,1         is not a number (its cells may be empty, as
 *     "2",-inf,0         pandas writes an index column's)
 *
 * The delimiter is the one of ',', ';' and tab that the first line holds
 * outside quotes (a first line with none makes one column; with two kinds,
 * the file is refused rather than guessed at). A cell is a number as C and
 * NumPy write it: decimal or exponent form, or nan, inf, infinity with any
 * sign and case; spaces around it (and tabs, when tab is not the
 * delimiter) and double quotes around it are allowed. Lines end in "\n" or
 * "\r\n", the last one optionally; a UTF-8 byte order mark is skipped;
 * blank lines may only end the file. Every other row must have the first
 * line's number of cells. Errors name "line L, column C", C counting cells
 * as a spreadsheet does.
 */
#include "array_parts.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { MAX_NUMBER = 255 /* bytes in a cell read as a number */ };

typedef struct {
    const char *start, *end; /* the line, without its "\n" or "\r\n" */
    const char *next;        /* where the next line starts */
    long long number;        /* 1 for the first line */
} Line;

/* The line at from (before text_end); false when the text is over. */
static bool line_at(const char *from, const char *text_end, long long number, Line *l) {
    if (from >= text_end) return false;
    const char *nl = memchr(from, '\n', (size_t)(text_end - from));
    l->start = from;
    l->end = nl ? nl : text_end;
    l->next = nl ? nl + 1 : text_end;
    if (l->end > l->start && l->end[-1] == '\r') l->end--;
    l->number = number;
    return true;
}

static bool is_space(char c, char delim) {
    return c == ' ' || (c == '\t' && delim != '\t');
}

static bool blank(const Line *l) {
    for (const char *p = l->start; p < l->end; p++)
        if (*p != ' ' && *p != '\t') return false;
    return true;
}

typedef struct {
    const char *start, *end; /* the cell's text, without quotes or spaces around */
} Cell;

/* Reads the cell at *p, a line's text up to end, and moves *p past it and
 * its delimiter; *more tells whether a delimiter followed. False (with
 * *error set) for a quote that does not close or text after one that does. */
static bool next_cell(const char **p, const char *end, char delim, Cell *cell, bool *more,
                      const char **error) {
    const char *s = *p;
    while (s < end && is_space(*s, delim))
        s++;
    if (s < end && *s == '"') {
        cell->start = ++s;
        for (; s < end; s++) /* "" inside quotes is a quote */
            if (*s == '"' && !(s + 1 < end && s[1] == '"'))
                break;
            else if (*s == '"')
                s++;
        if (s == end) {
            *error = "a quote that does not close on its line";
            return false;
        }
        cell->end = s++;
        while (s < end && is_space(*s, delim))
            s++;
        if (s < end && *s != delim) {
            *error = "text after the closing quote";
            return false;
        }
    } else {
        cell->start = s;
        while (s < end && *s != delim)
            s++;
        cell->end = s;
        while (cell->end > cell->start && is_space(cell->end[-1], delim))
            cell->end--;
    }
    *more = s < end; /* at a delimiter */
    *p = *more ? s + 1 : s;
    return true;
}

static bool word_is(const char *s, size_t n, const char *word) {
    if (n != strlen(word)) return false;
    for (size_t i = 0; i < n; i++)
        if ((s[i] | 0x20) != word[i]) return false;
    return true;
}

/* The cell as a number into *v: [+-] digits [. digits] [e [+-] digits],
 * at least one digit before the exponent; or nan, inf, infinity. */
static bool number(const Cell *c, double *v) {
    size_t n = (size_t)(c->end - c->start);
    if (n == 0 || n > MAX_NUMBER) return false;
    const char *s = c->start, *e = c->end;
    if (*s == '+' || *s == '-') s++;
    size_t rest = (size_t)(e - s);
    bool special =
        word_is(s, rest, "nan") || word_is(s, rest, "inf") || word_is(s, rest, "infinity");
    if (!special) {
        int digits = 0;
        for (; s < e && *s >= '0' && *s <= '9'; s++)
            digits++;
        if (s < e && *s == '.')
            for (s++; s < e && *s >= '0' && *s <= '9'; s++)
                digits++;
        if (digits == 0) return false;
        if (s < e && (*s == 'e' || *s == 'E')) {
            s++;
            if (s < e && (*s == '+' || *s == '-')) s++;
            if (!(s < e && *s >= '0' && *s <= '9')) return false;
            while (s < e && *s >= '0' && *s <= '9')
                s++;
        }
        if (s != e) return false;
    }
    char buf[MAX_NUMBER + 1]; /* strtod needs the terminating NUL */
    memcpy(buf, c->start, n);
    buf[n] = '\0';
    *v = strtod(buf, NULL); /* out of range: ±inf or 0, as NumPy reads it */
    return true;
}

/* The cell's text for a message: at most 40 bytes, anything but printable
 * ASCII as '?', so a hostile file cannot drive the terminal. */
static void cell_text(const Cell *c, char *buf, size_t size) {
    size_t n = 0, len = (size_t)(c->end - c->start);
    for (size_t i = 0; i < len && i < 40 && n + 1 < size; i++) {
        char ch = c->start[i];
        buf[n++] = ch >= 0x20 && ch < 0x7f ? ch : '?';
    }
    buf[n] = '\0';
    if (len > 40 && size > n + 3) strcat(buf, "...");
}

/* The delimiter the line uses outside quotes, 0 for none; false if it holds
 * more than one of ',', ';' and tab. */
static bool find_delimiter(const Line *l, char *delim, char *why, size_t why_size) {
    bool quoted = false, seen[3] = {false, false, false};
    static const char delims[3] = {',', ';', '\t'};
    static const char *const names[3] = {"','", "';'", "tab"};
    for (const char *p = l->start; p < l->end; p++) {
        if (*p == '"') quoted = !quoted;
        for (int k = 0; k < 3 && !quoted; k++)
            if (*p == delims[k]) seen[k] = true;
    }
    int first = -1;
    for (int k = 0; k < 3; k++) {
        if (!seen[k]) continue;
        if (first >= 0)
            return array_refuse(why, why_size,
                                "line %lld holds both %s and %s: a file uses one delimiter "
                                "(',', ';' or tab)",
                                l->number, names[first], names[k]);
        first = k;
    }
    *delim = first < 0 ? 0 : delims[first];
    return true;
}

/* The number of cells in the first line, and whether it is a header. */
static bool first_line(const Line *l, char delim, size_t *cols, bool *header, char *why,
                       size_t why_size) {
    const char *p = l->start, *error;
    bool more = true;
    *cols = 0;
    *header = false;
    while (more) {
        Cell c;
        if (!next_cell(&p, l->end, delim, &c, &more, &error))
            return array_refuse(why, why_size, "line %lld, column %zu: %s", l->number, *cols + 1,
                                error);
        double v;
        if (c.end > c.start && !number(&c, &v)) *header = true;
        (*cols)++;
    }
    return true;
}

/* Reads one data row into row[0..cols). */
static bool data_line(const Line *l, char delim, size_t cols, double *row, char *why,
                      size_t why_size) {
    const char *p = l->start, *error;
    bool more = true;
    for (size_t col = 0; more; col++) {
        Cell c;
        if (col == cols)
            return array_refuse(why, why_size,
                                "line %lld, column %zu: one cell too many: line 1 has %zu columns",
                                l->number, col + 1, cols);
        if (!next_cell(&p, l->end, delim, &c, &more, &error))
            return array_refuse(why, why_size, "line %lld, column %zu: %s", l->number, col + 1,
                                error);
        if (c.end == c.start)
            return array_refuse(why, why_size, "line %lld, column %zu: empty cell", l->number,
                                col + 1);
        if (!number(&c, &row[col])) {
            char text[48];
            cell_text(&c, text, sizeof text);
            return array_refuse(why, why_size, "line %lld, column %zu: '%s' is not a number",
                                l->number, col + 1, text);
        }
        if (!more && col + 1 < cols)
            return array_refuse(why, why_size,
                                "line %lld, column %zu: missing cell: line 1 has %zu columns",
                                l->number, col + 2, cols);
    }
    return true;
}

static bool read_csv(const char *text, size_t len, Array *out, char *why, size_t why_size) {
    const char *end = text + len;
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) text += 3;
    /* Count the rows before allocating: every line up to the last that is
     * not blank (a blank one among them is refused below). */
    Line l;
    long long last = 0;
    for (long long n = 1; line_at(n == 1 ? text : l.next, end, n, &l); n++)
        if (!blank(&l)) last = n;
    if (last == 0) return array_refuse(why, why_size, "the file is empty");
    Line first;
    line_at(text, end, 1, &first);
    char delim;
    size_t cols;
    bool header;
    if (!find_delimiter(&first, &delim, why, why_size) ||
        !first_line(&first, delim, &cols, &header, why, why_size))
        return false;
    uint64_t rows = (uint64_t)last - header, asked = rows * cols;
    if (rows == 0) return array_refuse(why, why_size, "no numbers: the file has only a header");
    if (asked > BP_MAX_ELEMENTS)
        return array_refuse(
            why, why_size, "%llu rows of %zu columns is %llu elements: the limit is %d per value",
            (unsigned long long)rows, cols, (unsigned long long)asked, BP_MAX_ELEMENTS);
    Shape shape = {2, {(int32_t)rows, (int32_t)cols}};
    if (!array_alloc(out, &shape, why, why_size)) return false;
    uint64_t row = 0;
    for (long long n = 1; row < rows && line_at(n == 1 ? text : l.next, end, n, &l); n++) {
        if (n == 1 && header) continue;
        if (blank(&l))
            return array_refuse(why, why_size, "line %lld, column 1: empty line", l.number);
        if (!data_line(&l, delim, cols, out->data + row * cols, why, why_size)) return false;
        row++;
    }
    return true;
}

bool array_read_csv(const char *text, size_t len, Array *out, char *why, size_t why_size) {
    *out = (Array){{0, {0}}, NULL};
    if (read_csv(text, len, out, why, why_size)) return true;
    array_free(out);
    return false;
}
