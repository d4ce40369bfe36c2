/* quiz.c - :quiz (see quiz.h): questions built from the graph as :trace
 * walks it, answers checked as they are typed, and fresh exercises of the
 * book's kinds made from a seed. */
#define _GNU_SOURCE /* open_memstream */
#include "quiz.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../graph/format.h"
#include "../render/symbolic.h"
#include "output.h"
#include "quiz_symbolic.h"

enum {
    ANSWER_DIGITS = 4, /* a fresh exercise's numbers have at most this many significant digits */
    EXERCISE_TRIES = 1000,
};

/* Accepted: within this fraction of the answer (3 significant digits), so
 * a rounded 0.368 is right for 0.36787944. */
static const double TOLERANCE = 1e-3;

typedef struct {
    char *step;   /* the step's header, shown before its first question; NULL: the same step */
    char *ask;    /* "∂price/∂tax" or "apple_price = apple * apple_num" */
    char *hint;   /* after a first wrong answer: what to compute it from, not the answer */
    char *worked; /* after a second: the step worked out */
    double answer;
    char *symbol; /* --symbolic: the label the answer must equal ("∂L/∂z · y"); NULL: a number */
} Question;

struct Quiz {
    Question *q;
    int count, cap;
    int at;                             /* the question being asked */
    int misses;                         /* wrong answers to it so far */
    int right, hinted, worked, skipped; /* hinted: right after a hint */
    StrBuf upstreams; /* --symbolic: `dL_dNAME = ...` for each named intermediate */
};

void quiz_free(Quiz *z) {
    if (!z) return;
    for (int i = 0; i < z->count; i++) {
        free(z->q[i].step);
        free(z->q[i].ask);
        free(z->q[i].hint);
        free(z->q[i].worked);
        free(z->q[i].symbol);
    }
    free(z->q);
    sb_free(&z->upstreams);
    free(z);
}

/* Appends a question; the texts are copied. False if memory ran out. */
static bool add_question(Quiz *z, const char *step, const char *ask, const char *hint,
                         const char *worked, double answer) {
    if (z->count == z->cap) {
        int cap = z->cap ? 2 * z->cap : 16;
        Question *q = realloc(z->q, (size_t)cap * sizeof *q);
        if (!q) return false;
        z->q = q;
        z->cap = cap;
    }
    Question *q = &z->q[z->count];
    *q = (Question){
        step ? strdup(step) : NULL, strdup(ask), strdup(hint), strdup(worked), answer, NULL};
    z->count++;
    return q->ask && q->hint && q->worked && (!step || q->step);
}

/* The last question added asks for `symbol` instead of a number. */
static bool ask_symbol(Quiz *z, const char *symbol) {
    z->q[z->count - 1].symbol = strdup(symbol);
    return z->q[z->count - 1].symbol != NULL;
}

/* --- building the questions ------------------------------------------------------------ */

typedef struct {
    Session *s;
    Graph *g;
    Quiz *z;
    const char *of; /* what gradients are of: the target's name or "L" */
    StrBuf step, ask, hint, worked, label, from;
    const Sym *sym; /* --symbolic: the figure's labels (NULL: numbers) */
} Builder;

static const char *num(const Builder *b, double v, char buf[FMT_NUMBER_SIZE]) {
    return session_num(b->s, v, buf);
}

/* `step 1: price = apple_price * tax   (mul node)`; an unnamed node by
 * its label alone, a definition too long to spell out as `…`. */
static void step_header(Builder *b, NodeId id, int step) {
    sb_clear(&b->step);
    cmd_label(b->g, id, &b->label);
    sb_printf(&b->step, "step %d: %s", step, b->label.data);
    if (graph_name_of(b->g, id)) {
        sb_puts(&b->step, " = ");
        if (!graph_expr_text_within(b->g, id, LABEL_MAX * 2, &b->step)) sb_puts(&b->step, "…");
    }
    sb_printf(&b->step, "   (%s node)", op_info((Op)graph_node(b->g, id)->op)->name);
}

static bool scalar_node(const Graph *g, NodeId id) {
    const Node *n = graph_node(g, id);
    for (int k = 0; k < op_info((Op)n->op)->arity; k++)
        if (!graph_is_scalar(g, n->in[k])) return false;
    return graph_is_scalar(g, id);
}

