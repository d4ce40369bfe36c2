/* main.c - the backprop program: command-line options, scripts, the REPL. */
#include <langinfo.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lineedit.h"
#include "session.h"

static const char usage[] =
    "usage: backprop [--json] [-e STATEMENTS]... [FILE]... [--render 'OUT [OPTIONS]'] [-i]\n"
    "\n"
    "An interactive computational graph: type expressions, get values, gradients\n"
    "and their backward pass explained.\n"
    "\n"
    "  FILE            run a script (stops at its first error, exit status 1)\n"
    "  -e STATEMENTS   run statements given on the command line\n"
    "  -i              stay interactive after the files and -e statements\n"
    "  --render 'OUT [OPTIONS]'\n"
    "                  draw the graph so far into OUT (.svg .png .pdf .dot .mmd .md),\n"
    "                  as :render does; OPTIONS: --forward --expand --steps --of NAME\n"
    "                  --all --no-names --digits N --force\n"
    "  --json          print one JSON object per line instead of text\n"
    "  --help          show this help\n"
    "  --version       show the version\n"
    "\n"
    "Without FILE or -e, backprop reads statements from standard input: at a\n"
    "prompt on a terminal, otherwise line by line, going on after errors.\n";

/* Reads non-terminal stdin line by line like the REPL, without a prompt. */
static bool run_stdin(Session *s) {
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    bool ok = true;
    for (int n = 1; !s->quit && (len = getline(&line, &cap, stdin)) >= 0; n++)
        if (!session_run_line(s, "<stdin>", n, line, (size_t)len)) ok = false;
    free(line);
    return ok;
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

int main(int argc, char **argv) {
    use_utf8();
    Session s;
    session_init(&s, stdout, stderr);
    bool interactive = false, ran_something = false, ok = true;
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
            s.json = true;
        else if (strcmp(argv[i], "-i") == 0)
            interactive = true;
        else if (strcmp(argv[i], "-e") == 0 || strcmp(argv[i], "--render") == 0) {
            if (++i >= argc) {
                fprintf(stderr, "backprop: %s needs an argument\n%s", argv[i - 1], usage);
                return 2;
            }
        } else if (argv[i][0] == '-') {
            fprintf(stderr, "backprop: unknown option '%s'\n%s", argv[i], usage);
            return 2;
        }
    }
    /* Results may be many (a million-line script): buffer them in bulk. */
    if (!isatty(STDOUT_FILENO)) setvbuf(stdout, NULL, _IOFBF, 1 << 16);
    for (int i = 1; i < argc && ok && !s.quit; i++) {
        if (strcmp(argv[i], "-e") == 0) {
            ok = session_run_line(&s, "<command line>", 1, argv[i + 1], strlen(argv[i + 1]));
            ran_something = true;
            i++;
        } else if (strcmp(argv[i], "--render") == 0) {
            ok = render_argument(&s, argv[++i]);
            ran_something = true;
        } else if (argv[i][0] != '-') {
            ok = session_run_file(&s, argv[i], true);
            ran_something = true;
        }
    }
    if (ok && !s.quit && (interactive || !ran_something)) {
        if (isatty(STDIN_FILENO))
            ok = lineedit_repl(&s);
        else
            ok = run_stdin(&s);
    }
    fflush(stdout);
    session_free(&s);
    return ok ? 0 : 1;
}
