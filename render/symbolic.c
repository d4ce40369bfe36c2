/* symbolic.c - forward and backward labels written in symbols (see symbolic.h). */
#include "symbolic.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../graph/format.h"
#include "../graph/strbuf.h"
#include "build.h"

static char *take(StrBuf *sb, bool *failed) {
    if (sb->failed) *failed = true;
    char *s = sb->failed ? NULL : strdup(sb->data);
    if (!s) *failed = true;
    sb_free(sb);
    return s;
}

/* Is s one factor that needs no parentheses next to "·", "²" or "ᵀ"?
 * "x", "exp(-x)", "y²", "∂L/∂y" are; "1+exp(-x)", "-x", "a · b" are not. */
static bool is_atomic(const char *s) {
    if (!*s) return false;
    if (strncmp(s, "∂", strlen("∂")) == 0) return !strchr(s, ' ');
    int depth = 0;
    for (const char *p = s; *p; p++) {
        if (*p == '(' || *p == '[')
            depth++;
        else if (*p == ')' || *p == ']')
            depth--;
        else if (depth == 0 && (strchr(" +-/^", *p) || strncmp(p, "·", strlen("·")) == 0))
            return false;
    }
    return true;
}

/* Is s a sum or difference at top level ("a + b"), which a product must
 * wrap? A leading sign ("- a · b") is not: it folds into the product's. */
static bool is_sum(const char *s) {
    int depth = 0;
    for (const char *p = s; *p; p++) {
        if (*p == '(')
            depth++;
        else if (*p == ')')
            depth--;
        else if (depth == 0 && p > s && (strncmp(p, " + ", 3) == 0 || strncmp(p, " - ", 3) == 0))
            return true;
    }
    return false;
}

static void put_factor(StrBuf *out, const char *s) {
    if (is_atomic(s))
        sb_puts(out, s);
    else
        sb_printf(out, "(%s)", s);
}

/* The label of an input written inside a parent of precedence prec. */
static void put_operand(StrBuf *out, const Graph *g, const Sym *s, NodeId in, Precedence prec,
                        bool right) {
    const Node *n = graph_node(g, in);
    const char *text = s->forward[in];
    Precedence own = PREC_PRIMARY;
    if (!graph_name_of(g, in) && n->op != OP_CONST) own = op_info((Op)n->op)->prec;
    if (n->op == OP_CONST && text[0] == '-') own = PREC_UNARY;
    if (own < prec || (right && own == prec && prec != PREC_POWER))
        sb_printf(out, "(%s)", text);
    else
        sb_puts(out, text);
}

/* An unnamed node's expression: "1+exp(-x)", "X·W", "t²". */
static void expression(StrBuf *out, const Graph *g, const Sym *s, NodeId id) {
    const Node *n = graph_node(g, id);
    const OpInfo *info = op_info((Op)n->op);
    switch (info->syntax) {
    case SYN_SOURCE:
    case SYN_ALIAS: sb_puts(out, s->forward[n->in[0]]); break;
    case SYN_INFIX:
        if (n->op == OP_POW && graph_node(g, n->in[1])->op == OP_CONST &&
            graph_is_scalar(g, n->in[1]) &&
            (graph_scalar(g, n->in[1]) == 2 || graph_scalar(g, n->in[1]) == 3)) {
            put_factor(out, s->forward[n->in[0]]);
            sb_puts(out, graph_scalar(g, n->in[1]) == 2 ? "²" : "³");
            break;
        }
        put_operand(out, g, s, n->in[0], info->prec, false);
        sb_puts(out, n->op == OP_MUL || n->op == OP_MATMUL ? "·"
                     : n->op == OP_POW                     ? "^"
                                                           : info->spelling);
        put_operand(out, g, s, n->in[1], info->prec, true);
        break;
    case SYN_PREFIX:
        sb_puts(out, info->spelling);
        put_operand(out, g, s, n->in[0], PREC_UNARY, false);
        break;
    case SYN_CALL:
        if (n->op == OP_TRANSPOSE) {
            put_factor(out, s->forward[n->in[0]]);
            sb_puts(out, "ᵀ");
            break;
        }
        sb_printf(out, "%s(", info->spelling);
        for (int i = 0; i < info->arity; i++)
            sb_printf(out, "%s%s", i ? ", " : "", s->forward[n->in[i]]);
        sb_puts(out, ")");
        break;
    case SYN_INDEX:
        put_factor(out, s->forward[n->in[0]]);
        sb_printf(out, "[%d]", (int)node_arg(n));
        break;
    }
}

