/* floor.c - the least work workloads.py's scripts ask of any program that
 * names its values, as a yardstick for backprop's time on them.
 *
 *     floor SCRIPT > /dev/null        (SCRIPT: workloads.py bp KIND N)
 *     floor -q SCRIPT > /dev/null     (SCRIPT: workloads.py bp-quiet KIND N)
 *
 * For each line `NAME = EXPRESSION` it finds the names, keeps every name in
 * an open-addressing hash table (the table a REPL needs to look names up),
 * reads the constants, computes the value and records the step for the
 * backward pass; a line `NAME = NUMBER` is an input. Without -q it prints
 * `NAME = value` for every line, as backprop does; with -q (backprop -q's
 * work) it prints nothing until the script asks: a bare `loss` prints the
 * value, `:grad` the gradient of the last computed name with respect to
 * every input, in the order they were defined. Numbers are written with
 * backprop's own formatter, so the output is backprop's, byte for byte.
 *
 * Nothing else: no tokens, no error positions, no graph of nodes, no shapes,
 * no checks (it assumes the script is exactly what workloads.py writes:
 * `+ - * **`, relu(...), parentheses, names and decimal numbers, a constant
 * only on the right of an operator), one pass over the file read whole.
 * run.sh prints its time next to backprop's.
 *
 * It is a floor for the statement path, not a competitor: on these scripts
 * backprop also lexes, parses into graph nodes, records every definition so
 * it can be changed later, and checks every step.
 */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "graph/format.h"

/* --- the name table ----------------------------------------------------------- */

typedef struct {
    uint64_t *slots; /* hash << 32 | step + 1; 0 is empty */
    uint32_t mask;
    const char **names; /* step k's name, in the script's text, or NULL */
    size_t *lengths;
} Table;

static uint32_t hash(const char *s, size_t n) {
    uint64_t h = n * 0x9e3779b97f4a7c15u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (uint8_t)s[i]) * 0xff51afd7ed558ccdu;
    return (uint32_t)(h ^ h >> 33);
}

static int32_t lookup(const Table *t, const char *name, size_t n) {
    uint32_t h = hash(name, n);
    for (uint32_t i = h & t->mask;; i = (i + 1) & t->mask) {
        uint64_t slot = t->slots[i];
        if (slot == 0) return -1;
        int32_t k = (int32_t)(uint32_t)slot - 1;
        if ((uint32_t)(slot >> 32) == h && t->lengths[k] == n && memcmp(t->names[k], name, n) == 0)
            return k;
    }
}

static void insert(Table *t, const char *name, size_t n, int32_t k) {
    uint32_t h = hash(name, n), i = h & t->mask;
    while (t->slots[i] != 0)
        i = (i + 1) & t->mask;
    t->slots[i] = (uint64_t)h << 32 | (uint32_t)(k + 1);
    t->names[k] = name;
    t->lengths[k] = n;
}

/* --- the steps: what was computed, for the backward pass ---------------------- */

typedef enum { STEP_INPUT, STEP_ADD, STEP_SUB, STEP_MUL, STEP_POW, STEP_RELU } StepOp;

/* One computed value: op(a, b), or op(a, c) when b is -1 (a constant on
 * the right: `x * 1.0000001`, `(o - 0.5) ** 2`). */
typedef struct {
    uint8_t op;
    int32_t a, b;
    double c;
} Step;

typedef struct {
    Step *steps;
    double *value;
    int32_t count;
} Tape;

/* An operand while an expression is read: a step, or a constant (step -1). */
typedef struct {
    int32_t step;
    double c;
} Operand;

static Operand emit(Tape *t, StepOp op, Operand x, Operand y) {
    double *v = t->value, a = v[x.step], b = y.step >= 0 ? v[y.step] : y.c;
    double r = op == STEP_ADD   ? a + b
               : op == STEP_SUB ? a - b
               : op == STEP_MUL ? a * b
               : op == STEP_POW ? pow(a, b)
                                : (a > 0 ? a : 0);
    t->steps[t->count] = (Step){(uint8_t)op, x.step, y.step, y.c};
    v[t->count] = r;
    return (Operand){t->count++, 0};
}

