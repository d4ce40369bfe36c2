/* fuzz_npy.c - libFuzzer target for the .npy reader (io/npy.c).
 *
 * The input is a file's bytes. It checks that array_read_npy
 *   - never reads outside them or crashes (AddressSanitizer and UBSan);
 *   - on failure gives a reason and leaves the Array empty;
 *   - on success gives a shape a value can have, and what array_write_npy
 *     then writes reads back the same, bit for bit.
 * Any failure aborts, which libFuzzer reports as a crash. Built and run by
 * `./dev test` with the seeds in tests/fuzz/corpus-npy (see fuzz_session.c
 * for running it by hand).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "io/array.h"

/* Reports what broke and aborts, so the fuzzer keeps the input. */
static _Noreturn void fail(const char *what, const char *why) {
    fprintf(stderr, "fuzz_npy: %s: \"%s\"\n", what, why);
    abort();
}

/* Writes a and reads it back, comparing bits; only for small arrays, so
 * the fuzzer spends its time in the reader. */
static void check_round_trip(const Array *a) {
    char path[64], why[256];
    snprintf(path, sizeof path, "/tmp/fuzz_npy_%ld.npy", (long)getpid());
    if (!array_write_npy(path, &a->shape, a->data, why, sizeof why)) fail("write", why);
    Array back;
    if (!array_read_file(path, &back, why, sizeof why)) fail("read back", why);
    unlink(path);
    if (!shape_equal(&back.shape, &a->shape)) fail("read back another shape", "");
    if (memcmp(back.data, a->data, shape_size(&a->shape) * sizeof *a->data) != 0)
        fail("read back other bits", "");
    array_free(&back);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    Array a;
    char why[256] = "";
    if (!array_read_npy(data, size, &a, why, sizeof why)) {
        if (why[0] == '\0') fail("refused without a reason", why);
        if (a.data || a.shape.rank != 0) fail("refused but not empty", why);
        return 0;
    }
    size_t n;
    if (a.shape.rank > BP_MAX_RANK || !size_product(a.shape.dims, a.shape.rank, &n) || n == 0 ||
        !a.data)
        fail("read a shape no value has", "");
    if (n <= 4096) check_round_trip(&a);
    array_free(&a);
    return 0;
}
