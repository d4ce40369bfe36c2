/* timing.h - what every benchmark program here needs: a clock, a median,
 * and positive whole-number arguments. */
#ifndef BP_BENCH_TIMING_H
#define BP_BENCH_TIMING_H

#include <stdlib.h>
#include <time.h>

/* Milliseconds on the monotonic clock. */
static inline double bench_now_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static inline int bench_compare_doubles(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Sorts xs[0..n) in place and returns their median. */
static inline double bench_median(double *xs, int n) {
    qsort(xs, (size_t)n, sizeof *xs, bench_compare_doubles);
    return n % 2 ? xs[n / 2] : (xs[n / 2 - 1] + xs[n / 2]) / 2;
}

/* A command-line count: fallback when absent, -1 unless a whole number >= 1. */
static inline long bench_arg(const char *arg, long fallback) {
    if (!arg) return fallback;
    char *end;
    long v = strtol(arg, &end, 10);
    return (*end || v < 1) ? -1 : v;
}

#endif
