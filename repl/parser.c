/* parser.c - Pratt parser driven by a rule table, emitting graph nodes. */
#include "parser.h"

#include <ctype.h>
#include <stdint.h>
#include <stdarg.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "construct.h"
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

/* Adds an op node; if its inputs do not fit (shapes) or memory ran out,
 * reports that at token `at`: the operator or the function's name. */
static NodeId emit_arg(Parser *p, Op op, const NodeId *inputs, int32_t arg, const Token *at) {
    for (int i = 0; i < op_info(op)->arity; i++)
        if (inputs[i] == NODE_NONE) return NODE_NONE;
    GraphError err;
    NodeId id = graph_add_op(p->graph, op, inputs, arg, &err);
    if (id == NODE_NONE) error_at(p, at, "%s", err.message);
    return id;
}

static NodeId emit(Parser *p, Op op, NodeId a, NodeId b, const Token *at) {
    NodeId inputs[BP_MAX_INPUTS] = {a, b, NODE_NONE};
    return emit_arg(p, op, inputs, 0, at);
}

/* Is name a function of any kind (op, `dot`, or a constructor)? */
static Op function_op(const char *name, int len) {
    if (len == 3 && memcmp(name, "dot", 3) == 0) return OP_MATMUL; /* dot(X, W) = X @ W */
    return op_find_function(name, len);
}
static bool is_function(const char *name, int len) {
    return function_op(name, len) != OP_COUNT || construct_find(name, len) != NULL;
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
    Token sign = p->previous;
    TokenType op = sign.type;
    bool literal = check(p, TOK_NUMBER);
    NodeId operand = parse_precedence(p, PREC_UNARY);
    if (operand == NODE_NONE || op == TOK_PLUS) return operand;
    /* `-3` is the number −3, drawn as one label, not a negation node. */
    Graph *g = p->graph;
    if (literal && operand == graph_count(g) - 1 && graph_node(g, operand)->op == OP_CONST &&
        graph_is_scalar(g, operand)) {
        g->values[graph_node(g, operand)->off] = -graph_scalar(g, operand);
        return operand;
    }
    return emit(p, OP_NEG, operand, NODE_NONE, &sign);
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
    return emit(p, op, left, right, &op_token);
}

/* power := operand '**' unary   (right-associative: 2**3**2 = 2**9; 2**-1 works) */
static NodeId power(Parser *p, NodeId left) {
    Token op_token = p->previous;
    NodeId right = parse_precedence(p, PREC_UNARY);
    return emit(p, OP_POW, left, right, &op_token);
}

/* A number written where only a number makes sense (a literal's element, a
 * dimension, an index): an expression using no names, whose nodes are
 * removed again once its value is read. `what` names it in errors. */
static bool constant(Parser *p, const char *what, double *out) {
    GraphMark m = graph_mark(p->graph);
    Token at = p->current;
    const char *outer = p->constant_only;
    p->constant_only = what;
    NodeId id = expression(p);
    p->constant_only = outer;
    if (p->failed) return false;
    if (!graph_is_scalar(p->graph, id)) {
        error_at(p, &at, "%s must be a number, not a tensor", what);
        return false;
    }
    *out = graph_scalar(p->graph, id);
    graph_rollback(p->graph, m);
    return true;
}

/* A constant that must be a whole number that fits an int32. */
static bool whole_number(Parser *p, const char *what, int32_t *out) {
    Token at = p->current;
    double v;
    if (!constant(p, what, &v)) return false;
    if (v != floor(v) || fabs(v) > INT32_MAX) {
        error_at(p, &at, "%s must be a whole number, not %g", what, v);
        return false;
    }
    *out = (int32_t)v;
    return true;
}

/* A literal's elements as they are read, row-major. */
typedef struct {
    double *data;
    size_t len, cap;
    int rank; /* 0 until the first number tells how deep numbers sit */
    int32_t dims[BP_MAX_RANK];
    bool dims_known[BP_MAX_RANK];
} Literal;

static bool push_element(Literal *lit, double v) {
    if (lit->len == lit->cap) {
        size_t cap = lit->cap ? lit->cap * 2 : 16;
        double *data = realloc(lit->data, cap * sizeof *data);
        if (!data) return false;
        lit->data = data;
        lit->cap = cap;
    }
    lit->data[lit->len++] = v;
    return true;
}

static void expected_close_bracket(Parser *p, const Token *open) {
    char what[64];
    snprintf(what, sizeof what, "expected ']' to close the '[' at column %d", open->col);
    unexpected(p, what);
}

/* row := '[' element (',' element)* ']'    element := row | number
 * `open` is the row's '[' (already consumed); depth counts enclosing rows. */
