/* commands.c - the command table, dispatch, and the commands that change
 * the session. The commands that explain the graph are in inspect.c. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "../io/file.h"
#include "../graph/format.h"
#include "../graph/utf8.h"
#include "command.h"
#include "construct.h"
#include "datafile.h"
#include "output.h"
#include "quiz.h"
#include "quiz.h"
#include "suggest.h"

enum { MAX_LOAD_DEPTH = 16 };

static SourcePos token_pos(const Command *c, const Token *t) {
    return (SourcePos){t->line, t->col, (int)(t->start - c->text), t->length > 0 ? t->length : 1};
}

static bool report(Command *c, SourcePos pos, const char *fmt, va_list ap) {
    char message[1024];
    vsnprintf(message, sizeof message, fmt, ap);
    session_error(c->s, c->file, c->text, c->len, pos, message);
    return false;
}

bool cmd_error(Command *c, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    report(c, c->pos, fmt, ap);
    va_end(ap);
    return false;
}

bool cmd_error_at(Command *c, const Token *t, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    report(c, token_pos(c, t), fmt, ap);
    va_end(ap);
    return false;
}

bool cmd_stopped(Command *c, const char *fmt, ...) {
    if (!session_interrupted(c->s)) return false;
    va_list ap;
    va_start(ap, fmt);
    report(c, c->pos, fmt, ap);
    va_end(ap);
    return false;
}

ArgResult cmd_next_name(Command *c, NodeId *id, Token *t) {
    *id = NODE_NONE;
    *t = lexer_next(&c->lexer);
    if (t->type == TOK_EOF) return ARG_END;
    if (t->type != TOK_NAME) {
        cmd_error_at(c, t, "expected a name, found %s", token_type_name(t->type));
        return ARG_ERROR;
    }
    *id = graph_lookup(&c->s->graph, t->start, t->length);
    if (*id == NODE_NONE) {
        char hint[128];
        suggest_hint(&c->s->graph, t->start, t->length, false, hint, sizeof hint);
        cmd_error_at(c, t, "undefined name '%.*s'%s", t->length, t->start, hint);
        return ARG_ERROR;
    }
    return ARG_NAME;
}

bool cmd_target(Command *c, NodeId *target) {
    *target = session_target(c->s);
    if (*target != NODE_NONE) return true;
    return cmd_error(c, "no target: define a value computed from others (price = apple * 2) "
                        "or choose one with :target NAME");
}

void cmd_label(const Graph *g, NodeId id, StrBuf *sb) {
    sb_clear(sb);
    const char *name = graph_name_of(g, id);
    if (name) {
        sb_puts(sb, name);
        return;
    }
    bool infix = op_info((Op)graph_node(g, id)->op)->syntax == SYN_INFIX;
    if (infix) sb_puts(sb, "(");
    if (!graph_expr_text_within(g, id, LABEL_MAX, sb) || sb->failed) {
        sb_clear(sb);
        sb_printf(sb, "#%d", id);
    } else if (infix) {
        sb_puts(sb, ")");
    }
}

/* Writes the leaves target's gradient reaches into out, in definition
 * order: not labels, which the book's layers return no gradient for
 * (`:grad t` still asks for one). Returns how many, or -1 if memory ran out. */
static int32_t target_leaves(Graph *g, NodeId target, NodeId *out) {
    int32_t n = 0;
    uint8_t *used = calloc((size_t)g->count + 1, 1);
    if (!used || !graph_grad_reach(g, target, used)) {
        free(used);
        return -1;
    }
    for (int32_t k = 0; k < g->name_count; k++) {
        NodeId node = g->names[k].node;
        if (node != NODE_NONE && used[node] && graph_is_leaf(g, node)) out[n++] = node;
    }
    free(used);
    return n;
}

NodeId *cmd_wrt_names(Command *c, NodeId target, const char *leaves_only, int32_t *n) {
    Graph *g = &c->s->graph;
    NodeId *wrt = malloc(((size_t)g->name_count + 1) * sizeof *wrt);
    if (!wrt) {
        cmd_error(c, "out of memory");
        return NULL;
    }
    *n = 0;
    NodeId id;
    Token t;
    ArgResult r;
    while ((r = cmd_next_name(c, &id, &t)) == ARG_NAME) {
        if (leaves_only && !graph_is_leaf(g, id)) {
            cmd_error_at(c, &t, "'%.*s' is computed from other names; %s", t.length, t.start,
                         leaves_only);
            r = ARG_ERROR;
            break;
        }
        if (*n < g->name_count) wrt[(*n)++] = id;
    }
    if (r != ARG_ERROR && *n == 0 && (*n = target_leaves(g, target, wrt)) < 0)
        r = ARG_ERROR, cmd_error(c, "out of memory");
    if (r == ARG_ERROR) {
        free(wrt);
        return NULL;
    }
    return wrt;
}

