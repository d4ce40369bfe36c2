/* draw.c - the commands that draw the graph: :render, :mermaid, :watch. */
#include <stdlib.h>
#include <string.h>

#include "command.h"
#include "output.h"

/* The next whitespace-separated word of the arguments, as a token (so
 * errors can point at it); type TOK_EOF when none is left. */
static Token next_word(Command *c, size_t *at) {
    while (*at < c->end && (c->text[*at] == ' ' || c->text[*at] == '\t'))
        (*at)++;
    size_t start = *at;
    while (*at < c->end && c->text[*at] != ' ' && c->text[*at] != '\t')
        (*at)++;
    int col = 1;
    for (size_t i = 0; i < start; i++)
        col += ((unsigned char)c->text[i] & 0xC0) != 0x80;
    return (Token){
        start == *at ? TOK_EOF : TOK_NAME, c->text + start, (int)(*at - start), c->line, col, NULL};
}

static bool word_is(const Token *t, const char *s) {
    return (size_t)t->length == strlen(s) && memcmp(t->start, s, (size_t)t->length) == 0;
}

/* Opens Graphviz the first time a session draws. */
static bool ensure_renderer(Session *s, char *error, int size) {
    return s->renderer.gvc || renderer_init(&s->renderer, error, size);
}

/* The seed for drawing the target's red arrows; NULL (all ones) when the
 * session's does not fit, in which case the drawing's gradients are of Σ target. */
static const double *session_render_seed(Session *s) {
    NodeId target = session_target(s);
    const double *seed = NULL;
    char why[512];
    if (target != NODE_NONE && !session_seed(s, target, &seed, why, sizeof why)) seed = NULL;
    return seed;
}

/* Parses `[FILE] [--forward] [--expand] [--steps] [--of NAME | --all]
 * [--no-names] [--digits N] [--force]` into o and *path (malloc'd, NULL if
 * none). */
static bool parse_render_args(Command *c, RenderOptions *o, char **path) {
    Session *s = c->s;
    *o = render_defaults(session_target(s), session_render_seed(s), s->digits);
    *path = NULL;
    size_t at = c->offset;
    for (Token t = next_word(c, &at); t.type != TOK_EOF; t = next_word(c, &at)) {
        if (word_is(&t, "--forward"))
            o->view.forward_only = true;
        else if (word_is(&t, "--expand"))
            o->view.expand = true;
        else if (word_is(&t, "--steps"))
            o->steps = true;
        else if (word_is(&t, "--all"))
            o->view.all = true;
        else if (word_is(&t, "--no-names"))
            o->view.names = false;
        else if (word_is(&t, "--force"))
            o->force = true;
        else if (word_is(&t, "--digits")) {
            Token n = next_word(c, &at);
            char *end = NULL;
            long d = n.type == TOK_EOF ? 0 : strtol(n.start, &end, 10);
            if (n.type == TOK_EOF || end != n.start + n.length || d < 1 || d > 17) {
                cmd_error_at(c, n.type == TOK_EOF ? &t : &n,
                             "--digits needs a whole number from 1 to 17");
                goto fail;
            }
            o->view.digits = o->view.tensor_digits = (int)d; /* asked for: both */
        } else if (word_is(&t, "--of")) {
            Token name = next_word(c, &at);
            if (name.type == TOK_EOF) {
                cmd_error_at(c, &t, "--of needs a name");
                goto fail;
            }
            o->view.of = graph_lookup(&s->graph, name.start, name.length);
            if (o->view.of == NODE_NONE) {
                cmd_error_at(c, &name, "undefined name '%.*s'", name.length, name.start);
                goto fail;
            }
        } else if (t.length > 1 && t.start[0] == '-' && t.start[1] == '-') {
            cmd_error_at(c, &t,
                         "unknown option '%.*s' (options: --forward --expand --steps --of NAME "
                         "--all --no-names --digits N --force)",
                         t.length, t.start);
            goto fail;
        } else if (*path) {
            cmd_error_at(c, &t, "one file at a time ('%.*s' is a second)", t.length, t.start);
            goto fail;
        } else if (!(*path = strndup(t.start, (size_t)t.length))) {
            cmd_error(c, "out of memory");
            goto fail;
        } else if (!render_format_for(*path)) {
            cmd_error_at(
                c, &t, "cannot tell the format of '%.*s': use .svg, .png, .pdf, .dot, .mmd or .md",
                t.length, t.start);
            goto fail;
        }
    }
    if (o->view.all && o->view.of != NODE_NONE) {
        cmd_error(c, "--of and --all cannot be combined");
        goto fail;
    }
    return true;
fail:
    free(*path);
    *path = NULL;
    return false;
}