static bool literal_row(Parser *p, Literal *lit, int depth, const Token *open) {
    if (depth >= BP_MAX_RANK) {
        error_at(p, open, "a literal has at most %d dimensions", BP_MAX_RANK);
        return false;
    }
    if (check(p, TOK_RBRACKET)) {
        error_at(p, &p->current, "an empty literal: write at least one number");
        return false;
    }
    int32_t count = 0;
    do {
        Token at = p->current;
        if (match(p, TOK_LBRACKET)) {
            if (lit->rank != 0 && depth + 1 >= lit->rank) {
                error_at(p, &at, "ragged literal: expected a number here, as in the rows before");
                return false;
            }
            if (!literal_row(p, lit, depth + 1, &at)) return false;
        } else {
            if (lit->rank == 0) lit->rank = depth + 1;
            if (depth + 1 != lit->rank) {
                error_at(p, &at,
                         "ragged literal: expected a row [...] here, as in the rows before");
                return false;
            }
            double v;
            if (!constant(p, "a literal's element", &v)) return false;
            if (!push_element(lit, v)) {
                error_at(p, &at, "out of memory");
                return false;
            }
        }
        count++;
    } while (match(p, TOK_COMMA));
    if (!match(p, TOK_RBRACKET)) {
        expected_close_bracket(p, open);
        return false;
    }
    if (lit->dims_known[depth] && lit->dims[depth] != count) {
        error_at(p, open, "ragged literal: this row has %d element%s, the first has %d", (int)count,
                 count == 1 ? "" : "s", (int)lit->dims[depth]);
        return false;
    }
    lit->dims[depth] = count;
    lit->dims_known[depth] = true;
    return true;
}

/* literal := row, e.g. [1, 2, 3] or [[1, 2], [3, 4]] */
static NodeId literal(Parser *p) {
    Token open = p->previous;
    Literal lit = {0};
    NodeId id = NODE_NONE;
    if (literal_row(p, &lit, 0, &open)) {
        Shape shape = {(uint8_t)lit.rank, {0}};
        memcpy(shape.dims, lit.dims, sizeof shape.dims);
        GraphError err;
        id = graph_add_tensor(p->graph, &shape, lit.data, &err);
        if (id == NODE_NONE) error_at(p, &open, "%s", err.message);
    }
    free(lit.data);
    return id;
}

/* index := operand '[' integer ']'    (a row: x[0], x[-1]) */
static NodeId index_(Parser *p, NodeId left) {
    Token open = p->previous;
    int32_t row;
    if (!whole_number(p, "an index", &row)) return NODE_NONE;
    if (!match(p, TOK_RBRACKET)) {
        expected_close_bracket(p, &open);
        return NODE_NONE;
    }
    NodeId inputs[BP_MAX_INPUTS] = {left, NODE_NONE, NODE_NONE};
    return emit_arg(p, OP_INDEX, inputs, row, &open);
}

/* attribute := operand '.' 'T'    (the transpose, as NumPy's x.T) */
static NodeId attribute(Parser *p, NodeId left) {
    Token dot = p->previous;
    if (!check(p, TOK_NAME) || p->current.length != 1 || p->current.start[0] != 'T') {
        unexpected(p, "expected T after '.': x.T is x transposed");
        return NODE_NONE;
    }
    advance(p);
    return emit(p, OP_TRANSPOSE, left, NODE_NONE, &dot);
}

/* A call's arguments: tensors first, then numbers (dims, an axis), then
 * keywords, each number remembered with its token for error carets. */
typedef struct {
    NodeId inputs[BP_MAX_INPUTS];
    int input_count;
    double numbers[CONSTRUCT_MAX_ARGS];
    Token number_at[CONSTRUCT_MAX_ARGS];
    int number_count;
    bool has_axis, has_seed;
    double axis, seed;
    Token axis_at, seed_at;
} CallArgs;

/* Is the current token a keyword argument's name (NAME followed by '=')? */
static bool at_keyword(Parser *p) {
    if (!check(p, TOK_NAME)) return false;
    Lexer saved = p->lexer;
    bool keyword = lexer_next(&p->lexer).type == TOK_EQUAL;
    p->lexer = saved;
    return keyword;
}