/* Adds ∂/∂ of every step to its inputs' gradients, from the last step down:
 * the order backprop's backward pass takes, so sums round alike. */
static void backward(const Tape *t, int32_t target, double *grad) {
    const double *v = t->value;
    grad[target] = 1;
    for (int32_t k = target; k >= 0; k--) {
        const Step *s = &t->steps[k];
        double g = grad[k], b = s->b >= 0 ? v[s->b] : s->c;
        switch ((StepOp)s->op) {
        case STEP_INPUT: break;
        case STEP_ADD:
        case STEP_SUB:
            grad[s->a] += g;
            if (s->b >= 0) grad[s->b] += s->op == STEP_ADD ? g : -g;
            break;
        case STEP_MUL:
            grad[s->a] += g * b;
            if (s->b >= 0) grad[s->b] += g * v[s->a];
            break;
        case STEP_POW: grad[s->a] += b == 0 ? 0 : g * b * pow(v[s->a], b - 1); break;
        case STEP_RELU: grad[s->a] += v[s->a] > 0 ? g : 0; break;
        }
    }
}

/* --- reading the script ------------------------------------------------------- */

typedef struct {
    const char *p; /* the next character */
    Table *names;
    Tape *tape;
} Reader;

static void skip_spaces(Reader *r) {
    while (*r->p == ' ')
        r->p++;
}

static size_t name_length(const char *p) {
    size_t n = 0;
    while ((p[n] >= 'a' && p[n] <= 'z') || (p[n] >= 'A' && p[n] <= 'Z') ||
           (p[n] >= '0' && p[n] <= '9') || p[n] == '_')
        n++;
    return n;
}

/* The scripts' constants (0.5, 1.0000001, -0.417): digits over a power of
 * ten, both exact, so one division is strtod's answer. */
static double decimal(Reader *r) {
    double m = 0, scale = 1;
    bool point = false;
    for (; (*r->p >= '0' && *r->p <= '9') || *r->p == '.'; r->p++) {
        if (*r->p == '.') {
            point = true;
            continue;
        }
        m = m * 10 + (*r->p - '0');
        if (point) scale *= 10;
    }
    return m / scale;
}

static Operand sum(Reader *r);

/* atom := NUMBER | '-' NUMBER | NAME | relu '(' sum ')' | '(' sum ')' */
static Operand atom(Reader *r) {
    skip_spaces(r);
    if (*r->p == '-') {
        r->p++;
        return (Operand){-1, -decimal(r)};
    }
    if ((*r->p >= '0' && *r->p <= '9') || *r->p == '.') return (Operand){-1, decimal(r)};
    if (*r->p == '(' || strncmp(r->p, "relu(", 5) == 0) {
        bool relu = *r->p == 'r';
        r->p = strchr(r->p, '(') + 1;
        Operand x = sum(r);
        skip_spaces(r);
        r->p++; /* ')' */
        return relu ? emit(r->tape, STEP_RELU, x, (Operand){-1, 0}) : x;
    }
    size_t n = name_length(r->p);
    int32_t k = lookup(r->names, r->p, n);
    r->p += n;
    return (Operand){k, 0};
}

/* power := atom ['**' atom] */
static Operand power(Reader *r) {
    Operand x = atom(r);
    skip_spaces(r);
    if (r->p[0] != '*' || r->p[1] != '*') return x;
    r->p += 2;
    return emit(r->tape, STEP_POW, x, atom(r));
}

/* product := power {'*' power} */
static Operand product(Reader *r) {
    Operand x = power(r);
    for (skip_spaces(r); *r->p == '*'; skip_spaces(r)) {
        r->p++;
        x = emit(r->tape, STEP_MUL, x, power(r));
    }
    return x;
}

