/* print.c - writing a node's definition back as source text.
 *
 * The text must parse back to the same tree (that is what :save relies on),
 * so parentheses follow the parser's precedence and associativity exactly,
 * and constants are written at full round-trip precision. The walk uses an
 * explicit stack: `a+a+a+...` from one long line is a deep left spine.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "format.h"
#include "internal.h"

/* How tightly a node's text binds when it appears as an operand. */
static Precedence operand_prec(const Graph *g, NodeId id) {
    const Node *n = &g->nodes[id];
    if (n->name >= 0) return PREC_PRIMARY;
    if (n->op == OP_CONST && graph_is_scalar(g, id) && signbit(graph_scalar(g, id)))
        return PREC_UNARY; /* -3, -0 */
    return op_info(n->op)->prec;
}

/* Must operand `child` of `parent`, at position `i`, be parenthesised? */
static bool needs_parens(const Graph *g, const Node *parent, int i, NodeId child) {
    Precedence p = op_info(parent->op)->prec, c = operand_prec(g, child);
    switch (op_info(parent->op)->syntax) {
    case SYN_INFIX:
        /* Left-associative ops keep a right operand of equal precedence in
         * parentheses (a - (b - c)). `**` is right-associative and reads its
         * right operand as a unary expression (2**-x), while its left one
         * binds tighter than unary minus: (-2)**x. */
        if (parent->op == OP_POW) return i == 0 ? c <= p : c < PREC_UNARY;
        return i == 0 ? c < p : c <= p;
    case SYN_PREFIX: return c <= p;          /* -(-x), not --x */
    case SYN_INDEX: return c < PREC_PRIMARY; /* (a + b)[0] */
    default: return false;
    }
}

typedef struct {
    NodeId id;
    int8_t step; /* how many operands have been written */
    bool parens; /* wrap this node's text in ( ) */
    bool top;    /* the node being defined: spell out even if named */
} Frame;

void graph_value_text(Value v, int digits, StrBuf *out) {
    const Shape *s = v.shape;
    char num[FMT_NUMBER_SIZE];
    for (size_t i = 0; i < v.size; i++) {
        /* Open a bracket for every axis whose index just became 0. */
        size_t block = v.size;
        for (int a = 0; a < s->rank; a++) {
            if (i % block == 0) sb_puts(out, "[");
            block /= (size_t)s->dims[a];
        }
        if (digits == FMT_ROUND_TRIP)
            graph_number_text(v.data[i], out);
        else
            sb_puts(out, fmt_number(num, sizeof num, v.data[i], digits));
        /* Close one for every axis whose index wraps after this element. */
        size_t inner = 1;
        for (int a = s->rank - 1; a >= 0; a--) {
            inner *= (size_t)s->dims[a];
            if ((i + 1) % inner != 0) break;
            sb_puts(out, "]");
        }
        if (i + 1 < v.size) sb_puts(out, ", ");
    }
}

/* A name, or a value: a leaf being defined is written as its value. */
static void write_atom(const Graph *g, NodeId id, bool top, StrBuf *out) {
    const char *name = graph_name_of(g, id);
    if (name && !top) {
        sb_puts(out, name);
        return;
    }
    graph_value_text(graph_value(g, id), FMT_ROUND_TRIP, out);
}

/* The parameters a call writes after its operands: `, axis=0`, `, 2, 3`. */
static void write_call_args(const Graph *g, const Node *n, StrBuf *out) {
    switch (op_info(n->op)->arg) {
    case ARG_AXIS:
        if (n->arg != AXIS_ALL) sb_printf(out, ", axis=%d", (int)n->arg);
        break;
    case ARG_SHAPE: {
        const Shape *spec = &g->shapes[n->arg];
        for (int a = 0; a < spec->rank; a++)
            sb_printf(out, ", %d", (int)spec->dims[a]);
        break;
    }
    default: break;
    }
}

