/* session.c - running statements: parse, commit or evaluate, report. */
#include "session.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../graph/format.h"
#include "datafile.h"
#include "lines.h"
#include "output.h"
#include "quiz.h"
#include "tensor_text.h"
#include "warning.h"

void session_init(Session *s, Sink *sink) {
    graph_init_empty(&s->graph);
    s->target = NODE_NONE;
    s->seed = 1;
    s->seed_tensor = NULL;
    s->rng = 0;
    s->seed_shape = (Shape){0, {0}};
    s->digits = FMT_DEFAULT_DIGITS;
    s->elide = TENSOR_ELIDE_DEFAULT;
    s->quiet = false;
    s->quit = false;
    s->loaded = NULL;
    s->quiz = NULL;
    s->loaded_count = s->loaded_cap = 0;
    s->io = (SessionIO){.sink = sink};
}

/* --- leaves loaded from files -------------------------------------------------- */

static int32_t loaded_index(const Session *s, const char *name, int len) {
    for (int32_t i = 0; i < s->loaded_count; i++)
        if (strncmp(s->loaded[i].name, name, (size_t)len) == 0 && s->loaded[i].name[len] == '\0')
            return i;
    return -1;
}

const char *session_loaded_file(const Session *s, const char *name, int len) {
    int32_t i = loaded_index(s, name, len);
    return i < 0 ? NULL : s->loaded[i].file;
}

void session_forget_loaded(Session *s, const char *name, int len) {
    int32_t i = loaded_index(s, name, len);
    if (i < 0) return;
    free(s->loaded[i].name);
    free(s->loaded[i].file);
    s->loaded[i] = s->loaded[--s->loaded_count];
}

static void forget_all_loaded(Session *s) {
    for (int32_t i = 0; i < s->loaded_count; i++) {
        free(s->loaded[i].name);
        free(s->loaded[i].file);
    }
    free(s->loaded);
    s->loaded = NULL;
    s->loaded_count = s->loaded_cap = 0;
}

/* Remembers that leaf `name` holds the array of the file the string token
 * `file` names. When that cannot be done (no memory, the file already
 * gone) it is not remembered, and :save writes the numbers instead. */
static void remember_loaded(Session *s, const char *name, int len, const Token *file) {
    StrBuf written;
    sb_init(&written);
    lexer_string_text(file, &written);
    char *path = written.failed ? NULL : datafile_resolve(s->io.dir, written.data);
    char *absolute = path ? datafile_absolute(path) : NULL;
    char *copy = strndup(name, (size_t)len);
    if (absolute && copy && s->loaded_count == s->loaded_cap) {
        int32_t cap = s->loaded_cap ? 2 * s->loaded_cap : 4;
        Loaded *grown = realloc(s->loaded, (size_t)cap * sizeof *grown);
        if (grown) s->loaded = grown, s->loaded_cap = cap;
    }
    if (absolute && copy && s->loaded_count < s->loaded_cap) {
        s->loaded[s->loaded_count++] = (Loaded){copy, absolute};
        absolute = copy = NULL;
    }
    free(copy);
    free(absolute);
    free(path);
    sb_free(&written);
}

void session_free(Session *s) {
    graph_free(&s->graph);
    free(s->seed_tensor);
    s->seed_tensor = NULL;
    renderer_free(&s->io.renderer);
    free(s->io.watch);
    s->io.watch = NULL;
    free(s->io.dir);
    s->io.dir = NULL;
    forget_all_loaded(s);
    quiz_free(s->quiz);
    s->quiz = NULL;
}

void session_clear(Session *s) {
    graph_free(&s->graph);
    s->target = NODE_NONE;
    s->seed = 1;
    free(s->seed_tensor);
    s->seed_tensor = NULL;
    s->rng = 0;
    forget_all_loaded(s);
}

