/* floor.c - the least work workloads.py's chain script asks of any program
 * that names its values, as a yardstick for backprop's time on it.
 *
 *     floor SCRIPT > /dev/null        (SCRIPT: workloads.py bp chain N)
 *
 * For each line `xI = xJ * C`, `xI = xJ + C` or `xI = relu(xJ)` it finds the
 * two names, keeps every name in an open-addressing hash table (the table a
 * REPL needs to look names up), reads the constant, computes the value and
 * prints `xI = value` with backprop's own number formatter; at the end it
 * runs the backward pass and prints the input's gradient. Nothing else: no
 * tokens, no error positions, no graph of nodes, no shapes, no checks (it
 * assumes the script is exactly what workloads.py writes), one pass over the
 * file read whole. run.sh prints its time next to backprop's.
 *
 * It is a floor for the statement path, not a competitor: on this script
 * backprop also lexes, parses into graph nodes, records every definition so
 * it can be changed later, and checks every step.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "graph/format.h"

typedef struct {
    uint64_t *slots; /* hash << 32 | statement + 1; 0 is empty */
    uint32_t mask;
    const char **names; /* statement k's name, in the script's text */
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

static size_t name_length(const char *p) {
    size_t n = 0;
    while ((p[n] >= 'a' && p[n] <= 'z') || (p[n] >= '0' && p[n] <= '9') || p[n] == '_')
        n++;
    return n;
}

/* The script's constants (0.5, 1.0000001, 0.000001): digits over a power
 * of ten, both exact, so one division is strtod's answer. */
static double decimal(const char *p) {
    double m = 0, scale = 1;
    bool point = false;
    for (; (*p >= '0' && *p <= '9') || *p == '.'; p++) {
        if (*p == '.') {
            point = true;
            continue;
        }
        m = m * 10 + (*p - '0');
        if (point) scale *= 10;
    }
    return m / scale;
}

int main(int argc, char **argv) {
    FILE *f = argc == 2 ? fopen(argv[1], "rb") : NULL;
    if (!f) {
        fprintf(stderr, "usage: floor SCRIPT (a chain from workloads.py)\n");
        return 2;
    }
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    rewind(f);
    char *text = malloc((size_t)size + 1);
    if (!text || fread(text, 1, (size_t)size, f) != (size_t)size) return 1;
    text[size] = '\0';
    fclose(f);

    size_t lines = 1;
    for (long i = 0; i < size; i++)
        lines += text[i] == '\n';
    uint32_t cap = 1;
    while (cap < 2 * lines)
        cap *= 2;
    Table t = {calloc(cap, sizeof(uint64_t)), cap - 1, malloc(lines * sizeof(char *)),
               malloc(lines * sizeof(size_t))};
    double *value = malloc(lines * sizeof *value), *factor = malloc(lines * sizeof *factor);
    if (!t.slots || !t.names || !t.lengths || !value || !factor) return 1;

    int32_t n = 0;
    char line[300], num[FMT_NUMBER_SIZE];
    for (char *p = text; *p && *p != ':'; p = strchr(p, '\n') + 1, n++) {
        size_t len = name_length(p);
        const char *rhs = p + len + 3; /* after "xI = " */
        if (strncmp(rhs, "relu(", 5) == 0) {
            int32_t from = lookup(&t, rhs + 5, name_length(rhs + 5));
            value[n] = value[from] > 0 ? value[from] : 0;
            factor[n] = value[from] > 0;
        } else if (rhs[0] >= '0' && rhs[0] <= '9') {
            value[n] = decimal(rhs);
            factor[n] = 1;
        } else { /* xJ * C or xJ + C */
            size_t used = name_length(rhs);
            int32_t from = lookup(&t, rhs, used);
            double c = decimal(rhs + used + 3);
            bool times = rhs[used + 1] == '*';
            value[n] = times ? value[from] * c : value[from] + c;
            factor[n] = times ? c : 1;
        }
        insert(&t, p, len, n);
        size_t digits = strlen(fmt_number(num, sizeof num, value[n], FMT_DEFAULT_DIGITS));
        memcpy(line, p, len);
        memcpy(line + len, " = ", 3);
        memcpy(line + len + 3, num, digits);
        line[len + 3 + digits] = '\n';
        fwrite(line, 1, len + 4 + digits, stdout);
    }
    double grad = 1; /* backward: the chain is one path from the last value to x0 */
    for (int32_t k = n - 1; k > 0; k--)
        grad *= factor[k];
    printf("∂/∂x0 = %s\n", fmt_number(num, sizeof num, grad, FMT_DEFAULT_DIGITS));
    free(text);
    free(t.slots);
    free(t.names);
    free(t.lengths);
    free(value);
    free(factor);
    return 0;
}