/* The question for an input's whole gradient, once all the flows along
 * its `uses` links have arrived. */
static bool add_total(Builder *b, NodeId in, int uses) {
    char n1[FMT_NUMBER_SIZE];
    cmd_label(b->g, in, &b->label);
    sb_clear(&b->ask);
    sb_clear(&b->hint);
    sb_clear(&b->worked);
    sb_printf(&b->ask, "∂%s/∂%s in all", b->of, b->label.data);
    sb_printf(&b->hint, "%s is used %d times: the gradients along its links add up", b->label.data,
              uses);
    sb_printf(&b->worked, "the %d flows to %s add up to %s", uses, b->label.data,
              num(b, graph_grad(b->g, in), n1));
    return add_question(b->z, NULL, b->ask.data, b->hint.data, b->worked.data,
                        graph_grad(b->g, in));
}

/* The questions for one backward step of node id (all numbers): one per
 * input that is not a number, for what flows back along its link. received
 * counts the flows each node has had so far, uses how many it will get. */
static bool backward_step(Builder *b, NodeId id, int step, const int *uses, int *received) {
    Graph *g = b->g;
    const Node *n = graph_node(g, id);
    const OpInfo *info = op_info((Op)n->op);
    double x[BP_MAX_INPUTS], local[BP_MAX_INPUTS] = {0}, flows[BP_MAX_INPUTS] = {0};
    double *flow_to[BP_MAX_INPUTS] = {&flows[0], &flows[1], &flows[2]};
    for (int k = 0; k < info->arity; k++)
        x[k] = graph_scalar(g, n->in[k]);
    /* Local derivatives: the backward kernel fed an upstream of 1, as :trace. */
    info->backward(x, graph_scalar(g, id), 1.0, local);
    double upstream = graph_grad(g, id);
    graph_backward_node(g, id, flow_to);
    step_header(b, id, step);
    cmd_label(g, id, &b->from);
    const char *header = b->step.data;
    char n1[FMT_NUMBER_SIZE], n2[FMT_NUMBER_SIZE], n3[FMT_NUMBER_SIZE];
    for (int k = 0; k < info->arity; k++) {
        NodeId in = n->in[k];
        if (graph_node(g, in)->op == OP_CONST) continue; /* numbers need no gradient */
        cmd_label(g, in, &b->label);
        sb_clear(&b->ask);
        sb_clear(&b->hint);
        sb_clear(&b->worked);
        sb_printf(&b->ask, "∂%s/∂%s", b->of, b->label.data);
        if (uses[in] > 1)
            sb_printf(&b->ask, " along link %d of %d (from %s)", received[in] + 1, uses[in],
                      b->from.data);
        sb_printf(&b->hint, "upstream ∂%s/∂%s = %s, local ∂%s/∂%s = %s", b->of, b->from.data,
                  num(b, upstream, n1), b->from.data, b->label.data, num(b, local[k], n2));
        sb_printf(&b->worked, "%s × %s = %s flows back to %s", num(b, upstream, n1),
                  num(b, local[k], n2), num(b, flows[k], n3), b->label.data);
        if (!add_question(b->z, header, b->ask.data, b->hint.data, b->worked.data, flows[k]))
            return false;
        header = NULL;
        if (++received[in] == uses[in] && uses[in] > 1 && !add_total(b, in, uses[in])) return false;
    }
    return true;
}

/* --symbolic: a question per link of node id's step, for its label in the
 * book's symbols (what :render --symbolic writes on the red arrow). */