static char *forward_label(const Graph *g, const Sym *s, NodeId id, int digits, bool *failed) {
    StrBuf out;
    sb_init(&out);
    const char *name = graph_name_of(g, id);
    char num[FMT_NUMBER_SIZE];
    if (name)
        sb_puts(&out, name);
    else if (graph_node(g, id)->op == OP_CONST)
        sb_puts(&out, graph_is_scalar(g, id)
                          ? fmt_number(num, sizeof num, graph_scalar(g, id), digits)
                          : "c");
    else
        expression(&out, g, s, id);
    return take(&out, failed);
}

/* Does the guard "[$0>0]" (text after '[' up to ']') hold for node id? */
static bool guard_holds(const Graph *g, NodeId id, const char *guard, size_t len) {
    const Node *n = graph_node(g, id);
    if (len == 5 && strncmp(guard, "batch", 5) == 0) return graph_shape(g, n->in[0])->rank > 1;
    if (len < 4 || guard[0] != '$' || guard[1] < '0' || guard[1] > '2') return false;
    NodeId in = n->in[guard[1] - '0'];
    if (!graph_is_scalar(g, in)) return false;
    double v = graph_scalar(g, in), k = strtod(guard + len - 1, NULL);
    const char *cmp = guard + 2;
    if (strncmp(cmp, "<=", 2) == 0) return v <= k;
    if (strncmp(cmp, "==", 2) == 0) return v == k;
    if (cmp[0] == '>') return v > k;
    return false;
}

/* The template's branch the live values take, as [start, end). */
static bool pick_branch(const Graph *g, NodeId id, const char *t, const char **start,
                        const char **end) {
    while (*t) {
        const char *bar = strstr(t, " | ");
        const char *stop = bar ? bar : t + strlen(t);
        const char *body = t;
        bool ok = true;
        if (*t == '[') {
            const char *close = strchr(t, ']');
            ok = close && guard_holds(g, id, t + 1, (size_t)(close - t - 1));
            body = close ? close + 1 : stop;
            while (*body == ' ')
                body++;
        }
        if (ok) {
            *start = body, *end = stop;
            return true;
        }
        t = bar ? bar + 3 : stop;
    }
    return false;
}

/* Squares a factor repeated next to itself: "a · y · y" → "a · y²". */
static void square_repeats(StrBuf *out) {
    const char *sep = " · ";
    size_t seplen = strlen(sep);
    for (char *p = strstr(out->data, sep); p; p = strstr(p + seplen, sep)) {
        char *a = p + seplen, *next = strstr(a, sep);
        if (!next) break;
        size_t alen = (size_t)(next - a);
        char *b = next + seplen, *after = strstr(b, sep);
        size_t blen = after ? (size_t)(after - b) : strlen(b);
        if (alen != blen || strncmp(a, b, alen) != 0 || !is_atomic(a) || strchr(a, '(')) continue;
        memcpy(next, "²", strlen("²"));
        memmove(next + strlen("²"), b + blen, strlen(b + blen) + 1);
        out->len = strlen(out->data);
    }
}

