/* datafile.h - where a data file is: the paths of load("...") and :export.
 *
 * A script names its data relative to its own folder, so it runs from
 * anywhere; at the prompt and in -e, relative to the current folder. In C:
 *
 *     char *dir = datafile_folder("examples/digits.bp");        // "examples"
 *     char *file = datafile_resolve(dir, "data/digits.npy");    // "examples/data/digits.npy"
 *     char *back = datafile_relative("/home/a/notes", "/home/a/data/x.npy"); // "../data/x.npy"
 *     free(dir), free(file), free(back);
 *
 * :save writes a loaded leaf as the load(...) call, its path made relative to
 * the saved script's folder (datafile_relative) and quoted (datafile_quote),
 * so the saved script finds the file wherever it is run from.
 */
#ifndef BP_DATAFILE_H
#define BP_DATAFILE_H

#include <stdbool.h>
#include <stdlib.h> /* free, for the strings these return */

#include "../graph/strbuf.h"

/* The folder of the file at path, for resolving what it names: "examples"
 * for "examples/digits.bp", "/" for "/x.bp", NULL for "digits.bp" (the
 * current folder) or when memory ran out. The string is the caller's. */
char *datafile_folder(const char *path);

/* The path of the file `written` names from folder dir (NULL: the current
 * folder): written itself when it is absolute or dir is NULL, else
 * dir/written. The string is the caller's; NULL if memory ran out. */
char *datafile_resolve(const char *dir, const char *written);

/* The absolute path of the existing file or folder at path, without `.`,
 * `..`, repeated slashes or symbolic links (realpath). The string is the
 * caller's; NULL if there is no such file or memory ran out. */
char *datafile_absolute(const char *path);

/* The path from folder `from` to `file`, both absolute and without `.`,
 * `..` or repeated slashes (as realpath gives them): "x.npy",
 * "data/x.npy", "../x.npy". The string is the caller's; NULL if memory
 * ran out. */
char *datafile_relative(const char *from, const char *file);

/* Appends text as a string literal of the language ("data/x.npy", with `"`
 * and `\` escaped) to out. False, appending nothing, when no literal can
 * hold it: a control character (a newline ends a line of source) or bytes
 * that are not UTF-8. */
bool datafile_quote(const char *text, StrBuf *out);

#endif
