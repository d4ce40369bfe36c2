/* parse_tensor.c - the grammar that builds tensors: literals, row indexing,
 * the .T attribute, and calls whose arguments mix tensors, numbers (dims, an
 * axis) and keywords (axis=, seed=), constructors included. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../io/array.h"
#include "../io/file.h"
#include "construct.h"
#include "datafile.h"
#include "parser_internal.h"
#include "suggest.h"

/* A number written where only a number makes sense (a literal's element, a
 * dimension, an index): an expression using no names, whose nodes are
 * removed again once its value is read. `what` names it in errors. */
static bool constant(Parser *p, const char *what, double *out) {
    GraphMark m = graph_mark(p->graph);
    Token at = p->current;
    const char *outer = p->constant_only;
    p->constant_only = what;
    NodeId id = parse_expression(p);
    p->constant_only = outer;
    if (p->failed) return false;
    if (!graph_is_scalar(p->graph, id)) {
        parse_error_at(p, &at, "%s must be a number, not a tensor", what);
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
        parse_error_at(p, &at, "%s must be a whole number, not %g", what, v);
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
    parse_unexpected(p, what);
}

/* row := '[' element (',' element)* ']'    element := row | number
 * `open` is the row's '[' (already consumed); depth counts enclosing rows. */
static bool literal_row(Parser *p, Literal *lit, int depth, const Token *open) {
    if (depth >= BP_MAX_RANK) {
        parse_error_at(p, open, "a literal has at most %d dimensions", BP_MAX_RANK);
        return false;
    }
    if (parse_check(p, TOK_RBRACKET)) {
        parse_error_at(p, &p->current, "an empty literal: write at least one number");
        return false;
    }
    int32_t count = 0;
    do {
        Token at = p->current;
        if (parse_match(p, TOK_LBRACKET)) {
            if (lit->rank != 0 && depth + 1 >= lit->rank) {
                parse_error_at(p, &at,
                               "ragged literal: expected a number here, as in the rows before");
                return false;
            }
            if (!literal_row(p, lit, depth + 1, &at)) return false;
        } else {
            if (lit->rank == 0) lit->rank = depth + 1;
            if (depth + 1 != lit->rank) {
                parse_error_at(p, &at,
                               "ragged literal: expected a row [...] here, as in the rows before");
                return false;
            }
            double v;
            if (!constant(p, "a literal's element", &v)) return false;
            if (lit->len == BP_MAX_ELEMENTS) { /* refused before memory is spent on it */
                parse_error_at(p, &at,
                               "a literal of more than %d elements is too big: the limit "
                               "is %d elements per value",
                               BP_MAX_ELEMENTS, BP_MAX_ELEMENTS);
                return false;
            }
            if (!push_element(lit, v)) {
                parse_error_at(p, &at, "out of memory");
                return false;
            }
        }
        count++;
    } while (parse_match(p, TOK_COMMA));
    if (!parse_match(p, TOK_RBRACKET)) {
        expected_close_bracket(p, open);
        return false;
    }
    if (lit->dims_known[depth] && lit->dims[depth] != count) {
        parse_error_at(p, open, "ragged literal: this row has %d element%s, the first has %d",
                       (int)count, count == 1 ? "" : "s", (int)lit->dims[depth]);
        return false;
    }
    lit->dims[depth] = count;
    lit->dims_known[depth] = true;
    return true;
}

/* literal := row, e.g. [1, 2, 3] or [[1, 2], [3, 4]] */
NodeId parse_literal(Parser *p) {
    Token open = p->previous;
    Literal lit = {0};
    NodeId id = NODE_NONE;
    if (literal_row(p, &lit, 0, &open)) {
        Shape shape = {(uint8_t)lit.rank, {0}};
        memcpy(shape.dims, lit.dims, sizeof shape.dims);
        GraphError err;
        id = graph_add_tensor(p->graph, &shape, lit.data, &err);
        if (id == NODE_NONE) parse_error_at(p, &open, "%s", err.message);
    }
    free(lit.data);
    return id;
}

/* index := operand '[' integer (',' integer)* ']'    (x[0], x[-1], x[0, 1])
 * X[0, 1] is X[0][1]: one index node per index, an error about an index
 * (out of range, a scalar indexed) pointing at that index. */
NodeId parse_index(Parser *p, NodeId left) {
    Token open = p->previous;
    Token at = open; /* where an error about the index points: '[', then each later index */
    NodeId node = left;
    for (;;) {
        int32_t row;
        if (!whole_number(p, "an index", &row)) return NODE_NONE;
        NodeId inputs[BP_MAX_INPUTS] = {node, NODE_NONE, NODE_NONE};
        node = parse_emit_arg(p, OP_INDEX, inputs, row, &at);
        if (node == NODE_NONE || !parse_match(p, TOK_COMMA)) break;
        at = p->current;
    }
    if (node == NODE_NONE) return NODE_NONE;
    if (!parse_match(p, TOK_RBRACKET)) {
        expected_close_bracket(p, &open);
        return NODE_NONE;
    }
    return node;
}

/* Explains an attribute other than .T, as NumPy habits write them:
 * X.sum() is sum(X), X.shape is what :vars shows. */
static void attribute_error(Parser *p, NodeId left) {
    const Token *t = &p->current;
    const char *of = graph_name_of(p->graph, left);
    of = of ? of : "x";
    bool shape = t->type == TOK_NAME && ((t->length == 5 && memcmp(t->start, "shape", 5) == 0) ||
                                         (t->length == 4 && memcmp(t->start, "size", 4) == 0) ||
                                         (t->length == 4 && memcmp(t->start, "ndim", 4) == 0));
    if (t->type == TOK_NAME && parse_function_op(t->start, t->length) != OP_COUNT)
        parse_error_at(p, t, "backprop has no methods: write %.*s(%s), not %s.%.*s()", t->length,
                       t->start, of, of, t->length, t->start);
    else if (shape)
        parse_error_at(p, t, "backprop has no .%.*s: :vars shows each value with its shape",
                       t->length, t->start);
    else
        parse_unexpected(p, "expected T after '.': x.T is x transposed");
}

/* attribute := operand '.' 'T'    (the transpose, as NumPy's x.T) */
NodeId parse_attribute(Parser *p, NodeId left) {
    Token dot = p->previous;
    if (!parse_check(p, TOK_NAME) || p->current.length != 1 || p->current.start[0] != 'T') {
        attribute_error(p, left);
        return NODE_NONE;
    }
    parse_advance(p);
    return parse_emit(p, OP_TRANSPOSE, left, NODE_NONE, &dot);
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
    if (!parse_check(p, TOK_NAME)) return false;
    Lexer saved = p->lexer;
    bool keyword = lexer_next(&p->lexer).type == TOK_EQUAL;
    p->lexer = saved;
    return keyword;
}

/* keyword := NAME '=' number      (axis=0, seed=7) */
static bool keyword(Parser *p, const Token *fn, bool allow_axis, bool allow_seed, CallArgs *a) {
    Token name = p->current;
    parse_advance(p);
    parse_advance(p); /* the '=' */
    bool axis = name.length == 4 && memcmp(name.start, "axis", 4) == 0;
    bool seed = name.length == 4 && memcmp(name.start, "seed", 4) == 0;
    if ((axis && !allow_axis) || (seed && !allow_seed) || (!axis && !seed)) {
        parse_error_at(p, &name, "%.*s takes no %.*s=%s", fn->length, fn->start, name.length,
                       name.start,
                       allow_axis   ? " (only axis=)"
                       : allow_seed ? " (only seed=)"
                                    : "");
        return false;
    }
    if ((axis && a->has_axis) || (seed && a->has_seed)) {
        parse_error_at(p, &name, "%.*s= is given twice", name.length, name.start);
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
    if (!parse_check(p, TOK_RPAREN)) {
        do {
            if (at_keyword(p)) {
                if (!keyword(p, fn, allow_axis, allow_seed, a)) return false;
                continue;
            }
            if (a->has_axis || a->has_seed) {
                parse_error_at(p, &p->current, "positional arguments go before keyword ones");
                return false;
            }
            if (a->input_count < inputs) {
                a->inputs[a->input_count++] = parse_expression(p);
                if (p->failed) return false;
                continue;
            }
            if (a->number_count == CONSTRUCT_MAX_ARGS) {
                parse_error_at(p, &p->current, "too many arguments to %.*s", fn->length, fn->start);
                return false;
            }
            a->number_at[a->number_count] = p->current;
            if (!constant(p, inputs > 0 ? "an argument after the tensor" : "a dimension",
                          &a->numbers[a->number_count]))
                return false;
            a->number_count++;
        } while (parse_match(p, TOK_COMMA));
    }
    if (!parse_match(p, TOK_RPAREN)) {
        parse_expected_close(p, &open);
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
        parse_error_at(p, at, "%s", why);
        return NODE_NONE;
    }
    GraphError err;
    NodeId id = graph_add_tensor(p->graph, &shape, data, &err);
    free(data);
    if (id == NODE_NONE) parse_error_at(p, fn, "%s", err.message);
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
            parse_error_at(p, &a->number_at[0], "%s takes one tensor and axis=", info->spelling);
            return false;
        }
        /* Whole and small enough for an int here; the shape rule then says
         * whether the axis exists. */
        if (a->has_axis && (a->axis != floor(a->axis) || fabs(a->axis) > 1e6)) {
            parse_error_at(p, &a->axis_at, "an axis must be a whole number such as 0, 1 or -1");
            return false;
        }
        if (a->has_axis) *arg = (int32_t)a->axis;
        return true;
    }
    if (info->arg == ARG_SHAPE) {
        Shape spec = {(uint8_t)a->number_count, {0}};
        if (a->number_count == 0 || a->number_count > BP_MAX_RANK) {
            parse_error_at(p, fn, "reshape takes a tensor and 1 to %d dimensions: reshape(x, 2, 3)",
                           BP_MAX_RANK);
            return false;
        }
        for (int i = 0; i < a->number_count; i++) {
            double d = a->numbers[i];
            if (!(d == -1 || (d >= 1 && d <= BP_MAX_ELEMENTS && d == floor(d)))) {
                parse_error_at(p, &a->number_at[i],
                               "a dimension must be a whole number from 1 up (or -1 "
                               "for the rest), not %g",
                               d);
                return false;
            }
            spec.dims[i] = (int32_t)d;
        }
        if ((*arg = graph_intern_shape(p->graph, &spec)) < 0) {
            parse_error_at(p, fn, "too many different shapes in one session");
            return false;
        }
        return true;
    }
    if (a->number_count > 0) {
        parse_error_at(p, &a->number_at[0], "%.*s takes %d argument%s, got %d", fn->length,
                       fn->start, info->arity, info->arity == 1 ? "" : "s",
                       a->input_count + a->number_count);
        return false;
    }
    return true;
}