/* Writes template t for input i of node id with upstream up. */
static char *backward_label(const Graph *g, const Sym *s, NodeId id, int i, const char *up,
                            bool is_seed, bool *failed) {
    const char *t = op_info((Op)graph_node(g, id)->op)->derivative[i];
    const char *start, *end;
    if (!t || !pick_branch(g, id, t, &start, &end)) return NULL;
    const Node *n = graph_node(g, id);
    bool negate = false;
    if (strncmp(start, "- ", 2) == 0) negate = !negate, start += 2;
    bool wrap_up = is_sum(up) && (negate || end - start != 2 || strncmp(start, "$g", 2) != 0);
    if (!wrap_up && strncmp(up, "- ", 2) == 0) negate = !negate, up += 2;
    bool one = strcmp(up, "1") == 0;
    StrBuf out;
    sb_init(&out);
    for (const char *p = start; p < end;) {
        if (*p != '$' || p + 1 >= end) {
            sb_append(&out, p++, 1);
            continue;
        }
        char c = p[1];
        p += 2;
        bool tight = strncmp(p, "²", strlen("²")) == 0 || strncmp(p, "ᵀ", strlen("ᵀ")) == 0 ||
                     *p == '(' || *p == '^';
        if (c == 'g') {
            if (one && strncmp(p, " · ", strlen(" · ")) == 0 && p + strlen(" · ") < end)
                p += strlen(" · "); /* 1 · a is a */
            else if (one && p == end && out.len == 0)
                sb_puts(&out, "1");
            else if (wrap_up || (tight && !is_atomic(up)))
                sb_printf(&out, "(%s)", up);
            else
                sb_puts(&out, up);
            continue;
        }
        const char *text = c == 'y' ? s->forward[id] : s->forward[n->in[c - '0']];
        size_t len = out.len;
        if (strcmp(text, "-1") == 0 && len >= strlen(" · ") &&
            strcmp(out.data + len - strlen(" · "), " · ") == 0 && p == end) {
            sb_truncate(&out, len - strlen(" · "));
            negate = !negate;
        } else if (is_atomic(text) || (!tight && out.len == 0 && p == end) ||
                   (len > 0 && out.data[len - 1] == '(' && *p == ')'))
            sb_puts(&out, text);
        else
            sb_printf(&out, "(%s)", text);
    }
    size_t len = out.len, unit = strlen(" · 1");
    if (!is_seed && len > unit && strcmp(out.data + len - unit, " · 1") == 0)
        sb_truncate(&out, len - unit);
    if (!out.failed) square_repeats(&out);
    if (!negate && out.len > 2 && out.data[0] == '(' && out.data[out.len - 1] == ')' &&
        is_atomic(out.data)) {
        memmove(out.data, out.data + 1, out.len - 2); /* "(y - t)" alone is y - t */
        sb_truncate(&out, out.len - 2);
    }
    if (negate && strcmp(out.data, "0") != 0) {
        StrBuf signed_;
        sb_init(&signed_);
        sb_printf(&signed_, "- %s", out.data);
        sb_free(&out);
        out = signed_;
    }
    return take(&out, failed);
}

/* An element-wise op's input that was broadcast gets its gradient summed
 * over the broadcast axes (figure 5-27: ∂L/∂B = Σ₀ ∂L/∂Y): "Σ₀ ", "Σ₀,₁ ",
 * or "" when nothing was broadcast. */
static void broadcast_sum(const Graph *g, NodeId id, int i, char *out, size_t size) {
    static const char *const sub[] = {"₀", "₁", "₂", "₃", "₄", "₅", "₆", "₇"};
    const Shape *y = graph_shape(g, id), *x = graph_shape(g, graph_node(g, id)->in[i]);
    size_t used = 0;
    out[0] = '\0';
    if (op_info((Op)graph_node(g, id)->op)->tforward || y->rank == 0) return;
    for (int a = 0; a < y->rank && a < 8; a++) {
        int xa = a - (y->rank - x->rank);
        if (xa >= 0 && x->dims[xa] == y->dims[a]) continue;
        used += (size_t)snprintf(out + used, size - used, "%s%s", used ? "," : "Σ", sub[a]);
        if (used >= size) break;
    }
    if (used && used < size) snprintf(out + used, size - used, " ");
}

static char *chain_label(const Graph *g, const Sym *s, NodeId id, int i, const char *up,
                         bool *failed) {
    if (!op_info((Op)graph_node(g, id)->op)->derivative[i]) return NULL;
    StrBuf out;
    sb_init(&out);
    sb_printf(&out, "%s · ∂", up);
    put_factor(&out, s->forward[id]);
    sb_puts(&out, "/∂");
    put_factor(&out, s->forward[graph_node(g, id)->in[i]]);
    return take(&out, failed);
}

/* "Σ₀ " in front of flow (freed), which loses any "· 1" and is wrapped
 * when it is more than one factor. */
static char *summed(char *flow, const char *sum, bool *failed) {
    size_t len = strlen(flow), unit = strlen(" · 1");
    if (len > unit && strcmp(flow + len - unit, " · 1") == 0) flow[len - unit] = '\0';
    StrBuf out;
    sb_init(&out);
    sb_puts(&out, sum);
    put_factor(&out, flow);
    free(flow);
    return take(&out, failed);
}

/* Adds one link's gradient to what reaches its input: fan-out sums. */
static void add_upstream(Sym *s, NodeId in, const char *flow, bool *failed) {
    if (!flow) return;
    char *old = s->upstream[in];
    StrBuf out;
    sb_init(&out);
    if (old) sb_printf(&out, "%s + ", old);
    sb_puts(&out, flow);
    free(old);
    s->upstream[in] = take(&out, failed);
}

