/* check_inputs.c - keeps the session fuzzers' dictionary and seeds in step
 * with the language, so neither can drift as ops and commands are added:
 *
 *     check_fuzz_inputs tests/fuzz/session.dict tests/fuzz/corpus
 *
 * The dictionary must hold every op's spelling from the op table (a
 * function's as "name(", an operator's as itself), every constructor as
 * "name(" and every command as ":name". The seeds, each run as the session
 * fuzzers run their input (fuzz_input.h), must between them build every op
 * in the table, and every op with a scalar kernel both on scalars and on
 * tensors. Prints what is missing and fails; ctest runs it.
 */
#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_input.h"
#include "repl/construct.h"

enum { MAX_ENTRIES = 4096, MAX_ENTRY = 256 };

typedef struct {
    char text[MAX_ENTRIES][MAX_ENTRY];
    int count;
} Dictionary;

static int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Decodes the quoted part of one libFuzzer dictionary line (`name="..."` or
 * `"..."`; \\, \" and \xAB escapes) into out; false if it is malformed. */
static bool dict_entry(const char *line, char *out, size_t size) {
    const char *open = strchr(line, '"'), *close = strrchr(line, '"');
    if (!open || close == open) return false;
    size_t n = 0;
    for (const char *p = open + 1; p < close; p++) {
        char c = *p;
        if (c == '\\' && (p[1] == '\\' || p[1] == '"')) {
            c = *++p;
        } else if (c == '\\' && p[1] == 'x') {
            int hi = hex_digit(p[2]), lo = hi < 0 ? -1 : hex_digit(p[3]);
            if (lo < 0) return false;
            c = (char)(hi * 16 + lo);
            p += 3;
        } else if (c == '\\' || (unsigned char)c < 0x20 || (unsigned char)c >= 0x7f) {
            return false; /* libFuzzer takes printable ASCII and escapes only */
        }
        if (n + 1 >= size) return false;
        out[n++] = c;
    }
    out[n] = '\0';
    return n > 0;
}

static bool dict_read(const char *path, Dictionary *d) {
    FILE *f = fopen(path, "r");
    if (!f) {
        perror(path);
        return false;
    }
    char line[4 * MAX_ENTRY];
    bool ok = true;
    d->count = 0;
    for (int number = 1; fgets(line, sizeof line, f); number++) {
        line[strcspn(line, "\n")] = '\0';
        const char *p = line + strspn(line, " \t");
        if (*p == '\0' || *p == '#') continue;
        if (d->count == MAX_ENTRIES || !dict_entry(p, d->text[d->count], MAX_ENTRY)) {
            fprintf(stderr, "%s:%d: not a dictionary entry libFuzzer reads: %s\n", path, number, p);
            ok = false;
            continue;
        }
        d->count++;
    }
    fclose(f);
    return ok;
}

/* Is `prefix` followed by `suffix` an entry of d? Reports it if not. */
static bool dict_has(const Dictionary *d, const char *prefix, const char *suffix,
                     const char *what) {
    char want[MAX_ENTRY];
    snprintf(want, sizeof want, "%s%s", prefix, suffix);
    for (int i = 0; i < d->count; i++)
        if (strcmp(d->text[i], want) == 0) return true;
    fprintf(stderr, "session.dict: %s \"%s\" is missing\n", what, want);
    return false;
}

static bool dict_complete(const Dictionary *d) {
    bool ok = true;
    for (int op = 0; op < OP_COUNT; op++) {
        const OpInfo *info = op_info((Op)op);
        if (info->spelling[0] != '\0')
            ok &= dict_has(d, info->spelling, info->syntax == SYN_CALL ? "(" : "", "op");
    }
    const char *names = construct_names();
    for (const char *p = names; *p;) {
        size_t len = strcspn(p, ", ");
        char name[64];
        snprintf(name, sizeof name, "%.*s", (int)len, p);
        ok &= dict_has(d, name, "(", "constructor");
        p += len;
        p += strspn(p, ", ");
    }
    /* The session's own commands: a bare session has no front end's. */
    StreamSink sink;
    stream_sink_init(&sink, stdout, stderr);
    Session s;
    session_init(&s, &sink.sink);
    for (int i = 0; session_command_name(&s, i); i++)
        ok &= dict_has(d, ":", session_command_name(&s, i), "command");
    session_free(&s);
    return ok;
}

/* Which ops the seeds built: built[op][1] on tensors, built[op][0] on scalars. */
typedef bool Built[OP_COUNT][2];

/* Runs the seed at path line by line as the fuzzers do, marking the ops of
 * the nodes each line leaves in the graph (not the fuzzers' set-up). */
static bool seed_run(const char *path, Built built) {
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        return false;
    }
    FILE *out = fopen("/dev/null", "w");
    if (!out) abort();
    Session s;
    StreamSink sink;
    fuzz_session_open(&s, &sink, out);
    NodeId first = graph_count(&s.graph);
    char *line = NULL;
    size_t cap = 0;
    for (ssize_t len; !s.quit && (len = getline(&line, &cap, f)) > 0;) {
        fuzz_run_input(&s, (const uint8_t *)line, (size_t)len);
        for (NodeId id = first; id < graph_count(&s.graph); id++)
            if (graph_is_live(&s.graph, id))
                built[graph_node(&s.graph, id)->op][!graph_is_scalar(&s.graph, id)] = true;
    }
    free(line);
    session_free(&s);
    fclose(out);
    fclose(f);
    return true;
}

static bool seeds_complete(const char *dir_path) {
    DIR *dir = opendir(dir_path);
    if (!dir) {
        perror(dir_path);
        return false;
    }
    Built built = {{false}};
    bool ok = true;
    for (struct dirent *e; (e = readdir(dir));) {
        if (e->d_name[0] == '.') continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir_path, e->d_name);
        ok &= seed_run(path, built);
    }
    closedir(dir);
    for (int op = 0; op < OP_COUNT; op++) {
        const OpInfo *info = op_info((Op)op);
        if (!built[op][0] && !built[op][1])
            fprintf(stderr, "%s: no seed builds a node of op %s\n", dir_path, info->name),
                ok = false;
        else if (info->forward && !built[op][0])
            fprintf(stderr, "%s: no seed builds %s on scalars\n", dir_path, info->name), ok = false;
        else if (info->forward && !built[op][1])
            fprintf(stderr, "%s: no seed builds %s on tensors\n", dir_path, info->name), ok = false;
    }
    return ok;
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: check_fuzz_inputs DICTIONARY SEED_DIRECTORY\n");
        return 2;
    }
    static Dictionary dict;
    bool ok = dict_read(argv[1], &dict);
    ok = dict_complete(&dict) && ok;
    ok = seeds_complete(argv[2]) && ok;
    if (ok)
        printf("%d dictionary entries; every op, constructor and command is in the "
               "dictionary, every op in a seed\n",
               dict.count);
    return ok ? EXIT_SUCCESS : EXIT_FAILURE;
}
