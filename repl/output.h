/* output.h - writing results as text or as one JSON object per line.
 *
 * JSON lines are built field by field, in C:
 *
 *     FILE *f = stdout;
 *     json_begin(f, "grad"); json_str(f, "of", "price"); json_num(f, "value", 2.2);
 *     json_end(f);          // {"kind":"grad","of":"price","value":2.2}
 *
 * Numbers are written at full round-trip precision; nan and ±inf, which JSON
 * cannot express, as the strings "nan", "inf", "-inf".
 */
#ifndef BP_OUTPUT_H
#define BP_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "../graph/strbuf.h"
#include "../graph/value.h"

void json_begin(FILE *f, const char *kind);
/* A string field; NULL writes null. */
void json_str(FILE *f, const char *key, const char *value);
void json_num(FILE *f, const char *key, double value);
void json_int(FILE *f, const char *key, long value);
void json_bool(FILE *f, const char *key, bool value);
/* An array of integers field. */
void json_int_array(FILE *f, const char *key, const int *values, int n);
/* A value field: a scalar as json_num; a tensor as a "shape" field
 * ([2,3]) followed by `key` holding the elements as nested arrays. */
void json_value(FILE *f, const char *key, Value v);
/* Just the nested arrays (a scalar: the number), for a second value whose
 * shape a json_value field of the same object already gave. */
void json_array(FILE *f, const char *key, Value v);
void json_end(FILE *f);

/* Writes s as a JSON string literal: always valid JSON, whatever the bytes
 * (utf8_escape's JSON style: controls escaped, invalid UTF-8 as U+FFFD). */
void json_write_string(FILE *f, const char *s, size_t len);

/* Text from outside (a file name, an argument) made safe to print on a
 * terminal: s escaped into sb (cleared first; see utf8.h), returned as
 * sb->data. */
const char *shown_text(StrBuf *sb, const char *s);

/* How many terminal columns text[0..len) occupies: East Asian wide
 * characters count 2, combining marks 0. */
int display_width(const char *text, size_t len);

/* Appends s to out, padded with spaces to `width` terminal columns. */
void write_padded(StrBuf *out, const char *s, int width);

/* Appends the source line and a caret line under bytes [offset, offset+length):
 *     price = aple * 2
 *             ^~~~
 * The line is shown escaped (utf8.h), and the caret lines up under the
 * escaped text: `x = \x1b` has it under all four characters of the ESC.
 * Tabs in the source are kept in the caret line so columns line up. A line
 * longer than CARET_LINE_MAX bytes is shown as CARET_CONTEXT bytes either
 * side of the mark (and of the mark, at most CARET_CONTEXT), cut with "…". */
enum { CARET_LINE_MAX = 160, CARET_CONTEXT = 60 };
void write_caret(StrBuf *out, const char *text, size_t len, int offset, int length);

#endif
