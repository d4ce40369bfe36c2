/* draw.c - the commands that draw the graph: :render, :mermaid, :watch. */
#include <stdlib.h>
#include <string.h>

#include "command.h"
#include "output.h"

/* Is w the unquoted word s (an option, or `off`)? */
static bool word_is(const Word *w, const char *s) {
    return !w->quoted && strcmp(w->text, s) == 0;
}

/* Opens Graphviz the first time a session draws. */
static bool ensure_renderer(Session *s, char *error, int size) {
    return s->io.renderer.gvc || renderer_init(&s->io.renderer, error, size);
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

RenderOptions session_render_options(Session *s) {
    return render_defaults(session_target(s), session_render_seed(s), s->digits);
}

bool session_draw(Session *s, const RenderOptions *o, const char *format, StrBuf *out, char *error,
                  int error_size) {
    RenderResult result;
    return ensure_renderer(s, error, error_size) &&
           render_text(&s->io.renderer, &s->graph, o, format, out, &result, error, error_size);
}

/* Is path the `-` that asks for the figure on the output, not in a file
 * (`-.svg`: as SVG, for a notebook to show; `-`: DOT)? */
static bool is_output(const char *path) {
    return path && (strcmp(path, "-") == 0 || strcmp(path, "-.svg") == 0);
}

/* The names after --blanks, which the options point to while they are
 * used (owned; free with blank_names_free). */
enum { MAX_BLANK_NAMES = 16 };
typedef struct {
    char *names[MAX_BLANK_NAMES];
    int count;
} BlankNames;

static void blank_names_free(BlankNames *b) {
    for (int i = 0; i < b->count; i++)
        free(b->names[i]);
    b->count = 0;
}

/* `--blanks [grads | values | all | NAME...]`: what a worksheet leaves
 * blank, gradients by default. Reads words while they say what; the word
 * after them is put back for the caller in *next (NULL: none left). */
static bool parse_blanks(Command *c, RenderOptions *o, BlankNames *b, Word *next) {
    o->view.blanks = 0;
    while (cmd_next_word(c, next) && next->text) {
        int what = word_is(next, "grads")    ? VIEW_BLANK_GRAD
                   : word_is(next, "values") ? VIEW_BLANK_VALUE
                   : word_is(next, "all")    ? VIEW_BLANK_GRAD | VIEW_BLANK_VALUE
                                             : 0;
        bool name = !what && !next->quoted &&
                    graph_lookup(&c->s->graph, next->text, (int)strlen(next->text)) != NODE_NONE;
        if (!what && !name) return true; /* the next option or the file */
        o->view.blanks |= what;
        if (name && b->count == MAX_BLANK_NAMES)
            return cmd_error_at(c, &next->at, "--blanks takes at most %d names", MAX_BLANK_NAMES);
        if (name) b->names[b->count++] = next->text, next->text = NULL;
        free(next->text);
    }
    if (next->at.type != TOK_EOF) return false; /* cmd_next_word reported it */
    next->text = NULL;
    return true;
}

/* Parses `[FILE | -] [--forward] [--expand] [--steps] [--of NAME | --all]
 * [--no-names] [--digits N] [--scale N] [--force] [--blanks [WHAT...]] [--answers]
 * [--expand=2] [--elements]`
 * into o, *path (malloc'd, NULL if none; "-" for the output) and b (the
 * names o points to). */
static bool parse_render_args(Command *c, RenderOptions *o, char **path, BlankNames *b) {
    Session *s = c->s;
    *o = session_render_options(s);
    *path = NULL;
    b->count = 0;
    Word w, arg = {.text = NULL};
    bool pending = false; /* w holds the word --blanks read past */
    while (pending || (cmd_next_word(c, &w) && w.text)) {
        pending = false;
        if (word_is(&w, "--blanks")) {
            free(w.text);
            if (!parse_blanks(c, o, b, &w)) goto fail;
            if (!o->view.blanks) o->view.blanks = VIEW_BLANK_GRAD;
            pending = w.text != NULL;
            continue;
        }
        if (word_is(&w, "--answers"))
            o->view.answers = true;
        else if (word_is(&w, "--forward"))
            o->view.forward_only = true;
        else if (word_is(&w, "--expand"))
            o->view.expand = true;
        else if (word_is(&w, "--expand=2")) /* softmax_with_loss as the appendix's whole graph */
            o->view.expand = true, o->view.expand_level = 2;
        else if (word_is(&w, "--elements"))
            o->view.elements = true;
        else if (!w.quoted && strncmp(w.text, "--expand=", 9) == 0) {
            cmd_error_at(c, &w.at,
                         "'%s': the levels are --expand (layers as their ops) and --expand=2 "
                         "(softmax_with_loss as the appendix's whole graph)",
                         w.text);
            goto fail;
        } else if (word_is(&w, "--steps"))
            o->steps = true;
        else if (word_is(&w, "--all"))
            o->view.all = true;
        else if (word_is(&w, "--no-names"))
            o->view.names = false;
        else if (word_is(&w, "--force"))
            o->force = true;
        else if (word_is(&w, "--symbolic"))
            o->view.labels = VIEW_SYMBOLIC;
        else if (word_is(&w, "--chain"))
            o->view.labels = VIEW_CHAIN;
        else if (word_is(&w, "--derived")) /* figure 5-21: sigmoid as its expanded graph says */
            o->view.labels = VIEW_DERIVED;
        else if (word_is(&w, "--values"))
            o->view.values = true;
        else if (word_is(&w, "--fold")) /* figure 5-1: ×2 and ×1.1 in their circles */
            o->view.fold = true;
        else if (word_is(&w, "--digits")) {
            if (!cmd_next_word(c, &arg)) goto fail;
            char *end = NULL;
            long d = arg.text ? strtol(arg.text, &end, 10) : 0;
            if (!arg.text || *end || end == arg.text || d < 1 || d > 17) {
                cmd_error_at(c, arg.text ? &arg.at : &w.at,
                             "--digits needs a whole number from 1 to 17");
                goto fail;
            }
            o->view.digits = o->view.tensor_digits = (int)d; /* asked for: both */
        } else if (word_is(&w, "--scale")) {
            if (!cmd_next_word(c, &arg)) goto fail;
            char *end = NULL;
            double k = arg.text ? strtod(arg.text, &end) : 0;
            if (!arg.text || *end || end == arg.text || !(k >= RENDER_SCALE_MIN) ||
                k > RENDER_SCALE_MAX) {
                cmd_error_at(c, arg.text ? &arg.at : &w.at,
                             "--scale needs a number from 0.5 to 8 (PNG pixels: 2 is 192 dpi)");
                goto fail;
            }
            o->scale = k;
        } else if (word_is(&w, "--of")) {
            if (!cmd_next_word(c, &arg)) goto fail;
            if (!arg.text) {
                cmd_error_at(c, &w.at, "--of needs a name");
                goto fail;
            }
            o->view.of = graph_lookup(&s->graph, arg.text, (int)strlen(arg.text));
            if (o->view.of == NODE_NONE) {
                cmd_error_at(c, &arg.at, "undefined name '%s'", arg.text);
                goto fail;
            }
        } else if (!w.quoted && w.text[0] == '-' && w.text[1] == '-') {
            cmd_error_at(
                c, &w.at,
                "unknown option '%s' (options: --forward --expand --expand=2 --elements --fold "
                "--steps --of NAME --all --no-names --digits N --scale N --force "
                "--symbolic --chain --derived --values --blanks [WHAT...] --answers)",
                w.text);
            goto fail;
        } else if (word_is(&w, "-") && !*path) {
            *path = w.text; /* the output: printed here, not written */
            w.text = NULL;
        } else if (*path) {
            cmd_error_at(c, &w.at,
                         "one file at a time ('%s' is a second; quote a name that holds "
                         "spaces: \"my file.svg\")",
                         w.text);
            goto fail;
        } else if (!render_format_for(*path = w.text)) {
            w.text = NULL;
            cmd_error_at(c, &w.at,
                         "cannot tell the format of '%s': use .svg, .png, .pdf, .dot, .mmd or .md",
                         *path);
            goto fail;
        } else {
            w.text = NULL; /* now *path */
        }
        free(arg.text), arg.text = NULL;
        free(w.text);
    }
    if (w.at.type != TOK_EOF) goto fail; /* cmd_next_word reported it */
    if (o->view.answers && !o->view.blanks) o->view.blanks = VIEW_BLANK_GRAD;
    o->view.blank_names = b->count ? b->names : NULL;
    o->view.blank_name_count = b->count;
    if (o->view.values && o->view.labels == VIEW_NUMBERS) {
        cmd_error(c, "--values goes with --symbolic, --chain or --derived (the numbers are already "
                     "shown)");
        goto fail;
    }
    if (o->view.all && o->view.of != NODE_NONE) {
        cmd_error(c, "--of and --all cannot be combined");
        goto fail;
    }
    return true;
fail:
    free(arg.text);
    free(w.text);
    free(*path);
    *path = NULL;
    blank_names_free(b);
    return false;
}

static const char *plural(int n) {
    return n == 1 ? "" : "s";
}

static void report(Session *s, const char *path, const RenderResult *r) {
    StrBuf shown; /* path and warning as a terminal may show them */
    sb_init(&shown);
    if (r->warning[0]) {
        Event e;
        event_init(&e, "warning");
        e.diagnostic = true;
        event_str(&e, "message", r->warning);
        event_printf(&e, "warning: %s\n", shown_text(&shown, r->warning));
        session_emit(s, &e);
    }
    Event e;
    event_init(&e, "rendered");
    event_str(&e, "file", path);
    event_int(&e, "files", r->files);
    event_int(&e, "ops", r->ops);
    event_int(&e, "links", r->links);
    event_num(&e, "seconds", r->seconds);
    if (r->files > 1) {
        event_printf(&e, "rendered %d frames of %s (%d op%s, %d link%s)\n", r->files,
                     shown_text(&shown, path), r->ops, plural(r->ops), r->links, plural(r->links));
    } else {
        event_printf(&e, "rendered %s (%d op%s, %d link%s)\n", shown_text(&shown, path), r->ops,
                     plural(r->ops), r->links, plural(r->links));
    }
    session_emit(s, &e);
    sb_free(&shown);
}

/* What :render without a file says: how much there is to draw, on one
 * line. Counted on the view, without Graphviz, so a graph too big to lay
 * out quickly is counted at once too. */
static bool render_summary(Session *s, const RenderOptions *o, char *error, int size) {
    ViewOptions vo = o->view;
    vo.max_ops = 0;
    View v;
    if (!view_build(&v, &s->graph, &vo, error, size)) return false;
    Event e;
    event_init(&e, "render");
    event_int(&e, "ops", v.op_count);
    event_int(&e, "links", v.edge_count);
    event_printf(&e,
                 "%d op%s, %d link%s: :render FILE draws it (.svg .png .pdf .dot .mmd), "
                 ":render - prints its DOT\n",
                 v.op_count, plural(v.op_count), v.edge_count, plural(v.edge_count));
    session_emit(s, &e);
    view_free(&v);
    return true;
}

/* :render [FILE | -] [options]  draw the graph as the book does */
bool cmd_render(Command *c) {
    Session *s = c->s;
    RenderOptions o;
    BlankNames blank;
    char *path, error[1024];
    if (!parse_render_args(c, &o, &path, &blank)) return false;
    RenderResult result;
    bool ok =
        path ? ensure_renderer(s, error, sizeof error) : render_summary(s, &o, error, sizeof error);
    if (ok && path && !is_output(path)) {
        ok = render_file(&s->io.renderer, &s->graph, &o, path, &result, error, sizeof error);
        if (ok) report(s, path, &result);
    } else if (ok && path) {
        const char *format = strcmp(path, "-.svg") == 0 ? "svg" : "dot";
        StrBuf text;
        sb_init(&text);
        ok = render_text(&s->io.renderer, &s->graph, &o, format, &text, &result, error,
                         sizeof error);
        if (ok) { /* {"kind":"dot","dot":"digraph ..."} or {"kind":"svg","svg":"<?xml ..."} */
            Event e;
            event_init(&e, format);
            event_str(&e, format, text.data);
            sb_append(&e.text, text.data, text.len);
            session_emit(s, &e);
        }
        sb_free(&text);
    }
    free(path);
    blank_names_free(&blank);
    return ok || cmd_error(c, "%s", error);
}

/* :mermaid [FILE]  a Mermaid flowchart to paste into Markdown notes */
bool cmd_mermaid(Command *c) {
    Session *s = c->s;
    RenderOptions o;
    BlankNames blank;
    char *path, error[1024];
    if (!parse_render_args(c, &o, &path, &blank)) return false;
    RenderResult result;
    bool ok;
    if (is_output(path)) { /* `:mermaid -` prints it, as without a file */
        free(path);
        path = NULL;
    }
    if (path) {
        const char *format = render_format_for(path);
        if (strcmp(format, "mermaid") != 0) {
            cmd_error(c, ":mermaid writes .mmd or .md files, not '%s'", path);
            free(path);
            blank_names_free(&blank);
            return false;
        }
        ok = render_file(&s->io.renderer, &s->graph, &o, path, &result, error, sizeof error);
        if (ok) report(s, path, &result);
    } else {
        StrBuf text;
        sb_init(&text);
        ok = render_text(&s->io.renderer, &s->graph, &o, "mermaid", &text, &result, error,
                         sizeof error);
        if (ok) {
            Event e;
            event_init(&e, "mermaid");
            event_str(&e, "mermaid", text.data);
            sb_append(&e.text, text.data, text.len);
            session_emit(s, &e);
        }
        sb_free(&text);
    }
    free(path);
    blank_names_free(&blank);
    return ok || cmd_error(c, "%s", error);
}

/* Draws the :watch file now. False with error set if that failed. */
static bool draw_watched(Session *s, char *error, int size) {
    RenderOptions o = session_render_options(s);
    RenderResult result;
    return ensure_renderer(s, error, size) &&
           render_file(&s->io.renderer, &s->graph, &o, s->io.watch, &result, error, size);
}

/* The :watch observer: redraws the file after every change; a failure is
 * reported, and the watch goes on. */
static void watch_changed(Session *s, void *ctx) {
    (void)ctx;
    if (session_target(s) == NODE_NONE) return; /* nothing to draw yet */
    char error[1024];
    if (!draw_watched(s, error, sizeof error))
        session_error(s, s->io.watch, "", 0, (SourcePos){0, 0, 0, 1}, error);
}

/* "watch: FILE ..." or "watch: off" (JSON: the file, or null). */
static void say_watch(Session *s, const char *after) {
    Event e;
    event_init(&e, "watch");
    event_str(&e, "file", s->io.watch);
    StrBuf shown;
    sb_init(&shown);
    event_printf(&e, "watch: %s%s\n", s->io.watch ? shown_text(&shown, s->io.watch) : "off",
                 s->io.watch ? after : "");
    session_emit(s, &e);
    sb_free(&shown);
}

/* :watch FILE | off  re-render FILE after every change; refused if FILE
 * cannot be drawn now (when there is something to draw) */
bool cmd_watch(Command *c) {
    Session *s = c->s;
    Word w;
    if (!cmd_next_word(c, &w)) return false;
    if (!w.text) {
        say_watch(s, "");
        return true;
    }
    if (!cmd_no_more_args(c)) {
        free(w.text);
        return false;
    }
    if (word_is(&w, "off")) {
        free(w.text);
        free(s->io.watch);
        s->io.watch = NULL;
        session_unobserve(s, watch_changed, NULL);
        say_watch(s, "");
        return true;
    }
    if (!render_format_for(w.text)) {
        cmd_error_at(c, &w.at,
                     "cannot tell the format of '%s': use .svg, .png, .pdf, .dot, .mmd or .md",
                     w.text);
        free(w.text);
        return false;
    }
    char *before = s->io.watch, error[1024];
    s->io.watch = w.text;
    if (session_target(s) != NODE_NONE && !draw_watched(s, error, sizeof error)) {
        free(s->io.watch);
        s->io.watch = before; /* a watch that cannot draw is no watch: keep the old one */
        return cmd_error(c, "%s; not watching it", error);
    }
    if (!before && !session_observe(s, watch_changed, NULL)) {
        free(s->io.watch);
        s->io.watch = NULL;
        return cmd_error(c, "too many observers of this session; not watching it");
    }
    free(before);
    say_watch(s, " (redrawn after every change)");
    return true;
}
