/* save.c - writing a session as a script that rebuilds it exactly.
 *
 * Names are written in the order they were first defined, so :vars lists
 * them the same way after a reload. A definition may use a name defined
 * after it (x = 1; y = 2; x = y * 3), so such a name is first written as a
 * leaf holding its current value, and its real definition follows once
 * every name it uses exists: redefinition in place keeps the links. The
 * default target (the newest derived name) is defined last so it stays the
 * default. Tensors are written as literals at round-trip precision, params
 * as `param W = ...`, and a leaf loaded from a file and unchanged since as
 * the load("...") call, so a saved session stays small.
 */
#include <stdlib.h>
#include <string.h>

#include "../graph/format.h"
#include "command.h"
#include "datafile.h"
#include "tensor_text.h"

/* Have all the named nodes `id`'s expression uses been written already? */
static bool inputs_written(const Graph *g, NodeId id, const uint8_t *written, NodeId *stack) {
    int32_t sp = 0;
    stack[sp++] = id;
    while (sp > 0) {
        const Node *n = graph_node(g, stack[--sp]);
        for (int i = 0; i < op_info((Op)n->op)->arity; i++) {
            NodeId in = n->in[i];
            if (graph_name_of(g, in) && !written[in]) return false;
            if (!graph_name_of(g, in)) stack[sp++] = in;
        }
    }
    return true;
}

/* Appends `load("PATH")` for a leaf loaded from `file` (absolute), PATH
 * relative to `folder` (absolute; NULL: PATH stays absolute). False, with
 * nothing appended, when no string literal can hold the path. */
static bool load_text(const char *file, const char *folder, StrBuf *sb) {
    char *relative = folder ? datafile_relative(folder, file) : NULL;
    size_t len = sb->len;
    sb_puts(sb, "load(");
    bool ok = datafile_quote(relative ? relative : file, sb);
    sb_puts(sb, ")");
    if (!ok) sb_truncate(sb, len);
    free(relative);
    return ok;
}

static void write_definition(const Session *s, const char *folder, NodeId id, StrBuf *sb, FILE *f) {
    const Graph *g = &s->graph;
    const char *name = graph_name_of(g, id);
    const char *file =
        graph_is_leaf(g, id) ? session_loaded_file(s, name, (int)strlen(name)) : NULL;
    sb_clear(sb);
    if (!file || !load_text(file, folder, sb)) graph_expr_text(g, id, sb);
    bool param = graph_is_leaf(g, id) && graph_is_param(g, id);
    fprintf(f, "%s%s = %s\n", param ? "param " : "", graph_name_of(g, id), sb->data);
}

static void write_placeholder(const Graph *g, NodeId id, StrBuf *sb, FILE *f) {
    sb_clear(sb);
    graph_value_text(graph_value(g, id), FMT_ROUND_TRIP, sb);
    fprintf(f, "%s = %s\n", graph_name_of(g, id), sb->data);
}

bool session_write_script(Session *s, FILE *f, const char *folder) {
    Graph *g = &s->graph;
    uint8_t *written = calloc((size_t)g->count + 1, 1);
    NodeId *stack = malloc(((size_t)g->count + 1) * sizeof *stack);
    NodeId *later = malloc(((size_t)g->name_count + 1) * sizeof *later);
    if (!written || !stack || !later) {
        free(written);
        free(stack);
        free(later);
        return false;
    }
    NodeId last = s->target == NODE_NONE ? graph_newest_derived(g) : NODE_NONE;
    int32_t last_name = -1, nlater = 0;
    for (int32_t k = 0; k < g->name_count; k++)
        if (g->names[k].node != NODE_NONE) last_name = k;
    StrBuf sb;
    sb_init(&sb);
    fprintf(f, "# backprop session: replay with `backprop FILE` or `:load FILE`\n");
    bool stopped = false;
    for (int32_t k = 0; k < g->name_count && !(stopped = session_stopped(s)); k++) {
        NodeId id = g->names[k].node;
        if (id == NODE_NONE) continue;
        bool ready = graph_is_leaf(g, id) || inputs_written(g, id, written, stack);
        /* The default target may be written in place only if nothing
         * derived comes after it. */
        bool in_place = ready && (id != last || (k == last_name && nlater == 0));
        if (in_place) {
            write_definition(s, folder, id, &sb, f);
        } else {
            write_placeholder(g, id, &sb, f);
            later[nlater++] = id;
        }
        written[id] = 1;
    }
    /* Every name exists now, so the real definitions can follow in order;
     * the default target's goes last. */
    for (int32_t i = 0; i < nlater && !stopped && !(stopped = session_stopped(s)); i++)
        if (later[i] != last) write_definition(s, folder, later[i], &sb, f);
    for (int32_t i = 0; i < nlater && !stopped; i++)
        if (later[i] == last) write_definition(s, folder, later[i], &sb, f);
    bool ok = !sb.failed && !stopped;
    sb_free(&sb);
    free(written);
    free(stack);
    free(later);
    if (s->target != NODE_NONE && graph_is_live(g, s->target) && graph_name_of(g, s->target))
        fprintf(f, ":target %s\n", graph_name_of(g, s->target));
    if (s->seed != 1 || s->seed_tensor) {
        sb_init(&sb);
        Shape scalar = {0, {0}};
        Value seed = {&s->seed_shape, s->seed_tensor, shape_size(&s->seed_shape)};
        if (!s->seed_tensor) seed = (Value){&scalar, &s->seed, 1};
        graph_value_text(seed, FMT_ROUND_TRIP, &sb);
        fprintf(f, ":seed %s\n", sb.data);
        ok = ok && !sb.failed;
        sb_free(&sb);
    }
    if (s->digits != FMT_DEFAULT_DIGITS) fprintf(f, ":digits %d\n", s->digits);
    if (s->elide != TENSOR_ELIDE_DEFAULT) fprintf(f, ":elide %zu\n", s->elide);
    if (s->quiet) fprintf(f, ":quiet on\n");
    return ok;
}