/* sum := product {('+' | '-') product} */
static Operand sum(Reader *r) {
    Operand x = product(r);
    for (skip_spaces(r); *r->p == '+' || *r->p == '-'; skip_spaces(r)) {
        StepOp op = *r->p++ == '+' ? STEP_ADD : STEP_SUB;
        x = emit(r->tape, op, x, product(r));
    }
    return x;
}

/* --- output ------------------------------------------------------------------- */

/* Writes `name = value` (name may be empty: then the value alone). */
static void print_value(const char *name, size_t len, double v) {
    char line[300], num[FMT_NUMBER_SIZE];
    size_t digits = strlen(fmt_number(num, sizeof num, v, FMT_DEFAULT_DIGITS)), n = 0;
    if (len > 0) {
        memcpy(line, name, len);
        memcpy(line + len, " = ", 3);
        n = len + 3;
    }
    memcpy(line + n, num, digits);
    line[n + digits] = '\n';
    fwrite(line, 1, n + digits + 1, stdout);
}

/* :grad: the target's gradient with respect to every input. */
static void print_grad(const Table *names, const Tape *t, int32_t target) {
    double *grad = calloc((size_t)t->count, sizeof *grad);
    if (!grad) exit(1);
    backward(t, target, grad);
    char num[FMT_NUMBER_SIZE];
    for (int32_t k = 0; k < t->count; k++)
        if (t->steps[k].op == STEP_INPUT)
            printf("∂%.*s/∂%.*s = %s\n", (int)names->lengths[target], names->names[target],
                   (int)names->lengths[k], names->names[k],
                   fmt_number(num, sizeof num, grad[k], FMT_DEFAULT_DIGITS));
    free(grad);
}

int main(int argc, char **argv) {
    bool quiet = argc == 3 && strcmp(argv[1], "-q") == 0;
    FILE *f = argc == 2 + quiet ? fopen(argv[1 + quiet], "rb") : NULL;
    if (!f) {
        fprintf(stderr, "usage: floor [-q] SCRIPT (a script from workloads.py)\n");
        return 2;
    }
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    rewind(f);
    char *text = malloc((size_t)size + 1);
    if (!text || fread(text, 1, (size_t)size, f) != (size_t)size) return 1;
    text[size] = '\0';
    fclose(f);

    /* A name per line at most; a step per character at most, which is room
     * for any line's steps (pages never written cost nothing). */
    size_t lines = 1;
    for (long i = 0; i < size; i++)
        lines += text[i] == '\n';
    uint32_t cap = 1;
    while (cap < 2 * lines)
        cap *= 2;
    Table names = {calloc(cap, sizeof(uint64_t)), cap - 1,
                   malloc(((size_t)size + 1) * sizeof(char *)),
                   malloc(((size_t)size + 1) * sizeof(size_t))};
    Tape tape = {malloc(((size_t)size + 1) * sizeof(Step)),
                 malloc(((size_t)size + 1) * sizeof(double)), 0};
    if (!names.slots || !names.names || !names.lengths || !tape.steps || !tape.value) return 1;

    int32_t target = -1; /* the last computed name: what :grad differentiates */
    for (char *p = text; *p; p = strchr(p, '\n') + 1) {
        if (*p == '#') continue;
        if (strncmp(p, ":grad", 5) == 0) {
            print_grad(&names, &tape, target);
            break;
        }
        size_t len = name_length(p);
        Reader r = {p + len, &names, &tape};
        skip_spaces(&r);
        if (*r.p != '=') { /* a bare name: its value */
            print_value("", 0, tape.value[lookup(&names, p, len)]);
            continue;
        }
        r.p++;
        Operand x = sum(&r);
        if (x.step < 0) { /* a number: an input */
            tape.steps[tape.count] = (Step){STEP_INPUT, -1, -1, 0};
            tape.value[tape.count] = x.c;
            x.step = tape.count++;
        } else {
            target = x.step;
        }
        insert(&names, p, len, x.step);
        if (!quiet) print_value(p, len, tape.value[x.step]);
    }
    free(text);
    free(names.slots);
    free(names.names);
    free(names.lengths);
    free(tape.steps);
    free(tape.value);
    return 0;
}
