/* suggest.h - "did you mean ...?" for mistyped names. */
#ifndef BP_SUGGEST_H
#define BP_SUGGEST_H

#include <stdbool.h>
#include <stddef.h>

#include "../graph/graph.h"

/* Edit distance (insertions, deletions, substitutions, and swaps of adjacent
 * bytes) between a[0..alen) and b[0..blen), or `limit + 1` if it exceeds
 * limit. Strings longer than 64 bytes count as too far. */
int suggest_distance(const char *a, int alen, const char *b, int blen, int limit);

/* Writes "; did you mean 'apple'?" into hint (or "" if nothing is close):
 * the closest defined name, or function name if `functions`. */
void suggest_hint(const Graph *g, const char *name, int len, bool functions, char *hint,
                  size_t size);

/* A hint for a habit from Python or NumPy that backprop spells otherwise
 * (`quit`, `exit()`, `max(x, 0)`, `math.exp`), to follow "undefined name
 * 'quit'": "; commands start with ':' ...". NULL if name is none of them.
 * Only asked on the error path. */
const char *suggest_habit(const char *name, int len);

/* Function names the op table does not list: the tensor constructors and
 * `dot` (the table spells it `@`). The i-th, or NULL past the last. */
const char *suggest_extra_function(int i);

#endif