/* Reads the array in the file `written` names (relative to p->dir) into a
 * new constant node; errors are reported at the call. */
static NodeId load_array(Parser *p, const Token *call, const char *written) {
    char *path = datafile_resolve(p->dir, written);
    if (!path) {
        parse_error_at(p, call, "out of memory");
        return NODE_NONE;
    }
    Array a;
    char why[256];
    NodeId id = NODE_NONE;
    if (!file_is_regular(path, why, sizeof why) || !array_read_file(path, &a, why, sizeof why)) {
        parse_error_at(p, call, "cannot load '%s': %s", path, why);
    } else {
        GraphError err;
        id = graph_add_tensor(p->graph, &a.shape, a.data, &err);
        if (id == NODE_NONE) parse_error_at(p, call, "cannot load '%s': %s", path, err.message);
        array_free(&a);
    }
    free(path);
    return id;
}

/* load := 'load' '(' STRING ')'   the array in a .npy or CSV file, read now */
static NodeId load(Parser *p, const Token *fn) {
    Token open = p->previous;
    if (!parse_check(p, TOK_STRING)) {
        parse_unexpected(p, "load takes a file name in quotes: load(\"digits.npy\")");
        return NODE_NONE;
    }
    Token file = p->current;
    parse_advance(p);
    if (!parse_match(p, TOK_RPAREN)) {
        parse_expected_close(p, &open);
        return NODE_NONE;
    }
    Token call = *fn; /* the caret spans load("...") */
    call.length = (int)(p->previous.start + p->previous.length - fn->start);
    StrBuf written;
    sb_init(&written);
    lexer_string_text(&file, &written);
    NodeId id = NODE_NONE;
    if (written.failed)
        parse_error_at(p, &call, "out of memory");
    else
        id = load_array(p, &call, written.data);
    sb_free(&written);
    if (id != NODE_NONE && p->load_node == NODE_NONE) {
        p->load_node = id;
        p->load_call = call;
        p->load_file = file;
    }
    return id;
}