static bool symbolic_step(Builder *b, NodeId id, int step) {
    const Node *n = graph_node(b->g, id);
    const OpInfo *info = op_info((Op)n->op);
    step_header(b, id, step);
    const char *header = b->step.data;
    const char *upstream = sym_upstream(b->sym, id);
    for (int k = 0; k < info->arity; k++) {
        NodeId in = n->in[k];
        const char *want = sym_backward(b->sym, id, k);
        const char *label = sym_forward(b->sym, in);
        if (graph_node(b->g, in)->op == OP_CONST || !want || !label) continue;
        sb_clear(&b->ask);
        sb_clear(&b->hint);
        sb_clear(&b->worked);
        sb_printf(&b->ask, "∂L/∂%s", label);
        sb_printf(&b->hint, "upstream %s, times the %s node's local derivative with respect to %s",
                  upstream ? upstream : "∂L/∂L", info->name, label);
        sb_printf(&b->worked, "%s flows back to %s", want, label);
        if (!add_question(b->z, header, b->ask.data, b->hint.data, b->worked.data, NAN) ||
            !ask_symbol(b->z, want))
            return false;
        header = NULL;
    }
    return true;
}

/* The backward pass from target, as :trace walks it: the steps from the
 * output back, a question per link. False with why set for a graph with
 * tensors (no one local derivative to ask about) or when memory ran out. */
static bool build_backward(Builder *b, NodeId target, const double *seed, char *why, size_t size) {
    Graph *g = b->g;
    const NodeId *order;
    int32_t len;
    int *uses = calloc(2 * ((size_t)g->count + 1), sizeof *uses);
    if (!uses || !graph_backward_begin(g, target, seed, &order, &len)) {
        free(uses);
        snprintf(why, size, "out of memory");
        return false;
    }
    int *received = uses + g->count + 1;
    for (int32_t p = 0; p < len; p++) {
        const Node *n = graph_node(g, order[p]);
        for (int k = 0; k < op_info((Op)n->op)->arity; k++)
            uses[n->in[k]]++;
    }
    bool ok = true;
    snprintf(why, size, "out of memory");
    for (int32_t p = len - 1, step = 0; p >= 0 && ok; p--) {
        NodeId id = order[p];
        const OpInfo *info = op_info((Op)graph_node(g, id)->op);
        if (info->arity == 0) continue; /* leaves and constants pass nothing on */
        if (!info->backward || !scalar_node(g, id)) {
            snprintf(why, size,
                     "the quiz asks for numbers, and %s's graph has tensors (:trace tells "
                     "their backward pass)",
                     graph_name_of(g, target));
            ok = false;
        } else {
            ok = b->sym ? symbolic_step(b, id, ++step)
                        : backward_step(b, id, ++step, uses, received);
        }
    }
    free(uses);
    return ok;
}

/* The forward pass to target: each operation's value, inputs first. */
static bool build_forward(Builder *b, NodeId target, char *why, size_t size) {
    Graph *g = b->g;
    int32_t len;
    const NodeId *order = graph_ancestors(g, target, &len);
    if (!order) {
        snprintf(why, size, "out of memory");
        return false;
    }
    char n1[FMT_NUMBER_SIZE], n2[FMT_NUMBER_SIZE], n3[FMT_NUMBER_SIZE];
    for (int32_t p = 0, step = 0; p < len; p++) {
        NodeId id = order[p];
        const Node *n = graph_node(g, id);
        const OpInfo *info = op_info((Op)n->op);
        if (info->arity == 0) continue;
        if (!scalar_node(g, id)) {
            snprintf(why, size, "the quiz asks for numbers, and %s's graph has tensors",
                     graph_name_of(g, target));
            return false;
        }
        step_header(b, id, ++step);
        sb_clear(&b->ask);
        sb_clear(&b->hint);
        sb_clear(&b->worked);
        cmd_label(g, id, &b->label);
        sb_puts(&b->ask, b->label.data);
        double x[BP_MAX_INPUTS];
        for (int k = 0; k < info->arity; k++) {
            x[k] = graph_scalar(g, n->in[k]);
            cmd_label(g, n->in[k], &b->from);
            if (graph_node(g, n->in[k])->op == OP_CONST) continue;
            sb_printf(&b->hint, "%s%s = %s", b->hint.len ? ", " : "the inputs: ", b->from.data,
                      num(b, x[k], n1));
        }
        if (!b->hint.len) sb_puts(&b->hint, "its inputs are numbers");
        double y = graph_scalar(g, id);
        if (info->arity == 2)
            sb_printf(&b->worked, "%s %s %s = %s", num(b, x[0], n1), info->symbol, num(b, x[1], n2),
                      num(b, y, n3));
        else
            sb_printf(&b->worked, "%s(%s) = %s", info->name, num(b, x[0], n1), num(b, y, n2));
        if (!add_question(b->z, b->step.data, b->ask.data, b->hint.data, b->worked.data, y)) {
            snprintf(why, size, "out of memory");
            return false;
        }
    }
    return true;
}