/* The seed's symbol: ∂L/∂z, or ∂z/∂z in chain mode; 1 when z is L itself. */
static char *seed_label(const Sym *s, NodeId target, bool chain, bool *failed) {
    const char *z = s->forward[target];
    StrBuf out;
    sb_init(&out);
    if (!chain && strcmp(z, "L") == 0)
        sb_puts(&out, "1");
    else {
        sb_printf(&out, "∂%s/∂", chain ? z : "L");
        put_factor(&out, z);
    }
    return take(&out, failed);
}

/* What node id's expanded graph sends into its input (figure 5-21), or NULL
 * when id is not a layer that --expand draws step by step. */
static char *derived_label(const Graph *g, const Sym *s, NodeId id, bool *failed) {
    char fwd[SYM_STEPS][128], grad[SYM_STEPS][128];
    if (sym_layer_steps(s, g, id, fwd, grad) == 0) return NULL;
    char *label = strdup(grad[0]);
    if (!label) *failed = true;
    return label;
}

bool sym_build(Sym *s, const Graph *g, const NodeId *order, int32_t len, NodeId target,
               SymStyle style, int digits) {
    bool chain = style == SYM_CHAIN;
    int32_t count = graph_count(g);
    s->count = count;
    s->forward = calloc((size_t)count + 1, sizeof *s->forward);
    s->upstream = calloc((size_t)count + 1, sizeof *s->upstream);
    s->backward = calloc((size_t)count * BP_MAX_INPUTS + 1, sizeof *s->backward);
    bool failed = !s->forward || !s->upstream || !s->backward;
    for (int32_t p = 0; !failed && p < len; p++)
        s->forward[order[p]] = forward_label(g, s, order[p], digits, &failed);
    bool reached = false;
    for (int32_t p = 0; p < len; p++)
        reached = reached || order[p] == target;
    if (!failed && target != NODE_NONE && reached)
        s->upstream[target] = seed_label(s, target, chain, &failed);
    for (int32_t p = len - 1; !failed && p >= 0; p--) {
        NodeId id = order[p];
        const char *up = s->upstream[id];
        if (!up) continue;
        if (!chain && id != target && strlen(up) > SYM_LONG) {
            char *named = seed_label(s, id, false, &failed);
            free(s->upstream[id]);
            s->upstream[id] = named;
            if (!named) break;
            up = named;
        }
        const Node *n = graph_node(g, id);
        for (int i = 0; i < op_info((Op)n->op)->arity; i++) {
            char *flow = style == SYM_DERIVED ? derived_label(g, s, id, &failed) : NULL;
            if (!flow && !failed)
                flow = chain ? chain_label(g, s, id, i, up, &failed)
                             : backward_label(g, s, id, i, up, id == target, &failed);
            char sum[64];
            broadcast_sum(g, id, i, sum, sizeof sum);
            if (flow && sum[0] && !failed) flow = summed(flow, sum, &failed);
            s->backward[(size_t)id * BP_MAX_INPUTS + (size_t)i] = flow;
            /* "· 1" is said on the seed's own links only: passed on without it. */
            size_t unit = strlen(" · 1"), flen = flow ? strlen(flow) : 0;
            bool drop = !chain && flen > unit && strcmp(flow + flen - unit, " · 1") == 0;
            if (drop) flow[flen - unit] = '\0';
            add_upstream(s, n->in[i], flow, &failed);
            if (drop) flow[flen - unit] = ' ';
        }
    }
    if (failed) sym_free(s);
    return !failed;
}

void sym_free(Sym *s) {
    for (int32_t i = 0; s->forward && i < s->count; i++)
        free(s->forward[i]);
    for (int32_t i = 0; s->upstream && i < s->count; i++)
        free(s->upstream[i]);
    for (size_t i = 0; s->backward && i < (size_t)s->count * BP_MAX_INPUTS; i++)
        free(s->backward[i]);
    free(s->forward);
    free(s->upstream);
    free(s->backward);
    memset(s, 0, sizeof *s);
}

const char *sym_forward(const Sym *s, NodeId id) {
    return id >= 0 && id < s->count ? s->forward[id] : NULL;
}
const char *sym_backward(const Sym *s, NodeId id, int input) {
    return id >= 0 && id < s->count ? s->backward[(size_t)id * BP_MAX_INPUTS + (size_t)input]
                                    : NULL;
}
const char *sym_upstream(const Sym *s, NodeId id) {
    return id >= 0 && id < s->count ? s->upstream[id] : NULL;
}

