/* suggest.c - closest-name suggestions by edit distance. */
#include "suggest.h"

#include <stdio.h>
#include <string.h>

enum { MAX_SUGGEST_LEN = 64 };

static const char *const extra_functions[] = {"zeros", "ones", "full", "arange", "randn", "dot"};
enum { EXTRA_FUNCTIONS = sizeof extra_functions / sizeof extra_functions[0] };

const char *suggest_extra_function(int i) {
    return i >= 0 && i < EXTRA_FUNCTIONS ? extra_functions[i] : NULL;
}

const char *suggest_habit(const char *name, int len) {
    static const struct {
        const char *name, *hint;
    } habits[] = {
        {"help", "; commands start with ':': :help lists them"},
        {"quit", "; commands start with ':': :quit leaves (Ctrl-D does too)"},
        {"exit", "; commands start with ':': :quit leaves (Ctrl-D does too)"},
        {"max", "; for max(x, 0) write relu(x)"},
        {"maximum", "; for maximum(x, 0) write relu(x)"},
        {"print", "; type an expression to see its value: x, or a name alone"},
        {"math", "; backprop's functions need no module: write exp(x), not math.exp(x)"},
        {"np", "; backprop's functions need no module: write dot(x, y) or x @ y, exp(x), "
               "sum(X), not np.dot(x, y)"},
        {"numpy", "; backprop's functions need no module: write dot(x, y) or x @ y, exp(x), "
                  "sum(X), not numpy.dot(x, y)"},
    };
    for (size_t i = 0; i < sizeof habits / sizeof habits[0]; i++)
        if ((int)strlen(habits[i].name) == len && memcmp(habits[i].name, name, (size_t)len) == 0)
            return habits[i].hint;
    return NULL;
}

int suggest_distance(const char *a, int alen, const char *b, int blen, int limit) {
    if (alen > MAX_SUGGEST_LEN || blen > MAX_SUGGEST_LEN) return limit + 1;
    if (alen - blen > limit || blen - alen > limit) return limit + 1;
    /* Optimal string alignment distance over three rolling rows. */
    int rows[3][MAX_SUGGEST_LEN + 1];
    int *prev2 = rows[0], *prev = rows[1], *cur = rows[2];
    for (int j = 0; j <= blen; j++)
        prev[j] = j;
    for (int i = 1; i <= alen; i++) {
        cur[0] = i;
        for (int j = 1; j <= blen; j++) {
            int cost = a[i - 1] != b[j - 1];
            int d = prev[j] + 1;
            if (cur[j - 1] + 1 < d) d = cur[j - 1] + 1;
            if (prev[j - 1] + cost < d) d = prev[j - 1] + cost;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                prev2[j - 2] + 1 < d)
                d = prev2[j - 2] + 1;
            cur[j] = d;
        }
        int *t = prev2;
        prev2 = prev;
        prev = cur;
        cur = t;
    }
    return prev[blen] > limit ? limit + 1 : prev[blen];
}

/* Allowed distance grows with the name: one slip per three characters. */
static int limit_for(int len) {
    return len <= 3 ? 1 : len <= 8 ? 2 : 3;
}

void suggest_hint(const Graph *g, const char *name, int len, bool functions, char *hint,
                  size_t size) {
    int limit = limit_for(len);
    int best = limit + 1;
    const char *best_name = NULL;
    if (functions) {
        for (int op = 0; op < OP_COUNT; op++) {
            const OpInfo *info = op_info((Op)op);
            if (info->syntax != SYN_CALL) continue;
            int d = suggest_distance(name, len, info->spelling, (int)strlen(info->spelling), limit);
            if (d < best) best = d, best_name = info->spelling;
        }
        for (int i = 0; i < EXTRA_FUNCTIONS; i++) {
            const char *name_i = extra_functions[i];
            int d = suggest_distance(name, len, name_i, (int)strlen(name_i), limit);
            if (d < best) best = d, best_name = name_i;
        }
    } else {
        for (int32_t k = 0; k < g->name_count; k++) {
            if (g->names[k].node == NODE_NONE) continue;
            const char *candidate = g->strings + g->names[k].str;
            int d = suggest_distance(name, len, candidate, (int)g->names[k].len,
                                     best - 1 < limit ? best - 1 : limit);
            if (d < best) best = d, best_name = candidate;
        }
    }
    if (best_name)
        snprintf(hint, size, "; did you mean '%s'?", best_name);
    else if (size > 0)
        hint[0] = '\0';
}