void session_reclaim(Session *s) {
    if (!graph_needs_compaction(&s->graph)) return;
    GraphRemap map;
    if (!graph_compact(&s->graph, &map)) return; /* out of memory: the dead nodes only wait */
    s->target = graph_remap_id(&map, s->target);
    graph_remap_free(&map);
}

bool session_interrupted(const Session *s) {
    return s->io.interrupt.pressed && s->io.interrupt.pressed(s->io.interrupt.ctx);
}

bool session_stopped(const Session *s) {
    return session_interrupted(s) || sink_failed(s->io.sink);
}

bool session_stop_requested(void *session) {
    return session_stopped(session);
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
    s->io.failures++;
    Event e;
    event_init(&e, "error");
    e.diagnostic = true;
    event_str(&e, "file", file);
    event_int(&e, "line", pos.line);
    event_int(&e, "col", pos.col);
    event_str(&e, "message", message);
    /* The file's name and the message may quote the input: shown escaped. */
    StrBuf name, said;
    sb_init(&name);
    sb_init(&said);
    shown_text(&name, file);
    shown_text(&said, message);
    if (pos.line == 0) { /* about a whole file, not a place in it */
        event_printf(&e, "%s: error: %s\n", name.data, said.data);
    } else {
        event_printf(&e, "%s:%d:%d: error: %s\n", name.data, pos.line, pos.col, said.data);
        write_caret(&e.text, text, len, pos.offset, pos.length);
    }
    session_emit(s, &e);
    sb_free(&name);
    sb_free(&said);
}

void session_emit(Session *s, Event *e) {
    sink_emit(s->io.sink, e);
    event_free(e);
}

void session_show(const Session *s, Event *e, Value v, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    size_t line_start = e->text.len;
    sb_vprintf(&e->text, fmt, ap);
    va_end(ap);
    const char *line = e->text.data + line_start;
    const char *newline =
        strrchr(line, '\n'); /* tensor rows line up after the prefix's last line */
    if (newline) line = newline + 1;
    TensorStyle style = {s->digits, s->elide,
                         display_width(line, e->text.len - (size_t)(line - e->text.data))};
    tensor_text(&e->text, v, &style);
    sb_append(&e->text, "\n", 1);
}

bool session_observe(Session *s, SessionObserver fn, void *ctx) {
    if (s->io.observer_count == SESSION_OBSERVERS_MAX) return false;
    s->io.observers[s->io.observer_count].fn = fn;
    s->io.observers[s->io.observer_count].ctx = ctx;
    s->io.observer_count++;
    return true;
}

void session_unobserve(Session *s, SessionObserver fn, void *ctx) {
    for (int i = 0; i < s->io.observer_count; i++)
        if (s->io.observers[i].fn == fn && s->io.observers[i].ctx == ctx) {
            memmove(&s->io.observers[i], &s->io.observers[i + 1],
                    (size_t)(s->io.observer_count - i - 1) * sizeof s->io.observers[0]);
            s->io.observer_count--;
            return;
        }
}

/* A statement's value: "x = 3" for a definition; a bare expression's value
 * has no name (JSON null). */
static void print_value(Session *s, const char *name, int name_len, Value v) {
    Event e;
    event_init(&e, "value");
    char buf[256];
    const char *n = NULL;
    if (name) {
        n = name;
        if (name_len < (int)sizeof buf) {
            memcpy(buf, name, (size_t)name_len);
            buf[name_len] = '\0';
            n = buf;
        }
    }
    event_str(&e, "name", n);
    event_value(&e, "value", v);
    if (v.shape->rank > 0) {
        session_show(s, &e, v, "%.*s%s", name ? name_len : 0, name ? name : "", name ? " = " : "");
    } else {
        char num[FMT_NUMBER_SIZE];
        session_num(s, v.data[0], num);
        if (name) {
            sb_append(&e.text, name, (size_t)name_len);
            sb_append(&e.text, " = ", 3);
        }
        sb_puts(&e.text, num);
        sb_append(&e.text, "\n", 1);
    }
    if (s->io.from) { /* set from elsewhere than this prompt: say so */
        event_str(&e, "from", s->io.from);
        if (e.text.len > 0) e.text.len--, e.text.data[e.text.len] = '\0';
        event_printf(&e, " (from %s)\n", s->io.from);
    }
    session_emit(s, &e);
}