NodeId parse_string(Parser *p) {
    parse_error_at(p, &p->previous,
                   "a string is a file name, and only load takes one: X = load(\"x.npy\")");
    return NODE_NONE;
}

/* call := NAME '(' arguments */
NodeId parse_call(Parser *p, const Token *name) {
    if (name->length == 4 && memcmp(name->start, "load", 4) == 0) return load(p, name);
    const Constructor *c = construct_find(name->start, name->length);
    if (c) return construct(p, name, c);
    Op op = parse_function_op(name->start, name->length);
    const char *habit = op == OP_COUNT ? suggest_habit(name->start, name->length) : NULL;
    if (habit) {
        parse_error_at(p, name, "unknown function '%.*s'%s", name->length, name->start, habit);
        return NODE_NONE;
    }
    if (op == OP_COUNT) {
        char known[512], hint[128];
        op_function_list(known, sizeof known);
        suggest_hint(p->graph, name->start, name->length, true, hint, sizeof hint);
        parse_error_at(p, name, "unknown function '%.*s'%s (known: %s, dot, %s, load)",
                       name->length, name->start, hint, known, construct_names());
        return NODE_NONE;
    }
    const OpInfo *info = op_info(op);
    CallArgs a = {0};
    if (!call_arguments(p, name, info->arity, info->arg == ARG_AXIS, false, &a)) return NODE_NONE;
    if (a.input_count != info->arity) {
        parse_error_at(p, name, "%.*s takes %d argument%s, got %d", name->length, name->start,
                       info->arity, info->arity == 1 ? "" : "s", a.input_count);
        return NODE_NONE;
    }
    int32_t arg;
    if (!op_parameter(p, name, op, &a, &arg)) return NODE_NONE;
    return parse_emit_arg(p, op, a.inputs, arg, name);
}
