/* fuzz_format.c - libFuzzer target for how numbers and strings are written.
 *
 * The first 8 bytes are a double (any bit pattern), the 9th picks the digits
 * (0..17 and beyond), the rest is a string. It checks that
 *   - fmt_number at FMT_ROUND_TRIP reads back with strtod bit for bit (nan as
 *     "nan"), at 1..17 digits writes exactly printf's "%.*g" (but "0" for
 *     -0), and never fills its FMT_NUMBER_SIZE buffer;
 *   - json_num writes a valid JSON number, or "nan"/"inf"/"-inf" as a
 *     string, that reads back as the same double;
 *   - json_write_string writes one valid JSON string literal that decodes
 *     back to the input bytes, each byte that is not UTF-8 as U+FFFD.
 * Any failure aborts, which libFuzzer reports as a crash. Built and run by
 * `./dev test` (see fuzz_session.c for running it by hand).
 */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "graph/format.h"
#include "graph/utf8.h"
#include "repl/output.h"

/* Reports what broke and aborts, so the fuzzer keeps the input. */
static _Noreturn void fail(const char *what, const char *text) {
    fprintf(stderr, "fuzz_format: %s: \"%s\"\n", what, text);
    abort();
}

/* The text a FILE writer produced, NUL-terminated (caller frees). */
typedef struct {
    char *data;
    size_t size;
    FILE *f;
} Capture;

static void capture_open(Capture *c) {
    c->data = NULL;
    c->size = 0;
    c->f = open_memstream(&c->data, &c->size);
    if (!c->f) abort();
}

static void capture_close(Capture *c) {
    if (fclose(c->f) != 0) abort();
}

/* Bit-identical, so -0 differs from 0 and every nan equals every nan. */
static bool same_double(double a, double b) {
    if (isnan(a) || isnan(b)) return isnan(a) && isnan(b);
    return memcmp(&a, &b, sizeof a) == 0;
}

static void check_fmt_number(double v, int digits) {
    char buf[FMT_NUMBER_SIZE + 1];
    memset(buf, 'x', sizeof buf);
    fmt_number(buf, FMT_NUMBER_SIZE, v, digits);
    if (buf[FMT_NUMBER_SIZE] != 'x') fail("fmt_number wrote past its buffer", "");
    size_t len = strlen(buf);
    if (len == 0 || len >= FMT_NUMBER_SIZE - 1) fail("fmt_number filled its buffer", buf);
    if (digits >= 1 && digits <= FMT_MAX_DIGITS) {
        char ref[64];
        if (v == 0)
            snprintf(ref, sizeof ref, "0");
        else if (isnan(v))
            snprintf(ref, sizeof ref, "nan");
        else
            snprintf(ref, sizeof ref, "%.*g", digits, v);
        if (strcmp(buf, ref) != 0) fail("fmt_number differs from %.*g", buf);
    } else {
        char *end;
        double back = strtod(buf, &end);
        if (*end != '\0' || !same_double(back, v)) fail("round trip lost the value", buf);
        for (int d = 1; d < FMT_MAX_DIGITS && !isnan(v) && !isinf(v); d++) {
            char shorter[64];
            snprintf(shorter, sizeof shorter, "%.*g", d, v);
            if (strtod(shorter, NULL) == v && strlen(shorter) < len)
                fail("round trip is not the shortest", buf);
            if (strtod(shorter, NULL) == v) break;
        }
    }
}

