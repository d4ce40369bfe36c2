/* array.h - numeric arrays from files: NumPy .npy and CSV in, .npy out.
 *
 * What `X = load("digits.npy")` and `:export W w.npy` stand on, in C:
 *
 *     Array a;
 *     char why[256];
 *     if (!array_read_file("digits.npy", &a, why, sizeof why))
 *         printf("cannot load 'digits.npy': %s\n", why);
 *     else
 *         array_free(&a);
 *
 * A file is read whole into memory first, so a reader never sees a file
 * change under it, and every size is checked before anything is allocated:
 * a header over ARRAY_MAX_HEADER bytes, a shape of more than BP_MAX_ELEMENTS
 * elements, or data shorter or longer than the shape says are refused with
 * the numbers involved, never attempted.
 *
 * Lives in io/ (beside file.c) because graph/, the engine, does no I/O.
 */
#ifndef BP_ARRAY_H
#define BP_ARRAY_H

#include <stdbool.h>
#include <stddef.h>

#include "graph/value.h"

enum {
    /* NumPy itself refuses to write a header this long; anything larger is
     * a damaged or hostile file. */
    ARRAY_MAX_HEADER = 64 * 1024,
};

/* The longest file read, in bytes: room for the largest value as CSV at
 * NumPy's savetxt precision ("-1.234567890123456789e+00," is 26 bytes) or as
 * .npy; larger is refused before it is read. */
#define ARRAY_MAX_FILE ((unsigned long long)32 * BP_MAX_ELEMENTS)

/* An array read from a file: row-major doubles in the shape the file gives
 * (a .npy of shape () is a scalar; a CSV is always (rows, columns), even
 * with one row or one column, so its shape never depends on its length). */
typedef struct {
    Shape shape;
    double *data; /* shape_size(&shape) elements, malloc'd; owned by the Array */
} Array;

/* Frees a's data and leaves it empty ({0} shape, NULL data); safe to call
 * twice and on a zeroed Array. */
void array_free(Array *a);

/* Reads the array in the file at path: .npy when the file starts with
 * NumPy's magic bytes, else CSV. On success *out owns the data (free it
 * with array_free). On failure returns false, *out is left empty and why
 * holds the reason without the path ("truncated data: the shape (3,4) of
 * <f8 needs 96 bytes, the file has 40", "line 3, column 5: empty cell",
 * "No such file or directory"). */
bool array_read_file(const char *path, Array *out, char *why, size_t why_size);

/* The .npy reader on bytes already in memory (the fuzz target's entry).
 * Same contract as array_read_file. Reads versions 1.0, 2.0 and 3.0; dtypes
 * f2 f4 f8 i1 i2 i4 i8 u1 u2 u4 u8 b1 in either byte order; C or Fortran
 * order (Fortran transposed into row-major). Refuses: other dtypes, a
 * shape of 0 elements or more than BP_MAX_RANK dimensions, an integer a
 * double cannot hold exactly (i8/u8 beyond 2^53, named by its index), a
 * bool byte other than 0 or 1, a data length other than the shape's. */
bool array_read_npy(const unsigned char *bytes, size_t len, Array *out, char *why, size_t why_size);

/* The CSV reader on text already in memory (the fuzz target's entry).
 * Same contract as array_read_file; errors carry "line L, column C", C
 * counting cells, not characters. The format is described in io/csv.c. */
bool array_read_csv(const char *text, size_t len, Array *out, char *why, size_t why_size);

/* Writes shape and data as a version 1.0 little-endian '<f8' C-order .npy
 * file that numpy.load reads back bit for bit, replacing path atomically
 * (file_replace). On failure returns false with why set, path unchanged. */
bool array_write_npy(const char *path, const Shape *shape, const double *data, char *why,
                     size_t why_size);

#endif
