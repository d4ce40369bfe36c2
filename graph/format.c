/* format.c - number formatting. */
#include "format.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

char *fmt_number(char *buf, size_t size, double v, int digits) {
    if (isnan(v)) {
        snprintf(buf, size, "nan");
    } else if (isinf(v)) {
        snprintf(buf, size, v < 0 ? "-inf" : "inf");
    } else if (digits >= 1 && digits <= FMT_MAX_DIGITS) {
        /* A learner reading "-0" next to a gradient would look for a sign
         * that means nothing here. */
        snprintf(buf, size, "%.*g", digits, v == 0 ? 0.0 : v);
    } else {
        for (int d = 15; d <= FMT_MAX_DIGITS; d++) {
            snprintf(buf, size, "%.*g", d, v);
            if (strtod(buf, NULL) == v) break;
        }
    }
    return buf;
}