/* A JSON number: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
static bool json_number(const char *s) {
    if (*s == '-') s++;
    if (*s == '0')
        s++;
    else if (*s >= '1' && *s <= '9')
        while (*s >= '0' && *s <= '9')
            s++;
    else
        return false;
    if (*s == '.') {
        if (!(*++s >= '0' && *s <= '9')) return false;
        while (*s >= '0' && *s <= '9')
            s++;
    }
    if (*s == 'e' || *s == 'E') {
        s++;
        if (*s == '+' || *s == '-') s++;
        if (!(*s >= '0' && *s <= '9')) return false;
        while (*s >= '0' && *s <= '9')
            s++;
    }
    return *s == '\0';
}

static void check_json_num(double v) {
    Capture c;
    capture_open(&c);
    json_num(c.f, "k", v);
    capture_close(&c);
    static const char prefix[] = ",\"k\":";
    if (strncmp(c.data, prefix, strlen(prefix)) != 0) fail("json_num key", c.data);
    const char *text = c.data + strlen(prefix);
    double back;
    if (strcmp(text, "\"nan\"") == 0)
        back = NAN;
    else if (strcmp(text, "\"inf\"") == 0)
        back = INFINITY;
    else if (strcmp(text, "\"-inf\"") == 0)
        back = -INFINITY;
    else if (json_number(text))
        back = strtod(text, NULL);
    else
        fail("json_num is not a JSON number", c.data);
    if (!same_double(back, v)) fail("json_num lost the value", c.data);
    free(c.data);
}

static int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Decodes the JSON string literal text[0..len) into out (at least len
 * bytes); false if it is not exactly one valid literal. Escapes of
 * surrogates never occur in what json_write_string writes (it escapes only
 * controls), so they are refused. */
static bool json_string(const char *text, size_t len, char *out, size_t *out_len) {
    if (len < 2 || text[0] != '"' || text[len - 1] != '"') return false;
    size_t n = 0;
    for (size_t i = 1; i < len - 1; i++) {
        unsigned char c = (unsigned char)text[i];
        if (c < 0x20 || c == '"') return false;
        if (c != '\\') {
            out[n++] = (char)c;
            continue;
        }
        if (++i >= len - 1) return false;
        switch (text[i]) {
        case '"': out[n++] = '"'; break;
        case '\\': out[n++] = '\\'; break;
        case '/': out[n++] = '/'; break;
        case 'b': out[n++] = '\b'; break;
        case 'f': out[n++] = '\f'; break;
        case 'n': out[n++] = '\n'; break;
        case 'r': out[n++] = '\r'; break;
        case 't': out[n++] = '\t'; break;
        case 'u': {
            if (i + 4 >= len - 1) return false;
            int code = 0;
            for (int k = 1; k <= 4; k++) {
                int h = hex_digit(text[i + (size_t)k]);
                if (h < 0) return false;
                code = code * 16 + h;
            }
            if (code >= 0xD800 && code <= 0xDFFF) return false;
            if (code < 0x80) {
                out[n++] = (char)code;
            } else if (code < 0x800) { /* as UTF-8: fits, since the escape took 6 bytes */
                out[n++] = (char)(0xC0 | code >> 6);
                out[n++] = (char)(0x80 | (code & 0x3F));
            } else {
                out[n++] = (char)(0xE0 | code >> 12);
                out[n++] = (char)(0x80 | ((code >> 6) & 0x3F));
                out[n++] = (char)(0x80 | (code & 0x3F));
            }
            i += 4;
            break;
        }
        default: return false;
        }
    }
    *out_len = n;
    return true;
}

static void check_json_string(const char *s, size_t len) {
    Capture c;
    capture_open(&c);
    json_write_string(c.f, s, len);
    capture_close(&c);
    char *decoded = malloc(c.size + 1);
    size_t n = 0;
    if (!decoded) abort();
    if (!json_string(c.data, c.size, decoded, &n)) fail("not a JSON string literal", c.data);
    /* What it should decode to: s, each byte that is not UTF-8 as U+FFFD. */
    char *want = malloc(3 * len + 1);
    size_t w = 0;
    if (!want) abort();
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        int k = (uint8_t)s[i] < 0x80 ? 1 : utf8_decode(s + i, s + len, &cp);
        if (k == 0) {
            memcpy(want + w, "\xEF\xBF\xBD", 3);
            w += 3, i++;
        } else {
            memcpy(want + w, s + i, (size_t)k);
            w += (size_t)k, i += (size_t)k;
        }
    }
    if (n != w || memcmp(decoded, want, w) != 0) fail("JSON string changed the text", c.data);
    free(want);
    free(decoded);
    free(c.data);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    double v = 0;
    memcpy(&v, data, size < sizeof v ? size : sizeof v);
    int digits = size > sizeof v ? data[sizeof v] % 20 : FMT_ROUND_TRIP;
    check_fmt_number(v, digits);
    check_fmt_number(v, FMT_ROUND_TRIP);
    check_json_num(v);
    if (size > sizeof v + 1) check_json_string((const char *)data + sizeof v + 1, size - 9);
    return 0;
}