static void report(Session *s, const char *path, const RenderResult *r) {
    StrBuf shown; /* path and warning as a terminal may show them */
    sb_init(&shown);
    if (r->warning[0]) {
        if (s->json) {
            json_begin(s->out, "warning");
            json_str(s->out, "message", r->warning);
            json_end(s->out);
        } else {
            fflush(s->out);
            fprintf(s->err, "warning: %s\n", shown_text(&shown, r->warning));
        }
    }
    if (s->json) {
        json_begin(s->out, "rendered");
        json_str(s->out, "file", path);
        json_int(s->out, "files", r->files);
        json_int(s->out, "ops", r->ops);
        json_int(s->out, "links", r->links);
        json_num(s->out, "seconds", r->seconds);
        json_end(s->out);
    } else if (r->files > 1) {
        fprintf(s->out, "rendered %d frames of %s (%d ops, %d links)\n", r->files,
                shown_text(&shown, path), r->ops, r->links);
    } else {
        fprintf(s->out, "rendered %s (%d ops, %d links)\n", shown_text(&shown, path), r->ops,
                r->links);
    }
    sb_free(&shown);
}

/* :render [FILE] [options]  draw the graph as the book does */
bool cmd_render(Command *c) {
    Session *s = c->s;
    RenderOptions o;
    char *path, error[1024];
    if (!parse_render_args(c, &o, &path)) return false;
    RenderResult result;
    bool ok = ensure_renderer(s, error, sizeof error);
    if (ok && path) {
        ok = render_file(&s->renderer, &s->graph, &o, path, &result, error, sizeof error);
        if (ok) report(s, path, &result);
    } else if (ok) {
        StrBuf dot;
        sb_init(&dot);
        ok = render_text(&s->renderer, &s->graph, &o, "dot", &dot, &result, error, sizeof error);
        if (ok && s->json) {
            json_begin(s->out, "dot");
            json_str(s->out, "dot", dot.data);
            json_end(s->out);
        } else if (ok) {
            fprintf(s->out,
                    "%d ops, %d links; give a file (.svg .png .pdf .dot .mmd) to draw it:\n%s",
                    result.ops, result.links, dot.data);
        }
        sb_free(&dot);
    }
    free(path);
    return ok || cmd_error(c, "%s", error);
}

/* :mermaid [FILE]  a Mermaid flowchart to paste into Markdown notes */
bool cmd_mermaid(Command *c) {
    Session *s = c->s;
    RenderOptions o;
    char *path, error[1024];
    if (!parse_render_args(c, &o, &path)) return false;
    RenderResult result;
    bool ok;
    if (path) {
        const char *format = render_format_for(path);
        if (strcmp(format, "mermaid") != 0) {
            cmd_error(c, ":mermaid writes .mmd or .md files, not '%s'", path);
            free(path);
            return false;
        }
        ok = render_file(&s->renderer, &s->graph, &o, path, &result, error, sizeof error);
        if (ok) report(s, path, &result);
    } else {
        StrBuf text;
        sb_init(&text);
        ok = render_text(&s->renderer, &s->graph, &o, "mermaid", &text, &result, error,
                         sizeof error);
        if (ok && s->json) {
            json_begin(s->out, "mermaid");
            json_str(s->out, "mermaid", text.data);
            json_end(s->out);
        } else if (ok) {
            fputs(text.data, s->out);
        }
        sb_free(&text);
    }
    free(path);
    return ok || cmd_error(c, "%s", error);
}

/* :watch FILE | off  re-render FILE after every change */
bool cmd_watch(Command *c) {
    Session *s = c->s;
    size_t at = c->offset;
    Token t = next_word(c, &at);
    if (t.type == TOK_EOF) {
        if (s->json) {
            json_begin(s->out, "watch");
            json_str(s->out, "file", s->watch);
            json_end(s->out);
        } else {
            StrBuf shown;
            sb_init(&shown);
            fprintf(s->out, "watch: %s\n", s->watch ? shown_text(&shown, s->watch) : "off");
            sb_free(&shown);
        }
        return true;
    }
    if (word_is(&t, "off")) {
        free(s->watch);
        s->watch = NULL;
        fprintf(s->out, s->json ? "{\"kind\":\"watch\",\"file\":null}\n" : "watch: off\n");
        return true;
    }
    char *path = strndup(t.start, (size_t)t.length);
    if (!path) return cmd_error(c, "out of memory");
    if (!render_format_for(path)) {
        free(path);
        return cmd_error_at(c, &t,
                            "cannot tell the format of '%.*s': use .svg, .png, .pdf, .dot, "
                            ".mmd or .md",
                            t.length, t.start);
    }
    free(s->watch);
    s->watch = path;
    s->changed = true; /* draw it now */
    if (s->json) {
        json_begin(s->out, "watch");
        json_str(s->out, "file", path);
        json_end(s->out);
    } else {
        StrBuf shown;
        sb_init(&shown);
        fprintf(s->out, "watch: %s (redrawn after every change)\n", shown_text(&shown, path));
        sb_free(&shown);
    }
    return true;
}

void session_watch_update(Session *s) {
    if (session_target(s) == NODE_NONE) return; /* nothing to draw yet */
    char error[1024];
    RenderOptions o = render_defaults(session_target(s), session_render_seed(s), s->digits);
    RenderResult result;
    if (!ensure_renderer(s, error, sizeof error) ||
        !render_file(&s->renderer, &s->graph, &o, s->watch, &result, error, sizeof error))
        session_error(s, s->watch, "", 0, (SourcePos){0, 0, 0, 1}, error);
}