/* A dependent that a definition changed: "  → price = 935". */
static void print_update(Session *s, NodeId id) {
    const char *name = graph_name_of(&s->graph, id);
    Value v = graph_value(&s->graph, id);
    Event e;
    event_init(&e, "update");
    event_str(&e, "name", name);
    event_value(&e, "value", v);
    session_show(s, &e, v, "  → %s = ", name);
    session_emit(s, &e);
}

/* An update: the line (unless silenced), then a warning if the value is no
 * longer finite; warnings always show. */
static void report_update(Session *s, NodeId id, bool silent) {
    if (!silent) print_update(s, id);
    session_warn_nonfinite(s, graph_name_of(&s->graph, id), id);
}

/* The target's value before a statement, to tell whether it changed. */
typedef struct {
    Shape shape;
    double scalar;
    double *data; /* &scalar, a malloc'd copy, or NULL if none could be made */
    size_t size;
} Snapshot;

static void snapshot_take(const Graph *g, NodeId id, Snapshot *snap) {
    Value v = graph_value(g, id);
    snap->shape = *v.shape;
    snap->size = v.size;
    snap->scalar = v.data[0];
    snap->data = v.size == 1 ? &snap->scalar : malloc(v.size * sizeof *v.data);
    if (snap->data && v.size > 1) memcpy(snap->data, v.data, v.size * sizeof *v.data);
}

/* Does id's value differ from the snapshot? (Bitwise: nan stays nan.) */
static bool snapshot_differs(const Graph *g, NodeId id, const Snapshot *snap) {
    Value v = graph_value(g, id);
    return !snap->data || !shape_equal(v.shape, &snap->shape) ||
           memcmp(v.data, snap->data, v.size * sizeof *v.data) != 0;
}

static void snapshot_free(Snapshot *snap) {
    if (snap->data != &snap->scalar) free(snap->data);
}

/* Does the statement's expression use any named node? (Then it is not a
 * leaf, so it cannot be a param.) Its nodes are those from its mark on. */
static bool uses_names(const Graph *g, const Statement *st) {
    if (st->root < st->mark.count) return true;
    for (NodeId id = st->mark.count; id < graph_count(g); id++) {
        const Node *n = graph_node(g, id);
        for (int i = 0; i < op_info((Op)n->op)->arity; i++)
            if (n->in[i] < st->mark.count) return true;
    }
    return false;
}

/* Runs one parsed statement: a definition is committed, a bare expression
 * is printed and its nodes removed again. A statement ended by ';', or a
 * definition under :quiet, shows nothing but its warnings and errors. */
