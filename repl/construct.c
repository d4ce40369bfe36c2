/* construct.c - zeros, ones, full, arange and randn. */
#include "construct.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef enum { MAKE_ZEROS, MAKE_ONES, MAKE_FULL, MAKE_ARANGE, MAKE_RANDN } MakeKind;

struct Constructor {
    const char *name;
    MakeKind kind;
    int min_args, max_args;
    bool seed; /* takes seed= */
};

static const Constructor constructors[] = {
    {"zeros", MAKE_ZEROS, 1, BP_MAX_RANK, false},   {"ones", MAKE_ONES, 1, BP_MAX_RANK, false},
    {"full", MAKE_FULL, 2, BP_MAX_RANK + 1, false}, {"arange", MAKE_ARANGE, 1, 3, false},
    {"randn", MAKE_RANDN, 1, BP_MAX_RANK, true},
};

const Constructor *construct_find(const char *name, int len) {
    for (size_t i = 0; i < sizeof constructors / sizeof constructors[0]; i++)
        if ((int)strlen(constructors[i].name) == len &&
            memcmp(constructors[i].name, name, (size_t)len) == 0)
            return &constructors[i];
    return NULL;
}

bool construct_takes_seed(const Constructor *c) {
    return c->seed;
}

const char *construct_names(void) {
    return "zeros, ones, full, arange, randn";
}

/* splitmix64: a tiny generator whose whole state is one number, so a seed
 * reproduces the same values everywhere. */
static uint64_t next_random(uint64_t *state) {
    uint64_t z = (*state += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

/* A uniform double in (0, 1]: never 0, so log() below is finite. */
static double uniform(uint64_t *state) {
    return ((double)(next_random(state) >> 11) + 1) * 0x1.0p-53;
}

/* Standard normal values by the Box-Muller transform, two at a time. */
static void fill_normal(double *data, size_t n, uint64_t *state) {
    for (size_t i = 0; i < n; i += 2) {
        const double two_pi = 6.283185307179586;
        double r = sqrt(-2 * log(uniform(state))), t = two_pi * uniform(state);
        data[i] = r * cos(t);
        if (i + 1 < n) data[i + 1] = r * sin(t);
    }
}

/* args[from..to) as dims. */
static bool dims_from(const double *args, int from, int to, Shape *shape, int *bad_arg, char *why,
                      size_t why_size) {
    shape->rank = (uint8_t)(to - from);
    for (int i = from; i < to; i++) {
        if (!(args[i] >= 1 && args[i] <= BP_MAX_ELEMENTS && args[i] == floor(args[i]))) {
            *bad_arg = i;
            snprintf(why, why_size, "a dimension must be a whole number from 1 to %d, not %g",
                     BP_MAX_ELEMENTS, args[i]);
            return false;
        }
        shape->dims[i - from] = (int32_t)args[i];
    }
    size_t size;
    if (size_product(shape->dims, shape->rank, &size)) return true;
    double asked = 1; /* only to say how many: doubles do not wrap */
    for (int i = from; i < to; i++)
        asked *= args[i];
    *bad_arg = -1;
    snprintf(why, why_size, "that is %.0f elements: the limit is %d per value", asked,
             BP_MAX_ELEMENTS);
    return false;
}

/* arange(stop), arange(start, stop), arange(start, stop, step), as NumPy. */
static bool arange(const double *args, int argc, Shape *shape, double **data, int *bad_arg,
                   char *why, size_t why_size) {
    double start = argc > 1 ? args[0] : 0, stop = argc > 1 ? args[1] : args[0];
    double step = argc > 2 ? args[2] : 1;
    if (step == 0 || !isfinite(start) || !isfinite(stop) || !isfinite(step)) {
        *bad_arg = step == 0 ? 2 : -1;
        snprintf(why, why_size, "arange needs finite numbers and a step other than 0");
        return false;
    }
    double count = ceil((stop - start) / step);
    if (!(count >= 1)) {
        *bad_arg = -1;
        snprintf(why, why_size, "arange(%g, %g, %g) would be empty", start, stop, step);
        return false;
    }
    if (count > BP_MAX_ELEMENTS) {
        *bad_arg = -1;
        snprintf(why, why_size, "arange would make %.0f elements: the limit is %d per value", count,
                 BP_MAX_ELEMENTS);
        return false;
    }
    *shape = (Shape){1, {(int32_t)count}};
    if (!(*data = malloc((size_t)count * sizeof **data))) return false;
    for (size_t i = 0; i < (size_t)count; i++)
        (*data)[i] = start + (double)i * step;
    return true;
}

bool construct_run(const Constructor *c, const double *args, int argc, const double *seed,
                   uint64_t *rng, Shape *shape, double **data, int *bad_arg, char *why,
                   size_t why_size) {
    *data = NULL;
    *bad_arg = -1;
    if (argc < c->min_args || argc > c->max_args) {
        snprintf(why, why_size, "%s takes %d to %d numbers, got %d", c->name, c->min_args,
                 c->max_args, argc);
        return false;
    }
    if (c->kind == MAKE_ARANGE) {
        bool ok = arange(args, argc, shape, data, bad_arg, why, why_size);
        if (!ok && !*data && why[0] == '\0') snprintf(why, why_size, "out of memory");
        return ok;
    }
    int dims = c->kind == MAKE_FULL ? argc - 1 : argc;
    if (!dims_from(args, 0, dims, shape, bad_arg, why, why_size)) return false;
    size_t size = shape_size(shape);
    if (!(*data = malloc(size * sizeof **data))) {
        snprintf(why, why_size, "out of memory");
        return false;
    }
    double fill = c->kind == MAKE_ONES ? 1 : c->kind == MAKE_FULL ? args[argc - 1] : 0;
    for (size_t i = 0; i < size; i++)
        (*data)[i] = fill;
    if (c->kind == MAKE_RANDN) {
        if (seed && !(*seed >= 0 && *seed <= 9007199254740992.0 && *seed == floor(*seed))) {
            free(*data);
            *data = NULL;
            *bad_arg = argc; /* the seed comes after the positional numbers */
            snprintf(why, why_size, "a seed must be a whole number from 0 to 2^53, not %g", *seed);
            return false;
        }
        uint64_t state = seed ? (uint64_t)*seed : 0;
        fill_normal(*data, size, seed ? &state : rng);
    }
    return true;
}
