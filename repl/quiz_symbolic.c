/* quiz_symbolic.c - checking a symbolic answer (`:quiz --symbolic`): is
 * what the student typed the same expression as the figure's label?
 *
 * Both are rewritten into the session's own language, then evaluated at
 * QUIZ_POINTS random points (every name a random number) and compared:
 * equal at every point means equal. What the rewriting accepts, as people
 * type it:
 *   ∂L/∂z, dL/dz, dLdz    the upstream gradient: the name dL_dz
 *   ·  ×  ⋅               multiplication
 *   ²  ^2  **2            a square (^ and ** are the language's power)
 *   −                     minus
 *   y(1-y), 2x, (a)(b)    multiplication written by juxtaposition, where
 *                         the name before '(' is not a function
 * No algebra is done: `y(1-y)` and `y - y²` are the same, because they
 * evaluate the same.
 */
#include "quiz_symbolic.h"

#include <math.h>
#include <string.h>

#include "../graph/format.h"
#include "parser.h"

enum { QUIZ_POINTS = 5, QUIZ_TRIES = 50 };

static bool is_name_byte(unsigned char c) {
    return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c >= 0x80;
}

static bool starts(const char *p, const char *s) {
    return strncmp(p, s, strlen(s)) == 0;
}

/* The symbols that are not part of a name, though their UTF-8 bytes are
 * >= 0x80 as a Korean name's are. */
static bool symbol_at(const char *p) {
    return starts(p, "·") || starts(p, "×") || starts(p, "⋅") || starts(p, "²") || starts(p, "−") ||
           starts(p, "∂");
}

/* The length of the name at p (0: none). */
static size_t name_length(const char *p) {
    size_t n = 0;
    while (is_name_byte((unsigned char)p[n]) && !symbol_at(p + n))
        n++;
    return n;
}

/* After a name of n bytes at p: is it a function of the language (exp, log...)? */
static bool is_function(const char *p, size_t n) {
    return op_find_function(p, (int)n) != OP_COUNT || (n == 3 && strncmp(p, "dot", 3) == 0);
}

/* Was the last thing written a value (a name, a number, ')' or a square),
 * so that a value right after it multiplies it? */
static bool ends_value(const StrBuf *out) {
    size_t n = out->len;
    while (n > 0 && (out->data[n - 1] == ' ' || out->data[n - 1] == '\t'))
        n--;
    if (n == 0) return false;
    unsigned char c = (unsigned char)out->data[n - 1];
    return c == ')' || is_name_byte(c);
}

/* Is the text written so far in the middle of a name (so "dLd" here is
 * part of it, not the upstream symbol)? */
static bool in_name(const StrBuf *out) {
    return out->len > 0 && is_name_byte((unsigned char)out->data[out->len - 1]);
}

bool quiz_sym_rewrite(const char *text, StrBuf *out) {
    sb_clear(out);
    for (const char *p = text; *p;) {
        /* The upstream symbol: ∂L/∂z, dL/dz or dLdz. */
        const char *name = NULL;
        if (starts(p, "∂L/∂"))
            name = p + strlen("∂L/∂");
        else if (starts(p, "dL/d") && !in_name(out))
            name = p + 4;
        else if (starts(p, "dLd") && !in_name(out) && name_length(p + 3) > 0)
            name = p + 3;
        if (name) {
            size_t n = name_length(name);
            if (n == 0) return false; /* ∂L/∂(…): not a symbol a student can type */
            if (ends_value(out)) sb_puts(out, "*");
            sb_printf(out, "dL_d%.*s", (int)n, name);
            p = name + n;
            continue;
        }
        if (starts(p, "·") || starts(p, "×") || starts(p, "⋅")) {
            sb_puts(out, "*");
            p += starts(p, "·") ? strlen("·") : strlen("×");
        } else if (starts(p, "²")) {
            sb_puts(out, "^2");
            p += strlen("²");
        } else if (starts(p, "−")) {
            sb_puts(out, "-");
            p += strlen("−");
        } else if (starts(p, "**")) {
            sb_puts(out, "^");
            p += 2;
        } else if (name_length(p) > 0) {
            size_t n = name_length(p);
            bool number = *p >= '0' && *p <= '9';
            size_t digits = 0; /* "2x": a number, then a name */
            while (number && digits < n &&
                   ((p[digits] >= '0' && p[digits] <= '9') || p[digits] == '.'))
                digits++;
            if (ends_value(out)) sb_puts(out, "*");
            if (number && digits < n) {
                sb_printf(out, "%.*s*", (int)digits, p);
                p += digits;
                n -= digits;
            }
            sb_append(out, p, n);
            /* A function's '(' is its call; after any other name, a
             * multiplication ("y(1-y)"), which the '(' branch writes. */
            if (p[n] == '(' && is_function(p, n)) {
                sb_puts(out, "(");
                p++;
            }
            p += n;
        } else if (*p == '(' && ends_value(out)) {
            sb_puts(out, "*(");
            p++;
        } else {
            sb_append(out, p, 1);
            p++;
        }
    }
    return !out->failed;
}

