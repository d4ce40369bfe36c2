/* parser.c - Pratt parser driven by a rule table, emitting graph nodes. */
#include "parser.h"

#include <stdint.h>
#include <stdarg.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "construct.h"
#include "parser_internal.h"
#include "suggest.h"

static SourcePos pos_of(const Parser *p, const Token *t) {
    return (SourcePos){t->line, t->col, (int)(t->start - p->lexer.line_start),
                       t->length > 0 ? t->length : 1};
}

void parse_error_at(Parser *p, const Token *t, const char *fmt, ...) {
    if (p->failed) return;
    p->failed = true;
    p->error.pos = pos_of(p, t);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(p->error.message, sizeof p->error.message, fmt, ap);
    va_end(ap);
}

/* Lexer errors are reported when the parser tries to use the token, not
 * when it is read ahead: after `x = 1;` the lookahead may be the ':' of a
 * command, which the caller handles. */
void parse_advance(Parser *p) {
    p->previous = p->current;
    p->current = lexer_next(&p->lexer);
}

/* Reports that the current token is not what was expected: the lexer's own
 * message if the token is malformed, else `what`. */
void parse_unexpected(Parser *p, const char *what) {
    if (parse_check(p, TOK_ERROR))
        parse_error_at(p, &p->current, "%s", p->current.message);
    else
        parse_error_at(p, &p->current, "%s", what);
}

bool parse_check(const Parser *p, TokenType type) {
    return p->current.type == type;
}

bool parse_match(Parser *p, TokenType type) {
    if (!parse_check(p, type)) return false;
    parse_advance(p);
    return true;
}

static bool at_statement_end(const Parser *p) {
    return parse_check(p, TOK_SEMI) || parse_check(p, TOK_EOF);
}

/* Adds an op node; if its inputs do not fit (shapes) or memory ran out,
 * reports that at token `at`: the operator or the function's name. */
NodeId parse_emit_arg(Parser *p, Op op, const NodeId *inputs, int32_t arg, const Token *at) {
    for (int i = 0; i < op_info(op)->arity; i++)
        if (inputs[i] == NODE_NONE) return NODE_NONE;
    GraphError err;
    NodeId id = graph_add_op(p->graph, op, inputs, arg, &err);
    if (id == NODE_NONE) parse_error_at(p, at, "%s", err.message);
    return id;
}

NodeId parse_emit(Parser *p, Op op, NodeId a, NodeId b, const Token *at) {
    NodeId inputs[BP_MAX_INPUTS] = {a, b, NODE_NONE};
    return parse_emit_arg(p, op, inputs, 0, at);
}

Op parse_function_op(const char *name, int len) {
    if (len == 3 && memcmp(name, "dot", 3) == 0) return OP_MATMUL; /* dot(X, W) = X @ W */
    return op_find_function(name, len);
}

/* Is name a function of any kind (op, `dot`, or a constructor)? Function
 * names are spelled with a-z and '_' only (test_parser tries to assign to
 * every one), so a name like x1 is answered without searching the tables:
 * a long script asks this once per statement. */
static bool is_function(const char *name, int len) {
    for (int i = 0; i < len; i++)
        if (!((name[i] >= 'a' && name[i] <= 'z') || name[i] == '_')) return false;
    return parse_function_op(name, len) != OP_COUNT || construct_find(name, len) != NULL ||
           (len == 4 && memcmp(name, "load", 4) == 0);
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
        parse_error_at(p, &p->current, "expression nested too deeply (the limit is %d levels)",
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
        bool compare = parse_check(p, TOK_EQUAL) && p->previous.type == TOK_EQUAL &&
                       p->previous.start + 1 == p->current.start;
        if (compare) {
            Token both = p->previous; /* the caret marks both '=' */
            both.length = 2;
            parse_error_at(p, &both,
                           "'==' compares, and backprop has no comparisons: its values all have "
                           "gradients; for the book's accuracy use accuracy(Y, t)");
        } else {
            parse_unexpected(p, parse_check(p, TOK_EOF) || parse_check(p, TOK_SEMI)
                                    ? "expected an expression"
                                    : what);
        }
    } else {
        parse_advance(p);
        node = prefix(p);
        while (!p->failed && prec <= get_rule(p->current.type)->prec) {
            parse_advance(p);
            node = get_rule(p->previous.type)->infix(p, node);
        }
    }
    p->depth--;
    return p->failed ? NODE_NONE : node;
}

NodeId parse_expression(Parser *p) {
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
    for (; i < len; i++) {
        unsigned d = (unsigned)(s[i] - '0'); /* not isdigit: no locale call */
        if (d < 10) {
            mantissa = mantissa * 10 + d; /* wraps only past 19 digits, refused below */
            digits += mantissa != 0;      /* leading zeros are not significant */
            exp10 -= point;
        } else if (s[i] == '.') {
            point = true;
        } else {
            break;
        }
    }
    if (digits > 15) return false;
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
        parse_error_at(p, t, "number has too many digits");
        return NODE_NONE;
    }
    double v;
    if (!fast_decimal(t->start, t->length, &v)) {
        memcpy(text, t->start, (size_t)t->length);
        text[t->length] = '\0';
        v = strtod(text, NULL);
    }
    if (isinf(v)) {
        parse_error_at(p, t, "number too large (the largest is about 1.8e308)");
        return NODE_NONE;
    }
    NodeId id = graph_add_const(p->graph, v);
    if (id == NODE_NONE) parse_error_at(p, t, "out of memory");
    return id;
}