/* keyword := NAME '=' number      (axis=0, seed=7) */
static bool keyword(Parser *p, const Token *fn, bool allow_axis, bool allow_seed, CallArgs *a) {
    Token name = p->current;
    advance(p);
    advance(p); /* the '=' */
    bool axis = name.length == 4 && memcmp(name.start, "axis", 4) == 0;
    bool seed = name.length == 4 && memcmp(name.start, "seed", 4) == 0;
    if ((axis && !allow_axis) || (seed && !allow_seed) || (!axis && !seed)) {
        error_at(p, &name, "%.*s takes no %.*s=%s", fn->length, fn->start, name.length, name.start,
                 allow_axis   ? " (only axis=)"
                 : allow_seed ? " (only seed=)"
                              : "");
        return false;
    }
    if ((axis && a->has_axis) || (seed && a->has_seed)) {
        error_at(p, &name, "%.*s= is given twice", name.length, name.start);
        return false;
    }
    Token at = p->current;
    double v;
    if (!constant(p, axis ? "an axis" : "a seed", &v)) return false;
    if (axis) a->has_axis = true, a->axis = v, a->axis_at = at;
    if (seed) a->has_seed = true, a->seed = v, a->seed_at = at;
    return true;
}

/* arguments := [argument (',' argument)*] ')'
 * argument  := expression | number | keyword
 * The first `inputs` arguments are tensors (the op's inputs), the rest
 * numbers. */
static bool call_arguments(Parser *p, const Token *fn, int inputs, bool allow_axis, bool allow_seed,
                           CallArgs *a) {
    Token open = p->previous;
    if (!check(p, TOK_RPAREN)) {
        do {
            if (at_keyword(p)) {
                if (!keyword(p, fn, allow_axis, allow_seed, a)) return false;
                continue;
            }
            if (a->has_axis || a->has_seed) {
                error_at(p, &p->current, "positional arguments go before keyword ones");
                return false;
            }
            if (a->input_count < inputs) {
                a->inputs[a->input_count++] = expression(p);
                if (p->failed) return false;
                continue;
            }
            if (a->number_count == CONSTRUCT_MAX_ARGS) {
                error_at(p, &p->current, "too many arguments to %.*s", fn->length, fn->start);
                return false;
            }
            a->number_at[a->number_count] = p->current;
            if (!constant(p, inputs > 0 ? "an argument after the tensor" : "a dimension",
                          &a->numbers[a->number_count]))
                return false;
            a->number_count++;
        } while (match(p, TOK_COMMA));
    }
    if (!match(p, TOK_RPAREN)) {
        expected_close(p, &open);
        return false;
    }
    return true;
}

/* constructor := ('zeros'|'ones'|'full'|'arange'|'randn') '(' numbers [',' 'seed=' n] ')' */
static NodeId construct(Parser *p, const Token *fn, const Constructor *c) {
    CallArgs a = {0};
    if (!call_arguments(p, fn, 0, false, construct_takes_seed(c), &a)) return NODE_NONE;
    Shape shape;
    double *data;
    int bad;
    char why[256];
    if (!construct_run(c, a.numbers, a.number_count, a.has_seed ? &a.seed : NULL, p->rng, &shape,
                       &data, &bad, why, sizeof why)) {
        const Token *at = bad < 0 ? fn : bad < a.number_count ? &a.number_at[bad] : &a.seed_at;
        error_at(p, at, "%s", why);
        return NODE_NONE;
    }
    GraphError err;
    NodeId id = graph_add_tensor(p->graph, &shape, data, &err);
    free(data);
    if (id == NODE_NONE) error_at(p, fn, "%s", err.message);
    return id;
}

/* The op's parameter from the numbers after its tensors: sum's axis,
 * reshape's shape. False (reported) if they do not fit the op. */
static bool op_parameter(Parser *p, const Token *fn, Op op, CallArgs *a, int32_t *arg) {
    const OpInfo *info = op_info(op);
    *arg = 0;
    if (info->arg == ARG_AXIS) {
        *arg = AXIS_ALL;
        if (a->number_count == 1 && !a->has_axis) /* sum(x, 0) as NumPy allows */
            a->has_axis = true, a->axis = a->numbers[0], a->axis_at = a->number_at[0],
            a->number_count = 0;
        if (a->number_count > 0) {
            error_at(p, &a->number_at[0], "%s takes one tensor and axis=", info->spelling);
            return false;
        }
        if (a->has_axis && (a->axis != floor(a->axis) || fabs(a->axis) > BP_MAX_RANK)) {
            error_at(p, &a->axis_at, "an axis must be a whole number such as 0, 1 or -1");
            return false;
        }
        if (a->has_axis) *arg = (int32_t)a->axis;
        return true;
    }
    if (info->arg == ARG_SHAPE) {
        Shape spec = {(uint8_t)a->number_count, {0}};
        if (a->number_count == 0 || a->number_count > BP_MAX_RANK) {
            error_at(p, fn, "reshape takes a tensor and 1 to %d dimensions: reshape(x, 2, 3)",
                     BP_MAX_RANK);
            return false;
        }
        for (int i = 0; i < a->number_count; i++) {
            double d = a->numbers[i];
            if (!(d == -1 || (d >= 1 && d <= BP_MAX_ELEMENTS && d == floor(d)))) {
                error_at(p, &a->number_at[i],
                         "a dimension must be a whole number from 1 up (or -1 "
                         "for the rest), not %g",
                         d);
                return false;
            }
            spec.dims[i] = (int32_t)d;
        }
        if ((*arg = graph_intern_shape(p->graph, &spec)) < 0) {
            error_at(p, fn, "too many different shapes in one session");
            return false;
        }
        return true;
    }
    if (a->number_count > 0) {
        error_at(p, &a->number_at[0], "%.*s takes %d argument%s, got %d", fn->length, fn->start,
                 info->arity, info->arity == 1 ? "" : "s", a->input_count + a->number_count);
        return false;
    }
    return true;
}