static bool is_blank(char ch) {
    return ch == ' ' || ch == '\t' || ch == '\r';
}

/* Anything left in the arguments is an error: a command that takes none
 * says so; otherwise the extra one is named. */
bool cmd_no_more_args(Command *c) {
    Token t = lexer_next(&c->lexer);
    if (t.type == TOK_EOF) return true;
    size_t first = c->offset;
    while (first < c->end && is_blank(c->text[first]))
        first++;
    if (t.start == c->text + first) return cmd_error_at(c, &t, ":%s takes no arguments", c->name);
    return cmd_error_at(c, &t, "unexpected '%.*s': :%s takes no more arguments", t.length, t.start,
                        c->name);
}

/* --- words: the arguments of commands that take file names ------------------ */

/* Scans the word that starts at line[at] (not a blank) and ends before
 * `end`: a quoted one ("my file.bp", 'a#b.svg'; in double quotes \" and \\
 * stand for " and \) or a bare one, which a blank, ';' or '#' ends. Sets
 * *word_end and, if text is not NULL, appends the word without its quotes.
 * Returns what is wrong with the word, or NULL. */
static const char *scan_word(const char *line, size_t at, size_t end, size_t *word_end,
                             StrBuf *text) {
    char quote = line[at];
    if (quote != '"' && quote != '\'') {
        size_t i = at;
        while (i < end && !is_blank(line[i]) && line[i] != ';' && line[i] != '#')
            i++;
        if (text) sb_append(text, line + at, i - at);
        *word_end = i;
        return NULL;
    }
    size_t i = at + 1;
    for (; i < end && line[i] != quote; i++) {
        bool escape = quote == '"' && line[i] == '\\' && i + 1 < end &&
                      (line[i + 1] == '"' || line[i + 1] == '\\');
        if (escape) i++;
        if (text) sb_append(text, line + i, 1);
    }
    if (i == end) {
        *word_end = end;
        return "unclosed quote: a quoted name ends with the quote it starts with";
    }
    *word_end = ++i;
    if (i < end && !is_blank(line[i]) && line[i] != ';' && line[i] != '#') {
        while (*word_end < end && !is_blank(line[*word_end]))
            (*word_end)++;
        return "text after the closing quote: put the whole name in the quotes";
    }
    return NULL;
}

/* Where the command at line[offset] (its ':') ends: at the first ';' or '#'
 * outside quotes, or at len. */
static size_t command_end(const char *line, size_t offset, size_t len) {
    size_t at = offset;
    for (;;) {
        while (at < len && is_blank(line[at]))
            at++;
        if (at == len || line[at] == ';' || line[at] == '#') return at;
        scan_word(line, at, len, &at, NULL);
    }
}

bool cmd_next_word(Command *c, Word *w) {
    size_t at = (size_t)(c->lexer.current - c->text);
    while (at < c->end && is_blank(c->text[at]))
        at++;
    const char *start = c->text + at;
    *w = (Word){{TOK_EOF, start, 0, c->line, lexer_column(&c->lexer, start), NULL},
                NULL,
                at < c->end && (*start == '"' || *start == '\'')};
    if (at == c->end) return true;
    StrBuf text;
    sb_init(&text);
    size_t end;
    const char *problem = scan_word(c->text, at, c->end, &end, &text);
    lexer_seek(&c->lexer, end);
    w->at.type = TOK_NAME;
    w->at.length = (int)(end - at);
    if (!problem && !(w->text = text.failed ? NULL : strndup(text.data, text.len)))
        problem = "out of memory";
    sb_free(&text);
    return !problem || cmd_error_at(c, &w->at, "%s", problem);
}

char *cmd_file_arg(Command *c, const char *missing) {
    Word w, extra;
    if (!cmd_next_word(c, &w)) return NULL;
    if (!w.text) {
        cmd_error(c, "%s", missing);
        return NULL;
    }
    if (!cmd_next_word(c, &extra)) {
        free(w.text);
        return NULL;
    }
    if (extra.text) {
        cmd_error_at(c, &extra.at,
                     "one file at a time ('%s' is a second; quote a name that holds spaces: "
                     "\"my file.bp\")",
                     extra.text);
        free(extra.text);
        free(w.text);
        return NULL;
    }
    return w.text;
}

/* --- :grad ----------------------------------------------------------------- */