static bool is_name_start(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool is_name_char(char c) {
    return is_name_start(c) || (c >= '0' && c <= '9');
}

/* Does the name at p (len bytes) in label stay as it is in an element's
 * label: the loss of "∂L/∂", a function called, or a scalar of g? */
static bool stays_whole(const Graph *g, const char *label, const char *p, size_t len) {
    const char *partial = "∂";
    size_t plen = strlen(partial);
    if ((size_t)(p - label) >= plen && strncmp(p - plen, partial, plen) == 0 && p[len] == '/')
        return true;
    if (p[len] == '(') return true;
    NodeId id = graph_lookup(g, p, (int)len);
    return id != NODE_NONE && graph_is_scalar(g, id);
}

void sym_element(const Graph *g, const char *label, int i, char *out, size_t size) {
    StrBuf sb;
    sb_init(&sb);
    for (const char *p = label; *p;) {
        if (*p >= '0' && *p <= '9') { /* a number: "2", "1e-3", copied whole */
            const char *start = p;
            while (is_name_char(*p) || *p == '.')
                p++;
            sb_append(&sb, start, (size_t)(p - start));
            continue;
        }
        if (!is_name_start(*p)) {
            sb_append(&sb, p++, 1);
            continue;
        }
        const char *start = p;
        while (is_name_char(*p))
            p++;
        size_t len = (size_t)(p - start);
        sb_append(&sb, start, len);
        if (!stays_whole(g, label, start, len))
            sb_printf(&sb, "%s%d", p[-1] >= '0' && p[-1] <= '9' ? "_" : "", i + 1);
    }
    char text[VIEW_TEXT];
    build_set_text(text, sb.failed ? "" : sb.data);
    snprintf(out, size, "%s", text);
    sb_free(&sb);
}

static void copy_out(char *dst, StrBuf *sb) {
    snprintf(dst, 128, "%s", sb->failed ? "" : sb->data);
    sb_clear(sb);
}

/* The sigmoid's six links (sym_layer_steps) for input label x, output
 * label y and upstream up (NULL: no gradient). */
static void sigmoid_steps(const char *x, const char *y, const char *up, char (*fwd)[128],
                          char (*grad)[128]) {
    StrBuf t, e;
    sb_init(&t);
    sb_init(&e);
    sb_puts(&e, "exp(-");
    put_factor(&e, x);
    sb_puts(&e, ")");
    sb_puts(&t, x), copy_out(fwd[0], &t);
    sb_puts(&t, "-1"), copy_out(fwd[1], &t);
    sb_puts(&t, "-"), put_factor(&t, x), copy_out(fwd[2], &t);
    sb_puts(&t, e.data), copy_out(fwd[3], &t);
    sb_puts(&t, "1"), copy_out(fwd[4], &t);
    sb_printf(&t, "1+%s", e.data), copy_out(fwd[5], &t);
    for (int i = 0; i < 6; i++)
        grad[i][0] = '\0';
    if (up) {
        bool negative = true; /* d(1/c)/dc = -1/c² = -y² */
        if (strncmp(up, "- ", 2) == 0 && !is_sum(up)) negative = false, up += 2;
        StrBuf base;
        sb_init(&base);
        if (is_sum(up))
            sb_printf(&base, "(%s)", up);
        else
            sb_puts(&base, up);
        sb_puts(&base, " · ");
        put_factor(&base, y);
        sb_puts(&base, "²");
        const char *minus = negative ? "- " : "", *plus = negative ? "" : "- ";
        sb_printf(&t, "%s%s", minus, base.data), copy_out(grad[5], &t);
        sb_printf(&t, "%s%s", minus, base.data), copy_out(grad[4], &t);
        sb_printf(&t, "%s%s", minus, base.data), copy_out(grad[3], &t);
        sb_printf(&t, "%s%s · %s", minus, base.data, e.data), copy_out(grad[2], &t);
        sb_printf(&t, "%s%s · %s · ", minus, base.data, e.data);
        put_factor(&t, x), copy_out(grad[1], &t);
        sb_printf(&t, "%s%s · %s", plus, base.data, e.data), copy_out(grad[0], &t);
        sb_free(&base);
    }
    sb_free(&t);
    sb_free(&e);
}

/* tanh's twelve links (sym_layer_steps): ∂L/∂y into the − node's input,
 * ∂L/∂y · 2 into σ's output, and the sigmoid's steps with that upstream,
 * times 2 again on the way into x. */
static void tanh_steps(const Sym *s, const Graph *g, NodeId id, char (*fwd)[128],
                       char (*grad)[128]) {
    const char *x = s->forward[graph_node(g, id)->in[0]], *up = s->upstream[id];
    StrBuf two_x, sig, twice, t;
    sb_init(&two_x);
    sb_init(&sig);
    sb_init(&twice);
    sb_init(&t);
    sb_puts(&two_x, isdigit((unsigned char)x[0]) || x[0] == '.' ? "2·" : "2"); /* 2·0.5, 2x */
    put_factor(&two_x, x);
    sb_printf(&sig, "1/(1+exp(-%s))", two_x.data);   /* σ(2x), as the book writes 1/(1+exp(-x)) */
    sb_printf(&twice, "2/(1+exp(-%s))", two_x.data); /* 2σ(2x) */
    if (up) { /* what reaches σ(2x): the × 2 node's upstream times 2 */
        if (is_sum(up))
            sb_printf(&t, "(%s) · 2", up);
        else
            sb_printf(&t, "%s · 2", up);
    }
    sigmoid_steps(two_x.data, sig.data, up ? t.data : NULL, fwd + 2, grad + 2);
    snprintf(fwd[0], 128, "%s", x);
    snprintf(fwd[1], 128, "2");
    snprintf(fwd[8], 128, "%s", sig.data);
    snprintf(fwd[9], 128, "2");
    snprintf(fwd[10], 128, "%s", twice.data);
    snprintf(fwd[11], 128, "1");
    grad[0][0] = grad[1][0] = grad[8][0] = grad[9][0] = grad[10][0] = grad[11][0] = '\0';
    if (up) {
        snprintf(grad[0], 128, "%s · 2", grad[2]); /* × 2 on the way in */
        snprintf(grad[8], 128, "%s", t.data);
        snprintf(grad[10], 128, "%s", up);
    }
    sb_free(&two_x);
    sb_free(&sig);
    sb_free(&twice);
    sb_free(&t);
}

int sym_layer_steps(const Sym *s, const Graph *g, NodeId id, char (*fwd)[128], char (*grad)[128]) {
    switch (graph_node(g, id)->op) {
    case OP_SIGMOID:
        sigmoid_steps(s->forward[graph_node(g, id)->in[0]], s->forward[id], s->upstream[id], fwd,
                      grad);
        return 6;
    case OP_TANH: tanh_steps(s, g, id, fwd, grad); return 12;
    default: return 0;
    }
}

void sym_times(const char *upstream, const char *text, char *out) {
    if (strcmp(upstream, "1") == 0) {
        snprintf(out, 128, "%s", text);
        return;
    }
    bool negative = text[0] == '-';
    const char *rest = negative ? text + 1 + (text[1] == ' ') : text;
    StrBuf t;
    sb_init(&t);
    sb_puts(&t, negative ? "- " : "");
    if (is_sum(upstream))
        sb_printf(&t, "(%s) · ", upstream);
    else
        sb_printf(&t, "%s · ", upstream);
    if (is_sum(rest)) /* "a · t/y" reads as (a·t)/y = a · (t/y): only sums need parentheses */
        sb_printf(&t, "(%s)", rest);
    else
        sb_puts(&t, rest);
    copy_out(out, &t);
    sb_free(&t);
}

void sym_loss_steps(const Sym *s, const Graph *g, NodeId id, char (*fwd)[128], char (*grad)[128]) {
    const Node *n = graph_node(g, id);
    bool batch = graph_shape(g, n->in[0])->rank > 1;
    const char *up = s->upstream[id], *back = s->backward[(size_t)id * BP_MAX_INPUTS];
    snprintf(fwd[0], 128, "%s", s->forward[n->in[0]]);
    snprintf(fwd[1], 128, "y");
    snprintf(fwd[2], 128, "%s", s->forward[n->in[1]]);
    snprintf(grad[0], 128, "%s", up && back ? back : "");
    grad[1][0] = grad[2][0] = '\0';
    if (up) sym_times(up, batch ? "-t/(N·y)" : "-t/y", grad[1]);
}
