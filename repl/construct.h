/* construct.h - functions that make tensors from numbers.
 *
 *     zeros(2, 3)    ones(3)    full(2, 2, 0.5)    arange(4) = [0, 1, 2, 3]
 *     randn(2, 3, seed=7)       standard normal values, the same for a seed
 *
 * They run while parsing: the tensor they make is a constant in the graph.
 */
#ifndef BP_CONSTRUCT_H
#define BP_CONSTRUCT_H

#include <stdbool.h>
#include <stdint.h>

#include "../graph/value.h"

enum { CONSTRUCT_MAX_ARGS = BP_MAX_RANK + 1 }; /* full: the dims, then the value */

typedef struct Constructor Constructor;

/* The constructor called name (len bytes), or NULL. */
const Constructor *construct_find(const char *name, int len);

/* Does the constructor take `seed=`? */
bool construct_takes_seed(const Constructor *c);

/* Makes the tensor from the positional numbers args[0..argc). seed is the
 * `seed=` number, or NULL to continue the session's random stream *rng.
 * On success *data (malloc'ed, shape_size(shape) doubles) is the caller's.
 * On failure returns false with why saying which argument is wrong in
 * *bad_arg (-1 for the call as a whole). */
bool construct_run(const Constructor *c, const double *args, int argc, const double *seed,
                   uint64_t *rng, Shape *shape, double **data, int *bad_arg, char *why,
                   size_t why_size);

/* A list of the constructors' names ("zeros, ones, ..."), for messages. */
const char *construct_names(void);

#endif
