/* fuzz_save_reload.c - libFuzzer target, differential: a session and the
 * reload of its own :save are the same session.
 *
 * The input runs as in fuzz_session (fuzz_input.h): session A. The script
 * :save would write for A (session_write_script) is then read into a fresh
 * session B as :load reads a file (session_run_stream, stopping at the first
 * error), with a scratch value of nans defined and deleted after each of its
 * lines (PAD). The graph keeps all values in one array, where AddressSanitizer
 * cannot see a kernel read past the end of its input into the next value;
 * the padding puts other neighbours beside B's values than beside A's, so
 * such a read gives B another result. Then
 *   - every line of the script must run;
 *   - B must have A's live names in A's order, each with the same kind
 *     (leaf, param or derived), shape and value, bit for bit (any nan
 *     matches any nan: the script writes every nan as 0/0);
 *   - the same target, seed, digits and elide;
 *   - a backward pass from the target must work in both or in neither, and
 *     give every name the same gradient;
 *   - B must save to the very same script.
 * Anything else prints what differs and the script, and aborts, which
 * libFuzzer reports as a crash. A session holding more than
 * MAX_SAVED_ELEMENTS elements is run but not saved: writing and reading
 * back millions of numbers would spend the fuzzing time on one input.
 *
 * Built and run like fuzz_session (see there), with the same corpus and
 * dictionary; ordinary builds replay regressions/save_reload and the corpus
 * through this file's code (replay_save_reload).
 */
#define _GNU_SOURCE /* memfd_create, open_memstream */
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz_input.h"
#include "repl/command.h"

enum { MAX_SAVED_ELEMENTS = 1 << 15 };

/* Run after each line of the script in B; deleted names keep their values'
 * storage, so the nans stay between the values the lines define. */
static const char pad_name[] = "fuzz_pad_";
static const char pad_lines[] = "fuzz_pad_ = full(8, 0/0)\n:del fuzz_pad_\n";

/* Reports what differs, with the script that caused it, and aborts so the
 * fuzzer keeps the input. */
static _Noreturn __attribute__((format(printf, 2, 3))) void fail(const char *script,
                                                                 const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fputs("fuzz_save_reload: ", stderr);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nthe saved script:\n%s", script);
    abort();
}

/* What :save writes for s, NUL-terminated (caller frees); NULL if memory
 * ran out. */
static char *script_of(Session *s) {
    char *text = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&text, &size);
    if (!f) return NULL;
    bool ok = session_write_script(s, f, NULL);
    if (fclose(f) != 0 || !ok) {
        free(text);
        return NULL;
    }
    return text;
}

static void write_all(int fd, const char *text, size_t len) {
    for (size_t done = 0; done < len;) {
        ssize_t n = write(fd, text + done, len - done);
        if (n <= 0) abort();
        done += (size_t)n;
    }
}

/* Runs script in s the way :load runs a file: read through a file
 * descriptor, stopping at the first failing line. With pad, pad_lines
 * follow each line of the script. */
static bool load_script(Session *s, const char *script, bool pad) {
    int fd = memfd_create("saved.bp", 0);
    if (fd < 0) abort();
    for (const char *line = script; *line;) {
        size_t len = strcspn(line, "\n");
        write_all(fd, line, len);
        write_all(fd, "\n", 1);
        if (pad) write_all(fd, pad_lines, strlen(pad_lines));
        line += len + (line[len] == '\n');
    }
    if (lseek(fd, 0, SEEK_SET) != 0) abort();
    bool ok = session_run_stream(s, fd, "<saved>", true);
    close(fd);
    return ok;
}

/* Bit for bit, except that every nan matches every nan. */
static bool same_number(double a, double b) {
    if (isnan(a) || isnan(b)) return isnan(a) && isnan(b);
    return memcmp(&a, &b, sizeof a) == 0;
}

static bool same_value(Value a, Value b) {
    if (a.shape->rank != b.shape->rank || a.size != b.size) return false;
    for (int i = 0; i < a.shape->rank; i++)
        if (a.shape->dims[i] != b.shape->dims[i]) return false;
    for (size_t i = 0; i < a.size; i++)
        if (!same_number(a.data[i], b.data[i])) return false;
    return true;
}

