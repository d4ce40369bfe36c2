/* warning.h - warnings about values that are nan or infinite, naming the
 * node that first produced one from finite inputs:
 *
 *     bp> x = -1; y = log(x)
 *     y = nan
 *     warning: y = nan: nan first appears at log(x) (x = -1)
 *
 * and about a formula that a definition turns into an input:
 *
 *     bp> b = 5
 *     b = 5
 *     warning: b is now an input; it no longer depends on a
 *
 * A warning is built while the statement's nodes exist (a definition
 * without names becomes a leaf and loses them) and printed after the value.
 */
#ifndef BP_WARNING_H
#define BP_WARNING_H

#include "../graph/strbuf.h"
#include "session.h"

typedef struct {
    StrBuf name;    /* what the value is called; empty for a bare expression */
    StrBuf message; /* "y = nan: nan first appears at log(x) (x = -1)" */
    StrBuf at;      /* the origin's expression, or empty for an input or number */
} Warning;

/* If node's value has a nan or an infinity, fills w (which the caller
 * releases with warning_free) and returns true; else returns false and w
 * holds nothing. name[0..name_len) labels the value; NULL for a bare
 * expression. */
bool warning_find(Session *s, const char *name, int name_len, NodeId node, Warning *w);

/* For a definition that turns the derived node `old` into an input (b = 5
 * after b = a * 2), fills w with "b is now an input; it no longer depends
 * on a" (the names old's expression reads directly, the first few) and
 * returns true; false, holding nothing, if it reads no names or memory ran
 * out. Call it before the definition replaces old's expression. */
bool warning_now_input(const Session *s, const char *name, int name_len, NodeId old, Warning *w);

/* Writes the warning to s->out: a `warning: ...` line, or a JSON object of
 * kind "warning" with name, message and at. */
void warning_print(Session *s, const Warning *w);

void warning_free(Warning *w);

/* warning_find + warning_print for a node that stays in the graph. Returns
 * whether it warned. */
bool session_warn_nonfinite(Session *s, const char *name, NodeId node);

#endif
