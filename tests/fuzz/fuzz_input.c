/* fuzz_input.c - the session fuzz targets' shared input runner. */
#define _GNU_SOURCE /* memmem */
#include "fuzz_input.h"

#include <stdbool.h>
#include <string.h>

static bool touches_files(const char *line, size_t len) {
    static const char *const risky[] = {":sa", ":l", ":r", ":m", ":w", ":ex"};
    for (size_t i = 0; i < sizeof risky / sizeof risky[0]; i++)
        if (memmem(line, len, risky[i], strlen(risky[i]))) return true;
    return false;
}

void fuzz_session_open(Session *s, StreamSink *sink, FILE *out) {
    stream_sink_init(sink, out, out);
    session_init(s, &sink->sink);
    /* Nothing uses X, W or b, so a seed may give them other shapes (the
     * examples do); price is the target. */
    const char *setup = "apple = 100; tax = 1.1; price = apple * 2 * tax; X = [[1, 2], [3, 4]]; "
                        "param W = [[0.5, -1], [2, 0.25]]; b = [1, -1]";
    session_run_line(s, "<setup>", 1, setup, strlen(setup));
}

void fuzz_run_input(Session *s, const uint8_t *data, size_t size) {
    const char *text = (const char *)data;
    int line = 1;
    for (size_t start = 0; start < size && !s->quit; line++) {
        const char *nl = memchr(text + start, '\n', size - start);
        size_t end = nl ? (size_t)(nl - text) : size;
        if (!touches_files(text + start, end - start))
            session_run_line(s, "<fuzz>", line, text + start, end - start);
        start = end + 1;
    }
}
