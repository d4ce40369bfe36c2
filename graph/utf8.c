/* utf8.c - decoding UTF-8 and escaping text from outside for display. */
#include "utf8.h"

#include <stdio.h>

int utf8_decode(const char *p, const char *end, uint32_t *cp) {
    uint8_t b = (uint8_t)p[0];
    int len = b < 0x80             ? 1
              : (b & 0xE0) == 0xC0 ? 2
              : (b & 0xF0) == 0xE0 ? 3
              : (b & 0xF8) == 0xF0 ? 4
                                   : 0;
    if (len == 0 || end - p < len) return 0;
    uint32_t c = len == 1 ? b : len == 2 ? b & 0x1Fu : len == 3 ? b & 0x0Fu : b & 0x07u;
    for (int i = 1; i < len; i++) {
        if (((uint8_t)p[i] & 0xC0) != 0x80) return 0;
        c = (c << 6) | ((uint8_t)p[i] & 0x3Fu);
    }
    static const uint32_t min_for_len[] = {0, 0, 0x80, 0x800, 0x10000};
    if (c < min_for_len[len] || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) return 0;
    *cp = c;
    return len;
}

bool utf8_is_control(uint32_t c) {
    return c < 0x20 || (c >= 0x7F && c <= 0x9F) || c == 0x061C || c == 0x200E || c == 0x200F ||
           (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069);
}

/* Does byte c need a look before it is copied? Plain ASCII other than the
 * controls, '"' and '\\' never does: most text is copied in runs. */
static bool plain(uint8_t c) {
    return c >= 0x20 && c < 0x7F && c != '"' && c != '\\';
}

bool utf8_is_printable(const char *s, size_t len) {
    const char *end = s + len;
    for (const char *p = s; p < end;) {
        uint8_t b = (uint8_t)*p;
        if (b < 0x80) { /* most names are ASCII: a comparison a byte */
            if ((uint8_t)(b - 0x20) >= 0x5F) return false; /* below ' ', or DEL */
            p++;
            continue;
        }
        uint32_t c;
        int n = utf8_decode(p, end, &c);
        if (n == 0 || utf8_is_control(c)) return false;
        p += n;
    }
    return true;
}

size_t utf8_valid_length(const char *s, size_t len) {
    const char *p = s, *end = s + len;
    while (p < end) {
        uint32_t c;
        int n = (uint8_t)*p < 0x80 ? 1 : utf8_decode(p, end, &c);
        if (n == 0) break;
        p += n;
    }
    return (size_t)(p - s);
}

/* One control code point, escaped in style. */
static void escape_control(StrBuf *sb, uint32_t c, Utf8Style style) {
    if (style == UTF8_JSON && c == '\n')
        sb_puts(sb, "\\n");
    else if (style == UTF8_JSON && c == '\t')
        sb_puts(sb, "\\t");
    else if (style == UTF8_TEXT && c == '\t')
        sb_append(sb, "\t", 1);
    else if (style == UTF8_TEXT && c < 0x80)
        sb_printf(sb, "\\x%02x", (unsigned)c);
    else
        sb_printf(sb, "\\u%04x", (unsigned)c);
}

void utf8_escape(StrBuf *sb, const char *s, size_t len, Utf8Style style) {
    const char *end = s + len, *run = s; /* run: bytes copied as they are */
    for (const char *p = s; p < end;) {
        if (plain((uint8_t)*p)) {
            p++;
            continue;
        }
        uint32_t c = (uint8_t)*p;
        int n = c < 0x80 ? 1 : utf8_decode(p, end, &c);
        if (n > 0 && !utf8_is_control(c) && (style == UTF8_TEXT || (c != '"' && c != '\\'))) {
            p += n;
            continue;
        }
        sb_append(sb, run, (size_t)(p - run));
        if (n == 0 && style == UTF8_TEXT)
            sb_printf(sb, "\\x%02x", (unsigned)(uint8_t)*p);
        else if (n == 0)
            sb_puts(sb, "\xEF\xBF\xBD"); /* U+FFFD REPLACEMENT CHARACTER */
        else if (c == '"' || c == '\\')
            sb_printf(sb, "\\%c", (char)c);
        else
            escape_control(sb, c, style);
        p += n > 0 ? n : 1;
        run = p;
    }
    sb_append(sb, run, (size_t)(end - run));
}
