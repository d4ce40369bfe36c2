/* digits.h - counting the significant digits of a number as text, for tests
 * that check how many a writer used:
 *
 *     significant_digits("0.00120")   // 2
 *     significant_digits("1.2e-03")   // 2
 *     significant_digits("157.5\n…")  // 4: it stops at the line's end
 */
#ifndef BP_TEST_DIGITS_H
#define BP_TEST_DIGITS_H

#include <stdbool.h>

/* Leading zeros do not count, nor trailing ones; an exponent ends the
 * number, and so does a line end. "0" has 1. */
static inline int significant_digits(const char *text) {
    int count = 0, zeros = 0;
    bool started = false;
    for (const char *p = text; *p && *p != 'e' && *p != 'E' && *p != '\n'; p++) {
        if (*p < '0' || *p > '9') continue;
        if (*p == '0' && !started) continue;
        started = true;
        if (*p == '0') {
            zeros++;
        } else {
            count += zeros + 1;
            zeros = 0;
        }
    }
    return count == 0 ? 1 : count;
}

#endif
