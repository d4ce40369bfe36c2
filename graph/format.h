/* format.h - numbers as people read them.
 *
 * fmt_number(buf, sizeof buf, 220.00000000000003, 12) writes "220": at most
 * `digits` significant digits, trailing zeros dropped, so float noise never
 * shows. digits = FMT_ROUND_TRIP writes the shortest text that reads back as
 * the identical double ("0.1", not "0.10000000000000001").
 */
#ifndef BP_FORMAT_H
#define BP_FORMAT_H

#include <stddef.h>

enum {
    FMT_ROUND_TRIP = 0, /* shortest exact text */
    FMT_DEFAULT_DIGITS = 12,
    FMT_MAX_DIGITS = 17,
    FMT_NUMBER_SIZE = 32 /* enough for any formatted double */
};

/* Writes v into buf (size >= FMT_NUMBER_SIZE is always enough) and returns
 * buf. nan, inf and -inf are written as such; -0 is written as "0" unless
 * digits is FMT_ROUND_TRIP. digits outside 1..17 mean FMT_ROUND_TRIP. */
char *fmt_number(char *buf, size_t size, double v, int digits);

#endif
