/* fuzz_notes.c - libFuzzer target: any bytes as Markdown notes must be run
 * by backprop --notes --check without a crash, hang or leak, and a notes
 * file is never changed by --check.
 *
 * The input is the notes. Commands are left out (an input with ':' after
 * a line start or a blank is skipped): they write figures and read files,
 * which the session fuzz targets cover; here the Markdown is the point -
 * fences, info strings, generated parts, line ends, UTF-8.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "notes/notes.h"

static _Noreturn void fail(const char *what) {
    fprintf(stderr, "fuzz_notes: %s\n", what);
    abort();
}

static bool has_command(const uint8_t *data, size_t size) {
    for (size_t i = 0; i < size; i++)
        if (data[i] == ':' && (i == 0 || data[i - 1] == '\n' || data[i - 1] == ' ' ||
                               data[i - 1] == '\t' || data[i - 1] == ';'))
            return true;
    return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (has_command(data, size)) return 0;
    char path[64];
    snprintf(path, sizeof path, "/tmp/fuzz_notes_%ld.md", (long)getpid());
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(data, 1, size, f) != size || fclose(f) != 0) fail("cannot write the notes");
    FILE *err = fopen("/dev/null", "w");
    NotesOptions o = {.path = path, .check = true};
    notes_run(&o, err);
    fclose(err);
    /* --check changes nothing. */
    f = fopen(path, "rb");
    char *back = malloc(size + 1);
    size_t got = f && back ? fread(back, 1, size + 1, f) : 0;
    if (f) fclose(f);
    if (got != size || memcmp(back, data, size) != 0) fail("--check changed the notes");
    free(back);
    unlink(path);
    return 0;
}
