/* parser.c - Pratt parser driven by a rule table, emitting graph nodes. */
#include "parser.h"

#include <ctype.h>
#include <stdint.h>
#include <stdarg.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "suggest.h"

static SourcePos pos_of(const Parser *p, const Token *t) {
    return (SourcePos){t->line, t->col, (int)(t->start - p->lexer.line_start),
                       t->length > 0 ? t->length : 1};
}

/* Records the first error only: later ones are usually its echoes. */
static void error_at(Parser *p, const Token *t, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void error_at(Parser *p, const Token *t, const char *fmt, ...) {
    if (p->failed) return;
    p->failed = true;
    p->error.pos = pos_of(p, t);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(p->error.message, sizeof p->error.message, fmt, ap);
    va_end(ap);
}

static bool check(const Parser *p, TokenType type);

/* Lexer errors are reported when the parser tries to use the token, not
 * when it is read ahead: after `x = 1;` the lookahead may be the ':' of a
 * command, which the caller handles. */
static void advance(Parser *p) {
    p->previous = p->current;
    p->current = lexer_next(&p->lexer);
}

/* Reports that the current token is not what was expected: the lexer's own
 * message if the token is malformed, else `what`. */
static void unexpected(Parser *p, const char *what) {
    if (check(p, TOK_ERROR))
        error_at(p, &p->current, "%s", p->current.message);
    else
        error_at(p, &p->current, "%s", what);
}

static bool check(const Parser *p, TokenType type) {
    return p->current.type == type;
}

static bool match(Parser *p, TokenType type) {
    if (!check(p, type)) return false;
    advance(p);
    return true;
}

static bool at_statement_end(const Parser *p) {
    return check(p, TOK_SEMI) || check(p, TOK_EOF);
}

/* A node, or the error that memory ran out. */
static NodeId emit(Parser *p, Op op, NodeId a, NodeId b) {
    if (a == NODE_NONE || (op_info(op)->arity > 1 && b == NODE_NONE)) return NODE_NONE;
    NodeId inputs[BP_MAX_INPUTS] = {a, b, NODE_NONE};
    NodeId id = graph_add_op(p->graph, op, inputs);
    if (id == NODE_NONE) error_at(p, &p->previous, "out of memory");
    return id;
}

typedef NodeId (*PrefixFn)(Parser *p);
typedef NodeId (*InfixFn)(Parser *p, NodeId left);

typedef struct {
    PrefixFn prefix;
    InfixFn infix;
    Precedence prec;
} ParseRule;

static const ParseRule *get_rule(TokenType type);

/* Parses anything that binds at least as tightly as `prec`. */
static NodeId parse_precedence(Parser *p, Precedence prec) {
    if (++p->depth > PARSER_MAX_DEPTH) {
        error_at(p, &p->current, "expression nested too deeply (the limit is %d levels)",
                 PARSER_MAX_DEPTH);
        p->depth--;
        return NODE_NONE;
    }
    NodeId node = NODE_NONE;
    PrefixFn prefix = get_rule(p->current.type)->prefix;
    if (!prefix) {
        char what[64];
        snprintf(what, sizeof what, "expected an expression, found %s",
                 token_type_name(p->current.type));
        unexpected(p, check(p, TOK_EOF) || check(p, TOK_SEMI) ? "expected an expression" : what);
    } else {
        advance(p);
        node = prefix(p);
        while (!p->failed && prec <= get_rule(p->current.type)->prec) {
            advance(p);
            node = get_rule(p->previous.type)->infix(p, node);
        }
    }
    p->depth--;
    return p->failed ? NODE_NONE : node;
}

static NodeId expression(Parser *p) {
    return parse_precedence(p, PREC_TERM);
}

/* Clinger's fast path: a decimal with at most 15 significant digits and a
 * small power of ten is an exact double times an exact power of ten, so one
 * correctly rounded multiply or divide gives exactly strtod's result. Returns
 * false for anything else, which strtod then handles. */
static bool fast_decimal(const char *s, int len, double *out) {
    static const double pow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                   1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                   1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
    uint64_t mantissa = 0;
    int digits = 0, exp10 = 0, i = 0;
    bool point = false;
    for (; i < len && (isdigit((unsigned char)s[i]) || s[i] == '.'); i++) {
        if (s[i] == '.') {
            point = true;
            continue;
        }
        if (mantissa == 0 && s[i] == '0') {
            if (point) exp10--;
            continue;
        }
        if (++digits > 15) return false;
        mantissa = mantissa * 10 + (uint64_t)(s[i] - '0');
        if (point) exp10--;
    }
    if (i < len) { /* exponent part: the lexer guarantees its form */
        int sign = 1, e = 0;
        i++;
        if (s[i] == '+' || s[i] == '-') sign = s[i++] == '-' ? -1 : 1;
        for (; i < len; i++) {
            if (e > 1000) return false;
            e = e * 10 + (s[i] - '0');
        }
        exp10 += sign * e;
    }
    if (exp10 < -22 || exp10 > 22) return mantissa == 0 ? (*out = 0, true) : false;
    double m = (double)mantissa;
    *out = exp10 >= 0 ? m * pow10[exp10] : m / pow10[-exp10];
    return true;
}

/* number := NUMBER */
static NodeId number(Parser *p) {
    char text[64];
    const Token *t = &p->previous;
    if (t->length >= (int)sizeof text) {
        error_at(p, t, "number has too many digits");
        return NODE_NONE;
    }
    double v;
    if (!fast_decimal(t->start, t->length, &v)) {
        memcpy(text, t->start, (size_t)t->length);
        text[t->length] = '\0';
        v = strtod(text, NULL);
    }
    if (isinf(v)) {
        error_at(p, t, "number too large (the largest is about 1.8e308)");
        return NODE_NONE;
    }
    NodeId id = graph_add_const(p->graph, v);
    if (id == NODE_NONE) error_at(p, t, "out of memory");
    return id;
}

static void expected_close(Parser *p, const Token *open) {
    char what[64];
    snprintf(what, sizeof what, "expected ')' to close the '(' at column %d", open->col);
    unexpected(p, what);
}

/* grouping := '(' expression ')' */
static NodeId grouping(Parser *p) {
    Token open = p->previous;
    NodeId node = expression(p);
    if (!p->failed && !match(p, TOK_RPAREN)) expected_close(p, &open);
    return node;
}

/* unary := ('-' | '+') unary-or-power */
static NodeId unary(Parser *p) {
    TokenType op = p->previous.type;
    bool literal = check(p, TOK_NUMBER);
    NodeId operand = parse_precedence(p, PREC_UNARY);
    if (operand == NODE_NONE || op == TOK_PLUS) return operand;
    /* `-3` is the number −3, drawn as one label, not a negation node. */
    Graph *g = p->graph;
    if (literal && operand == graph_count(g) - 1 && graph_node(g, operand)->op == OP_CONST) {
        g->values[graph_node(g, operand)->off] = -graph_scalar(g, operand);
        return operand;
    }
    return emit(p, OP_NEG, operand, NODE_NONE);
}

/* binary := expression ('+'|'-'|'*'|'/') expression-of-higher-precedence */
static NodeId binary(Parser *p, NodeId left) {
    TokenType type = p->previous.type;
    NodeId right = parse_precedence(p, (Precedence)(get_rule(type)->prec + 1));
    Op op = type == TOK_PLUS    ? OP_ADD
            : type == TOK_MINUS ? OP_SUB
            : type == TOK_STAR  ? OP_MUL
                                : OP_DIV;
    return emit(p, op, left, right);
}

/* power := operand '**' unary   (right-associative: 2**3**2 = 2**9; 2**-1 works) */
static NodeId power(Parser *p, NodeId left) {
    NodeId right = parse_precedence(p, PREC_UNARY);
    return emit(p, OP_POW, left, right);
}

/* call := NAME '(' [expression (',' expression)*] ')' */
static NodeId call(Parser *p, const Token *name) {
    Op op = op_find_function(name->start, name->length);
    if (op == OP_COUNT) {
        char known[256], hint[128];
        op_function_list(known, sizeof known);
        suggest_hint(p->graph, name->start, name->length, true, hint, sizeof hint);
        error_at(p, name, "unknown function '%.*s'%s (known: %s)", name->length, name->start, hint,
                 known);
        return NODE_NONE;
    }
    Token open = p->previous;
    NodeId args[BP_MAX_INPUTS] = {NODE_NONE, NODE_NONE, NODE_NONE};
    int argc = 0;
    if (!check(p, TOK_RPAREN)) {
        do {
            NodeId arg = expression(p);
            if (p->failed) return NODE_NONE;
            if (argc < BP_MAX_INPUTS) args[argc] = arg;
            argc++;
        } while (match(p, TOK_COMMA));
    }
    if (!match(p, TOK_RPAREN)) {
        expected_close(p, &open);
        return NODE_NONE;
    }
    int arity = op_info(op)->arity;
    if (argc != arity) {
        error_at(p, name, "%.*s takes %d argument%s, got %d", name->length, name->start, arity,
                 arity == 1 ? "" : "s", argc);
        return NODE_NONE;
    }
    return emit(p, op, args[0], args[1]);
}

/* variable := NAME | call */
static NodeId variable(Parser *p) {
    Token name = p->previous;
    if (match(p, TOK_LPAREN)) return call(p, &name);
    NodeId id = graph_lookup(p->graph, name.start, name.length);
    /* Function names cannot be defined, so only an unknown name can be one. */
    if (id == NODE_NONE && op_find_function(name.start, name.length) != OP_COUNT) {
        error_at(p, &name, "'%.*s' is a function: call it as %.*s(x)", name.length, name.start,
                 name.length, name.start);
    } else if (id == NODE_NONE) {
        char hint[128];
        suggest_hint(p->graph, name.start, name.length, false, hint, sizeof hint);
        error_at(p, &name, "undefined name '%.*s'%s", name.length, name.start, hint);
    }
    return id;
}

static const ParseRule rules[] = {
    [TOK_NUMBER] = {number, NULL, PREC_NONE}, [TOK_NAME] = {variable, NULL, PREC_NONE},
    [TOK_PLUS] = {unary, binary, PREC_TERM},  [TOK_MINUS] = {unary, binary, PREC_TERM},
    [TOK_STAR] = {NULL, binary, PREC_FACTOR}, [TOK_SLASH] = {NULL, binary, PREC_FACTOR},
    [TOK_POW] = {NULL, power, PREC_POWER},    [TOK_LPAREN] = {grouping, NULL, PREC_NONE},
    [TOK_RPAREN] = {NULL, NULL, PREC_NONE},   [TOK_COMMA] = {NULL, NULL, PREC_NONE},
    [TOK_EQUAL] = {NULL, NULL, PREC_NONE},    [TOK_SEMI] = {NULL, NULL, PREC_NONE},
    [TOK_EOF] = {NULL, NULL, PREC_NONE},      [TOK_ERROR] = {NULL, NULL, PREC_NONE},
};

_Static_assert(sizeof rules / sizeof rules[0] == TOK_ERROR + 1,
               "rules needs one row per TokenType");

static const ParseRule *get_rule(TokenType type) {
    return &rules[type];
}

void parser_init(Parser *p, Graph *g, const char *text, size_t len, size_t offset, int line) {
    lexer_init(&p->lexer, text, len, line);
    lexer_seek(&p->lexer, offset);
    p->graph = g;
    p->depth = 0;
    p->failed = false;
    p->error.message[0] = '\0';
    p->current = (Token){TOK_EOF, text, 0, line, 1, NULL};
    advance(p);
}

size_t parser_offset(const Parser *p) {
    return (size_t)(p->current.start - p->lexer.line_start);
}

bool parser_at_end(Parser *p) {
    return check(p, TOK_EOF);
}

/* Reports text left over after a complete expression. */
static void trailing(Parser *p) {
    char what[64];
    snprintf(what, sizeof what, "unexpected %s after the expression",
             token_type_name(p->current.type));
    unexpected(p, check(p, TOK_EQUAL) ? "only a name can be assigned to" : what);
}

/* Finishes a statement: it must end at ';' or the end of the line. */
static bool finish(Parser *p, Statement *st) {
    if (!p->failed && !at_statement_end(p)) trailing(p);
    if (p->failed) {
        graph_rollback(p->graph, st->mark);
        return false;
    }
    match(p, TOK_SEMI);
    return true;
}

/* statement := NAME '=' expression | expression */
bool parser_statement(Parser *p, Statement *st) {
    while (match(p, TOK_SEMI)) {
    }
    if (p->failed || check(p, TOK_EOF)) return false;
    st->mark = graph_mark(p->graph);
    st->name = NULL;
    st->name_len = 0;
    if (check(p, TOK_NAME)) {
        /* Two tokens of lookahead tell `x = ...` from `x + ...`. */
        Lexer saved = p->lexer;
        Token next = lexer_next(&p->lexer);
        if (next.type != TOK_EQUAL) p->lexer = saved;
        if (next.type == TOK_EQUAL) {
            Token name = p->current;
            p->current = next; /* already lexed: step onto the '=' */
            advance(p);
            if (op_find_function(name.start, name.length) != OP_COUNT)
                error_at(p, &name, "'%.*s' is a function name and cannot be assigned", name.length,
                         name.start);
            graph_prefetch_name(p->graph, name.start, name.length);
            st->name = name.start;
            st->name_len = name.length;
            st->name_pos = pos_of(p, &name);
        }
    }
    st->root = p->failed ? NODE_NONE : expression(p);
    return finish(p, st);
}

bool parser_expression(Parser *p, Statement *st) {
    st->mark = graph_mark(p->graph);
    st->name = NULL;
    st->name_len = 0;
    st->root = expression(p);
    if (!p->failed && !check(p, TOK_EOF)) trailing(p);
    if (p->failed) {
        graph_rollback(p->graph, st->mark);
        return false;
    }
    return true;
}