static bool execute(Session *s, const char *file, const char *text, size_t len,
                    const Statement *st) {
    Graph *g = &s->graph;
    Warning warning;
    bool silent = st->silent || (s->quiet && st->name);
    if (!st->name) {
        if (!silent) print_value(s, NULL, 0, graph_value(g, st->root));
        if (warning_find(s, NULL, 0, st->root, &warning)) {
            warning_print(s, &warning);
            warning_free(&warning);
        }
        graph_rollback(g, st->mark);
        return true;
    }
    if (st->param && uses_names(g, st)) {
        graph_rollback(g, st->mark);
        char message[512];
        snprintf(message, sizeof message,
                 "param %.*s must be an input, a value that uses no names (param W = "
                 "randn(2, 3)); define what is computed from it without `param`",
                 st->name_len, st->name);
        session_error(s, file, text, len, st->name_pos, message);
        return false;
    }
    /* Like a spreadsheet, changing an input shows what it did to the output. */
    NodeId target = session_target(s);
    Snapshot before;
    if (target != NODE_NONE) snapshot_take(g, target, &before);
    /* Found now: a definition without names becomes a leaf and drops the
     * nodes that say where a nan came from. */
    bool warn = warning_find(s, st->name, st->name_len, st->root, &warning);
    /* A formula turned into an input says what it no longer reads, found
     * before its expression goes; asked only of a definition without names. */
    Warning input_warning;
    bool now_input = false;
    if (!uses_names(g, st)) {
        NodeId old = graph_lookup(g, st->name, st->name_len);
        now_input = old != NODE_NONE && !graph_is_leaf(g, old) &&
                    warning_now_input(s, st->name, st->name_len, old, &input_warning);
    }
    GraphError err;
    NodeId id = graph_define(g, st->name, st->name_len, st->root, st->mark, &err);
    if (id == NODE_NONE) {
        if (target != NODE_NONE) snapshot_free(&before);
        if (warn) warning_free(&warning);
        if (now_input) warning_free(&input_warning);
        session_error(s, file, text, len, st->name_pos, err.message);
        return false;
    }
    /* A param stays one when given a new value; computed, it no longer is. */
    if (st->param || !graph_is_leaf(g, id)) graph_set_param(g, id, st->param);
    /* A new definition replaces what the name was loaded from. */
    if (s->loaded_count > 0) session_forget_loaded(s, st->name, st->name_len);
    if (st->load.type == TOK_STRING) remember_loaded(s, st->name, st->name_len, &st->load);
    if (!silent) print_value(s, st->name, st->name_len, graph_value(g, id));
    if (warn) {
        warning_print(s, &warning);
        warning_free(&warning);
    }
    if (now_input) {
        warning_print(s, &input_warning);
        warning_free(&input_warning);
    }
    s->io.changed = true;
    if (target != NODE_NONE) {
        if (target != id && graph_is_live(g, target) && session_target(s) == target &&
            snapshot_differs(g, target, &before))
            report_update(s, target, silent);
        snapshot_free(&before);
    }
    session_reclaim(s);
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
            if (!session_command(s, file, line, text, len, offset, &offset)) return false;
            continue;
        }
        Parser p;
        parser_init(&p, &s->graph, text, len, offset, line);
        p.rng = &s->rng;
        p.dir = s->io.dir;
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

/* A tensor seed is the dout for a target of its shape. After a line that
 * leaves the target another shape (:target, a newer definition, a
 * redefinition), the seed goes back to 1 with a warning saying so: the
 * session never holds a seed that :grad would refuse, nor one whose :seed
 * line :load would refuse in a saved script. */
static void fit_seed(Session *s) {
    NodeId target = session_target(s);
    if (!s->seed_tensor || target == NODE_NONE) return;
    const Shape *shape = graph_shape(&s->graph, target);
    if (shape_equal(shape, &s->seed_shape)) return;
    char ss[SHAPE_TEXT_SIZE], ts[SHAPE_TEXT_SIZE], message[512];
    snprintf(message, sizeof message,
             "the seed has shape %s but the target %s has shape %s: the seed is 1 again",
             shape_text(&s->seed_shape, ss, sizeof ss), graph_name_of(&s->graph, target),
             shape_text(shape, ts, sizeof ts));
    free(s->seed_tensor);
    s->seed_tensor = NULL;
    s->seed = 1;
    Event e;
    event_init(&e, "warning");
    event_str(&e, "message", message);
    event_printf(&e, "warning: %s\n", message);
    session_emit(s, &e);
}

/* After a line: what the change means for the quiz and the seed, then the
 * observers. */
static void line_done(Session *s, struct Quiz *quiz) {
    /* The quiz's answers are the graph's numbers when it started. */
    if (quiz && s->quiz == quiz && s->io.changed) session_quiz_end(s, "the graph changed");
    if (s->seed_tensor) fit_seed(s);
    if (s->io.changed)
        for (int i = 0; i < s->io.observer_count; i++)
            s->io.observers[i].fn(s, s->io.observers[i].ctx);
}