/* The figure's symbolic labels for what feeds target (as :trace --symbolic
 * builds them). False if memory ran out. */
static bool sym_labels(Session *s, NodeId target, Sym *sym) {
    int32_t count;
    const NodeId *up = graph_ancestors(&s->graph, target, &count);
    NodeId *copy = up ? malloc((size_t)count * sizeof *copy + 1) : NULL;
    if (copy) memcpy(copy, up, (size_t)count * sizeof *copy);
    bool ok = copy && sym_build(sym, &s->graph, copy, count, target, SYM_RULES, s->digits);
    free(copy);
    return ok;
}

/* What each named intermediate's upstream symbol stands for, as the
 * figure writes it: `dL_dapple_price = dL_dprice * tax` (quiz_sym_same's
 * defs), so an answer may use ∂L/∂apple_price as the student's own step. */
static void name_upstreams(Session *s, NodeId target, const Sym *sym, StrBuf *out) {
    StrBuf rewritten;
    sb_init(&rewritten);
    int32_t cursor = 0;
    SessionName n;
    while (session_next_name(s, &cursor, &n)) {
        const char *up = n.id != target ? sym_upstream(sym, n.id) : NULL;
        if (up && quiz_sym_rewrite(up, &rewritten))
            sb_printf(out, "dL_d%s = %s\n", n.name, rewritten.data);
    }
    sb_free(&rewritten);
}

/* A quiz on target's backward (or forward) pass, its answers numbers or
 * (symbolic) the figure's labels; NULL with why set. */
static Quiz *quiz_new(Session *s, NodeId target, bool forward, bool symbolic, char *why,
                      size_t size) {
    const double *seed;
    if (!session_seed(s, target, &seed, why, size)) return NULL;
    Quiz *z = calloc(1, sizeof *z);
    Sym sym = {0};
    bool labelled = !symbolic || (z && sym_labels(s, target, &sym));
    if (!z || !labelled) {
        free(z);
        snprintf(why, size, "out of memory");
        return NULL;
    }
    sb_init(&z->upstreams);
    if (symbolic) name_upstreams(s, target, &sym, &z->upstreams);
    Builder b = {.s = s,
                 .g = &s->graph,
                 .z = z,
                 .of = session_grad_of(s, target),
                 .sym = symbolic ? &sym : NULL};
    sb_init(&b.step);
    sb_init(&b.ask);
    sb_init(&b.hint);
    sb_init(&b.worked);
    sb_init(&b.label);
    sb_init(&b.from);
    bool ok = forward ? build_forward(&b, target, why, size)
                      : build_backward(&b, target, seed, why, size);
    if (ok && z->count == 0) {
        snprintf(why, size, "%s has no operations to ask about", graph_name_of(&s->graph, target));
        ok = false;
    }
    sb_free(&b.step);
    sb_free(&b.ask);
    sb_free(&b.hint);
    sb_free(&b.worked);
    sb_free(&b.label);
    sb_free(&b.from);
    sym_free(&sym);
    if (ok) return z;
    quiz_free(z);
    return NULL;
}

/* --- asking and checking ----------------------------------------------------------------- */

/* Prints the current question (and its step's header, the first time). */
static void ask(Session *s, bool again) {
    Quiz *z = s->quiz;
    const Question *q = &z->q[z->at];
    Event e;
    event_init(&e, "question");
    event_int(&e, "number", z->at + 1);
    event_str(&e, "step", q->step);
    event_str(&e, "ask", q->ask);
    event_str(&e, "answers", q->symbol ? "symbolic" : "numbers");
    if (q->step && !again) event_printf(&e, "%s\n", q->step);
    event_printf(&e, "  %s = ?\n", q->ask);
    session_emit(s, &e);
}

