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

/* Writes s as a JSON string literal, escaping what JSON requires. */
void json_write_string(FILE *f, const char *s, size_t len);

/* How many terminal columns text[0..len) occupies: East Asian wide
 * characters count 2, combining marks 0. */
int display_width(const char *text, size_t len);

/* Writes s and pads with spaces to `width` terminal columns. */
void write_padded(FILE *f, const char *s, int width);

/* The source line and a caret line under bytes [offset, offset+length):
 *     price = aple * 2
 *             ^~~~
 * Tabs in the source are kept in the caret line so columns line up. */
void write_caret(FILE *f, const char *text, size_t len, int offset, int length);

#endif