/* One gradient, as a "grad" event. One event is reused for every row: a
 * big graph has a row per leaf, and a 500,000-leaf :grad should not
 * allocate half a million times. */
static void print_grad(Session *s, NodeId target, NodeId wrt, Event *e) {
    const Graph *g = &s->graph;
    Value v = graph_grad_value(g, wrt);
    const char *of = session_grad_of(s, target), *name = graph_name_of(g, wrt);
    event_reset(e);
    event_str(e, "of", graph_name_of(g, target));
    event_str(e, "wrt", name);
    event_value(e, "value", v);
    if (s->seed_tensor)
        event_array(e, "seed", (Value){&s->seed_shape, s->seed_tensor, shape_size(&s->seed_shape)});
    else if (s->seed != 1)
        event_num(e, "seed", s->seed);
    if (v.shape->rank == 0) {
        char num[FMT_NUMBER_SIZE];
        event_printf(e, "∂%s/∂%s = %s\n", of, name, session_num(s, v.data[0], num));
    } else {
        session_show(s, e, v, "∂%s/∂%s = ", of, name);
    }
    sink_emit(s->io.sink, e);
}

/* :grad [NAME...]  gradients of the target; default: every leaf it uses */
static bool cmd_grad(Command *c) {
    Graph *g = &c->s->graph;
    NodeId target;
    if (!cmd_target(c, &target)) return false;
    int32_t n;
    const double *seed;
    char why[512];
    if (!session_seed(c->s, target, &seed, why, sizeof why)) return cmd_error(c, "%s", why);
    NodeId *wrt = cmd_wrt_names(c, target, NULL, &n);
    if (!wrt) return false;
    if (!graph_backward(g, target, seed)) {
        free(wrt);
        return cmd_error(c, "out of memory");
    }
    Event e;
    event_init(&e, "grad");
    int32_t i = 0;
    for (; i < n && !session_stopped(c->s); i++)
        print_grad(c->s, target, wrt[i], &e);
    event_free(&e);
    if (n == 0) {
        event_init(&e, NULL); /* a note for people; JSON shows no rows */
        event_printf(&e, "(%s depends on no leaves)\n", graph_name_of(g, target));
        session_emit(c->s, &e);
    }
    free(wrt);
    return i == n || cmd_stopped(c, "interrupted; the gradients above are complete");
}

/* --- changing the graph ------------------------------------------------------ */

/* :del NAME  forget a name nothing else uses */
static bool cmd_del(Command *c) {
    NodeId id;
    Token t;
    ArgResult r = cmd_next_name(c, &id, &t);
    if (r == ARG_END) return cmd_error(c, ":del needs a name");
    if (r == ARG_ERROR || !cmd_no_more_args(c)) return false;
    GraphError err;
    if (!graph_delete(&c->s->graph, t.start, t.length, &err))
        return cmd_error_at(c, &t, "%s", err.message);
    if (c->s->target == id) c->s->target = NODE_NONE;
    session_forget_loaded(c->s, t.start, t.length);
    session_reclaim(c->s);
    c->s->io.changed = true;
    Event e;
    event_init(&e, "deleted");
    char name[256];
    snprintf(name, sizeof name, "%.*s", t.length, t.start);
    event_str(&e, "name", name);
    event_printf(&e, "deleted %.*s\n", t.length, t.start);
    session_emit(c->s, &e);
    return true;
}

/* :clear  forget everything */
static bool cmd_clear(Command *c) {
    if (!cmd_no_more_args(c)) return false;
    session_clear(c->s);
    c->s->io.changed = true;
    Event e;
    event_init(&e, "cleared");
    event_printf(&e, "cleared\n");
    session_emit(c->s, &e);
    return true;
}

/* What :save hands file_replace's writer. */
typedef struct {
    Session *s;
    char *folder; /* where the script goes, absolute; NULL if unknown */
} SaveTo;

static bool write_script(FILE *f, const char *temp_path, void *save_to) {
    (void)temp_path;
    SaveTo *to = save_to;
    return session_write_script(to->s, f, to->folder);
}