static void score(Session *s, const char *why) {
    Quiz *z = s->quiz;
    Event e;
    event_init(&e, "score");
    event_int(&e, "right", z->right);
    event_int(&e, "hinted", z->hinted);
    event_int(&e, "worked", z->worked);
    event_int(&e, "skipped", z->skipped);
    event_int(&e, "questions", z->count);
    event_str(&e, "stopped", why);
    if (why) event_printf(&e, "quiz stopped after %d of %d questions (%s)\n", z->at, z->count, why);
    event_printf(&e, "score: %d of %d right", z->right, z->count);
    if (z->hinted) event_printf(&e, " (%d after a hint)", z->hinted);
    if (z->worked) event_printf(&e, ", %d worked out", z->worked);
    if (z->skipped) event_printf(&e, ", %d skipped", z->skipped);
    event_printf(&e, "\n");
    session_emit(s, &e);
    quiz_free(z);
    s->quiz = NULL;
}

void session_quiz_end(Session *s, const char *why) {
    if (s->quiz) score(s, why);
}

/* On to the next question, or the score after the last. */
static void advance(Session *s) {
    Quiz *z = s->quiz;
    z->at++;
    z->misses = 0;
    if (z->at == z->count)
        score(s, NULL);
    else
        ask(s, false);
}

/* A row or line about the current question: kind is "right", "hint",
 * "worked" or "skipped"; text goes after it. */
static void verdict(Session *s, const char *kind, const char *text, double given,
                    const char *given_symbols) {
    Quiz *z = s->quiz;
    const Question *q = &z->q[z->at];
    Event e;
    event_init(&e, kind);
    event_int(&e, "number", z->at + 1);
    bool answered =
        strcmp(kind, "right") == 0 || strcmp(kind, "hint") == 0 || strcmp(kind, "worked") == 0;
    if (answered && q->symbol)
        event_str(&e, "given", given_symbols);
    else if (answered)
        event_num(&e, "given", given);
    if (text) event_str(&e, "text", text);
    bool told = strcmp(kind, "worked") == 0 || strcmp(kind, "skipped") == 0;
    if (told && q->symbol)
        event_str(&e, "answer", q->symbol);
    else if (told)
        event_num(&e, "answer", q->answer);
    char n1[FMT_NUMBER_SIZE];
    if (strcmp(kind, "right") == 0)
        event_printf(&e, "  right\n");
    else if (strcmp(kind, "hint") == 0)
        event_printf(&e, "  not yet. hint: %s\n", text);
    else if (strcmp(kind, "worked") == 0)
        event_printf(&e, "  not quite: %s\n", text);
    else
        event_printf(&e, "  skipped: %s = %s\n", q->ask,
                     q->symbol ? q->symbol : session_num(s, q->answer, n1));
    session_emit(s, &e);
}

static bool close_enough(double given, double answer) {
    if (answer == 0) return fabs(given) <= 1e-9;
    return fabs(given - answer) <= TOLERANCE * fabs(answer);
}

/* Is t the name w? */
static bool word(const Token *t, const char *w) {
    return t->type == TOK_NAME && (size_t)t->length == strlen(w) &&
           memcmp(t->start, w, (size_t)t->length) == 0;
}

/* Blank or only a comment: nothing to check. */
static bool blank(const char *text, size_t len) {
    for (size_t i = 0; i < len && text[i] != '\n'; i++) {
        if (text[i] == '#') return true;
        if (text[i] != ' ' && text[i] != '\t' && text[i] != '\r') return false;
    }
    return true;
}

/* `NAME = ...`: a definition typed while the quiz waits for an answer. */
static bool definition(const char *text, size_t len) {
    Lexer lx;
    lexer_init(&lx, text, len, 1);
    Token t = lexer_next(&lx);
    if (word(&t, "param")) t = lexer_next(&lx);
    return t.type == TOK_NAME && lexer_next(&lx).type == TOK_EQUAL;
}

/* Right, a first miss (a hint) or a second (the step worked out). */
static void judge(Session *s, bool right, double given, const char *given_symbols) {
    Quiz *z = s->quiz;
    const Question *q = &z->q[z->at];
    if (right) {
        z->right++;
        z->hinted += z->misses > 0;
        verdict(s, "right", NULL, given, given_symbols);
        advance(s);
    } else if (z->misses++ == 0) {
        verdict(s, "hint", q->hint, given, given_symbols);
        ask(s, true);
    } else {
        z->worked++;
        verdict(s, "worked", q->worked, given, given_symbols);
        advance(s);
    }
}