bool session_run_line(Session *s, const char *file, int line, const char *text, size_t len) {
    s->io.changed = false;
    s->io.running++;
    struct Quiz *quiz = s->quiz;
    size_t offset = 0;
    bool ok = quiz && !command_starts(text, len, &offset)
                  ? session_quiz_answer(s, file, line, text, len)
                  : run_statements(s, file, line, text, len);
    s->io.running--;
    line_done(s, quiz);
    return ok;
}

bool session_run_into(Session *s, Sink *sink, const char *line) {
    if (session_busy(s)) return false;
    Sink *own = s->io.sink;
    s->io.sink = sink;
    bool ok = session_run_line(s, "<front end>", 1, line, strlen(line));
    s->io.sink = own;
    return ok;
}

bool session_busy(const Session *s) {
    return s->io.running > 0;
}

bool session_set_leaf(Session *s, const char *source, const char *name, double value) {
    char why[256];
    NodeId id = graph_lookup(&s->graph, name, (int)strlen(name));
    if (id == NODE_NONE)
        snprintf(why, sizeof why, "no leaf named '%s'", name);
    else if (!graph_is_leaf(&s->graph, id) || !graph_is_scalar(&s->graph, id))
        snprintf(why, sizeof why, "%s is not a number typed in: only a scalar leaf can be set",
                 name);
    else if (!isfinite(value))
        snprintf(why, sizeof why, "%s can only be set to a finite number", name);
    else if (session_busy(s))
        snprintf(why, sizeof why, "%s cannot be set while a line runs", name);
    else
        why[0] = '\0';
    if (why[0]) {
        session_error(s, source, "", 0, (SourcePos){0, 0, 0, 1}, why);
        return false;
    }
    /* Run as the statement itself, so it does exactly what typing it does. */
    StrBuf line;
    sb_init(&line);
    char num[FMT_NUMBER_SIZE];
    sb_printf(&line, "%s = %s", name, fmt_number(num, sizeof num, value, FMT_ROUND_TRIP));
    s->io.changed = false;
    s->io.running++;
    s->io.from = source;
    struct Quiz *quiz = s->quiz;
    bool ok = !line.failed && run_statements(s, source, 1, line.data, line.len);
    s->io.from = NULL;
    s->io.running--;
    line_done(s, quiz);
    sb_free(&line);
    return ok;
}

/* Starts fetching the hash slots of the names on a line about to run. The
 * name table of a long script is far bigger than the cache, and a new or
 * long-unused name's slot is a trip to memory: begun one line ahead, it
 * overlaps with the work on the current line instead of stalling it. Only
 * ASCII names are looked at; this changes nothing but timing. It reads
 * every byte of a script, so it classes bytes by the lexer's table. */
static void prefetch_names(const Graph *g, const char *text, size_t len) {
    const char *end = text + len, *last = NULL;
    int last_len = 0;
    for (const char *p = text;;) {
        while (p < end && lexer_byte_class[(uint8_t)*p] == LX_OTHER)
            p++;
        if (p == end || *p == '#') return; /* the rest is a comment */
        const char *start = p;
        while (++p < end &&
               (uint8_t)(lexer_byte_class[(uint8_t)*p] - LX_LETTER) < 2) { /* or LX_DIGIT */
        }
        int n = (int)(p - start);
        /* A number such as 1e5 is no name; a name repeated (`x * 1 + x * 2
         * + ...`) is fetched once. */
        if (lexer_byte_class[(uint8_t)*start] == LX_DIGIT ||
            (n == last_len && memcmp(start, last, (size_t)n) == 0))
            continue;
        graph_prefetch_name(g, start, n);
        last = start;
        last_len = n;
    }
}

/* Runs the lines r reads (session_run_stream's contract); frees r. */
/* The "done" event after each line of a program's input: a driver reading
 * JSON rows knows the line's answer is complete (a comment or a blank line
 * prints nothing else). No text: a person sees nothing. */
