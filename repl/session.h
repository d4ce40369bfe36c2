/* session.h - a backprop session: the graph, its names and settings, and
 * the execution of statements and commands. Every front end (the terminal,
 * a web page, a notes runner) drives a session through this API and hears
 * from it through events (event.h) sent to the sink it supplies; the
 * session never knows which front end it serves. In C:
 *
 *     StreamSink terminal;                      // text on stdout, errors on stderr
 *     stream_sink_init(&terminal, stdout, stderr);
 *     Session s;
 *     session_init(&s, &terminal.sink);
 *     session_run_line(&s, "<stdin>", 1, "apple = 100; price = apple * 1.1", 32);
 *     session_run_line(&s, "<stdin>", 2, ":grad", 5);   // ∂price/∂apple = 1.1
 *     session_free(&s);
 *
 * Each statement either fully happens or changes nothing. What a line says
 * arrives as events of a kind: "value" (x = 3), "update" (→ price = 330),
 * "grad", "flow" (:trace), "warning", "error" (diagnostic: file, line, col,
 * message), "rendered", ... (the JSON rows of --json are these events). A
 * front end that shows the graph live registers an observer
 * (session_observe), told once after every line that changed it; :watch is
 * one such observer.
 */
#ifndef BP_SESSION_H
#define BP_SESSION_H

#include <stdbool.h>
#include <stdio.h>

#include "../graph/graph.h"
#include "../render/render.h"
#include "event.h"
#include "parser.h"

/* How a front end tells long work to stop, as Ctrl-C does. Long loops
 * (:descend, :trace, :check, :grad, :vars, :graph, :save, the lines of a
 * file) poll session_stopped between their steps, which calls
 * pressed(ctx). Once it has returned true it must keep returning true
 * until the front end itself starts afresh (the REPL does so before each
 * prompt): the loop that stopped asks again to say why it stopped.
 *
 * The program's hook reads the flag its SIGINT handler sets. A test's can
 * say yes from the Nth poll on (tests/harness.h), so where work stops is
 * the same on every machine, however fast. */
typedef struct {
    bool (*pressed)(void *ctx); /* NULL: never */
    void *ctx;                  /* pressed's, not owned */
    /* NULL: Ctrl-C ends session_run_input. Set (backprop --driver): it
     * ends only the line running; the session calls clear and reads on. */
    void (*clear)(void *ctx);
} Interrupt;

/* A leaf read by `NAME = load("FILE")` and unchanged since: :save writes the
 * call again instead of the numbers. */
typedef struct {
    char *name; /* the leaf's name */
    char *file; /* the file's absolute path, as realpath gives it */
} Loaded;

struct Session;

/* Told after every line that changed the graph or what a figure of it
 * shows (a definition, :del, :load, :seed, ...), once per line. */
typedef void (*SessionObserver)(struct Session *s, void *ctx);

enum { SESSION_OBSERVERS_MAX = 8, SESSION_COMMANDS_MAX = 4 };

/* How a front end waits for input on fd: true once fd can be read, doing
 * the front end's other work meanwhile (the web view answers its pages
 * there); false with errno set if the wait failed (EINTR: Ctrl-C), which
 * ends the reading as a failed read would. */
typedef struct {
    bool (*until_readable)(void *ctx, int fd); /* NULL: read at once */
    void *ctx;                                 /* not owned */
} Waiter;

/* A command a front end adds to the language (:serve is the web view's):
 * listed by :help and completed like the session's own. run gets the
 * argument text (blanks trimmed), says what it has to say through
 * session_emit, and returns false with `error` set if it failed; the
 * session reports that at the command. */
typedef struct {
    const char *name, *args, *help, *details; /* as :help shows them; static strings */
    bool (*run)(struct Session *s, void *ctx, const char *args, size_t len, char *error,
                int error_size);
    void *ctx; /* run's, not owned */
} SessionCommand;

/* What the session shares with the front end that drives it: where its
 * events go, how it is interrupted, Graphviz, its observers. :load builds
 * a whole new session and keeps these. */
typedef struct {
    Sink *sink;          /* where every event goes (not owned) */
    Interrupt interrupt; /* Ctrl-C, set by the front end; none by default */
    Renderer renderer;   /* Graphviz, opened by the first render */
    struct {
        SessionObserver fn;
        void *ctx;
    } observers[SESSION_OBSERVERS_MAX];
    int observer_count;
    SessionCommand commands[SESSION_COMMANDS_MAX]; /* the front end's, after the session's */
    int command_count;
    Waiter wait;      /* how reading a stream waits for input (session_run_stream) */
    int running;      /* lines being run, nested (a :load runs its file's inside one) */
    const char *from; /* who set a leaf, while session_set_leaf runs ("the page") */
    char *watch;      /* the :watch file (owned), re-rendered by its observer, or NULL */
    bool changed;     /* the current line changed what a figure shows */
    int load_depth;   /* :load nesting, so a file that loads itself stops */
    int failures;     /* statements that failed so far */
    /* The folder load("...") and :export resolve relative names against:
     * the running script's (session_run_file sets it), NULL for the
     * current folder (the prompt, -e, standard input). Owned. */
    char *dir;
} SessionIO;

