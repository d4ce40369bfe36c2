/* fuzz_session.c - libFuzzer target: any bytes, fed to a session line by
 * line, must never crash, hang or leak, and a failing line must leave the
 * session as it was.
 *
 *     cmake -S . -B build-fuzz -DCMAKE_C_COMPILER=clang -DBP_FUZZ=ON
 *     cmake --build build-fuzz --target fuzz_session
 *     mkdir -p /tmp/corpus && build-fuzz/tests/fuzz/fuzz_session -max_total_time=120 /tmp/corpus
 * tests/fuzz/corpus
 *
 * `./dev test` does this for BP_FUZZ_SECONDS (60) per target; ordinary
 * builds replay tests/fuzz/regressions/session through this file's code
 * (replay_session), so a crash saved there stays fixed.
 */
#define _GNU_SOURCE /* memmem */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "repl/session.h"

/* Commands that can read or write files (:save, :load, :render, :mermaid,
 * :watch and their prefixes) would let the fuzzer litter the disk: lines
 * with them are skipped. */
static bool touches_files(const char *line, size_t len) {
    static const char *const risky[] = {":sa", ":l", ":r", ":m", ":w"};
    for (size_t i = 0; i < sizeof risky / sizeof risky[0]; i++)
        if (memmem(line, len, risky[i], strlen(risky[i]))) return true;
    return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    FILE *out = fopen("/dev/null", "w");
    Session s;
    session_init(&s, out, out);
    /* A small known session first, so inputs can refer to names. */
    const char *setup = "apple = 100; tax = 1.1; price = apple * 2 * tax; X = [[1, 2], [3, 4]]; "
                        "param W = [[0.5, -1], [2, 0.25]]; b = [1, -1]; Y = affine(X, W, b)";
    session_run_line(&s, "<setup>", 1, setup, strlen(setup));
    const char *text = (const char *)data;
    int line = 1;
    for (size_t start = 0; start < size && !s.quit; line++) {
        const char *nl = memchr(text + start, '\n', size - start);
        size_t end = nl ? (size_t)(nl - text) : size;
        if (!touches_files(text + start, end - start))
            session_run_line(&s, "<fuzz>", line, text + start, end - start);
        start = end + 1;
    }
    session_free(&s);
    fclose(out);
    return 0;
}
