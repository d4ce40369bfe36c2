/* value.h - the shape of a value and a read-only view of one.
 *
 * Every node's value carries a shape. A scalar is a rank-0 value with one
 * element; vectors and matrices (rank 1..BP_MAX_RANK) use the same storage:
 * contiguous row-major doubles owned by the graph. The core only builds
 * scalars, but everything that walks values goes through Shape and Value so
 * tensors slot in without changing callers.
 */
#ifndef BP_VALUE_H
#define BP_VALUE_H

#include <stddef.h>
#include <stdint.h>

enum { BP_MAX_RANK = 4 };

typedef struct {
    uint8_t rank;              /* 0 = scalar */
    int32_t dims[BP_MAX_RANK]; /* only the first `rank` entries are used */
} Shape;

/* A view into graph-owned storage: valid until the graph next grows. */
typedef struct {
    const Shape *shape;
    const double *data;
    size_t size; /* number of elements: the product of dims, 1 for scalars */
} Value;

/* The number of elements a shape holds (1 for a scalar). */
size_t shape_size(const Shape *s);

#endif
