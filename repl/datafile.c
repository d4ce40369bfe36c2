/* datafile.c - folders, relative paths and quoting for data files. */
#define _XOPEN_SOURCE 700 /* realpath */
#include "datafile.h"

#include <stdlib.h>
#include <string.h>

#include "../graph/utf8.h"

char *datafile_folder(const char *path) {
    const char *slash = strrchr(path, '/');
    if (!slash) return NULL;
    return strndup(path, slash == path ? 1 : (size_t)(slash - path));
}

char *datafile_resolve(const char *dir, const char *written) {
    if (!dir || written[0] == '/') return strdup(written);
    size_t d = strlen(dir), w = strlen(written);
    bool slash = d > 0 && dir[d - 1] == '/';
    char *path = malloc(d + !slash + w + 1);
    if (!path) return NULL;
    memcpy(path, dir, d);
    if (!slash) path[d++] = '/';
    memcpy(path + d, written, w + 1);
    return path;
}

char *datafile_absolute(const char *path) {
    return realpath(path, NULL);
}

char *datafile_relative(const char *from, const char *file) {
    /* The longest common folder: whole components only (/a/b is not in /a/bc). */
    size_t common = 0;
    for (size_t i = 0; from[i] && from[i] == file[i]; i++)
        if (from[i] == '/') common = i + 1;
    size_t flen = strlen(from);
    if (strncmp(from, file, flen) == 0 && (file[flen] == '/' || flen == 1))
        common = flen == 1 ? 1 : flen + 1; /* file is inside from (from may be "/") */
    size_t ups = 0;
    for (size_t i = common; i < flen; i++)
        ups += from[i] == '/';
    if (common < flen) ups++; /* the last component of from, which has no '/' after it */
    const char *rest = file + common;
    char *out = malloc(3 * ups + strlen(rest) + 1);
    if (!out) return NULL;
    char *p = out;
    for (size_t i = 0; i < ups; i++, p += 3)
        memcpy(p, "../", 3);
    strcpy(p, rest);
    return out;
}

bool datafile_quote(const char *text, StrBuf *out) {
    size_t len = strlen(text);
    if (utf8_valid_length(text, len) != len) return false;
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)text[i] < 0x20 || text[i] == 0x7f) return false;
    sb_append(out, "\"", 1);
    for (size_t i = 0; i < len; i++) {
        if (text[i] == '"' || text[i] == '\\') sb_append(out, "\\", 1);
        sb_append(out, text + i, 1);
    }
    sb_append(out, "\"", 1);
    return true;
}