void parse_expected_close(Parser *p, const Token *open) {
    char what[64];
    snprintf(what, sizeof what, "expected ')' to close the '(' at column %d", open->col);
    parse_unexpected(p, what);
}

/* grouping := '(' expression ')' */
static NodeId grouping(Parser *p) {
    Token open = p->previous;
    NodeId node = parse_expression(p);
    if (!p->failed && !parse_match(p, TOK_RPAREN)) parse_expected_close(p, &open);
    return node;
}

/* unary := ('-' | '+') unary-or-power */
static NodeId unary(Parser *p) {
    Token sign = p->previous;
    TokenType op = sign.type;
    bool literal = parse_check(p, TOK_NUMBER);
    NodeId operand = parse_precedence(p, PREC_UNARY);
    if (operand == NODE_NONE || op == TOK_PLUS) return operand;
    /* `-3` is the number −3, drawn as one label, not a negation node. */
    Graph *g = p->graph;
    if (literal && operand == graph_count(g) - 1 && graph_node(g, operand)->op == OP_CONST &&
        graph_is_scalar(g, operand)) {
        g->values[graph_node(g, operand)->off] = -graph_scalar(g, operand);
        return operand;
    }
    return parse_emit(p, OP_NEG, operand, NODE_NONE, &sign);
}

/* binary := expression ('+'|'-'|'*'|'/'|'@') expression-of-higher-precedence */
static NodeId binary(Parser *p, NodeId left) {
    Token op_token = p->previous;
    TokenType type = op_token.type;
    NodeId right = parse_precedence(p, (Precedence)(get_rule(type)->prec + 1));
    Op op = type == TOK_PLUS    ? OP_ADD
            : type == TOK_MINUS ? OP_SUB
            : type == TOK_STAR  ? OP_MUL
            : type == TOK_AT    ? OP_MATMUL
                                : OP_DIV;
    return parse_emit(p, op, left, right, &op_token);
}

/* power := operand '**' unary   (right-associative: 2**3**2 = 2**9; 2**-1 works) */
static NodeId power(Parser *p, NodeId left) {
    Token op_token = p->previous;
    NodeId right = parse_precedence(p, PREC_UNARY);
    return parse_emit(p, OP_POW, left, right, &op_token);
}

/* variable := NAME | call */
static NodeId variable(Parser *p) {
    Token name = p->previous;
    if (parse_match(p, TOK_LPAREN)) return parse_call(p, &name);
    NodeId id = graph_lookup(p->graph, name.start, name.length);
    /* Function names cannot be defined, so only an unknown name can be one. */
    if (p->constant_only) {
        parse_error_at(p, &name, "%s must be a number, not a name like '%.*s'", p->constant_only,
                       name.length, name.start);
        return NODE_NONE;
    }
    if (id == NODE_NONE && is_function(name.start, name.length)) {
        parse_error_at(p, &name, "'%.*s' is a function: call it as %.*s(x)", name.length,
                       name.start, name.length, name.start);
    } else if (id == NODE_NONE) {
        char hint[128];
        const char *habit = suggest_habit(name.start, name.length);
        if (!habit) suggest_hint(p->graph, name.start, name.length, false, hint, sizeof hint);
        parse_error_at(p, &name, "undefined name '%.*s'%s", name.length, name.start,
                       habit ? habit : hint);
    }
    return id;
}

static const ParseRule rules[] = {
    [TOK_NUMBER] = {number, NULL, PREC_NONE},
    [TOK_NAME] = {variable, NULL, PREC_NONE},
    [TOK_PLUS] = {unary, binary, PREC_TERM},
    [TOK_MINUS] = {unary, binary, PREC_TERM},
    [TOK_STAR] = {NULL, binary, PREC_FACTOR},
    [TOK_SLASH] = {NULL, binary, PREC_FACTOR},
    [TOK_POW] = {NULL, power, PREC_POWER},
    [TOK_LPAREN] = {grouping, NULL, PREC_NONE},
    [TOK_RPAREN] = {NULL, NULL, PREC_NONE},
    [TOK_COMMA] = {NULL, NULL, PREC_NONE},
    [TOK_EQUAL] = {NULL, NULL, PREC_NONE},
    [TOK_SEMI] = {NULL, NULL, PREC_NONE},
    [TOK_LBRACKET] = {parse_literal, parse_index, PREC_PRIMARY},
    [TOK_RBRACKET] = {NULL, NULL, PREC_NONE},
    [TOK_AT] = {NULL, binary, PREC_FACTOR},
    [TOK_DOT] = {NULL, parse_attribute, PREC_PRIMARY},
    [TOK_STRING] = {parse_string, NULL, PREC_NONE},
    [TOK_EOF] = {NULL, NULL, PREC_NONE},
    [TOK_ERROR] = {NULL, NULL, PREC_NONE},
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
    p->own_rng = 0;
    p->rng = &p->own_rng;
    p->constant_only = NULL;
    p->dir = NULL;
    p->load_node = NODE_NONE;
    p->current = (Token){TOK_EOF, text, 0, line, 1, NULL};
    parse_advance(p);
}

