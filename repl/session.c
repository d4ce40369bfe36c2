/* session.c - running statements: parse, commit or evaluate, report. */
#include "session.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../graph/format.h"
#include "output.h"

void session_init(Session *s, FILE *out, FILE *err) {
    graph_init(&s->graph);
    s->target = NODE_NONE;
    s->seed = 1;
    s->digits = FMT_DEFAULT_DIGITS;
    s->json = false;
    s->out = out;
    s->err = err;
    s->load_depth = 0;
    s->quit = false;
    s->failures = 0;
}

void session_free(Session *s) {
    graph_free(&s->graph);
}

void session_clear(Session *s) {
    graph_free(&s->graph);
    s->target = NODE_NONE;
    s->seed = 1;
}

const char *session_num(const Session *s, double v, char *buf) {
    return fmt_number(buf, FMT_NUMBER_SIZE, v, s->digits);
}

NodeId session_target(const Session *s) {
    const Graph *g = &s->graph;
    if (s->target != NODE_NONE && graph_is_live(g, s->target) && graph_name_of(g, s->target))
        return s->target;
    NodeId best = NODE_NONE;
    uint32_t best_seq = 0;
    for (int32_t k = 0; k < g->name_count; k++) {
        const Name *nm = &g->names[k];
        if (nm->node != NODE_NONE && !graph_is_leaf(g, nm->node) && nm->seq >= best_seq) {
            best = nm->node;
            best_seq = nm->seq;
        }
    }
    return best;
}

void session_error(Session *s, const char *file, const char *text, size_t len, SourcePos pos,
                   const char *message) {
    s->failures++;
    if (s->json) {
        json_begin(s->out, "error");
        json_str(s->out, "file", file);
        json_int(s->out, "line", pos.line);
        json_int(s->out, "col", pos.col);
        json_str(s->out, "message", message);
        json_end(s->out);
        return;
    }
    fflush(s->out); /* keep stdout and stderr in order on a shared terminal */
    if (pos.line == 0) { /* about a whole file, not a place in it */
        fprintf(s->err, "%s: error: %s\n", file, message);
    } else {
        fprintf(s->err, "%s:%d:%d: error: %s\n", file, pos.line, pos.col, message);
        write_caret(s->err, text, len, pos.offset, pos.length);
    }
    fflush(s->err);
}

static void print_value(Session *s, const char *name, int name_len, double v) {
    char num[FMT_NUMBER_SIZE];
    if (s->json) {
        json_begin(s->out, "value");
        if (name) {
            char buf[256];
            const char *n = name;
            if (name_len < (int)sizeof buf) {
                memcpy(buf, name, (size_t)name_len);
                buf[name_len] = '\0';
                n = buf;
            }
            json_str(s->out, "name", n);
        } else {
            json_str(s->out, "name", NULL);
        }
        json_num(s->out, "value", v);
        json_end(s->out);
    } else if (name) {
        fprintf(s->out, "%.*s = %s\n", name_len, name, session_num(s, v, num));
    } else {
        fprintf(s->out, "%s\n", session_num(s, v, num));
    }
}

/* Runs one parsed statement: a definition is committed, a bare expression
 * is printed and its nodes removed again. */
static bool execute(Session *s, const char *file, const char *text, size_t len,
                    const Statement *st) {
    Graph *g = &s->graph;
    if (!st->name) {
        print_value(s, NULL, 0, graph_scalar(g, st->root));
        graph_rollback(g, st->mark);
        return true;
    }
    GraphError err;
    NodeId id = graph_define(g, st->name, st->name_len, st->root, st->mark, &err);
    if (id == NODE_NONE) {
        session_error(s, file, text, len, st->name_pos, err.message);
        return false;
    }
    print_value(s, st->name, st->name_len, graph_scalar(g, id));
    return true;
}

/* Skips spaces; true if a command (':') starts at *offset. */
static bool command_starts(const char *text, size_t len, size_t *offset) {
    while (*offset < len && (text[*offset] == ' ' || text[*offset] == '\t')) (*offset)++;
    return *offset < len && text[*offset] == ':';
}

bool session_run_line(Session *s, const char *file, int line, const char *text, size_t len) {
    const char *newline = memchr(text, '\n', len);
    if (newline) len = (size_t)(newline - text);
    size_t offset = 0;
    while (offset < len && !s->quit) {
        if (command_starts(text, len, &offset)) {
            /* A command runs to the next ';' (file names may contain '#'). */
            const char *semi = memchr(text + offset, ';', len - offset);
            size_t end = semi ? (size_t)(semi - text) : len;
            if (!session_command(s, file, line, text, len, offset, end)) return false;
            offset = semi ? end + 1 : len;
            continue;
        }
        Parser p;
        parser_init(&p, &s->graph, text, len, offset, line);
        Statement st;
        if (!parser_statement(&p, &st)) {
            if (!p.failed) return true; /* nothing left but spaces or a comment */
            session_error(s, file, text, len, p.error.pos, p.error.message);
            return false;
        }
        if (!execute(s, file, text, len, &st)) return false;
        offset = parser_offset(&p);
    }
    return true;
}

/* Reads the whole file into a NUL-terminated buffer the caller frees. */
static char *read_file(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    char *data = NULL;
    size_t cap = 0, used = 0;
    for (;;) {
        if (used + 4096 + 1 > cap) {
            cap = cap ? cap * 2 : 65536;
            char *grown = realloc(data, cap);
            if (!grown) {
                free(data);
                fclose(f);
                errno = ENOMEM;
                return NULL;
            }
            data = grown;
        }
        size_t n = fread(data + used, 1, cap - used - 1, f);
        used += n;
        if (n == 0) break;
    }
    bool failed = ferror(f);
    fclose(f);
    if (failed) {
        free(data);
        errno = EIO;
        return NULL;
    }
    data[used] = '\0';
    *len = used;
    return data;
}

bool session_run_file(Session *s, const char *path, bool stop_at_error) {
    size_t len;
    char *data = read_file(path, &len);
    if (!data) {
        char message[512];
        snprintf(message, sizeof message, "cannot read '%s': %s", path, strerror(errno));
        session_error(s, path, "", 0, (SourcePos){0, 0, 0, 1}, message);
        return false;
    }
    bool ok = true;
    int line = 1;
    for (size_t start = 0; start < len && !s->quit; line++) {
        const char *nl = memchr(data + start, '\n', len - start);
        size_t end = nl ? (size_t)(nl - data) : len;
        if (!session_run_line(s, path, line, data + start, end - start)) {
            ok = false;
            if (stop_at_error) break;
        }
        start = end + 1;
    }
    free(data);
    return ok;
}