/* :save FILE  write a script that :load replays to this same session */
static bool cmd_save(Command *c) {
    char *path = cmd_file_arg(c, ":save needs a file name");
    if (!path) return false;
    /* Loaded files are named from the script's folder, as load() reads them. */
    char *dir = datafile_folder(path);
    SaveTo to = {c->s, datafile_absolute(dir ? dir : ".")};
    free(dir);
    char why[256];
    bool ok = file_replace(path, write_script, &to, why, sizeof why);
    free(to.folder);
    if (!ok && session_interrupted(c->s)) {
        cmd_stopped(c, "interrupted; '%s' was not written", path);
    } else if (!ok) {
        cmd_error(c, "cannot save '%s': %s", path, why);
    } else {
        Event e;
        event_init(&e, "saved");
        event_str(&e, "file", path);
        StrBuf shown;
        sb_init(&shown);
        event_printf(&e, "saved %s\n", shown_text(&shown, path));
        session_emit(c->s, &e);
        sb_free(&shown);
    }
    free(path);
    return ok;
}

/* :load FILE  replace the session with the one FILE builds; if any line of
 * FILE fails, the session stays exactly as it was, and nothing FILE printed
 * before the failing line is shown: its output is held until FILE has run
 * (errors are not held, so the failure is seen). A :quit in FILE (or in a
 * file it loads) ends FILE there, and the session is what FILE built up to
 * it; then backprop quits, as it does for a :quit anywhere else. */
static bool cmd_load(Command *c) {
    char *path = cmd_file_arg(c, ":load needs a file name");
    if (!path) return false;
    if (c->s->io.load_depth >= MAX_LOAD_DEPTH) {
        free(path);
        return cmd_error(c, ":load nested more than %d deep (does the file load itself?)",
                         MAX_LOAD_DEPTH);
    }
    Session *s = c->s;
    sink_flush(s->io.sink); /* what came before shows before the file's errors */
    HoldSink hold;
    hold_sink_init(&hold, s->io.sink);
    Session fresh;
    session_init(&fresh, &hold.sink);
    fresh.digits = s->digits;
    fresh.elide = s->elide;
    fresh.quiet = s->quiet;
    /* The file runs with this session's front end: its interrupt, its
     * failure count, and one Graphviz for the process (opened a second time
     * in a process, Graphviz's text plug-in reads memory it has freed).
     * Observers hear of the file once, when it has run. */
    fresh.io = s->io;
    fresh.io.sink = &hold.sink;
    fresh.io.load_depth++;
    fresh.io.observer_count = 0;
    fresh.io.watch = NULL;
    fresh.io.dir = NULL;
    bool ok = session_run_file(&fresh, path, true);
    SessionIO io = s->io; /* the front end's, kept whatever the file did */
    io.renderer = fresh.io.renderer;
    io.failures = fresh.io.failures;
    free(fresh.io.watch); /* a :watch in the file ends with it, as before */
    fresh.io = (SessionIO){0};
    if (ok) {                        /* the file's session replaces this one as a whole */
        struct Quiz *quiz = s->quiz; /* session_run_line ends it: the graph changed */
        s->quiz = NULL;
        s->io = (SessionIO){0};
        session_free(s);
        quiz_free(fresh.quiz);
        *s = fresh;
        s->quiz = quiz;
        s->io = io;
        s->io.changed = true;
        hold_sink_release(&hold);
    } else {
        session_free(&fresh);
        s->io = io;
        hold_sink_free(&hold);
    }
    if (ok && hold.lost) cmd_error(c, "out of memory: some of what '%s' printed is lost", path);
    if (!ok) cmd_error(c, "loading '%s' failed; the session is unchanged", path);
    free(path);
    return ok && !hold.lost;
}

/* --- help and quit ------------------------------------------------------------ */

typedef struct {
    const char *name;
    const char *args;
    const char *help;
    const char *details; /* for :help NAME */
    bool (*run)(Command *c);
} CommandInfo;

static bool cmd_help(Command *c);

/* :quit  leave backprop: the rest of the line, of the file and of any file
 * that :load-ed it, later FILE and -e arguments and the REPL all end. */
static bool cmd_quit(Command *c) {
    if (!cmd_no_more_args(c)) return false;
    c->s->quit = true;
    return true;
}

/* In order of precedence for prefixes, as GHCi does: `:g` is :grad, and
 * `:q` stays :quit. The README's command table lists them in this order.
 * `details` is what `:help NAME` adds: each argument and option, one per
 * line, then an example. */