/* call := NAME '(' arguments */
static NodeId call(Parser *p, const Token *name) {
    const Constructor *c = construct_find(name->start, name->length);
    if (c) return construct(p, name, c);
    Op op = function_op(name->start, name->length);
    if (op == OP_COUNT) {
        char known[512], hint[128];
        op_function_list(known, sizeof known);
        suggest_hint(p->graph, name->start, name->length, true, hint, sizeof hint);
        error_at(p, name, "unknown function '%.*s'%s (known: %s, dot, %s)", name->length,
                 name->start, hint, known, construct_names());
        return NODE_NONE;
    }
    const OpInfo *info = op_info(op);
    CallArgs a = {0};
    if (!call_arguments(p, name, info->arity, info->arg == ARG_AXIS, false, &a)) return NODE_NONE;
    if (a.input_count != info->arity) {
        error_at(p, name, "%.*s takes %d argument%s, got %d", name->length, name->start,
                 info->arity, info->arity == 1 ? "" : "s", a.input_count);
        return NODE_NONE;
    }
    int32_t arg;
    if (!op_parameter(p, name, op, &a, &arg)) return NODE_NONE;
    return emit_arg(p, op, a.inputs, arg, name);
}

/* variable := NAME | call */
static NodeId variable(Parser *p) {
    Token name = p->previous;
    if (match(p, TOK_LPAREN)) return call(p, &name);
    NodeId id = graph_lookup(p->graph, name.start, name.length);
    /* Function names cannot be defined, so only an unknown name can be one. */
    if (p->constant_only) {
        error_at(p, &name, "%s must be a number, not a name like '%.*s'", p->constant_only,
                 name.length, name.start);
        return NODE_NONE;
    }
    if (id == NODE_NONE && is_function(name.start, name.length)) {
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
    [TOK_LBRACKET] = {literal, index_, PREC_PRIMARY},
    [TOK_RBRACKET] = {NULL, NULL, PREC_NONE},
    [TOK_AT] = {NULL, binary, PREC_FACTOR},
    [TOK_DOT] = {NULL, attribute, PREC_PRIMARY},
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

/* Is the current token the word `param` starting a parameter's definition
 * (followed by a name, so a variable called param still works)? */
static bool at_param(Parser *p) {
    if (!check(p, TOK_NAME) || p->current.length != 5 || memcmp(p->current.start, "param", 5) != 0)
        return false;
    Lexer saved = p->lexer;
    bool param = lexer_next(&p->lexer).type == TOK_NAME;
    p->lexer = saved;
    return param;
}

/* statement := ['param'] NAME '=' expression | expression */
bool parser_statement(Parser *p, Statement *st) {
    while (match(p, TOK_SEMI)) {
    }
    if (p->failed || check(p, TOK_EOF)) return false;
    st->mark = graph_mark(p->graph);
    st->name = NULL;
    st->name_len = 0;
    st->param = at_param(p);
    if (st->param) advance(p);
    if (check(p, TOK_NAME)) {
        /* Two tokens of lookahead tell `x = ...` from `x + ...`. */
        Lexer saved = p->lexer;
        Token next = lexer_next(&p->lexer);
        if (next.type != TOK_EQUAL) p->lexer = saved;
        if (next.type != TOK_EQUAL && st->param)
            error_at(p, &next, "expected '=' after the parameter's name: param W = randn(2, 3)");
        if (next.type == TOK_EQUAL) {
            Token name = p->current;
            p->current = next; /* already lexed: step onto the '=' */
            advance(p);
            if (is_function(name.start, name.length))
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
    st->param = false;
    st->root = expression(p);
    if (!p->failed && !check(p, TOK_EOF)) trailing(p);
    if (p->failed) {
        graph_rollback(p->graph, st->mark);
        return false;
    }
    return true;
}
