/* rng.h - a tiny PRNG for generated tests: xorshift64*, its state passed
 * explicitly, so a seed replays the same cases on every machine. In C:
 *
 *     Rng r = {42};
 *     int k = rng_below(&r, 6);            // 0..5
 *     double x = rng_range(&r, -2, 2);     // uniform in [-2, 2]
 */
#ifndef BP_TEST_RNG_H
#define BP_TEST_RNG_H

#include <stdint.h>

typedef struct {
    uint64_t state; /* never 0 */
} Rng;

static inline uint64_t rng_next(Rng *r) {
    uint64_t x = r->state;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    r->state = x;
    return x * 0x2545F4914F6CDD1DULL;
}

/* Uniform in [0, n). */
static inline int rng_below(Rng *r, int n) {
    return (int)((rng_next(r) >> 33) % (uint64_t)n);
}

/* Uniform in [lo, hi]. */
static inline double rng_range(Rng *r, double lo, double hi) {
    return lo + (hi - lo) * (double)(rng_next(r) >> 11) * 0x1.0p-53;
}

#endif