// clang-format off
static const CommandInfo commands[] = {
    {"grad",    "[NAME...]",  "gradients of the target with respect to NAMEs (default: its leaves)",
     "NAME...   the names to take gradients with respect to, leaves or derived;\n"
     "          none: every leaf the target uses, in definition order\n"
     "example: :grad apple tax", cmd_grad},
    {"graph",   "",           "every node in topological order: id, op, inputs, value, gradient",
     "no arguments; a node's id (#3) is how :trace names an unnamed intermediate\n"
     "example: :graph", cmd_graph},
    {"target",  "[NAME]",     "show or choose the node gradients are taken of (default: newest derived)",
     "NAME      the node whose gradients :grad, :trace, :check and :descend take;\n"
     "          none: show the target\n"
     "example: :target price", cmd_target_set},
    {"trace",   "",           "narrate the backward pass step by step, as the book's figures do",
     "no arguments; each step shows the upstream gradient, the local derivatives\n"
     "and what flows back to each input\n"
     "example: :trace", cmd_trace},
    {"seed",    "[VALUE]",    "show or set the gradient fed into the target (the book's dout; default 1)",
     "VALUE     an expression without names: a number for a scalar target, a\n"
     "          tensor of the target's shape for a tensor one; none: show the seed\n"
     "example: :seed 1.5   or   :seed ones(2, 3)", cmd_seed},
    {"vars",    "",           "names with value, kind (leaf/param/derived) and definition",
     "no arguments; a tensor of up to 6 elements shows whole, a larger one as its\n"
     "shape and range: (784,50) ∈ [-3.12, 3.41]\n"
     "example: :vars", cmd_vars},
    {"check",   "[NAME...]",  "compare gradients with central differences (flag rel. error > 1e-6)",
     "NAME...   the leaves to check; none: every leaf the target uses\n"
     "example: :check W1 b1", cmd_check},
    {"render",  "[FILE] [OPTIONS]", "draw the graph as the book does (.svg .png .pdf .dot; .mmd .md: Mermaid)",
     "FILE         the figure to write; its extension gives the format: .svg .png\n"
     "             .pdf .dot, or .mmd .md for Mermaid; - prints the DOT here,\n"
     "             -.svg the SVG (a notebook shows it);\n"
     "             none: a one-line summary of what would be drawn\n"
     "--forward    values only, no red gradient arrows (the book's first figures)\n"
     "--expand     sigmoid as its primitives ×(−1), exp, +1, /; tanh as\n"
     "             2·sigmoid(2x) − 1; affine as dot then +; softmax_with_loss\n"
     "             as the Softmax and Cross Entropy Error boxes (figure 5-30)\n"
     "--expand=2   softmax_with_loss as the appendix's exp, +, /, ×, log graph\n"
     "--elements   vectors of up to 8 elements as one arrow each: a1 a2 a3\n"
     "--fold       a number in its op's circle: ×2, ×1.1 (figure 5-1), not an arrow\n"
     "--steps      one file per backward step: FILE-01.svg, FILE-02.svg, ...\n"
     "             (Mermaid too: FILE-01.mmd, ...)\n"
     "--of NAME    draw what feeds NAME (default: what feeds the target)\n"
     "--all        draw every node\n"
     "--no-names   hide the names of named intermediates on their links\n"
     "--digits N   significant digits of the numbers on the arrows, 1-17\n"
     "--symbolic   the rules in symbols, not numbers: x, exp(-x) forward,\n"
     "             ∂L/∂z · y back (the book's figures 5-9 to 5-30)\n"
     "--chain      backward as partials: ∂z/∂z · ∂z/∂t · ∂t/∂x (figure 5-7)\n"
     "--derived    --symbolic, a sigmoid or tanh node sending back what its\n"
     "             --expand figure derives: ∂L/∂y · y² · exp(-x) (figure 5-21)\n"
     "--values     with those, the number too: exp(-x) = 0.6065\n"
     "--scale N    a PNG's size times N, 0.5-8 (2: 192 dpi)\n"
     "--force      draw graphs above 150 operations (layout takes a while)\n"
     "--blanks [grads|values|all|NAME...]\n"
     "             a worksheet: empty boxes where the gradients (or values, or\n"
     "             the links of NAMEs) go, as the book's exercise 5-15\n"
     "--answers    its key: the same figure and layout, the answers boxed\n"
     "example: :render apple.svg --expand", cmd_render},
    {"mermaid", "[FILE]",     "the graph as a Mermaid flowchart, for Markdown notes",
     "FILE      a .mmd file, or .md for a fenced block; none: print it here;\n"
     "          takes :render's options too (--forward --of NAME ...)\n"
     "example: :mermaid notes.md", cmd_mermaid},
    {"watch",   "[FILE|off]", "redraw FILE after every change",
     "FILE      the figure to keep current, as for :render; drawn at once\n"
     "off       stop watching; none: show what is watched\n"
     "example: :watch live.svg", cmd_watch},
    {"clear",   "",           "forget every name and node",
     "no arguments; settings (:digits, :elide, :quiet) stay\n"
     "example: :clear", cmd_clear},
    {"del",     "NAME",       "forget NAME (refused while other names use it)",
     "NAME      the name to forget; refused, listing them, while others use it\n"
     "example: :del apple_price", cmd_del},
    {"digits",  "[N]",        "significant digits of printed numbers, 1-17 (default 12)",
     "N         a whole number from 1 to 17; none: show it\n"
     "example: :digits 17", cmd_digits},
    {"elide",   "[N]",        "values with more than N elements print elided with … (default 1000; 0: never)",
     "N         tensors with more elements print the first and last 3 entries of\n"
     "          each long axis; 0 never elides; none: show it\n"
     "example: :elide 0", cmd_elide},
    {"export",  "NAME FILE",  "write NAME's value as a NumPy .npy file; ∂NAME (or --grad): its gradient",
     "NAME      the value to write; ∂NAME (or NAME with --grad): its gradient,\n"
     "          as :grad NAME shows it\n"
     "FILE      the .npy file to write (little-endian float64, which NumPy reads\n"
     "          back bit for bit); found beside the script, as load finds files\n"
     "--grad    write the gradient, as ∂NAME does\n"
     "example: :export W1 w1.npy   or   :export ∂W1 dw1.npy", cmd_export},
    {"descend", "LR [STEPS]", "gradient descent: every param W -= LR * ∂/∂W, STEPS times (default 1)",
     "LR        the learning rate, a positive number\n"
     "STEPS     how many steps, 1 to 1000000 (default 1); each prints the target\n"
     "example: :descend 0.1 100", cmd_descend},
    {"save",    "FILE",       "write a script that rebuilds this session",
     "FILE      the script to write (quote a name with spaces: \"my notes.bp\")\n"
     "example: :save session.bp", cmd_save},
    {"load",    "FILE",       "replace this session with the one FILE builds",
     "FILE      a script; if any line of it fails, nothing it did is kept or shown\n"
     "          but the error\n"
     "example: :load session.bp", cmd_load},
    {"help",    "[COMMAND]",  "list the commands, or explain one",
     "COMMAND   a command, or any prefix of one (:h r is :help render)\n"
     "example: :help render", cmd_help},
    {"quit",    "",           "leave backprop (Ctrl-D does too)",
     "no arguments; in a script or a :load-ed file, nothing after it runs\n"
     "example: :quit", cmd_quit},
    {"quiet",   "[on|off]",   "on: definitions and the updates they cause print nothing (as -q)",
     "on        definitions and their → updates print nothing; bare\n"
     "          expressions, commands, warnings and errors still do\n"
     "off       print them again; none: show the setting\n"
     "example: :quiet on", cmd_quiet},
    {"quiz",    "[forward|new]", "ask the backward (or forward) pass step by step, answers checked",
     "(none)    the gradient on each link of the target's graph, from the output\n"
     "          back, as the book's exercise 5-15; answer with a number or an\n"
     "          expression (2 * 1.1), right to 3 significant digits; a wrong\n"
     "          answer gets a hint, a second one the step worked out\n"
     "forward   the value of each operation instead, from the inputs on\n"
     "--symbolic  the gradient on each link in the book's symbols, as\n"
     "          :render --symbolic labels it: answer in the names (dL/dz * y,\n"
     "          ∂L/∂z · y, dLdz y); checked by evaluating both at 5 points\n"
     "new [easy|medium|hard] [seed=N]\n"
     "          a fresh exercise of the book's kind (shopping, a neuron) with\n"
     "          short numbers, in an empty session; the same seed, the same one\n"
     "skip      show this answer and go on;  stop: end the quiz with the score\n"
     "example: :quiz new easy seed=17", cmd_quiz},
    {"complete", "PREFIX",    "what Tab would complete PREFIX to, one per line (for editors, notebooks)",
     "PREFIX    the start of a word: :re gives :render; otherwise defined names,\n"
     "          then functions; nothing when none fits\n"
     "example: :complete app", cmd_complete},
};
// clang-format on

