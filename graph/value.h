/* value.h - the shape of a value, a read-only view of one, and broadcasting.
 *
 * Every node's value carries a shape. A scalar is a rank-0 value with one
 * element; vectors and matrices (rank 1..BP_MAX_RANK) use the same storage:
 * contiguous row-major doubles owned by the graph. Broadcasting, in C:
 *
 *     Shape a = {2, {2, 3}}, b = {1, {3}}, out;
 *     bool fit = shape_broadcast(&a, &b, &out);   // true: out is (2,3), b repeats per row
 */
#ifndef BP_VALUE_H
#define BP_VALUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
    BP_MAX_RANK = 4,
    /* The most elements one value may hold (2^26, 512 MiB of doubles):
     * larger requests are refused with the size asked for, not attempted.
     * Room for MNIST's training images (60000 x 784 = 47M) while a training
     * graph's few values of that size, and their gradients, stay well
     * inside 24 GB; and every index and byte count of one value still fits
     * an int. */
    BP_MAX_ELEMENTS = 1 << 26,
    SHAPE_TEXT_SIZE = 64, /* enough for "(2147483647,...)" at BP_MAX_RANK */
};

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

/* The product of dims[0..count), the number of elements they span (1 for
 * count 0), into *product. Every product of sizes goes through here, so none
 * can wrap around: false (and *product left alone) when a dim is negative or
 * the product would pass BP_MAX_ELEMENTS, which no value may hold anyway. */
bool size_product(const int32_t *dims, int count, size_t *product);

/* The number of elements a shape holds (1 for a scalar). s should be a shape
 * a value can have (size_product accepts it, as every shape in a graph
 * does); for any other the answer is BP_MAX_ELEMENTS + 1, more than a value
 * may hold, never a wrapped product. */
size_t shape_size(const Shape *s);

bool shape_equal(const Shape *a, const Shape *b);

/* Writes the shape as NumPy prints it: "()", "(3)", "(2,3)". Returns buf. */
char *shape_text(const Shape *s, char *buf, size_t size);

/* NumPy broadcasting: dims are matched from the right, and each pair must be
 * equal or contain a 1. Writes the result's shape to out; false if they do
 * not broadcast. */
bool shape_broadcast(const Shape *a, const Shape *b, Shape *out);

#endif
