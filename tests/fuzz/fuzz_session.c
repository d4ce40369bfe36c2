/* fuzz_session.c - libFuzzer target: any bytes, fed to a session line by
 * line, must never crash, hang or leak, and a failing line must leave the
 * session as it was.
 *
 *     cmake -S . -B build-fuzz -DCMAKE_C_COMPILER=clang -DBP_FUZZ=ON
 *     cmake --build build-fuzz --target fuzz_session
 *     mkdir -p /tmp/corpus && build-fuzz/tests/fuzz/fuzz_session -max_total_time=120 \
 *         -dict=tests/fuzz/session.dict /tmp/corpus tests/fuzz/corpus
 *
 * `./dev test` does this for BP_FUZZ_SECONDS (60) per target; ordinary
 * builds replay tests/fuzz/regressions/session through this file's code
 * (replay_session), so a crash saved there stays fixed. How the input is
 * read (lines, a known session first, no files) is in fuzz_input.h.
 */
#include <stdint.h>
#include <stdio.h>

#include "fuzz_input.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    FILE *out = fopen("/dev/null", "w");
    Session s;
    StreamSink sink;
    fuzz_session_open(&s, &sink, out);
    fuzz_run_input(&s, data, size);
    session_free(&s);
    fclose(out);
    return 0;
}
