/* array_parts.h - what io/array.c, io/npy.c and io/csv.c share; not for
 * other modules (they use io/array.h). */
#ifndef BP_ARRAY_PARTS_H
#define BP_ARRAY_PARTS_H

#include <stdbool.h>
#include <stddef.h>

#include "array.h"

/* Writes the reason into why (printf-style) and returns false, so a reader
 * can `return array_refuse(why, why_size, "...", ...)`. */
bool array_refuse(char *why, size_t why_size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Gives out the shape and room for its elements (uninitialised). False with
 * why set when memory runs out. shape must pass size_product. */
bool array_alloc(Array *out, const Shape *shape, char *why, size_t why_size);

#endif