/* A symbolic answer: compared with the label at random points. */
static bool symbolic_answer(Session *s, const char *file, int line, const char *text, size_t len) {
    const Question *q = &s->quiz->q[s->quiz->at];
    char *given = strndup(text, len);
    char why[256];
    int same =
        given ? quiz_sym_same(q->symbol, given, s->quiz->upstreams.data, why, sizeof why) : -1;
    if (!given) snprintf(why, sizeof why, "out of memory");
    if (same < 0) {
        char message[512];
        snprintf(message, sizeof message,
                 "cannot read that as an expression in the names (%s): write it as "
                 "dL/dz * y, ∂L/∂z · y or dLdz*y",
                 why);
        session_error(s, file, text, len, (SourcePos){line, 1, 0, (int)len}, message);
    } else {
        judge(s, same == 1, NAN, given);
    }
    free(given);
    return same >= 0;
}

bool session_quiz_answer(Session *s, const char *file, int line, const char *text, size_t len) {
    if (blank(text, len)) return true;
    if (s->quiz->q[s->quiz->at].symbol) return symbolic_answer(s, file, line, text, len);
    if (definition(text, len)) {
        session_error(s, file, text, len, (SourcePos){line, 1, 0, (int)len},
                      "while a quiz runs, a line is an answer, not a definition (:quiz stop "
                      "ends the quiz)");
        return false;
    }
    Parser p;
    parser_init(&p, &s->graph, text, len, 0, line);
    p.rng = &s->rng;
    p.dir = s->io.dir;
    Statement st;
    if (!parser_expression(&p, &st)) {
        session_error(s, file, text, len, p.error.pos, p.error.message);
        return false;
    }
    bool scalar = graph_is_scalar(&s->graph, st.root);
    double given = scalar ? graph_scalar(&s->graph, st.root) : NAN;
    bool at_end = parser_at_end(&p);
    graph_rollback(&s->graph, st.mark);
    if (!at_end || !scalar || !isfinite(given)) {
        session_error(s, file, text, len, (SourcePos){line, 1, 0, (int)len},
                      "an answer is one number or an expression of numbers and names "
                      "(2 * 1.1)");
        return false;
    }
    judge(s, close_enough(given, s->quiz->q[s->quiz->at].answer), given, NULL);
    return true;
}

/* --- fresh exercises ------------------------------------------------------------------- */