enum { COMMAND_COUNT = sizeof commands / sizeof commands[0] };

/* The first command (in table order) that `word` is a prefix of. */
static const CommandInfo *find_command(const char *word, size_t len) {
    for (int i = 0; i < COMMAND_COUNT; i++)
        if (len > 0 && strncmp(commands[i].name, word, len) == 0 && strlen(commands[i].name) >= len)
            return &commands[i];
    return NULL;
}

/* The :help usage column: the longest usage and two spaces. */
static int usage_width(const Session *s) {
    int width = 0;
    for (int i = 0; i < COMMAND_COUNT + s->io.command_count; i++) {
        const char *args =
            i < COMMAND_COUNT ? commands[i].args : s->io.commands[i - COMMAND_COUNT].args;
        int w = 2 + (int)strlen(session_command_name(s, i)) + (int)strlen(args) + 2;
        width = w > width ? w : width;
    }
    return width;
}

/* Writes `text` with every line indented by `indent` spaces. */
static void write_indented(StrBuf *f, const char *text, int indent) {
    for (const char *line = text; *line;) {
        const char *end = strchr(line, '\n');
        int len = end ? (int)(end - line) : (int)strlen(line);
        sb_printf(f, "%*s%.*s\n", indent, "", len, line);
        line += len + (end != NULL);
    }
}

