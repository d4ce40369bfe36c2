/* command.h - what command handlers share (private to repl/). */
#ifndef BP_COMMAND_H
#define BP_COMMAND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "lexer.h"
#include "session.h"

/* One command invocation: `text[offset..end)` is its argument text. */
typedef struct {
    Session *s;
    const char *name; /* the command's full name, without ':' */
    const char *file;
    int line;
    const char *text; /* the whole source line */
    size_t len;       /* of the whole line */
    size_t offset;    /* where the arguments start */
    size_t end;       /* where they end */
    Lexer lexer;      /* over the arguments */
    SourcePos pos;    /* of the command word, for errors about the command */
} Command;

/* Reports an error about the command as a whole / at token t. Return false
 * so handlers can `return cmd_error(...)`. */
bool cmd_error(Command *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
bool cmd_error_at(Command *c, const Token *t, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* For a loop that session_stopped ended early: reports the Ctrl-C, message
 * made printf-style from fmt ("interrupted; ..."), and returns false. A
 * failed output is not reported: there is nothing left to report it on. */
bool cmd_stopped(Command *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Reads the next argument as a defined name: ARG_NAME with *id and *t set,
 * ARG_END when no arguments are left, or ARG_ERROR (already reported). */
typedef enum { ARG_NAME, ARG_END, ARG_ERROR } ArgResult;
ArgResult cmd_next_name(Command *c, NodeId *id, Token *t);

/* One word of the arguments of a command that takes file names. */
typedef struct {
    Token at;    /* as written, quotes included (for errors); TOK_EOF: none left */
    char *text;  /* without its quotes (malloc'd, the caller's); NULL: none left */
    bool quoted; /* a quoted word is a file name, never an option such as --steps */
} Word;

/* Reads the next word: up to a blank, ';' or '#', or in quotes ("my
 * file.bp", 'a#b.svg'; inside double quotes \" and \\ stand for " and \).
 * Returns false after reporting an error: an unclosed quote, no memory.
 * (session_command has checked that the arguments are UTF-8.) */
bool cmd_next_word(Command *c, Word *w);

/* The one file name a command takes (:save FILE): the malloc'd name, or
 * NULL after reporting an error (`missing` when none is given). */
char *cmd_file_arg(Command *c, const char *missing);

/* True if no arguments are left; else reports the first extra one. */
bool cmd_no_more_args(Command *c);

/* The node gradients are taken of, or an error saying how to get one. */
bool cmd_target(Command *c, NodeId *target);

/* The names given as arguments, or by default
 * the leaves `target` depends on, in definition order. Returns a malloc'd
 * array with *n entries, or NULL after reporting an error. If leaves_only
 * is not NULL, a derived name is an error whose message ends with it. */
NodeId *cmd_wrt_names(Command *c, NodeId target, const char *leaves_only, int32_t *n);

/* A display label for any node: its name, else its expression if at most
 * LABEL_MAX bytes, else #id. Writes into sb (cleared first); takes the same
 * short time for any node, however large the expression behind it. */
enum { LABEL_MAX = 32 };
void cmd_label(const Graph *g, NodeId id, StrBuf *sb);

/* Writes a script that replays to this session: the same names in the same
 * order, values, definitions, default target and settings. A leaf loaded
 * from a file is written as its load("...") call, the path relative to
 * `folder` (the absolute folder the script is written to; NULL: the path
 * stays absolute). Defined in save.c. Returns false if memory ran out or
 * session_stopped said to stop (then f holds part of the script). */
bool session_write_script(Session *s, FILE *f, const char *folder);

/* Reads a number token's value; false (nothing reported) if t is not a
 * number. Defined in settings.c. */
bool cmd_number(const Token *t, double *v);

/* The command handlers: each reports its own errors and returns false. */
bool cmd_target_set(Command *c);
bool cmd_seed(Command *c);
bool cmd_digits(Command *c);
bool cmd_elide(Command *c);
bool cmd_quiet(Command *c);
bool cmd_descend(Command *c);
bool cmd_vars(Command *c);
bool cmd_render(Command *c);
bool cmd_mermaid(Command *c);
bool cmd_watch(Command *c);
bool cmd_graph(Command *c);
bool cmd_trace(Command *c);
bool cmd_check(Command *c);
bool cmd_export(Command *c);
bool cmd_complete(Command *c);

#endif
