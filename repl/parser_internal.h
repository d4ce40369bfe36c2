/* parser_internal.h - what the parser's two files share; not for users.
 *
 * parser.c holds the Pratt core (rule table, operators, statements);
 * parse_tensor.c the grammar that builds tensors: literals, indexing, .T,
 * calls with numbers and keywords, constructors. Both follow clox: each
 * parse function consumes its tokens and emits nodes as it goes.
 */
#ifndef BP_PARSER_INTERNAL_H
#define BP_PARSER_INTERNAL_H

#include "parser.h"

/* Records the first error only, at token t: later ones are usually its
 * echoes. */
void parse_error_at(Parser *p, const Token *t, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Reports that the current token is not what was expected: the lexer's own
 * message if the token is malformed, else `what`. */
void parse_unexpected(Parser *p, const char *what);
/* Reports a missing ')' for the '(' at `open`. */
void parse_expected_close(Parser *p, const Token *open);

void parse_advance(Parser *p);
bool parse_check(const Parser *p, TokenType type);
/* Consumes the current token if it has `type`. */
bool parse_match(Parser *p, TokenType type);
NodeId parse_expression(Parser *p);

/* Adds an op node; if its inputs' shapes do not fit or memory ran out,
 * reports that at token `at` and returns NODE_NONE. */
NodeId parse_emit_arg(Parser *p, Op op, const NodeId *inputs, int32_t arg, const Token *at);
NodeId parse_emit(Parser *p, Op op, NodeId a, NodeId b, const Token *at);
/* The op a function name calls (`dot` is OP_MATMUL), or OP_COUNT. */
Op parse_function_op(const char *name, int len);

/* Parse functions of parse_tensor.c, called from the rule table. The
 * opening token ('[', '.', or the function's '(') has been consumed. */
NodeId parse_literal(Parser *p);
NodeId parse_index(Parser *p, NodeId left);
NodeId parse_attribute(Parser *p, NodeId left);
NodeId parse_call(Parser *p, const Token *name);
/* A string where an expression goes: reported (only load(...) takes one). */
NodeId parse_string(Parser *p);

#endif
