/* format.c - number formatting.
 *
 * fmt_number must print exactly what printf's "%.*g" prints, but printf's
 * exact multi-precision conversion dominated the time of long scripts (one
 * result per line). So the common case takes a fast path: scale the number
 * into a `digits`-digit integer, exactly (the product and its rounding
 * error, by fma), and fall back to printf whenever that integer's rounding
 * is within a margin of a tie.
 */
#include "format.h"

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { FAST_MAX_DIGITS = 15, MAX_POW = 22 };

/* 10^0 .. 10^22: the powers of ten a double holds exactly. */
static const double pow10_table[MAX_POW + 1] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                                1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                                1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

/* Writes the last n <= 8 digits of m (leading zeros included) into d, two
 * at a time. */
static void digits8(uint32_t m, int n, char *d) {
    static const char pairs[] = "00010203040506070809101112131415161718192021222324"
                                "25262728293031323334353637383940414243444546474849"
                                "50515253545556575859606162636465666768697071727374"
                                "75767778798081828384858687888990919293949596979899";
    int i = n;
    for (; i >= 2; i -= 2, m /= 100) {
        d[i - 2] = pairs[2 * (m % 100)];
        d[i - 1] = pairs[2 * (m % 100) + 1];
    }
    if (i == 1) d[0] = (char)('0' + m % 10);
}

/* Writes the last n <= 16 digits of m into d: in two halves whose chains of
 * divisions do not wait for each other. */
static void digits_of(uint64_t m, int n, char *d) {
    if (n <= 8) {
        digits8((uint32_t)m, n, d);
        return;
    }
    digits8((uint32_t)(m / 100000000), n - 8, d);
    digits8((uint32_t)(m % 100000000), 8, d + n - 8);
}

/* "%.*g" for finite nonzero v, or false when the fast path cannot be sure.
 * a·10^k is computed exactly as hi + lo (fma gives the product's rounding
 * error), so the digits and the rounding direction are exact; an exact or
 * near tie goes to printf, which breaks ties the way it always does. */
static bool fast_g(char *buf, size_t size, double v, int digits) {
    double a = fabs(v);
    if (digits > FAST_MAX_DIGITS || !(a >= 1e-7 && a < 1e15) || size < FMT_NUMBER_SIZE)
        return false;
    /* log10 from the binary exponent (a is normal here; 78913 / 2^18 is
     * log10(2) to 6 digits), rounded down; maybe 1 too small, which the loop
     * below corrects. No libm call: this was a fifth of the time. */
    uint64_t bits;
    memcpy(&bits, &a, sizeof bits);
    int64_t e2 = (int64_t)(bits >> 52) - 1023 + (1 << 18); /* + 2^18: shift a positive number */
    int e = (int)((e2 * 78913 >> 18) - 78913);
    double hi = 0, lo = 0;
    for (int tries = 0; tries < 3; tries++) {
        int k = digits - 1 - e;
        if (k < 0 || k > MAX_POW) return false;
        hi = a * pow10_table[k];
        lo = fma(a, pow10_table[k], -hi);
        if (hi < pow10_table[digits - 1])
            e--;
        else if (hi >= pow10_table[digits])
            e++;
        else
            break;
    }
    if (hi < pow10_table[digits - 1] || hi >= pow10_table[digits]) return false;
    uint64_t whole = (uint64_t)hi; /* hi < 10^15 < 2^53: exact */
    double frac = (hi - (double)whole) + lo;
    /* Short decimals (0.107) sit just below an integer that hi rounded up
     * to: step down one so frac is in [0, 1) instead of giving up. */
    if (frac < 0 && whole > 0) {
        whole--;
        frac += 1;
    }
    if (fabs(frac - 0.5) < 1e-9 || frac < 0 || frac >= 1) return false;
    uint64_t m = whole + (frac > 0.5);
    if (m == (uint64_t)pow10_table[digits]) { /* 9.99…5 rounded up a decade */
        m /= 10;
        e++;
    }
    /* Digits are written straight to their places in buf (at most 22 bytes:
     * '-', "0.000" or "e-07", 15 digits): a loop copying a few bytes compiles
     * to `rep movsb`, whose start-up cost was a third of the whole call. */
    int len = 0;
    if (v < 0) buf[len++] = '-';
    bool scientific = e < -4 || e >= digits; /* as %g decides */
    if (!scientific && e < 0) {
        memcpy(buf + len, "0.0000", 6); /* 0.000ddd: -e-1 zeros after the point */
        len += 2 + (-e - 1);
        digits_of(m, digits, buf + len);
        len += digits;
    } else {
        int before = scientific ? 1 : e + 1; /* digits before the point */
        int after = digits - before;
        uint64_t scale = (uint64_t)pow10_table[after];
        digits_of(m / scale, before, buf + len);
        len += before;
        buf[len] = '.';
        digits_of(m % scale, after, buf + len + 1);
        len += after > 0 ? after + 1 : 0;
    }
    /* Trailing zeros of a fraction go, and then a bare point. There is a
     * fraction unless the digits are all before the point. */
    if (scientific || e < digits - 1) {
        while (buf[len - 1] == '0') /* stops at '.' or a digit: m >= 10^(digits-1) */
            len--;
        if (buf[len - 1] == '.') len--;
    }
    if (scientific) { /* |e| <= 15 here */
        buf[len++] = 'e';
        buf[len++] = e < 0 ? '-' : '+';
        buf[len++] = (char)('0' + abs(e) / 10);
        buf[len++] = (char)('0' + abs(e) % 10);
    }
    buf[len] = '\0';
    return true;
}

