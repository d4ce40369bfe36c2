/* array.c - reading a data file whole, and what both readers share. The
 * formats themselves are in npy.c and csv.c. */
#include "array_parts.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

bool array_refuse(char *why, size_t why_size, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, why_size, fmt, ap);
    va_end(ap);
    return false;
}

bool array_alloc(Array *out, const Shape *shape, char *why, size_t why_size) {
    size_t size = shape_size(shape);
    out->data = malloc(size * sizeof *out->data);
    if (!out->data) return array_refuse(why, why_size, "out of memory for %zu numbers", size);
    out->shape = *shape;
    return true;
}

void array_free(Array *a) {
    free(a->data);
    *a = (Array){{0, {0}}, NULL};
}

/* Reads all of fd into *bytes (malloc'd) and *len, refusing more than
 * ARRAY_MAX_FILE bytes before reading them when the file says its size. */
static bool read_all(int fd, unsigned char **bytes, size_t *len, char *why, size_t why_size) {
    struct stat st;
    if (fstat(fd, &st) != 0) return array_refuse(why, why_size, "%s", strerror(errno));
    if (S_ISDIR(st.st_mode)) return array_refuse(why, why_size, "it is a directory, not a file");
    /* A device never ends (/dev/zero) or is not data (/dev/tty); a pipe is
     * read to its end, so `load("/dev/stdin")` and <(...) work. */
    if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode))
        return array_refuse(why, why_size, "it is a device, not a file");
    if (S_ISREG(st.st_mode) && (uint64_t)st.st_size > ARRAY_MAX_FILE)
        return array_refuse(why, why_size, "the file is %jd bytes: the limit is %llu",
                            (intmax_t)st.st_size, (unsigned long long)ARRAY_MAX_FILE);
    /* One byte more than the size, so the read that finds the end needs no
     * second buffer; pipes and files that grow start at 64 KiB and double. */
    size_t cap = S_ISREG(st.st_mode) ? (size_t)st.st_size + 1 : 65536, n = 0;
    unsigned char *buf = malloc(cap);
    for (;;) {
        if (!buf) return array_refuse(why, why_size, "out of memory reading the file");
        if (n == cap) {
            unsigned char *grown = realloc(buf, cap * 2);
            if (!grown) free(buf);
            buf = grown, cap *= 2;
            continue;
        }
        ssize_t got = read(fd, buf + n, cap - n);
        if (got < 0 && errno == EINTR) continue;
        if (got < 0) {
            int err = errno;
            free(buf);
            return array_refuse(why, why_size, "%s", strerror(err));
        }
        if (got == 0) break;
        n += (size_t)got;
        if (n > ARRAY_MAX_FILE) {
            free(buf);
            return array_refuse(why, why_size, "the file is over %llu bytes, the limit",
                                (unsigned long long)ARRAY_MAX_FILE);
        }
    }
    *bytes = buf;
    *len = n;
    return true;
}

bool array_read_file(const char *path, Array *out, char *why, size_t why_size) {
    *out = (Array){{0, {0}}, NULL};
    int fd = open(path, O_RDONLY);
    if (fd < 0) return array_refuse(why, why_size, "%s", strerror(errno));
    unsigned char *bytes;
    size_t len;
    bool ok = read_all(fd, &bytes, &len, why, why_size);
    close(fd);
    if (!ok) return false;
    /* 0x93 opens NumPy's magic string and can start no line of text. */
    if (len > 0 && bytes[0] == 0x93)
        ok = array_read_npy(bytes, len, out, why, why_size);
    else
        ok = array_read_csv((const char *)bytes, len, out, why, why_size);
    free(bytes);
    return ok;
}
