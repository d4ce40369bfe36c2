/* legend.c - long symbolic labels get names for their sub-expressions.
 *
 * Past LEGEND_LONG characters a label is hard to read along an arrow
 * ("∂L/∂y · 2 · (1/(1+exp(-2x)))² · exp(-2x) · 2"). As the write-ups name
 * their intermediates, the longest expression some link of the figure
 * carries forward and the long label contains (at least LEGEND_SHORTEST
 * characters: naming "2x" would save nothing) gets a one-letter name; every
 * label of the figure then says the name ("∂L/∂y · 2 · t² · exp(-2x) · 2",
 * the link out of the sigmoid "t"), and the figure's legend says what it
 * stands for ("t = 1/(1+exp(-2x))"). Repeated until no label is long or
 * none has such an expression left in it. Only text changes: the layout
 * sees the shorter labels. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "build.h"

enum { LEGEND_LONG = 40, LEGEND_SHORTEST = 6 };

/* Names tried in order; one already used as a name anywhere is skipped. */
static const char *const NAMES[] = {"t", "u", "v", "w", "p", "q", "r", "s", "k", "m"};

static size_t chars(const char *s) {
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

/* A label's length without the number --values puts after it. */
static size_t symbol_chars(const char *text, bool values) {
    const char *number = values ? strstr(text, " = ") : NULL;
    char symbol[VIEW_TEXT];
    if (!number) return chars(text);
    snprintf(symbol, sizeof symbol, "%.*s", (int)(number - text), text);
    return chars(symbol);
}

static bool is_name_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

/* Does text use `name` as a whole word? */
static bool uses(const char *text, const char *name) {
    size_t n = strlen(name);
    for (const char *p = strstr(text, name); p; p = strstr(p + 1, name))
        if ((p == text || !is_name_char(p[-1])) && !is_name_char(p[n])) return true;
    return false;
}

/* The first name of NAMES no label, legend line or graph name uses. */
static const char *free_name(const View *v, const Graph *g) {
    for (size_t k = 0; k < sizeof NAMES / sizeof *NAMES; k++) {
        bool used = graph_lookup(g, NAMES[k], (int)strlen(NAMES[k])) != NODE_NONE;
        for (int i = 0; i < v->edge_count && !used; i++)
            used = uses(v->edges[i].value, NAMES[k]) || uses(v->edges[i].grad, NAMES[k]);
        for (int i = 0; i < v->legend_count && !used; i++)
            used = uses(v->legend[i], NAMES[k]);
        if (!used) return NAMES[k];
    }
    return NULL;
}

/* Replaces each whole occurrence of expr in text (VIEW_TEXT bytes) by
 * name; "(name)" loses its parentheses unless a function call needs them
 * ("(t)²" is "t²", "exp(t)" stays). */
static void replace(char *text, const char *expr, const char *name) {
    char out[VIEW_TEXT];
    size_t used = 0, n = strlen(expr);
    for (const char *p = text; *p && used + 1 < sizeof out;) {
        bool whole =
            strncmp(p, expr, n) == 0 && (p == text || !is_name_char(p[-1])) && !is_name_char(p[n]);
        if (!whole) {
            out[used++] = *p++;
            continue;
        }
        bool wrapped = used > 0 && out[used - 1] == '(' && p[n] == ')' &&
                       (used == 1 || !is_name_char(out[used - 2]));
        if (wrapped) used--; /* drop "(" here and skip ")" below */
        size_t k = strlen(name);
        if (used + k + 1 >= sizeof out) break;
        memcpy(out + used, name, k);
        used += k;
        p += n + (wrapped ? 1 : 0);
    }
    out[used] = '\0';
    memcpy(text, out, used + 1);
}

/* The longest said expression that a long label of v contains, shorter
 * than the whole label; NULL if no long label has one. */
static const char *pick(const View *v, char *const *said, int said_count, bool values) {
    const char *best = NULL;
    for (int i = 0; i < v->edge_count; i++) {
        const char *texts[2] = {v->edges[i].value, v->edges[i].grad};
        for (int k = 0; k < 2; k++) {
            if (symbol_chars(texts[k], values) <= LEGEND_LONG) continue;
            for (int c = 0; c < said_count; c++) {
                size_t n = chars(said[c]);
                if (n < LEGEND_SHORTEST || strcmp(said[c], texts[k]) == 0 ||
                    (best && n <= chars(best)))
                    continue;
                char probe[VIEW_TEXT];
                memcpy(probe, texts[k], strlen(texts[k]) + 1);
                replace(probe, said[c], "\x01"); /* does it occur as a whole? */
                if (strchr(probe, '\x01')) best = said[c];
            }
        }
    }
    return best;
}

void legend_build(Builder *b, const Graph *g) {
    View *v = b->v;
    for (int round = 0; round < VIEW_LEGEND; round++) {
        const char *expr = pick(v, b->said, b->said_count, b->values);
        const char *name = expr ? free_name(v, g) : NULL;
        if (!name) return;
        char line[VIEW_TEXT];
        snprintf(line, sizeof line, "%s = %s", name, expr);
        char *named = strdup(expr);
        if (!named) return; /* the labels stay long: readable enough, never wrong */
        for (int i = 0; i < v->edge_count; i++) {
            replace(v->edges[i].value, named, name);
            replace(v->edges[i].grad, named, name);
        }
        for (int i = 0; i < v->legend_count; i++)
            replace(v->legend[i], named, name);
        for (int c = 0; c < b->said_count; c++)
            replace(b->said[c], named, name);
        free(named);
        memcpy(v->legend[v->legend_count++], line, sizeof line);
    }
}