typedef struct Session {
    Graph graph;
    NodeId target;       /* chosen with :target; NODE_NONE means the newest derived name */
    double seed;         /* the upstream gradient fed into a scalar target (the book's dout) */
    double *seed_tensor; /* set by `:seed [...]`: the dout for a tensor target (owned), or NULL */
    Shape seed_shape;    /* seed_tensor's shape */
    uint64_t rng;        /* randn's stream when no seed= is given */
    int digits;          /* significant digits of printed numbers */
    size_t elide;        /* tensors with more elements print elided (…); 0 = never */
    bool quiet;          /* -q, :quiet: definitions and their updates print nothing */
    bool quit;           /* :quit was run */
    Loaded *loaded;      /* the loaded leaves, in no particular order (owned) */
    int32_t loaded_count, loaded_cap;
    struct Quiz *quiz; /* the running :quiz (quiz.h; owned), or NULL */
    SessionIO io;
} Session;

/* A session with an empty graph whose events go to sink (not owned). */
void session_init(Session *s, Sink *sink);
/* Frees the graph and Graphviz; the sink is left alone. */
void session_free(Session *s);
/* Forgets every name and node; keeps settings that are about display. */
void session_clear(Session *s);

/* Reclaims the nodes that redefinitions and :del left dead, once they
 * outnumber the live ones (graph_compact), and rewrites the node ids the
 * session holds. Called after every change that leaves dead nodes, so a
 * long session stays as fast and as small as its live graph. */
void session_reclaim(Session *s);

/* Runs every statement and command on one line of source named `file`,
 * line number `line`: text[0..len) without its line end (a '\n' ends it
 * early; lines.h splits scripts into lines). Stops the line at its first error, which is reported
 * (file:line:col, the line, a caret). Returns false if anything failed. */
bool session_run_line(Session *s, const char *file, int line, const char *text, size_t len);

/* Runs the file at `path` line by line. With stop_at_error it stops at the
 * first failing line. Returns false if the file could not be read (reported)
 * or any line failed. Ctrl-C stops it between lines (reported, false); so
 * does output that can no longer be written (not reported). */
bool session_run_file(Session *s, const char *path, bool stop_at_error);

/* Runs the lines read from fd (not closed), naming them `name` in errors:
 * session_run_file's contract, for any file descriptor. A pipe is read as
 * its lines arrive, so a program can feed it one line at a time. */
bool session_run_stream(Session *s, int fd, const char *name, bool stop_at_error);

/* Standard input from a program driving the session line by line (not a
 * terminal): session_run_stream going on after errors, with a "done" event
 * after each line ({"kind":"done","file":"<stdin>","line":3,"ok":true} in
 * --json), so a driver knows when a line's answer is complete. */
bool session_run_input(Session *s, int fd, const char *name);
/* (With an Interrupt that has clear, Ctrl-C stops the line it comes in and
 * reading goes on: for a notebook's stop button.) */

/* Runs text[0..len) as a script of lines, numbered from 1 and named `name`
 * in errors (an -e argument: `<command line>:2:3`): session_run_stream's
 * contract, for a string. */
bool session_run_text(Session *s, const char *name, const char *text, size_t len,
                      bool stop_at_error);

/* Should long work stop? True once Ctrl-C was pressed (see Interrupt) or
 * the sink has failed, e.g. its reader closed the pipe: then nothing more
 * can be shown, so there is no point computing it. */
bool session_stopped(const Session *s);

/* session_stopped for a callback that takes the session as void *: what
 * graph_numeric_grad_until asks. */
bool session_stop_requested(void *session);

/* Was it Ctrl-C (not a failed output) that stopped the session? */
bool session_interrupted(const Session *s);

/* The node gradients are taken of: the :target, else the most recently
 * defined derived name; NODE_NONE if there is none. */
NodeId session_target(const Session *s);

/* The dout to seed a backward pass from target with: *seed receives
 * target-sized values (NULL for a scalar target's default 1). False, with
 * why set, when the session's seed does not fit the target: a tensor target
 * needs `:seed` of its shape. */
bool session_seed(const Session *s, NodeId target, const double **seed, char *why, size_t why_size);

/* What gradients are "of" in labels: the target's name, or "L" when a seed
 * other than 1 is set, because then they are ∂L/∂x for some larger L whose
 * gradient at the target is the seed (the book's upstream ∂L/∂z). */
