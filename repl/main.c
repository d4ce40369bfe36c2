/* main.c - the backprop program: command-line options, scripts, the REPL. */
#include <errno.h>
#include <langinfo.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../notes/notes.h"
#include "../web/web.h"
#include "lineedit.h"
#include "output.h"
#include "session.h"

static const char usage[] =
    "usage: backprop [--json] [-q] [-e STATEMENTS]... [FILE]... [--render 'OUT [OPTIONS]'] [-i]\n"
    "                [--serve [PORT]] [--host ADDR]\n"
    "       backprop --notes NOTES.md [-o OUT.md] [--check]\n"
    "\n"
    "An interactive computational graph: type expressions, get values, gradients\n"
    "and their backward pass explained.\n"
    "\n"
    "  FILE            run a script (stops at its first error, exit status 1)\n"
    "  -e STATEMENTS   run statements given on the command line (several lines:\n"
    "                  a script)\n"
    "  -i              stay interactive after the files and -e statements\n"
    "  --render 'OUT [OPTIONS]'\n"
    "                  draw the graph so far into OUT (.svg .png .pdf .dot .mmd .md),\n"
    "                  as :render does; OPTIONS: --forward --expand --expand=2\n"
    "                  --elements --steps --of NAME --all --no-names --digits N --force\n"
    "  --serve [PORT]  then show the figure live in a browser (:serve) and stay\n"
    "                  at the prompt; PORT default: a free one\n"
    "  --host ADDR     with --serve, listen on ADDR, not 127.0.0.1 (be sure)\n"
    "  --notes NOTES.md  run the ```bp blocks of Markdown notes and write what they\n"
    "                  print and draw after each (-o OUT.md: elsewhere; --check:\n"
    "                  change nothing, exit status 1 if out of date)\n"
    "  --json          print one JSON object per line instead of text\n"
    "  --driver        for a program driving backprop through a pipe (a notebook's\n"
    "                  kernel): Ctrl-C stops the line running, not backprop; with\n"
    "                  --json every row also carries the text a person reads\n"
    "  -q, --quiet     definitions print nothing (:quiet on); bare expressions,\n"
    "                  commands, warnings and errors still do\n"
    "  --help          show this help\n"
    "  --version       show the version\n"
    "\n"
    "Without FILE or -e, backprop reads statements from standard input: at a\n"
    "prompt on a terminal, otherwise line by line, going on after errors.\n"
    "\n"
    "Exit status: 0; 1 if a statement failed; 2 for bad usage; 130 when Ctrl-C\n"
    "stopped a script; 141 when the reader of the output went away (| head).\n";

/* Exit statuses besides 0 (all well), 1 (a statement failed) and 2 (bad
 * usage): Ctrl-C outside the REPL, and a reader that closed the pipe. Both
 * are what a shell reports for a program a signal ended (128 + signal). */
enum { EXIT_INTERRUPTED = 128 + SIGINT, EXIT_CLOSED_PIPE = 128 + SIGPIPE };

/* Set by Ctrl-C; the Session and the REPL read it. A signal handler can
 * only reach the program through a global, and this is the one. */
static volatile sig_atomic_t interrupted;

static void on_interrupt(int sig) {
    (void)sig;
    interrupted = 1;
}

/* The session's Interrupt: it asks, between steps of long work. */
static bool ctrl_c_pressed(void *ctx) {
    (void)ctx;
    return interrupted;
}

/* With --driver, a Ctrl-C the session has dealt with (the line it stopped
 * is over) is forgotten, and the next line runs. */
static void ctrl_c_clear(void *ctx) {
    (void)ctx;
    interrupted = 0;
}

/* Ctrl-C sets the flag instead of killing backprop, so long commands stop
 * cleanly and the REPL survives. No SA_RESTART: a read waiting for input
 * returns, so readline gives up the line being typed. A write to a closed
 * pipe fails with EPIPE rather than killing the program mid-statement. */
static void handle_signals(void) {
    struct sigaction sa = {.sa_handler = on_interrupt};
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
}

/* --driver: Ctrl-C only sets the flag. Interrupted system calls restart
 * (SA_RESTART): a write of a row it comes in the middle of goes on rather
 * than failing the output, and a read waiting for the next line keeps
 * waiting - there is no line to stop. */
static void handle_signals_for_driver(void) {
    struct sigaction sa = {.sa_handler = on_interrupt, .sa_flags = SA_RESTART};
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
}

/* --render 'OUT OPTIONS' runs `:render OUT OPTIONS`. */
static bool render_argument(Session *s, const char *args) {
    size_t n = strlen(args) + 9;
    char *line = malloc(n);
    if (!line) return false;
    snprintf(line, n, ":render %s", args);
    bool ok = session_run_line(s, "<command line>", 1, line, strlen(line));
    free(line);
    return ok;
}

/* Line editing and the caret's columns need to know text is UTF-8. */
static void use_utf8(void) {
    setlocale(LC_CTYPE, "");
    if (strcmp(nl_langinfo(CODESET), "UTF-8") != 0) setlocale(LC_CTYPE, "C.UTF-8");
}

/* backprop --notes NOTES.md [-o OUT.md] [--check]: another front end,
 * with a session of its own (notes.h). */
