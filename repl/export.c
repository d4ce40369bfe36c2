/* export.c - :export, a value or a gradient written as a NumPy .npy file.
 *
 *     :export W w.npy          the value of W
 *     :export ∂W dW.npy        ∂target/∂W, as :grad W shows it
 *     :export W dW.npy --grad  the same, typed without ∂
 */
#include <stdlib.h>
#include <string.h>

#include "../io/array.h"
#include "command.h"
#include "datafile.h"
#include "output.h"
#include "suggest.h"

static const char partial[] = "∂"; /* U+2202, three bytes of UTF-8 */

/* What :export was asked for. */
typedef struct {
    char *name, *file; /* malloc'd: the name without ∂, the file as written */
    Token name_at, file_at;
    bool grad;
} ExportArgs;

/* Reads NAME or ∂NAME, FILE and --grad (in any order, the name first of
 * the two words). False after reporting an error. */
static bool export_args(Command *c, ExportArgs *a) {
    Word w;
    while (cmd_next_word(c, &w) && w.text) {
        if (!w.quoted && strncmp(w.text, "--", 2) == 0) {
            bool known = strcmp(w.text, "--grad") == 0;
            if (!known)
                cmd_error_at(c, &w.at, "unknown option '%s' (:export takes --grad)", w.text);
            free(w.text);
            if (!known) return false;
            a->grad = true;
            continue;
        }
        if (a->file) {
            cmd_error_at(c, &w.at, "one name and one file: '%s' is a third argument", w.text);
            free(w.text);
            return false;
        }
        if (a->name) {
            a->file = w.text, a->file_at = w.at;
        } else {
            a->name = w.text, a->name_at = w.at;
        }
    }
    if (w.at.type == TOK_ERROR || (!w.text && w.at.type != TOK_EOF)) return false;
    if (!a->name || !a->file)
        return cmd_error(c, ":export needs a name and a file: :export W w.npy, or :export ∂W "
                            "dW.npy for its gradient");
    size_t n = strlen(partial);
    if (strncmp(a->name, partial, n) == 0) {
        memmove(a->name, a->name + n, strlen(a->name + n) + 1);
        a->grad = true;
    }
    return true;
}

/* The value to write: the node's, or its gradient from a backward pass of
 * the target run now (as :grad does). False after reporting an error. */
static bool export_value(Command *c, const ExportArgs *a, NodeId id, Value *v, NodeId *target) {
    Session *s = c->s;
    if (!a->grad) {
        *v = graph_value(&s->graph, id);
        return true;
    }
    const double *seed;
    char why[512];
    if (!cmd_target(c, target)) return false;
    if (!session_seed(s, *target, &seed, why, sizeof why)) return cmd_error(c, "%s", why);
    if (!graph_backward(&s->graph, *target, seed)) return cmd_error(c, "out of memory");
    *v = graph_grad_value(&s->graph, id);
    return true;
}

static void report_export(Session *s, const ExportArgs *a, NodeId target, const Value *v) {
    char shape[SHAPE_TEXT_SIZE];
    const char *of = a->grad ? session_grad_of(s, target) : NULL;
    Event e;
    event_init(&e, "exported");
    event_str(&e, "name", a->name);
    event_str(&e, "of", of);
    event_str(&e, "file", a->file);
    StrBuf shown;
    sb_init(&shown);
    if (of)
        event_printf(&e, "exported ∂%s/∂%s %s to %s\n", of, a->name,
                     shape_text(v->shape, shape, sizeof shape), shown_text(&shown, a->file));
    else
        event_printf(&e, "exported %s %s to %s\n", a->name,
                     shape_text(v->shape, shape, sizeof shape), shown_text(&shown, a->file));
    session_emit(s, &e);
    sb_free(&shown);
}

/* :export NAME FILE [--grad]  write NAME's value (∂NAME or --grad: its
 * gradient) as a .npy file, named as load() names files */
bool cmd_export(Command *c) {
    ExportArgs a = {0};
    bool ok = export_args(c, &a);
    NodeId id = NODE_NONE, target = NODE_NONE;
    if (ok && (id = graph_lookup(&c->s->graph, a.name, (int)strlen(a.name))) == NODE_NONE) {
        char hint[128];
        suggest_hint(&c->s->graph, a.name, (int)strlen(a.name), false, hint, sizeof hint);
        ok = cmd_error_at(c, &a.name_at, "undefined name '%s'%s", a.name, hint);
    }
    Value v;
    ok = ok && export_value(c, &a, id, &v, &target);
    char *path = ok ? datafile_resolve(c->s->io.dir, a.file) : NULL;
    if (ok && !path) ok = cmd_error(c, "out of memory");
    char why[256];
    if (ok && !array_write_npy(path, v.shape, v.data, why, sizeof why))
        ok = cmd_error_at(c, &a.file_at, "cannot export to '%s': %s", path, why);
    if (ok) report_export(c->s, &a, target, &v);
    free(path);
    free(a.name);
    free(a.file);
    return ok;
}
