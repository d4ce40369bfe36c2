/* fuzz_csv.c - libFuzzer target for the CSV reader (io/csv.c).
 *
 * The input is a file's text. It checks that array_read_csv
 *   - never reads outside it or crashes (AddressSanitizer and UBSan);
 *   - on failure gives a reason and leaves the Array empty;
 *   - on success gives (rows, columns), and the same numbers written back
 *     as CSV ("%.17g", ',' between, under a header row) read back the
 *     same, bit for bit (any nan as any nan).
 * Any failure aborts, which libFuzzer reports as a crash. Built and run by
 * `./dev test` with the seeds in tests/fuzz/corpus-csv (see fuzz_session.c
 * for running it by hand).
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/array.h"

static _Noreturn void fail(const char *what, const char *why) {
    fprintf(stderr, "fuzz_csv: %s: \"%s\"\n", what, why);
    abort();
}

static bool same(double a, double b) {
    if (isnan(a) || isnan(b)) return isnan(a) && isnan(b);
    return memcmp(&a, &b, sizeof a) == 0;
}

static void check_round_trip(const Array *a) {
    int rows = a->shape.dims[0], cols = a->shape.dims[1];
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (!f) abort();
    for (int c = 0; c < cols; c++)
        fprintf(f, "%sc%d", c ? "," : "", c);
    for (int r = 0; r < rows; r++)
        for (int c = 0; c < cols; c++)
            fprintf(f, "%s%.17g", c ? "," : "\n", a->data[(size_t)r * (size_t)cols + (size_t)c]);
    fclose(f);
    Array back;
    char why[256];
    if (!array_read_csv(text, len, &back, why, sizeof why)) fail("read back", why);
    if (!shape_equal(&back.shape, &a->shape)) fail("read back another shape", text);
    for (size_t i = 0; i < shape_size(&a->shape); i++)
        if (!same(back.data[i], a->data[i])) fail("read back another number", text);
    array_free(&back);
    free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    Array a;
    char why[256] = "";
    if (!array_read_csv((const char *)data, size, &a, why, sizeof why)) {
        if (why[0] == '\0') fail("refused without a reason", why);
        if (a.data || a.shape.rank != 0) fail("refused but not empty", why);
        return 0;
    }
    if (a.shape.rank != 2 || a.shape.dims[0] < 1 || a.shape.dims[1] < 1 || !a.data)
        fail("read a shape that is not (rows, columns)", "");
    if (shape_size(&a.shape) <= 4096) check_round_trip(&a);
    array_free(&a);
    return 0;
}
