/* file.c - replacing a file's contents through a temporary file. */
#define _XOPEN_SOURCE 700 /* realpath is X/Open, beyond the build's _POSIX_C_SOURCE */
#include "file.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* What a file that is not a regular one is, for the refusal. */
static const char *kind_of(mode_t mode) {
    if (S_ISDIR(mode)) return "a directory";
    if (S_ISFIFO(mode)) return "a FIFO";
    if (S_ISCHR(mode)) return "a character device";
    if (S_ISBLK(mode)) return "a block device";
    if (S_ISSOCK(mode)) return "a socket";
    return "a special file";
}

bool file_is_regular(const char *path, char *why, size_t why_size) {
    struct stat st;
    if (stat(path, &st) != 0) {
        snprintf(why, why_size, "%s", strerror(errno));
        return false;
    }
    if (S_ISREG(st.st_mode)) return true;
    snprintf(why, why_size, "it is %s, not a regular file (backprop reads only regular files)",
             kind_of(st.st_mode));
    return false;
}

/* The mode a new file gets: 0666 less the umask, which can only be read by
 * setting it (backprop is single-threaded, so nothing sees the moment it
 * is 0). */
static mode_t new_file_mode(void) {
    mode_t mask = umask(0);
    umask(mask);
    return 0666 & ~mask;
}

/* Where to write for path: *target (malloc'd: path itself, or the file a
 * symbolic link leads to) and the mode the written file gets. False with
 * why set if path is something that must not be replaced. */
static bool find_target(const char *path, char **target, mode_t *mode, char *why, size_t why_size) {
    struct stat st;
    *target = NULL;
    if (lstat(path, &st) != 0) {
        if (errno != ENOENT) {
            snprintf(why, why_size, "%s", strerror(errno));
            return false;
        }
        *mode = new_file_mode(); /* a new file; a missing directory fails later */
        *target = strdup(path);
    } else if (S_ISLNK(st.st_mode)) {
        if (stat(path, &st) != 0) {
            snprintf(why, why_size, "%s",
                     errno == ENOENT ? "it is a symbolic link to a missing file" : strerror(errno));
            return false;
        }
        if (!S_ISREG(st.st_mode)) {
            snprintf(why, why_size,
                     "it is a symbolic link to %s, not to a regular file (backprop writes "
                     "only regular files)",
                     kind_of(st.st_mode));
            return false;
        }
        *mode = st.st_mode & 0777;
        *target = realpath(path, NULL);
    } else if (!S_ISREG(st.st_mode)) {
        snprintf(why, why_size, "it is %s, not a regular file (backprop writes only regular files)",
                 kind_of(st.st_mode));
        return false;
    } else {
        *mode = st.st_mode & 0777; /* permission bits only: never set-user-ID */
        *target = strdup(path);
    }
    if (!*target) snprintf(why, why_size, "%s", strerror(errno));
    return *target != NULL;
}

bool file_replace(const char *path, FileWriter *write, void *ctx, char *why, size_t why_size) {
    char *target;
    mode_t mode;
    if (!find_target(path, &target, &mode, why, why_size)) return false;
    /* Beside the target, so the rename stays on one file system. */
    size_t n = strlen(target) + 16;
    char *tmp = malloc(n);
    FILE *f = NULL;
    int fd = -1;
    if (tmp) {
        snprintf(tmp, n, "%s.tmp.XXXXXX", target);
        fd = mkstemp(tmp); /* mode 0600, so: */
        if (fd >= 0 && fchmod(fd, mode) == 0) f = fdopen(fd, "w");
    }
    bool ok = f && write(f, tmp, ctx) && !ferror(f);
    int err = errno;
    if (f && fclose(f) != 0 && ok) ok = false, err = errno;
    if (!f && fd >= 0) close(fd);
    if (ok && rename(tmp, target) != 0) ok = false, err = errno;
    if (!ok) {
        snprintf(why, why_size, "%s", strerror(err ? err : EIO));
        if (fd >= 0) unlink(tmp);
    }
    free(tmp);
    free(target);
    return ok;
}

typedef struct {
    const void *data;
    size_t len;
} Bytes;

static bool write_bytes(FILE *f, const char *temp_path, void *ctx) {
    (void)temp_path;
    const Bytes *b = ctx;
    return fwrite(b->data, 1, b->len, f) == b->len;
}

bool file_replace_bytes(const char *path, const void *data, size_t len, char *why,
                        size_t why_size) {
    Bytes b = {data, len};
    return file_replace(path, write_bytes, &b, why, why_size);
}