/* Does "%.*g" with d digits read back as exactly v? */
static bool reads_back(double v, int d) {
    char text[FMT_NUMBER_SIZE + 8];
    snprintf(text, sizeof text, "%.*g", d, v);
    return strtod(text, NULL) == v;
}

/* The fewest significant digits that read back as v (finite). Where the
 * doubles around v are evenly spaced, more digits never lose v (the nearer
 * decimal stays inside the symmetric interval that reads back as v), so a
 * binary search over 1..17 takes five tries. At a power of two the interval
 * is narrower below than above, a longer decimal can fall out of it while a
 * shorter one is in, so those few values are searched one digit at a time.
 * (Starting at 15, as this once did, gave "41249168000000" for 4.1249168e13.) */
static int fewest_digits(double v) {
    uint64_t bits;
    memcpy(&bits, &v, sizeof bits);
    bool power_of_two = (bits & ((UINT64_C(1) << 52) - 1)) == 0;
    if (power_of_two) {
        int d = 1;
        while (d < FMT_MAX_DIGITS && !reads_back(v, d))
            d++;
        return d;
    }
    int lo = 1, hi = FMT_MAX_DIGITS; /* 17 digits always read back */
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        if (reads_back(v, mid))
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo;
}

/* The shortest "%g" text that reads back as v (finite): the fewest digits,
 * written out in full instead when %g chose an exponent but the number is
 * those digits followed by zeros and no longer that way: 100 is "100", not
 * "1e+02"; 1e5 stays "1e+05", and 4.1249168e13 stays so too. */
static void shortest(char *buf, size_t size, double v) {
    int d = fewest_digits(v);
    snprintf(buf, size, "%.*g", d, v);
    const char *e = strchr(buf, 'e');
    int x = e ? atoi(e + 1) : -1; /* the decimal exponent, when written */
    if (x < d || x + 1 > FMT_NUMBER_SIZE - 8) return;
    char plain[FMT_NUMBER_SIZE];
    snprintf(plain, sizeof plain, "%.*g", x + 1, v); /* every digit before the point */
    if (strlen(plain) > strlen(buf)) return;
    /* The same digits, then only zeros: nothing made up past the d-th. */
    const char *p = plain + (v < 0);
    for (const char *q = buf + (v < 0); q < e; q++)
        if (*q != '.' && *q != *p++) return;
    for (; *p; p++)
        if (*p != '0') return;
    snprintf(buf, size, "%s", plain);
}

char *fmt_number(char *buf, size_t size, double v, int digits) {
    if (isnan(v)) {
        snprintf(buf, size, "nan");
    } else if (isinf(v)) {
        snprintf(buf, size, v < 0 ? "-inf" : "inf");
    } else if (digits >= 1 && digits <= FMT_MAX_DIGITS) {
        /* A learner reading "-0" next to a gradient would look for a sign
         * that means nothing here. */
        if (v == 0)
            snprintf(buf, size, "0");
        else if (!fast_g(buf, size, v, digits))
            snprintf(buf, size, "%.*g", digits, v);
    } else {
        shortest(buf, size, v);
    }
    return buf;
}
