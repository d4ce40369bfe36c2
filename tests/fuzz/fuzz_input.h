/* fuzz_input.h - how the session fuzz targets (fuzz_session,
 * fuzz_save_reload) feed their input to a session, so both read the same
 * bytes the same way and share one corpus and dictionary (session.dict).
 */
#ifndef BP_FUZZ_INPUT_H
#define BP_FUZZ_INPUT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "repl/session.h"

/* Starts s writing everything as text to out (not owned) through sink,
 * which must live as long as s, with a small known session already defined
 * (apple, tax, price, X, param W, b), so short inputs can use names,
 * tensors, a param and a target. */
void fuzz_session_open(Session *s, StreamSink *sink, FILE *out);

/* Runs data[0..size) on s, one '\n'-separated line at a time, until the end
 * or :quit. Failing lines are reported to s and change nothing. Lines that
 * could write files or run scripts (:save, :load, :render, :mermaid,
 * :watch, :export and their prefixes) are skipped, so a fuzzer cannot
 * litter the disk. load("...") runs: it only reads, and refuses anything
 * but a regular file of bounded size (a FIFO, /dev/zero). */
void fuzz_run_input(Session *s, const uint8_t *data, size_t size);

#endif
