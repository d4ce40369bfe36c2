/* session_query.c - what a front end asks of a session besides running
 * lines: its names, and completions of a word being typed. */
#include <stdlib.h>
#include <string.h>

#include "command.h"
#include "session.h"
#include "suggest.h"

bool session_next_name(const Session *s, int32_t *cursor, SessionName *out) {
    const Graph *g = &s->graph;
    while (*cursor >= 0 && *cursor < g->name_count) {
        const Name *nm = &g->names[(*cursor)++];
        if (nm->node == NODE_NONE) continue;
        *out = (SessionName){g->strings + nm->str, nm->node, graph_is_leaf(g, nm->node),
                             graph_is_param(g, nm->node), graph_value(g, nm->node)};
        return true;
    }
    return false;
}

/* The kinds of word completed, in the order they are offered. */
enum { OFFER_COMMANDS, OFFER_NAMES, OFFER_OPS, OFFER_EXTRAS, OFFER_PARAM, OFFER_DONE };

static bool starts(const char *word, const char *prefix, size_t len) {
    return strncmp(word, prefix, len) == 0;
}

bool session_complete(const Session *s, const char *prefix, Completion *c, StrBuf *out) {
    size_t len = strlen(prefix);
    const Graph *g = &s->graph;
    sb_clear(out);
    if (prefix[0] == ':') { /* commands, and nothing else */
        for (const char *name; (name = session_command_name(s, c->index)) != NULL;) {
            c->index++;
            if (starts(name, prefix + 1, len - 1)) {
                sb_printf(out, ":%s", name);
                return true;
            }
        }
        return false;
    }
    if (c->phase == OFFER_COMMANDS) c->phase = OFFER_NAMES, c->index = 0;
    for (; c->phase == OFFER_NAMES && c->index < g->name_count;) {
        const Name *nm = &g->names[c->index++];
        const char *name = g->strings + nm->str;
        if (nm->node != NODE_NONE && starts(name, prefix, len)) {
            sb_puts(out, name);
            return true;
        }
    }
    if (c->phase == OFFER_NAMES) c->phase = OFFER_OPS, c->index = 0;
    for (; c->phase == OFFER_OPS && c->index < OP_COUNT;) {
        const OpInfo *info = op_info((Op)c->index++);
        if (info->syntax == SYN_CALL && starts(info->spelling, prefix, len)) {
            sb_puts(out, info->spelling);
            return true;
        }
    }
    if (c->phase == OFFER_OPS) c->phase = OFFER_EXTRAS, c->index = 0;
    for (const char *word;
         c->phase == OFFER_EXTRAS && (word = suggest_extra_function(c->index)) != NULL;) {
        c->index++;
        if (starts(word, prefix, len)) {
            sb_puts(out, word);
            return true;
        }
    }
    if (c->phase == OFFER_EXTRAS) {
        c->phase = OFFER_DONE;
        if (starts("param", prefix, len)) {
            sb_puts(out, "param");
            return true;
        }
    }
    return false;
}

/* :complete PREFIX  each completion as an event {"kind":"completion",
 * "word":...}: what the terminal's Tab offers, for a front end that has no
 * libedit (a notebook's kernel). */
bool cmd_complete(Command *c) {
    size_t from = c->offset, to = c->end;
    while (from < to && (c->text[from] == ' ' || c->text[from] == '\t'))
        from++;
    while (to > from && (c->text[to - 1] == ' ' || c->text[to - 1] == '\t'))
        to--;
    char prefix[256];
    if (to - from >= sizeof prefix) return cmd_error(c, "the prefix is too long");
    if (memchr(c->text + from, ' ', to - from) || memchr(c->text + from, '\t', to - from))
        return cmd_error(c, ":complete takes one word");
    snprintf(prefix, sizeof prefix, "%.*s", (int)(to - from), c->text + from);
    Completion at = {0};
    StrBuf word;
    sb_init(&word);
    Event e;
    event_init(&e, "completion");
    while (session_complete(c->s, prefix, &at, &word)) {
        event_reset(&e);
        event_str(&e, "word", word.data);
        event_printf(&e, "%s\n", word.data);
        session_emit(c->s, &e);
    }
    event_free(&e);
    sb_free(&word);
    return true;
}
