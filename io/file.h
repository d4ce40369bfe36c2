/* file.h - replacing a file's contents all at once, as an editor saves.
 *
 *     char why[256];
 *     if (!file_replace_bytes("out.svg", data, len, why, sizeof why))
 *         printf("cannot write 'out.svg': %s\n", why);
 *
 * What is written goes to a temporary file beside the destination, which is
 * then renamed over it: a failed or interrupted write never leaves a partial
 * file, and the old contents stay until the new ones are complete.
 *
 * The destination is the path, or, when the path is a symbolic link, the
 * regular file it leads to (the link stays a link, as editors do). A new
 * file gets the mode the umask gives any new file (0644 under umask 022);
 * an existing one keeps its permission bits. Anything that is neither a
 * regular file nor a missing path (a directory, a FIFO, a device such as
 * /dev/null, a socket, a link to a missing file) is refused rather than
 * replaced: renaming over it would destroy it, not write into it.
 *
 * Lives in io/, a library of its own below render/ and repl/ (both write
 * files), because graph/, the engine, does no I/O.
 */
#ifndef BP_FILE_H
#define BP_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Writes a file's contents into f, or itself into the file at temp_path
 * (which f is open on: for libraries that only write to a named file).
 * Returns false with errno set on failure. */
typedef bool FileWriter(FILE *f, const char *temp_path, void *ctx);

/* Replaces the contents of the file at path with what write(f, temp, ctx)
 * writes. On failure returns false with why set to the reason, without the
 * path ("No such file or directory", "it is a FIFO, not a regular file...");
 * nothing at path has changed then. */
bool file_replace(const char *path, FileWriter *write, void *ctx, char *why, size_t why_size);

/* file_replace with the contents data[0..len). */
bool file_replace_bytes(const char *path, const void *data, size_t len, char *why, size_t why_size);

/* Is path (after symbolic links) a regular file? Asked before reading one:
 * opening a FIFO waits for a writer, and a device such as /dev/zero never
 * ends. False with why set ("it is a FIFO, not a regular file (backprop
 * reads only regular files)", "No such file or directory") otherwise. */
bool file_is_regular(const char *path, char *why, size_t why_size);

#endif