size_t parser_offset(const Parser *p) {
    return (size_t)(p->current.start - p->lexer.line_start);
}

bool parser_at_end(Parser *p) {
    return parse_check(p, TOK_EOF);
}

/* Reports text left over after a complete expression. */
static void trailing(Parser *p) {
    char what[64];
    snprintf(what, sizeof what, "unexpected %s after the expression",
             token_type_name(p->current.type));
    parse_unexpected(p, parse_check(p, TOK_EQUAL) ? "only a name can be assigned to" : what);
}

/* Starts a statement: nothing is loaded yet. */
static void begin(Parser *p, Statement *st) {
    st->mark = graph_mark(p->graph);
    st->name = NULL;
    st->name_len = 0;
    st->param = false;
    st->silent = false;
    st->load = (Token){TOK_EOF, NULL, 0, 0, 0, NULL};
    p->load_node = NODE_NONE;
}

/* A loaded array is a leaf, so load(...) is the whole right side: what is
 * computed from it goes on the next line. (Inside an expression it would be
 * a constant whose numbers :save writes out, not the file.) */
static void check_load(Parser *p, Statement *st) {
    if (p->failed || p->load_node == NODE_NONE) return;
    if (st->root != p->load_node) {
        parse_error_at(p, &p->load_call,
                       "load(...) must be the whole right side of a definition, as in "
                       "X = load(\"x.npy\"): compute with X on the next line");
        return;
    }
    st->load = p->load_file;
}

/* Finishes a statement: it must end at ';' or the end of the line. */
static bool finish(Parser *p, Statement *st) {
    check_load(p, st);
    if (!p->failed && !at_statement_end(p)) trailing(p);
    if (p->failed) {
        graph_rollback(p->graph, st->mark);
        return false;
    }
    st->silent = parse_match(p, TOK_SEMI);
    return true;
}

/* Is the current token the word `param` starting a parameter's definition
 * (followed by a name, so a variable called param still works)? */
static bool at_param(Parser *p) {
    if (!parse_check(p, TOK_NAME) || p->current.length != 5 ||
        memcmp(p->current.start, "param", 5) != 0)
        return false;
    Lexer saved = p->lexer;
    TokenType next = lexer_next(&p->lexer).type;
    p->lexer = saved;
    /* `param 1 = 2` is a parameter without a name, unless param is a
     * variable being used (`param + 1`) or defined (`param = 2`). */
    return next == TOK_NAME ||
           (next != TOK_EQUAL && graph_lookup(p->graph, "param", 5) == NODE_NONE);
}

/* statement := ['param'] NAME '=' expression | expression */
bool parser_statement(Parser *p, Statement *st) {
    while (parse_match(p, TOK_SEMI)) {
    }
    if (p->failed || parse_check(p, TOK_EOF)) return false;
    begin(p, st);
    st->param = at_param(p);
    if (st->param) parse_advance(p);
    if (st->param && !parse_check(p, TOK_NAME))
        parse_unexpected(p, "expected the parameter's name after param: param W = randn(2, 3)");
    if (parse_check(p, TOK_NAME)) {
        /* Two tokens of lookahead tell `x = ...` from `x + ...`. */
        Lexer saved = p->lexer;
        Token next = lexer_next(&p->lexer);
        if (next.type != TOK_EQUAL) p->lexer = saved;
        if (next.type != TOK_EQUAL && st->param)
            parse_error_at(p, &next,
                           "expected '=' after the parameter's name: param W = randn(2, 3)");
        if (next.type == TOK_EQUAL) {
            Token name = p->current;
            p->current = next; /* already lexed: step onto the '=' */
            parse_advance(p);
            if (is_function(name.start, name.length))
                parse_error_at(p, &name, "'%.*s' is a function name and cannot be assigned",
                               name.length, name.start);
            st->name = name.start;
            st->name_len = name.length;
            st->name_pos = pos_of(p, &name);
        }
    }
    st->root = p->failed ? NODE_NONE : parse_expression(p);
    return finish(p, st);
}

bool parser_expression(Parser *p, Statement *st) {
    begin(p, st);
    st->root = parse_expression(p);
    check_load(p, st);
    if (!p->failed && !parse_check(p, TOK_EOF)) trailing(p);
    if (p->failed) {
        graph_rollback(p->graph, st->mark);
        return false;
    }
    return true;
}
