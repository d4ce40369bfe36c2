/* chain.h - the benchmark chain, shared by gen_chain.c and update_bench.c.
 *
 * x0 = 0.5 is the leaf; link i (i >= 1) computes x<i> from x<i-1>:
 *   every 8th link     x<i> = sigmoid(x<i-1>)
 *   other odd links    x<i> = x<i-1> * 1.0000001
 *   other even links   x<i> = x<i-1> + 0.000001
 */
#ifndef BP_BENCH_CHAIN_H
#define BP_BENCH_CHAIN_H

#include <math.h>
#include <stdio.h>

#define CHAIN_LEAF_VALUE "0.5"

/* Writes the right-hand side of link i (i >= 1) into buf. */
static inline void chain_link_expr(long i, char *buf, size_t size) {
    if (i % 8 == 0)
        snprintf(buf, size, "sigmoid(x%ld)", i - 1);
    else if (i % 2 == 1)
        snprintf(buf, size, "x%ld * 1.0000001", i - 1);
    else
        snprintf(buf, size, "x%ld + 0.000001", i - 1);
}

/* Link i computed directly in C: the reference the benchmarks check against. */
static inline double chain_link_value(long i, double previous) {
    if (i % 8 == 0) return 1 / (1 + exp(-previous));
    if (i % 2 == 1) return previous * 1.0000001;
    return previous + 0.000001;
}

#endif