/* Writes `head` then the comma-separated `list`, wrapped before 80
 * columns with continuation lines indented by 2. */
static void write_list(StrBuf *f, const char *head, const char *list, const char *tail) {
    int column = (int)strlen(head);
    sb_puts(f, head);
    for (const char *item = list; *item;) {
        const char *comma = strchr(item, ',');
        int len = comma ? (int)(comma - item) : (int)strlen(item);
        bool last = !comma;
        int width = len + (last ? (int)strlen(tail) : 1);
        if (column + 1 + width > 79) {
            sb_puts(f, "\n ");
            column = 1;
        }
        sb_printf(f, " %.*s%s", len, item, last ? tail : ",");
        column += 1 + width;
        item = last ? item + len : comma + 1;
        while (*item == ' ')
            item++;
    }
    sb_puts(f, "\n");
}

/* The language in brief, after the command list. Function names come from
 * the op table and the constructors, so a new op is listed without a word
 * changed here. */
static void write_language(StrBuf *f) {
    char functions[1024];
    op_function_list(functions, sizeof functions);
    sb_printf(f, "Statements: NAME = EXPR defines a node, EXPR prints a value; ';' separates "
                 "them and\nsilences the one before it.\n"
                 "Operators: + - * / ** (or ^), unary -, X @ W (matrix product), x.T, x[0].\n");
    write_list(f, "Functions:", functions, ", dot.");
    write_list(f, "Tensors: literals such as [[1, 2], [3, 4]], and", construct_names(),
               " (randn(2, 3, seed=7)).");
    sb_printf(f, "`param W = ...` marks a leaf :descend trains.\n"
                 "Data: X = load(\"x.npy\") or load(\"x.csv\") reads a file into a leaf;\n"
                 "  :export W w.npy writes one.\n"
                 "Commands may be shortened: :g is :grad. :help COMMAND explains one.\n");
}

static const SessionCommand *find_added(const Session *s, const char *word, size_t len);

/* What :help says of command i, the session's then the front end's. */
typedef struct {
    const char *name, *args, *help, *details;
} HelpText;

static HelpText help_text(const Session *s, int i) {
    if (i < COMMAND_COUNT)
        return (HelpText){commands[i].name, commands[i].args, commands[i].help,
                          commands[i].details};
    const SessionCommand *sc = &s->io.commands[i - COMMAND_COUNT];
    return (HelpText){sc->name, sc->args, sc->help, sc->details};
}

/* The index of the command `word` is a prefix of (help_text's), or -1. */
static int help_index(const Session *s, const char *word, size_t len) {
    const CommandInfo *ci = find_command(word, len);
    if (ci) return (int)(ci - commands);
    const SessionCommand *added = find_added(s, word, len);
    return added ? COMMAND_COUNT + (int)(added - s->io.commands) : -1;
}

/* :help [COMMAND] */
static bool cmd_help(Command *c) {
    Session *s = c->s;
    Token t = lexer_next(&c->lexer);
    int only = -1;
    if (t.type != TOK_EOF) {
        const char *word = t.start[0] == ':' ? t.start + 1 : t.start;
        size_t wlen = (size_t)(t.start + t.length - word);
        if (t.type == TOK_ERROR && t.start[0] == ':') {
            const char *e = word;
            while (e < c->text + c->end && *e != ' ' && *e != '\t')
                e++;
            wlen = (size_t)(e - word);
        }
        only = help_index(s, word, wlen);
        if (only < 0) return cmd_error_at(c, &t, "no command '%.*s' (try :help)", (int)wlen, word);
        lexer_seek(&c->lexer, (size_t)(word + wlen - c->text));
        if (!cmd_no_more_args(c)) return false;
    }
    for (int i = 0; i < COMMAND_COUNT + s->io.command_count; i++) {
        if (only >= 0 && i != only) continue;
        HelpText h = help_text(s, i);
        Event e;
        event_init(&e, "help");
        event_str(&e, "command", h.name);
        event_str(&e, "args", h.args);
        event_str(&e, "help", h.help);
        if (only >= 0) event_str(&e, "details", h.details);
        char usage[64];
        snprintf(usage, sizeof usage, ":%s %s", h.name, h.args);
        sb_puts(&e.text, "  ");
        write_padded(&e.text, usage, usage_width(s));
        event_printf(&e, "%s\n", h.help);
        if (only >= 0) write_indented(&e.text, h.details, 4);
        session_emit(s, &e);
    }
    if (only < 0) {
        Event e;
        event_init(&e, NULL); /* the language in brief is for people */
        write_language(&e.text);
        session_emit(s, &e);
    }
    return true;
}