/* splitmix64: a small generator whose stream a seed fixes everywhere. */
static uint64_t next_random(uint64_t *state) {
    uint64_t z = (*state += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

static double pick(uint64_t *state, const double *choices, size_t n) {
    return choices[next_random(state) % n];
}
#define PICK(state, ...)                                                                           \
    pick(state, (const double[]){__VA_ARGS__},                                                     \
         sizeof((const double[]){__VA_ARGS__}) / sizeof(double))

/* v as a script writes it: "1.1", "250". */
static const char *plain(double v, int digits, char buf[FMT_NUMBER_SIZE]) {
    return fmt_number(buf, FMT_NUMBER_SIZE, v, digits);
}

typedef enum { LEVEL_EASY, LEVEL_MEDIUM, LEVEL_HARD, LEVEL_COUNT } Level;
static const char *const level_names[LEVEL_COUNT] = {"easy", "medium", "hard"};

/* One draw of an exercise of the book's kind at `level`, as a script:
 * easy is the apple shopping of figure 5-14, medium the apple and orange
 * of 5-15, hard a neuron with a sigmoid (at 0, where y = 0.5) or a ReLU. */
static void draw_exercise(Level level, uint64_t *state, StrBuf *script) {
    char n1[FMT_NUMBER_SIZE], n2[FMT_NUMBER_SIZE], n3[FMT_NUMBER_SIZE];
    double tax = PICK(state, 1.1, 1.2, 1.05, 1.5, 1.25, 1.08);
    if (level == LEVEL_EASY) {
        sb_printf(script,
                  "apple = %s\napple_num = %s\ntax = %s\napple_price = apple * apple_num\n"
                  "price = apple_price * tax\n",
                  plain(PICK(state, 50, 80, 100, 120, 150, 200, 250), 12, n1),
                  plain(PICK(state, 2, 3, 4, 5), 12, n2), plain(tax, 12, n3));
    } else if (level == LEVEL_MEDIUM) {
        sb_printf(script, "apple = %s\napple_num = %s\n",
                  plain(PICK(state, 50, 80, 100, 120, 150, 200), 12, n1),
                  plain(PICK(state, 2, 3, 4, 5), 12, n2));
        sb_printf(script, "orange = %s\norange_num = %s\ntax = %s\n",
                  plain(PICK(state, 100, 150, 200, 250, 300), 12, n1),
                  plain(PICK(state, 2, 3, 4, 5), 12, n2), plain(tax, 12, n3));
        sb_puts(script, "apple_price = apple * apple_num\norange_price = orange * orange_num\n"
                        "all_price = apple_price + orange_price\nprice = all_price * tax\n");
    } else {
        double x = PICK(state, -2, -1, 0.5, 1, 1.5, 2, 3), w = PICK(state, -1, 0.5, 1, 2, 4);
        bool sigmoid = next_random(state) % 2;
        /* At a = 0 the sigmoid's numbers are short: y = 0.5, y(1 - y) = 0.25. */
        double b = sigmoid ? -w * x : PICK(state, -3, -1, 0.5, 1, 2);
        sb_printf(script, "x = %s\nw = %s\nb = %s\na = w * x + b\ny = %s(a)\n", plain(x, 12, n1),
                  plain(w, 12, n2), plain(b, 12, n3), sigmoid ? "sigmoid" : "relu");
    }
}

/* Whether v has at most ANSWER_DIGITS significant digits. */
static bool short_number(double v) {
    char buf[32];
    snprintf(buf, sizeof buf, "%.*g", ANSWER_DIGITS, v);
    return fabs(strtod(buf, NULL) - v) <= 1e-9 * fabs(v);
}

/* Runs script in a scratch session and tells whether every answer of its
 * backward and forward quizzes is short. */
static bool answers_short(const StrBuf *script) {
    Sink quiet;
    null_sink_init(&quiet);
    Session scratch;
    session_init(&scratch, &quiet);
    bool ok = session_run_text(&scratch, "<exercise>", script->data, script->len, true);
    char why[256];
    for (int forward = 0; forward < 2 && ok; forward++) {
        Quiz *z = quiz_new(&scratch, session_target(&scratch), forward, false, why, sizeof why);
        ok = z != NULL;
        for (int i = 0; ok && i < z->count; i++)
            ok = short_number(z->q[i].answer);
        quiz_free(z);
    }
    session_free(&scratch);
    return ok;
}

/* :quiz new [LEVEL] [seed=N]: builds the exercise in the (empty) session,
 * showing its definitions, and starts its backward quiz. */
static bool quiz_fresh(Command *c) {
    Session *s = c->s;
    Level level = LEVEL_MEDIUM;
    long seed = -1;
    for (Token t = lexer_next(&c->lexer); t.type != TOK_EOF; t = lexer_next(&c->lexer)) {
        bool known = false;
        for (int l = 0; l < LEVEL_COUNT && !known; l++)
            if (word(&t, level_names[l])) level = (Level)l, known = true;
        if (known) continue;
        double v = -1;
        Token number = t;
        if (word(&t, "seed") && lexer_next(&c->lexer).type == TOK_EQUAL)
            number = lexer_next(&c->lexer);
        if (!word(&t, "seed") || !cmd_number(&number, &v) || v != floor(v) || v < 0 || v > 1e9)
            return cmd_error_at(c, &number,
                                ":quiz new takes a level (easy, medium, hard) and seed=N (N a "
                                "whole number from 0 to 1000000000)");
        seed = (long)v;
    }
    for (int32_t k = 0; k < s->graph.name_count; k++)
        if (s->graph.names[k].node != NODE_NONE)
            return cmd_error(c, ":quiz new builds its exercise in an empty session: :clear first "
                                "(or :save what you have)");
    if (seed < 0) seed = (long)(next_random(&s->rng) % 1000);
    uint64_t state = (uint64_t)seed;
    StrBuf script;
    sb_init(&script);
    bool found = false;
    for (int i = 0; i < EXERCISE_TRIES && !found; i++) {
        sb_clear(&script);
        draw_exercise(level, &state, &script);
        found = answers_short(&script);
    }
    if (!found) {
        sb_free(&script);
        return cmd_error(c, "no exercise with short answers found from seed %ld", seed);
    }
    Event e;
    event_init(&e, "exercise");
    event_str(&e, "level", level_names[level]);
    event_int(&e, "seed", seed);
    event_printf(&e, "exercise: %s, seed=%ld (:quiz new %s seed=%ld gives it again)\n",
                 level_names[level], seed, level_names[level], seed);
    session_emit(s, &e);
    bool ok = session_run_text(s, "<exercise>", script.data, script.len, true);
    sb_free(&script);
    return ok;
}

/* Starts a quiz on the target and asks its first question. */
static bool quiz_start(Command *c, bool forward, bool symbolic) {
    Session *s = c->s;
    NodeId target;
    if (!cmd_no_more_args(c) || !cmd_target(c, &target)) return false;
    char why[512];
    Quiz *z = quiz_new(s, target, forward, symbolic, why, sizeof why);
    if (!z) return cmd_error(c, "%s", why);
    s->quiz = z;
    Event e;
    event_init(&e, "quiz");
    event_str(&e, "of", graph_name_of(&s->graph, target));
    event_str(&e, "pass", forward ? "forward" : "backward");
    event_int(&e, "questions", z->count);
    event_printf(&e, "quiz: the %s pass of %s, %d question%s, %s\n",
                 forward ? "forward" : "backward", graph_name_of(&s->graph, target), z->count,
                 z->count == 1 ? "" : "s", forward ? "from the inputs on" : "from the output back");
    event_str(&e, "answers", symbolic ? "symbolic" : "numbers");
    if (symbolic)
        event_printf(&e, "answer in the names, as the book labels the red arrows (∂L/∂y · "
                         "2x, dL/dy * 2*x); :quiz skip, :quiz stop\n");
    else
        event_printf(&e,
                     "answer with a number or an expression (2 * 1.1); :quiz skip, :quiz stop\n");
    session_emit(s, &e);
    ask(s, false);
    return true;
}

bool cmd_quiz(Command *c) {
    Session *s = c->s;
    Token t = lexer_next(&c->lexer);
    bool control = word(&t, "skip") || word(&t, "stop");
    if (control && !s->quiz) return cmd_error_at(c, &t, "no quiz is running (:quiz starts one)");
    if (!control && s->quiz)
        return cmd_error(c, "a quiz is running: answer it, or :quiz skip, :quiz stop");
    if (word(&t, "skip")) {
        if (!cmd_no_more_args(c)) return false;
        s->quiz->skipped++;
        verdict(s, "skipped", NULL, 0, NULL);
        advance(s);
        return true;
    }
    if (word(&t, "stop")) {
        if (!cmd_no_more_args(c)) return false;
        score(s, "you stopped it");
        return true;
    }
    /* --symbolic: the answers are the figure's labels, not numbers. */
    bool symbolic = false;
    if (t.type == TOK_MINUS) {
        Token second = lexer_next(&c->lexer), name = lexer_next(&c->lexer);
        if (second.type != TOK_MINUS || !word(&name, "symbolic"))
            return cmd_error_at(c, &t, "unknown :quiz option (:quiz --symbolic)");
        symbolic = true;
        t = lexer_next(&c->lexer);
    }
    if (word(&t, "new") && !symbolic) return quiz_fresh(c) && quiz_start(c, false, false);
    if (t.type == TOK_EOF) return quiz_start(c, false, symbolic);
    if (word(&t, "forward") && !symbolic) return quiz_start(c, true, false);
    return cmd_error_at(c, &t,
                        "unknown :quiz argument (:quiz, :quiz --symbolic, :quiz forward, :quiz "
                        "new [easy|medium|hard] [seed=N], :quiz skip, :quiz stop)");
}