/* The names an expression uses as variables (not functions): appended to
 * names, space-separated, each once. */
static void variables(const char *expr, StrBuf *names) {
    for (const char *p = expr; *p;) {
        if (!is_name_byte((unsigned char)*p) || (*p >= '0' && *p <= '9')) {
            p++;
            continue;
        }
        size_t n = name_length(p);
        if (n == 0) {
            p++;
            continue;
        }
        bool call = p[n] == '(' && is_function(p, n);
        char word[256];
        snprintf(word, sizeof word, " %.*s ", (int)n, p);
        if (!call && n < sizeof word - 2 && (!names->data || !strstr(names->data, word)))
            sb_printf(names, "%.*s ", (int)n, p);
        p += n;
    }
}

/* splitmix64, for the points. */
static uint64_t next_random(uint64_t *state) {
    uint64_t z = (*state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* Evaluates expr in g (its names defined), or sets why. */
static bool evaluate(Graph *g, const char *expr, double *v, char *why, size_t size) {
    Parser p;
    parser_init(&p, g, expr, strlen(expr), 0, 1);
    uint64_t rng = 1;
    p.rng = &rng;
    Statement st;
    if (!parser_expression(&p, &st)) {
        snprintf(why, size, "%s", p.error.message);
        return false;
    }
    bool ok = parser_at_end(&p) && graph_is_scalar(g, st.root);
    *v = ok ? graph_scalar(g, st.root) : NAN;
    graph_rollback(g, st.mark);
    if (!ok) snprintf(why, size, "not one expression");
    return ok;
}

int quiz_sym_same(const char *expected, const char *given, const char *defs, char *why,
                  size_t size) {
    StrBuf want, got, names;
    sb_init(&want);
    sb_init(&got);
    sb_init(&names);
    int verdict = -1;
    if (!quiz_sym_rewrite(expected, &want) || !quiz_sym_rewrite(given, &got)) {
        snprintf(why, size, "cannot read it as an expression");
        goto done;
    }
    sb_puts(&names, " ");
    variables(want.data, &names);
    variables(got.data, &names);
    if (defs) variables(defs, &names);
    /* A scratch session holds the names: defined as a user defines them. */
    Sink quiet;
    null_sink_init(&quiet);
    Session scratch;
    session_init(&scratch, &quiet);
    Graph *g = &scratch.graph;
    uint64_t state = 17; /* the same points every time: a verdict is reproducible */
    int agreed = 0;
    verdict = 1;
    for (int tries = 0; agreed < QUIZ_POINTS && tries < QUIZ_TRIES && verdict == 1; tries++) {
        StrBuf values;
        sb_init(&values);
        for (const char *p = names.data + 1; *p;) {
            size_t n = strcspn(p, " ");
            double x = 0.5 + (double)(next_random(&state) >> 11) / 9007199254740992.0 * 1.5;
            char num[FMT_NUMBER_SIZE];
            sb_printf(&values, "%.*s = %s\n", (int)n, p, fmt_number(num, sizeof num, x, 17));
            p += n + 1;
        }
        if (defs) sb_puts(&values, defs); /* after the random values they use */
        if (values.len) session_run_text(&scratch, "<quiz>", values.data, values.len, true);
        sb_free(&values);
        double a, b;
        if (!evaluate(g, want.data, &a, why, size)) {
            verdict = -1;
        } else if (!evaluate(g, got.data, &b, why, size)) {
            verdict = -1;
        } else if (isfinite(a) && isfinite(b)) {
            agreed++;
            if (fabs(a - b) > 1e-6 * fmax(1, fmax(fabs(a), fabs(b)))) verdict = 0;
        }
    }
    session_free(&scratch);
done:
    sb_free(&want);
    sb_free(&got);
    sb_free(&names);
    return verdict;
}