static int notes_main(int argc, char **argv) {
    NotesOptions o = {0};
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--notes") == 0 && i + 1 < argc)
            o.path = argv[++i];
        else if (strcmp(argv[i], "-o") == 0 && i + 1 < argc)
            o.out = argv[++i];
        else if (strcmp(argv[i], "--check") == 0)
            o.check = true;
        else {
            fprintf(stderr, "backprop: --notes takes NOTES.md, -o OUT.md and --check\n%s", usage);
            return 2;
        }
    }
    if (!o.path) {
        fprintf(stderr, "backprop: --notes needs the notes file\n%s", usage);
        return 2;
    }
    return notes_run(&o, stderr);
}

int main(int argc, char **argv) {
    use_utf8();
    handle_signals();
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "--notes") == 0) return notes_main(argc, argv);
    /* The terminal's front end: text (or JSON lines) on stdout, errors on
     * stderr. */
    StreamSink sink;
    stream_sink_init(&sink, stdout, stderr);
    Session s;
    session_init(&s, &sink.sink);
    s.io.interrupt = (Interrupt){ctrl_c_pressed, NULL, NULL};
    WebServer web; /* the web view, another front end on the same session */
    web_init(&web, &s);
    bool interactive = false, ran_something = false, ok = true;
    const char *serve_port = NULL, *serve_host = NULL;
    bool serve = false;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(usage, stdout);
            return 0;
        }
        if (strcmp(argv[i], "--version") == 0) {
            printf("backprop %s\n", BP_VERSION);
            return 0;
        }
        if (strcmp(argv[i], "--json") == 0)
            sink.json = true;
        else if (strcmp(argv[i], "-q") == 0 || strcmp(argv[i], "--quiet") == 0)
            s.quiet = true;
        else if (strcmp(argv[i], "-i") == 0)
            interactive = true;
        else if (strcmp(argv[i], "--driver") == 0) {
            s.io.interrupt.clear = ctrl_c_clear;
            sink.text_too = true;
            handle_signals_for_driver();
        } else if (strcmp(argv[i], "--serve") == 0) {
            serve = interactive = true;
            if (i + 1 < argc && argv[i + 1][0] >= '0' && argv[i + 1][0] <= '9')
                serve_port = argv[++i];
        } else if (strcmp(argv[i], "--host") == 0) {
            if (++i >= argc) {
                fprintf(stderr, "backprop: --host needs an address\n%s", usage);
                return 2;
            }
            serve_host = argv[i];
        } else if (strcmp(argv[i], "-e") == 0 || strcmp(argv[i], "--render") == 0) {
            if (++i >= argc) {
                fprintf(stderr, "backprop: %s needs an argument\n%s", argv[i - 1], usage);
                return 2;
            }
        } else if (argv[i][0] == '-') {
            StrBuf shown;
            sb_init(&shown);
            fprintf(stderr, "backprop: unknown option '%s'\n%s", shown_text(&shown, argv[i]),
                    usage);
            sb_free(&shown);
            return 2;
        }
    }
    /* Results may be many (a million-line script): buffer them in bulk. */
    if (!isatty(STDOUT_FILENO)) setvbuf(stdout, NULL, _IOFBF, 1 << 16);
    for (int i = 1; i < argc && ok && !s.quit; i++) {
        if (strcmp(argv[i], "-e") == 0) {
            ok = session_run_text(&s, "<command line>", argv[i + 1], strlen(argv[i + 1]), true);
            ran_something = true;
            i++;
        } else if (strcmp(argv[i], "--render") == 0) {
            ok = render_argument(&s, argv[++i]);
            ran_something = true;
        } else if (strcmp(argv[i], "--host") == 0) {
            i++; /* its address was read above */
        } else if (strcmp(argv[i], "--serve") == 0) {
            if (serve_port && argv[i + 1] == serve_port) i++;
        } else if (argv[i][0] != '-') {
            ok = session_run_file(&s, argv[i], true);
            ran_something = true;
        }
    }
    if (ok && !s.quit && serve) {
        char line[256];
        snprintf(line, sizeof line, ":serve %s%s%s", serve_port ? serve_port : "",
                 serve_host ? " --host " : "", serve_host ? serve_host : "");
        ok = session_run_line(&s, "<command line>", 1, line, strlen(line));
        sink_flush(s.io.sink);
    }
    /* With -i, Ctrl-C during the scripts only cuts them short. */
    bool repl = interactive && isatty(STDIN_FILENO);
    if (interrupted && repl) interrupted = 0, ok = true;
    if (ok && !s.quit && (interactive || !ran_something)) {
        if (isatty(STDIN_FILENO))
            ok = lineedit_repl(&s, &interrupted);
        else
            ok = session_run_input(&s, STDIN_FILENO, "<stdin>");
    }
    web_free(&web);
    session_free(&s);
    if ((fflush(stdout) != 0 || ferror(stdout)) && errno == EPIPE) return EXIT_CLOSED_PIPE;
    if (ferror(stdout)) {
        fprintf(stderr, "backprop: cannot write the output: %s\n", strerror(errno));
        return 1;
    }
    if (interrupted) return EXIT_INTERRUPTED;
    return ok ? 0 : 1;
}
