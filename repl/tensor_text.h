/* tensor_text.h - values as NumPy prints them. In C:
 *
 *     double w[] = {0.1, -0.25, 0.5, 2, 1, -3};
 *     Value W = {&(Shape){2, {2, 3}}, w, 6};
 *     TensorStyle st = {.digits = 12, .elide = TENSOR_ELIDE_DEFAULT, .indent = 4};
 *     StrBuf sb;
 *     sb_init(&sb);
 *     sb_puts(&sb, "W = ");
 *     tensor_text(&sb, W, &st);                  // sb.data is then
 *     sb_free(&sb);
 *
 *     W = [[ 0.1  -0.25  0.5 ]
 *          [ 2     1    -3   ]]
 *
 * Every element is padded to the widest integer part on the left and the
 * widest fraction on the right, so decimal points line up down a column;
 * rows start on new lines under the opening bracket (one blank line between
 * the blocks of a rank-3 value, as NumPy), and a row longer than 75 columns
 * wraps, continuing one column in from its bracket. A value with more elements than
 * `elide` shows only the first and last TENSOR_EDGE entries along each axis
 * longer than twice that, with `…` for the rest.
 */
#ifndef BP_TENSOR_TEXT_H
#define BP_TENSOR_TEXT_H

#include <stddef.h>

#include "../graph/strbuf.h"
#include "../graph/value.h"

enum {
    TENSOR_EDGE = 3,            /* entries kept at each end of an elided axis */
    TENSOR_ELIDE_DEFAULT = 1000 /* NumPy's print threshold */
};

typedef struct {
    int digits;   /* significant digits, as fmt_number */
    size_t elide; /* elide values with more elements than this; 0 = never */
    int indent;   /* the column the opening bracket is written at */
} TensorStyle;

/* Appends v laid out as above (a scalar exactly as fmt_number writes it).
 * Never fails by itself: running out of memory sets out->failed. */
void tensor_text(StrBuf *out, Value v, const TensorStyle *style);

/* Appends a short description for a table cell: the literal when v has at
 * most `inline_max` elements, else its shape and range, as
 * `(784,50) ∈ [-3.12, 3.41]` (`(2,3) has nan` when a nan hides the range). */
void tensor_text_cell(StrBuf *out, Value v, int digits, size_t inline_max);

#endif
