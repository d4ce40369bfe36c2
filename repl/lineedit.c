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

bool lineedit_repl(Session *s, volatile sig_atomic_t *interrupted) {
    completing = s;
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
        char *text = readline(s->quiz ? "quiz> " : "bp> ");
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
    completing = NULL;
    return ok;
}
