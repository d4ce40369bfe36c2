/* strbuf.c - growable string. */
#include "strbuf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char empty[1];

void sb_init(StrBuf *sb) {
    sb->data = empty;
    sb->len = 0;
    sb->cap = 0;
    sb->failed = false;
}

void sb_free(StrBuf *sb) {
    if (sb->cap) free(sb->data);
    sb_init(sb);
}

void sb_clear(StrBuf *sb) {
    sb->len = 0;
    if (sb->cap) sb->data[0] = '\0';
    sb->failed = false;
}

void sb_truncate(StrBuf *sb, size_t len) {
    if (len >= sb->len) return;
    sb->len = len;
    sb->data[len] = '\0';
}

/* Makes room for `extra` more bytes plus the terminator. */
static bool reserve(StrBuf *sb, size_t extra) {
    if (sb->failed) return false;
    if (sb->len + extra + 1 <= sb->cap) return true;
    size_t cap = sb->cap ? sb->cap : 64;
    while (cap < sb->len + extra + 1)
        cap *= 2;
    char *data = realloc(sb->cap ? sb->data : NULL, cap);
    if (!data) {
        sb->failed = true;
        return false;
    }
    if (!sb->cap) data[0] = '\0';
    sb->data = data;
    sb->cap = cap;
    return true;
}

void sb_append(StrBuf *sb, const char *s, size_t n) {
    if (!reserve(sb, n)) return;
    memcpy(sb->data + sb->len, s, n);
    sb->len += n;
    sb->data[sb->len] = '\0';
}

void sb_puts(StrBuf *sb, const char *s) {
    sb_append(sb, s, strlen(s));
}

void sb_vprintf(StrBuf *sb, const char *fmt, va_list ap) {
    va_list again;
    va_copy(again, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    if (n >= 0 && reserve(sb, (size_t)n)) {
        vsnprintf(sb->data + sb->len, (size_t)n + 1, fmt, again);
        sb->len += (size_t)n;
    }
    va_end(again);
}

void sb_printf(StrBuf *sb, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    sb_vprintf(sb, fmt, ap);
    va_end(ap);
}
