/* parser.h - a Pratt parser that builds graph nodes as it reads.
 *
 *     statement  := ['param'] NAME '=' expression | expression   (ends at ';' or end of line)
 *     expression := unary (('+'|'-'|'*'|'/'|'@'|'**') unary)*   by precedence
 *     unary      := ('-'|'+') unary | primary ('[' index ']' | '.T')*
 *     primary    := NUMBER | NAME | call | '(' expression ')' | '[' elements ']'
 *     load       := 'load' '(' STRING ')'   only as a definition's or expression's whole
 *                                            right side: X = load("digits.npy")
 *
 *     X = [[1, 2], [3, 4]];  param W = randn(2, 3, seed=7);  y = sum(X @ W, axis=0)
 *
 * Like clox's compiler, which emits bytecode while parsing, the parser adds
 * nodes to the graph directly; names resolve to their nodes as they are read.
 * A statement that fails to parse is rolled back, leaving the graph as it
 * was. Committing a definition (graph_define) is left to the caller.
 */
#ifndef BP_PARSER_H
#define BP_PARSER_H

#include <stdbool.h>
#include <stdint.h>

#include "../graph/graph.h"
#include "lexer.h"

enum { PARSER_MAX_DEPTH = 256 }; /* nesting limit: the C stack stays small */

/* Where something is in the source, for error messages. */
typedef struct {
    int line, col; /* 1-based; col in code points */
    int offset;    /* byte offset of the position within its line */
    int length;    /* bytes the error spans (at least 1 for a caret) */
} SourcePos;

typedef struct {
    SourcePos pos;
    char message[512];
} ParseError;

/* One parsed statement; its nodes are those added since `mark`. */
typedef struct {
    const char *name; /* NULL for a bare expression */
    int name_len;
    SourcePos name_pos;
    NodeId root;
    GraphMark mark;
    bool param;  /* `param NAME = ...`: a trainable leaf */
    bool silent; /* ended by ';', so its value is not shown (as in MATLAB and Julia) */
    /* `X = load("x.npy")`: the file name's TOK_STRING (pointing into the
     * source line), so the session can remember where X came from; else a
     * token of type TOK_EOF. */
    Token load;
} Statement;

typedef struct {
    Lexer lexer;
    Graph *graph;
    Token current, previous;
    int depth;
    bool failed;
    ParseError error;
    /* Where randn without seed= draws from; points at own_rng unless the
     * session hands in its stream, so unseeded values differ call to call
     * but a script run twice prints the same. */
    uint64_t *rng, own_rng;
    const char *constant_only; /* set while reading a number: what it is */
    /* The folder load("...") resolves relative names against (the script's;
     * NULL: the current folder). Not owned. */
    const char *dir;
    /* The statement's load(...) call, if it has one: its node, the call's
     * text (for errors) and its file name. */
    NodeId load_node;
    Token load_call, load_file;
} Parser;

/* Prepares to parse text[offset..len) of one line, numbered `line`, into g.
 * Columns in errors count from the start of the line. */
void parser_init(Parser *p, Graph *g, const char *text, size_t len, size_t offset, int line);

/* Byte offset in the line where the next unparsed statement begins. */
size_t parser_offset(const Parser *p);

/* Parses the next statement. Returns true and fills *st; false with nothing
 * to parse (end of line) or on an error (p->failed, p->error; the graph is
 * unchanged). After a statement the parser stands after its ';'. */
bool parser_statement(Parser *p, Statement *st);

/* Parses a single expression that must fill the rest of the text (used for
 * command arguments such as `:seed -1.3`). Same contract as
 * parser_statement; st->name is NULL. */
bool parser_expression(Parser *p, Statement *st);

/* True if only whitespace or a comment remains. */
bool parser_at_end(Parser *p);

#endif
