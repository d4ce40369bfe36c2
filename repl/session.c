/* session.c - running statements: parse, commit or evaluate, report. */
#include "session.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../graph/format.h"
#include "output.h"

void session_init(Session *s, FILE *out, FILE *err) {
    graph_init_empty(&s->graph);
    s->target = NODE_NONE;
    s->seed = 1;
    s->seed_tensor = NULL;
    s->rng = 0;
    s->digits = FMT_DEFAULT_DIGITS;
    s->json = false;
    s->out = out;
    s->err = err;
    s->load_depth = 0;
    s->quit = false;
    s->failures = 0;
    s->renderer.gvc = NULL;
    s->watch = NULL;
    s->changed = false;
}

void session_free(Session *s) {
    graph_free(&s->graph);
    free(s->seed_tensor);
    s->seed_tensor = NULL;
    renderer_free(&s->renderer);
    free(s->watch);
    s->watch = NULL;
}

void session_clear(Session *s) {
    graph_free(&s->graph);
    s->target = NODE_NONE;
    s->seed = 1;
    free(s->seed_tensor);
    s->seed_tensor = NULL;
}

const char *session_num(const Session *s, double v, char *buf) {
    return fmt_number(buf, FMT_NUMBER_SIZE, v, s->digits);
}

NodeId session_target(const Session *s) {
    const Graph *g = &s->graph;
    if (s->target != NODE_NONE && graph_is_live(g, s->target) && graph_name_of(g, s->target))
        return s->target;
    return graph_newest_derived(g);
}

const char *session_grad_of(const Session *s, NodeId target) {
    return s->seed == 1 && !s->seed_tensor ? graph_name_of(&s->graph, target) : "L";
}

bool session_seed(const Session *s, NodeId target, const double **seed, char *why,
                  size_t why_size) {
    const Shape *shape = graph_shape(&s->graph, target);
    const char *name = graph_name_of(&s->graph, target);
    char st[SHAPE_TEXT_SIZE], ss[SHAPE_TEXT_SIZE];
    *seed = NULL;
    if (s->seed_tensor && shape_equal(&s->seed_shape, shape)) {
        *seed = s->seed_tensor;
        return true;
    }
    if (!s->seed_tensor && shape->rank == 0) {
        *seed = &s->seed;
        return true;
    }
    if (s->seed_tensor)
        snprintf(why, why_size,
                 "the seed has shape %s but the target %s has shape %s: set :seed "
                 "to a value of the target's shape",
                 shape_text(&s->seed_shape, ss, sizeof ss), name, shape_text(shape, st, sizeof st));
    else
        snprintf(why, why_size,
                 "the target %s is not a scalar (shape %s): set :seed to a value of that shape "
                 "(the book's dout, e.g. :seed ones(...)), or take gradients of a scalar such as "
                 "sum(%s)",
                 name, shape_text(shape, st, sizeof st), name);
    return false;
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
    fflush(s->out);      /* keep stdout and stderr in order on a shared terminal */
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
        /* One fwrite, not fprintf: a script prints one of these per line. */
        char line[256];
        session_num(s, v, num);
        size_t n = strlen(num);
        if ((size_t)name_len + n + 4 <= sizeof line) {
            memcpy(line, name, (size_t)name_len);
            memcpy(line + name_len, " = ", 3);
            memcpy(line + name_len + 3, num, n);
            line[(size_t)name_len + 3 + n] = '\n';
            fwrite(line, 1, (size_t)name_len + n + 4, s->out);
        } else {
            fprintf(s->out, "%.*s = %s\n", name_len, name, num);
        }
    } else {
        fprintf(s->out, "%s\n", session_num(s, v, num));
    }
}

/* A dependent that a definition changed: "  → price = 935". */
static void print_update(Session *s, NodeId id, double v) {
    char num[FMT_NUMBER_SIZE];
    const char *name = graph_name_of(&s->graph, id);
    if (s->json) {
        json_begin(s->out, "update");
        json_str(s->out, "name", name);
        json_num(s->out, "value", v);
        json_end(s->out);
    } else {
        fprintf(s->out, "  → %s = %s\n", name, session_num(s, v, num));
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
    /* Like a spreadsheet, changing an input shows what it did to the output. */
    NodeId target = session_target(s);
    double before = target != NODE_NONE ? graph_scalar(g, target) : 0;
    GraphError err;
    NodeId id = graph_define(g, st->name, st->name_len, st->root, st->mark, &err);
    if (id == NODE_NONE) {
        session_error(s, file, text, len, st->name_pos, err.message);
        return false;
    }
    print_value(s, st->name, st->name_len, graph_scalar(g, id));
    s->changed = true;
    if (target != NODE_NONE && target != id && graph_is_live(g, target) &&
        session_target(s) == target) {
        double after = graph_scalar(g, target);
        if (memcmp(&before, &after, sizeof after) != 0) print_update(s, target, after);
    }
    return true;
}

/* Skips spaces; true if a command (':') starts at *offset. */
static bool command_starts(const char *text, size_t len, size_t *offset) {
    while (*offset < len && (text[*offset] == ' ' || text[*offset] == '\t'))
        (*offset)++;
    return *offset < len && text[*offset] == ':';
}

/* The statements and commands of one line, up to the first failure. */
static bool run_statements(Session *s, const char *file, int line, const char *text, size_t len) {
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

bool session_run_line(Session *s, const char *file, int line, const char *text, size_t len) {
    s->changed = false;
    bool ok = run_statements(s, file, line, text, len);
    if (s->changed && s->watch) session_watch_update(s);
    return ok;
}

bool session_run_file(Session *s, const char *path, bool stop_at_error) {
    FILE *f = fopen(path, "r");
    if (!f) {
        char message[512];
        snprintf(message, sizeof message, "cannot read '%s': %s", path, strerror(errno));
        session_error(s, path, "", 0, (SourcePos){0, 0, 0, 1}, message);
        return false;
    }
    /* Line by line, so a million-line script never sits in memory whole. */
    char *text = NULL;
    size_t cap = 0;
    ssize_t len;
    bool ok = true;
    for (int line = 1; !s->quit && (len = getline(&text, &cap, f)) >= 0; line++) {
        if (!session_run_line(s, path, line, text, (size_t)len)) {
            ok = false;
            if (stop_at_error) break;
        }
    }
    if (ok && ferror(f)) {
        char message[512];
        snprintf(message, sizeof message, "error reading '%s': %s", path, strerror(errno));
        session_error(s, path, "", 0, (SourcePos){0, 0, 0, 1}, message);
        ok = false;
    }
    free(text);
    fclose(f);
    return ok;
}
