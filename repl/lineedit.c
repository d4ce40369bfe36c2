/* lineedit.c - the REPL on a terminal, through libedit's readline API. */
#include "lineedit.h"

#include <editline/readline.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "output.h"
#include "../io/file.h"
#include "suggest.h"

enum { HISTORY_SIZE = 1000 };

/* readline's completion callbacks take no user data, so the session being
 * completed against has to be reachable from here. Set only while
 * lineedit_repl runs. */
static Session *completing;

/* Makes every directory of path's parent (like mkdir -p). */
static void make_parents(char *path) {
    for (char *p = path + 1; *p; p++) {
        if (*p != '/') continue;
        *p = '\0';
        mkdir(path, 0700);
        *p = '/';
    }
}

/* The history file's path (malloc'd), or NULL if no home is known. */
static char *history_path(void) {
    const char *state = getenv("XDG_STATE_HOME");
    const char *home = getenv("HOME");
    const char *suffix = "/backprop/history";
    char *path;
    if (state && *state) {
        path = malloc(strlen(state) + strlen(suffix) + 1);
        if (path) sprintf(path, "%s%s", state, suffix);
    } else if (home && *home) {
        const char *mid = "/.local/state";
        path = malloc(strlen(home) + strlen(mid) + strlen(suffix) + 1);
        if (path) sprintf(path, "%s%s%s", home, mid, suffix);
    } else {
        return NULL;
    }
    if (path) make_parents(path);
    return path;
}

/* libedit writes the history only to a named file: the temporary one. */
static bool write_history_to(FILE *f, const char *temp_path, void *unused) {
    (void)f, (void)unused;
    int err = write_history(temp_path); /* 0, or an errno value */
    errno = err;
    return err == 0;
}

/* Writes the history through file_replace, so a failed or interrupted
 * write never damages the history already there. The first failure is
 * reported (on stderr: this is the terminal front end), later ones are
 * not, so a read-only home does not repeat it after every line. */
static void save_history(const char *path, bool *reported) {
    char why[256];
    if (!file_replace(path, write_history_to, NULL, why, sizeof why) && !*reported) {
        StrBuf shown; /* the path comes from the environment: shown escaped */
        sb_init(&shown);
        fprintf(stderr, "backprop: cannot save the history to '%s': %s\n", shown_text(&shown, path),
                why);
        sb_free(&shown);
        *reported = true;
    }
}

/* Candidates for the word being completed (session_complete's). Called
 * with state 0 first, then 1, 2, ... */
static char *complete_word(const char *text, int state) {
    static Completion at;
    if (state == 0) at = (Completion){0};
    StrBuf word;
    sb_init(&word);
    char *match = session_complete(completing, text, &at, &word) ? strdup(word.data) : NULL;
    sb_free(&word);
    return match;
}

static char **complete(const char *text, int start, int end) {
    (void)start, (void)end;
    rl_attempted_completion_over = 1; /* no file-name fallback */
    return rl_completion_matches(text, complete_word);
}

/* While a line is typed and a front end works meanwhile (the web view, in
 * the session's Waiter), what the session says - `apple = 150 (from the
 * page)` - must not land in the middle of the line. This sink clears the
 * prompt's line before the first such output and, on flush, draws the
 * prompt and the half-typed line again below it. */
typedef struct {
    Sink sink;
    Sink *next; /* the terminal's own sink (not owned) */
    bool editing, cleared;
} TypingSink;

static void typing_emit(Sink *sink, const Event *e) {
    TypingSink *t = (TypingSink *)sink;
    if (t->editing && !t->cleared) {
        fputs("\r\033[K", stdout); /* to the line's start, and erase it */
        t->cleared = true;
    }
    sink_emit(t->next, e);
}

static void typing_flush(Sink *sink) {
    TypingSink *t = (TypingSink *)sink;
    sink_flush(t->next);
    if (t->editing && t->cleared) {
        t->cleared = false;
        rl_forced_update_display();
    }
}

static bool typing_failed(Sink *sink) {
    return sink_failed(((TypingSink *)sink)->next);
}

/* The line libedit's callback interface finished, and whether it has. */
static char *typed;
static bool typed_done;

static void on_typed(char *line) {
    typed = line;
    typed_done = true;
}

/* Reads a line at the prompt. While the session has a Waiter, through
 * libedit's callback interface, a character at a time, so the Waiter's
 * work (a page's request) goes on while the line is typed. NULL at Ctrl-D
 * or when Ctrl-C interrupted the wait (*interrupted says which). */
static char *read_line(Session *s, TypingSink *t, const char *prompt,
                       volatile sig_atomic_t *interrupted) {
    if (!s->io.wait.until_readable) return readline(prompt);
    typed = NULL;
    typed_done = false;
    t->editing = true;
    rl_callback_handler_install(prompt, on_typed);
    while (!typed_done && !*interrupted && s->io.wait.until_readable) {
        if (s->io.wait.until_readable(s->io.wait.ctx, STDIN_FILENO))
            rl_callback_read_char();
        else if (errno != EINTR)
            break;
    }
    rl_callback_handler_remove();
    t->editing = false;
    if (!typed_done && !*interrupted) return readline(prompt); /* serving stopped meanwhile */
    return typed;
}

bool lineedit_repl(Session *s, volatile sig_atomic_t *interrupted) {
    completing = s;
    TypingSink typing = {{typing_emit, typing_flush, typing_failed}, s->io.sink, false, false};
    s->io.sink = &typing.sink;
    char *history = history_path();
    bool history_failed = false;
    using_history();
    stifle_history(HISTORY_SIZE);
    if (history) read_history(history);
    rl_attempted_completion_function = complete;
    rl_completer_word_break_characters = " \t\n()+-*/^=,;";
    printf("backprop %s: type an expression, or :help. Ctrl-D quits.\n", BP_VERSION);
    bool ok = true;
    for (int line = 1; !s->quit && !sink_failed(s->io.sink); line++) {
        sink_flush(s->io.sink);
        *interrupted = 0;
        /* While a :quiz runs, a line is an answer: the prompt says so. */
        char *text = read_line(s, &typing, s->quiz ? "quiz> " : "bp> ", interrupted);
        if (*interrupted) { /* Ctrl-C drops the line being typed, as in a shell */
            free(text);
            putchar('\n');
            line--;
            continue;
        }
        if (!text) {
            putchar('\n'); /* Ctrl-D: end the prompt's line */
            break;
        }
        if (text[0] != '\0') {
            add_history(text);
            if (history) save_history(history, &history_failed);
        }
        if (!session_run_line(s, "<stdin>", line, text, strlen(text))) ok = false;
        free(text);
    }
    free(history);
    s->io.sink = typing.next;
    completing = NULL;
    return ok;
}