const char *session_grad_of(const Session *s, NodeId target);

/* Reports an error at pos in the given source line. */
void session_error(Session *s, const char *file, const char *text, size_t len, SourcePos pos,
                   const char *message);

/* Formats v with the session's digits into buf (FMT_NUMBER_SIZE bytes). */
const char *session_num(const Session *s, double v, char *buf);

/* Appends to e's text a prefix made printf-style from fmt ("∂%s/∂%s = "),
 * then v as text (a tensor laid out by tensor_text, its rows lined up
 * under the column after the prefix), then a newline. */
void session_show(const Session *s, Event *e, Value v, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Sends e to the session's sink and frees it. */
void session_emit(Session *s, Event *e);

/* Calls fn(s, ctx) after every line that changed the graph or what its
 * figures show, in the order observers were added. False when
 * SESSION_OBSERVERS_MAX are already there. */
bool session_observe(Session *s, SessionObserver fn, void *ctx);
/* Removes the observer added with the same fn and ctx, if any. */
void session_unobserve(Session *s, SessionObserver fn, void *ctx);

/* Runs the command that starts (with ':') at text[offset] of the source
 * line text[0..len). It ends at the first ';' or '#' outside quotes, or at
 * the end of the line; *next is set to where the line goes on (after the
 * ';', or len). Defined in commands.c. */
bool session_command(Session *s, const char *file, int line, const char *text, size_t len,
                     size_t offset, size_t *next);

/* The file leaf `name` was loaded from (absolute), or NULL if it was not
 * loaded or has changed since: redefined, trained by :descend. */
const char *session_loaded_file(const Session *s, const char *name, int len);

/* Forgets that leaf `name` came from a file: its value changed. */
void session_forget_loaded(Session *s, const char *name, int len);

/* --- what a front end asks besides running lines ----------------------------- */

/* One defined name, as session_next_name gives it. */
typedef struct {
    const char *name; /* the graph's (valid until the graph changes) */
    NodeId id;
    bool leaf;   /* an input: a value, not computed from names */
    bool param;  /* a leaf :descend trains */
    Value value; /* valid until the graph changes */
} SessionName;

/* The defined names in definition order: start with *cursor = 0; each call
 * fills *out with the next name and returns true, or false past the last.
 * Defined in session_query.c. */
bool session_next_name(const Session *s, int32_t *cursor, SessionName *out);

/* Where session_complete has got to: start with {0}. */
typedef struct {
    int phase;
    int32_t index;
} Completion;

/* The completions of a word being typed, one per call: after ':' the
 * commands (":grad"), else the defined names, the functions and `param`,
 * in that order. Each call writes the next candidate into out (cleared
 * first) and returns true, or returns false when there is none left.
 * Defined in session_query.c. */
bool session_complete(const Session *s, const char *prefix, Completion *c, StrBuf *out);

/* Sets the scalar leaf `name` to a finite value as the statement
 * `name = value` would, with the same events (the value, "→ price = 330",
 * warnings), observers told, and a running quiz ended; `source` names the
 * front end in errors and on the value ("apple = 150 (from the page)", a
 * "from" field). Refused (an error event, false, nothing changed) for a
 * name that is not a scalar leaf, a value that is not finite, or while the
 * session is busy. */
bool session_set_leaf(Session *s, const char *source, const char *name, double value);

/* Runs `line` as session_run_line does (source "<front end>", line 1),
 * its events going to `sink` instead of the session's: a front end
 * reading what a command says (the web view's :grad and :trace tables).
 * Refused (false, nothing run) while the session is busy. */
bool session_run_into(Session *s, Sink *sink, const char *line);

/* True while a line runs: a front end answering something else meanwhile
 * (a page, from inside a Waiter) must not touch the session then. */
bool session_busy(const Session *s);

/* What :render draws by default: the target, the session's seed and digits.
 * Defined in draw.c. */
RenderOptions session_render_options(Session *s);

/* Draws the figure o describes in format ("svg", "dot", "mermaid") onto
 * out, opening Graphviz if this is the session's first drawing. False with
 * error set (nothing emitted) if it cannot be drawn. Defined in draw.c. */
bool session_draw(Session *s, const RenderOptions *o, const char *format, StrBuf *out, char *error,
                  int error_size);

/* The name of command i (without ':'), the session's then the front
 * end's, or NULL past the last: for completion. */
const char *session_command_name(const Session *s, int i);

/* Adds a front end's command. False if SESSION_COMMANDS_MAX are added
 * already or one of the session's commands has the name. Defined in
 * commands.c. */
bool session_add_command(Session *s, const SessionCommand *command);

#endif