/* The backward pass the session's target and seed call for; false when
 * there is no target or the seed does not fit it. */
static bool backward(Session *s) {
    NodeId target = session_target(s);
    const double *seed = NULL;
    char why[256];
    if (target == NODE_NONE || !session_seed(s, target, &seed, why, sizeof why)) return false;
    if (!graph_backward(&s->graph, target, seed)) abort(); /* out of memory */
    return true;
}

/* The k-th live name at or after *k in g, advancing *k past it; NODE_NONE
 * when there is none left. */
static NodeId next_live_name(const Graph *g, int32_t *k) {
    while (*k < g->name_count && g->names[*k].node == NODE_NONE)
        (*k)++;
    return *k < g->name_count ? g->names[(*k)++].node : NODE_NONE;
}

static void compare_names(Session *a, Session *b, bool grads, const char *script) {
    const Graph *ga = &a->graph, *gb = &b->graph;
    int32_t ka = 0, kb = 0;
    for (;;) {
        NodeId ia = next_live_name(ga, &ka), ib = next_live_name(gb, &kb);
        if (ia == NODE_NONE && ib == NODE_NONE) return;
        if (ia == NODE_NONE)
            fail(script, "the reload has an extra name '%s'", graph_name_of(gb, ib));
        const char *name = graph_name_of(ga, ia);
        if (ib == NODE_NONE) fail(script, "'%s' is missing from the reload", name);
        if (strcmp(name, graph_name_of(gb, ib)) != 0)
            fail(script, "'%s' came back as '%s'", name, graph_name_of(gb, ib));
        if (graph_is_leaf(ga, ia) != graph_is_leaf(gb, ib) ||
            graph_is_param(ga, ia) != graph_is_param(gb, ib))
            fail(script, "'%s' came back as another kind (leaf, param, derived)", name);
        if (!same_value(graph_value(ga, ia), graph_value(gb, ib)))
            fail(script, "'%s' came back with another value", name);
        if (grads && !same_value(graph_grad_value(ga, ia), graph_grad_value(gb, ib)))
            fail(script, "'%s' came back with another gradient", name);
    }
}

static void compare_settings(const Session *a, const Session *b, const char *script) {
    NodeId ta = session_target(a), tb = session_target(b);
    if ((ta == NODE_NONE) != (tb == NODE_NONE) ||
        (ta != NODE_NONE && strcmp(graph_name_of(&a->graph, ta), graph_name_of(&b->graph, tb))))
        fail(script, "the reload has another target");
    if ((a->target == NODE_NONE) != (b->target == NODE_NONE))
        fail(script, "the target was chosen in one session only");
    if (!same_number(a->seed, b->seed) || (a->seed_tensor == NULL) != (b->seed_tensor == NULL))
        fail(script, "the reload has another seed");
    if (a->seed_tensor) {
        Value sa = {&a->seed_shape, a->seed_tensor, shape_size(&a->seed_shape)};
        Value sb = {&b->seed_shape, b->seed_tensor, shape_size(&b->seed_shape)};
        if (!same_value(sa, sb)) fail(script, "the reload has another seed tensor");
    }
    if (a->digits != b->digits || a->elide != b->elide)
        fail(script, "the reload has other :digits or :elide");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    FILE *out = fopen("/dev/null", "w");
    Session a, b;
    StreamSink sink;
    fuzz_session_open(&a, &sink, out);
    fuzz_run_input(&a, data, size);
    char *script = a.graph.vcount <= MAX_SAVED_ELEMENTS ? script_of(&a) : NULL;
    if (script) {
        session_init(&b, &sink.sink);
        bool pad = graph_lookup(&a.graph, pad_name, (int)strlen(pad_name)) == NODE_NONE;
        if (!load_script(&b, script, pad)) fail(script, "the saved script does not load");
        bool grads = backward(&a);
        if (backward(&b) != grads) fail(script, "a backward pass works in one session only");
        compare_names(&a, &b, grads, script);
        compare_settings(&a, &b, script);
        char *again = script_of(&b);
        if (again && strcmp(script, again) != 0)
            fail(script, "the reload saves another script:\n%s", again);
        free(again);
        session_free(&b);
        free(script);
    }
    session_free(&a);
    fclose(out);
    return 0;
}