const char *session_command_name(const Session *s, int i) {
    if (i >= 0 && i < COMMAND_COUNT) return commands[i].name;
    i -= COMMAND_COUNT;
    return i >= 0 && i < s->io.command_count ? s->io.commands[i].name : NULL;
}

bool session_add_command(Session *s, const SessionCommand *command) {
    const CommandInfo *same = find_command(command->name, strlen(command->name));
    if (s->io.command_count == SESSION_COMMANDS_MAX ||
        (same && strcmp(same->name, command->name) == 0))
        return false;
    s->io.commands[s->io.command_count++] = *command;
    return true;
}

/* The front end's command that `word` is a prefix of, after the session's. */
static const SessionCommand *find_added(const Session *s, const char *word, size_t len) {
    for (int i = 0; i < s->io.command_count; i++) {
        const char *name = s->io.commands[i].name;
        if (len > 0 && strncmp(name, word, len) == 0 && strlen(name) >= len)
            return &s->io.commands[i];
    }
    return NULL;
}

/* Runs a front end's command: its arguments trimmed, its failure reported
 * at the command. */
static bool run_added(Command *c, const SessionCommand *sc) {
    size_t from = c->offset, to = c->end;
    while (from < to && (c->text[from] == ' ' || c->text[from] == '\t'))
        from++;
    while (to > from && (c->text[to - 1] == ' ' || c->text[to - 1] == '\t'))
        to--;
    char error[512] = "";
    if (sc->run(c->s, sc->ctx, c->text + from, to - from, error, sizeof error)) return true;
    return cmd_error(c, "%s", error[0] ? error : "failed");
}

bool session_command(Session *s, const char *file, int line, const char *text, size_t len,
                     size_t offset, size_t *next) {
    size_t end = command_end(text, offset, len);
    *next = end < len && text[end] == ';' ? end + 1 : len;
    Command c = {
        .s = s, .file = file, .line = line, .text = text, .len = len, .offset = offset, .end = end};
    size_t word = offset + 1, word_end = word;
    while (word_end < end && text[word_end] != ' ' && text[word_end] != '\t')
        word_end++;
    lexer_init(&c.lexer, text, end, line);
    c.pos = (SourcePos){line, lexer_column(&c.lexer, text + offset), (int)offset,
                        (int)(word_end - offset)};
    /* Checked here, for every command: a file name must be text a JSON row
     * can carry, and an unknown command's name is echoed in the error. */
    size_t valid = offset + utf8_valid_length(text + offset, end - offset);
    if (valid < end) {
        Token bad = {TOK_ERROR, text + valid, 1, line, lexer_column(&c.lexer, text + valid), NULL};
        return cmd_error_at(&c, &bad,
                            "invalid UTF-8 in a command: commands and their arguments, file "
                            "names included, must be UTF-8 text");
    }
    const CommandInfo *ci = find_command(text + word, word_end - word);
    const SessionCommand *added = ci ? NULL : find_added(s, text + word, word_end - word);
    if (added) {
        c.offset = word_end;
        c.name = added->name;
        return run_added(&c, added);
    }
    if (!ci) {
        const CommandInfo *close = NULL;
        int best = 3;
        for (int i = 0; i < COMMAND_COUNT; i++) {
            const char *name = commands[i].name;
            int d =
                suggest_distance(text + word, (int)(word_end - word), name, (int)strlen(name), 2);
            if (d < best) best = d, close = &commands[i];
        }
        if (close)
            return cmd_error(&c, "unknown command ':%.*s'; did you mean ':%s'?",
                             (int)(word_end - word), text + word, close->name);
        return cmd_error(&c, "unknown command ':%.*s' (try :help)", (int)(word_end - word),
                         text + word);
    }
    c.offset = word_end;
    c.name = ci->name;
    lexer_seek(&c.lexer, word_end);
    return ci->run(&c);
}