void graph_number_text(double v, StrBuf *out) {
    if (!isfinite(v)) { /* the language has no literal for these: compute them */
        sb_puts(out, isnan(v) ? "0 / 0" : v > 0 ? "1e308 * 10" : "-1e308 * 10");
        return;
    }
    char num[FMT_NUMBER_SIZE];
    sb_puts(out, fmt_number(num, sizeof num, v, FMT_ROUND_TRIP));
}

/* One walk writes all three texts: the whole expression, the same only if it
 * fits in `limit` bytes, and a node's own step over its inputs' labels. */
typedef struct {
    const Graph *g;
    size_t limit;       /* bytes the text may take: SIZE_MAX for any length */
    GraphLabelFn label; /* if not NULL, writes the top node's inputs */
    void *ctx;          /* label's */
    StrBuf *out;
} Writer;

/* Appends node id's text; false, with nothing appended, if it takes more
 * than w->limit bytes. Every frame on the stack writes at least one byte
 * (only the top node can be an alias, which writes none), so a stack deeper
 * than the limit is already too long: a bounded walk never visits more
 * than about `limit` nodes, however large the expression. */
static bool write_expr(const Writer *w, NodeId id) {
    const Graph *g = w->g;
    StrBuf *out = w->out;
    size_t start = out->len;
    size_t cap = (size_t)g->count + 1;
    if (w->limit < cap) cap = w->limit + 2;
    Frame *stack = malloc(cap * sizeof *stack);
    if (!stack) {
        out->failed = true;
        return false;
    }
    size_t sp = 0;
    bool fits = true;
    stack[sp++] = (Frame){id, 0, false, true};
    while (sp > 0 && (fits = out->len - start <= w->limit)) {
        Frame *f = &stack[sp - 1];
        const Node *n = &g->nodes[f->id];
        const OpInfo *info = op_info(n->op);
        if ((!f->top && n->name >= 0) || info->arity == 0) {
            if ((f->top || n->name < 0) && shape_size(graph_shape(g, f->id)) > w->limit) {
                fits = false; /* a literal writes a byte or more per element */
                break;
            }
            if (f->parens) sb_puts(out, "(");
            write_atom(g, f->id, f->top, out);
            if (f->parens) sb_puts(out, ")");
            sp--;
            continue;
        }
        if (f->step == 0 && f->parens) sb_puts(out, "(");
        if (f->step == info->arity) {
            if (info->syntax == SYN_CALL) {
                write_call_args(g, n, out);
                sb_puts(out, ")");
            }
            if (info->syntax == SYN_INDEX) sb_printf(out, "[%d]", (int)n->arg);
            if (f->parens) sb_puts(out, ")");
            sp--;
            continue;
        }
        int i = f->step++;
        if (info->syntax == SYN_CALL && i > 0) sb_puts(out, ", ");
        if (info->syntax == SYN_INFIX && i == 1) {
            if (n->op == OP_POW)
                sb_puts(out, info->spelling); /* (x + y)**2, as the book */
            else
                sb_printf(out, " %s ", info->spelling);
        }
        if (info->syntax == SYN_PREFIX) sb_puts(out, info->spelling);
        if (info->syntax == SYN_CALL && i == 0) sb_printf(out, "%s(", info->spelling);
        NodeId child = n->in[i];
        if (w->label && f->top) {
            w->label(g, child, w->ctx, out);
            continue;
        }
        if (sp == cap) {
            fits = false;
            break;
        }
        stack[sp++] = (Frame){child, 0, needs_parens(g, n, i, child), false};
    }
    free(stack);
    fits = fits && out->len - start <= w->limit;
    if (!fits) sb_truncate(out, start);
    return fits;
}

void graph_expr_text(const Graph *g, NodeId id, StrBuf *out) {
    write_expr(&(Writer){g, SIZE_MAX, NULL, NULL, out}, id);
}

bool graph_expr_text_within(const Graph *g, NodeId id, size_t limit, StrBuf *out) {
    return write_expr(&(Writer){g, limit, NULL, NULL, out}, id);
}

void graph_step_text(const Graph *g, NodeId id, GraphLabelFn label, void *ctx, StrBuf *out) {
    write_expr(&(Writer){g, SIZE_MAX, label, ctx, out}, id);
}