static void say_done(Session *s, const char *name, int line, bool ok) {
    Event e;
    event_init(&e, "done");
    event_str(&e, "file", name);
    event_int(&e, "line", line);
    event_bool(&e, "ok", ok);
    session_emit(s, &e);
    event_free(&e);
}

static bool run_lines(Session *s, LineReader *r, const char *name, bool stop_at_error, bool done) {
    const char *text, *next;
    size_t len, next_len;
    bool ok = true;
    /* A driver's Ctrl-C (an Interrupt with clear) stops only the line it
     * comes in: cleared before the next line, and a read it cut short is
     * read again. */
    bool driver = done && s->io.interrupt.clear;
    int line = 1;
    for (;; line++) {
        if (driver && session_interrupted(s)) s->io.interrupt.clear(s->io.interrupt.ctx);
        if (s->quit || session_stopped(s)) break;
        if (!line_reader_next(r, &text, &len)) {
            if (!driver || r->error != EINTR) break;
            r->error = 0;
            line--;
            continue;
        }
        bool more = line_reader_peek(r, &next, &next_len);
        if (more) prefetch_names(&s->graph, next, next_len);
        bool line_ok = session_run_line(s, name, line, text, len);
        if (done) say_done(s, name, line, line_ok);
        /* Before reading may wait for input, what was answered so far goes
         * out: a program feeding lines through a pipe sees each answer. */
        if (!more) sink_flush(s->io.sink);
        if (!line_ok) {
            ok = false;
            if (stop_at_error) break;
        }
    }
    char message[512];
    if (session_interrupted(s)) {
        snprintf(message, sizeof message, "interrupted before line %d", line);
        session_error(s, name, "", 0, (SourcePos){0, 0, 0, 1}, message);
        ok = false;
    } else if (session_stopped(s)) {
        ok = false; /* the output is gone: nothing to report it on */
    } else if (r->error) {
        snprintf(message, sizeof message, "error reading '%s': %s", name, strerror(r->error));
        session_error(s, name, "", 0, (SourcePos){0, 0, 0, 1}, message);
        ok = false;
    }
    line_reader_free(r);
    return ok;
}

/* The LineReader's wait: the front end's Waiter, asked afresh before each
 * read (a line may start or stop the web view), and only for the prompt's
 * own input, not a file a command reads while a line runs. */
static bool wait_for_input(void *session, int fd) {
    Session *s = session;
    if (session_busy(s) || !s->io.wait.until_readable) return true;
    return s->io.wait.until_readable(s->io.wait.ctx, fd);
}

bool session_run_stream(Session *s, int fd, const char *name, bool stop_at_error) {
    LineReader r;
    line_reader_init(&r, fd);
    r.wait = wait_for_input;
    r.wait_ctx = s;
    return run_lines(s, &r, name, stop_at_error, false);
}

bool session_run_input(Session *s, int fd, const char *name) {
    LineReader r;
    line_reader_init(&r, fd);
    r.wait = wait_for_input;
    r.wait_ctx = s;
    return run_lines(s, &r, name, false, true);
}

bool session_run_text(Session *s, const char *name, const char *text, size_t len,
                      bool stop_at_error) {
    LineReader r;
    line_reader_init_text(&r, text, len); /* out of memory: r.error says so */
    return run_lines(s, &r, name, stop_at_error, false);
}

bool session_run_file(Session *s, const char *path, bool stop_at_error) {
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        char message[512];
        snprintf(message, sizeof message, "cannot read '%s': %s", path, strerror(errno));
        session_error(s, path, "", 0, (SourcePos){0, 0, 0, 1}, message);
        return false;
    }
    /* What the script loads is found beside it, wherever it is run from. */
    char *outer = s->io.dir;
    s->io.dir = datafile_folder(path);
    bool ok = session_run_stream(s, fd, path, stop_at_error);
    free(s->io.dir);
    s->io.dir = outer;
    close(fd);
    return ok;
}
