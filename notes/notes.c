/* notes.c - backprop --notes: run the bp blocks of Markdown notes and write
 * what they printed and drew after each one (notes.h says what it does).
 *
 * The notes are kept as lines, each with its own line end (CRLF stays
 * CRLF, a missing final newline stays missing); cmark says where each bp
 * block starts and ends. The result is the original text with only the
 * generated parts replaced.
 */
#define _DEFAULT_SOURCE /* nftw, realpath, d_type */
#define _XOPEN_SOURCE   700
#include "notes.h"

#include <cmark.h>
#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../io/file.h"
#include "../repl/datafile.h"
#include "../repl/session.h"

#define BEGIN_MARK "<!-- backprop:begin"
#define END_MARK   "<!-- backprop:end -->"

/* --- the notes as lines ----------------------------------------------------------- */

typedef struct {
    const char *text;
    size_t len;
    size_t *start; /* start[i]: where line i+1 starts; start[count] = len */
    int count;
    const char *eol; /* the notes' line end, for generated lines: "\n" or "\r\n" */
} Lines;

/* Does a line end at text[i] (its last byte)? As CommonMark has it, and
 * so cmark counts lines: "\n", "\r\n", or a "\r" alone. */
static bool ends_line(const char *text, size_t len, size_t i) {
    return text[i] == '\n' || (text[i] == '\r' && (i + 1 == len || text[i + 1] != '\n'));
}

static bool lines_init(Lines *l, const char *text, size_t len) {
    l->text = text;
    l->len = len;
    l->count = 0;
    for (size_t i = 0; i < len; i++)
        l->count += ends_line(text, len, i);
    if (len > 0 && !ends_line(text, len, len - 1)) l->count++;
    l->start = malloc(((size_t)l->count + 1) * sizeof *l->start);
    if (!l->start) return false;
    int n = 0;
    l->start[0] = 0;
    for (size_t i = 0; i < len; i++)
        if (ends_line(text, len, i)) l->start[++n] = i + 1;
    l->start[l->count] = len;
    const char *nl = memchr(text, '\n', len);
    l->eol = nl && nl > text && nl[-1] == '\r' ? "\r\n" : "\n";
    return true;
}

/* Line n (1-based) without its line end. */
static void line_at(const Lines *l, int n, const char **text, size_t *len) {
    size_t a = l->start[n - 1], b = l->start[n];
    while (b > a && (l->text[b - 1] == '\n' || l->text[b - 1] == '\r'))
        b--;
    *text = l->text + a;
    *len = b - a;
}

static bool line_starts(const Lines *l, int n, const char *prefix) {
    const char *t;
    size_t len;
    if (n < 1 || n > l->count) return false;
    line_at(l, n, &t, &len);
    while (len > 0 && (*t == ' ' || *t == '\t' || *t == '>')) /* indents, block quotes */
        t++, len--;
    return len >= strlen(prefix) && strncmp(t, prefix, strlen(prefix)) == 0;
}

/* --- the bp blocks ---------------------------------------------------------------- */

typedef struct {
    int open, close;        /* lines of the opening and closing fence */
    int first_code;         /* the line of the first line of code */
    char *code;             /* the block's text (owned) */
    char *indent;           /* what comes before the opening fence (owned) */
    bool silent, fails;     /* the info string's options */
    int old_begin, old_end; /* the generated part after it now (0: none) */
} Block;

typedef struct {
    Block *items;
    int count;
} Blocks;

static void blocks_free(Blocks *b) {
    for (int i = 0; i < b->count; i++) {
        free(b->items[i].code);
        free(b->items[i].indent);
    }
    free(b->items);
}

/* Is info "bp" or "bp OPTIONS"? Sets the options; false with *bad set to
 * an unknown option's start. */
static bool is_bp(const char *info, Block *b, const char **bad) {
    *bad = NULL;
    if (strncmp(info, "bp", 2) != 0 || (info[2] && info[2] != ' ' && info[2] != '\t')) return false;
    for (const char *p = info + 2; *p;) {
        while (*p == ' ' || *p == '\t')
            p++;
        size_t n = strcspn(p, " \t");
        if (n == 6 && strncmp(p, "silent", 6) == 0)
            b->silent = true;
        else if (n == 5 && strncmp(p, "fails", 5) == 0)
            b->fails = true;
        else if (n > 0 && !*bad)
            *bad = p;
        p += n;
    }
    return true;
}

static char *copy(const char *s, size_t n) {
    char *c = malloc(n + 1);
    if (c) memcpy(c, s, n), c[n] = '\0';
    return c;
}

/* Finds the bp blocks with cmark, and each one's generated part. */
static bool find_blocks(const Lines *l, Blocks *out, const char *path, FILE *err) {
    cmark_node *doc = cmark_parse_document(l->text, l->len, CMARK_OPT_DEFAULT);
    if (!doc) return fprintf(err, "%s: out of memory\n", path), false;
    cmark_iter *it = cmark_iter_new(doc);
    bool ok = true;
    int cap = 0;
    out->items = NULL;
    out->count = 0;
    for (cmark_event_type ev; ok && (ev = cmark_iter_next(it)) != CMARK_EVENT_DONE;) {
        cmark_node *n = cmark_iter_get_node(it);
        if (ev != CMARK_EVENT_ENTER) continue;
        /* A fenced block with info `bp`, or `<!-- bp ... -->` whose code the
         * notes do not show. An indented code block has no info: never bp. */
        cmark_node_type type = cmark_node_get_type(n);
        const char *lit = cmark_node_get_literal(n);
        char *info = NULL, *code = NULL;
        bool hidden = false;
        if (type == CMARK_NODE_CODE_BLOCK) {
            info = copy(cmark_node_get_fence_info(n), strlen(cmark_node_get_fence_info(n)));
            code = copy(lit ? lit : "", lit ? strlen(lit) : 0);
        } else if (type == CMARK_NODE_HTML_BLOCK && lit && strncmp(lit, "<!-- bp", 7) == 0 &&
                   (lit[7] == ' ' || lit[7] == '\n' || lit[7] == '\r')) {
            hidden = true;
            size_t first = strcspn(lit, "\n");
            info = copy(lit + 5, first - 5); /* "bp OPTIONS" */
            const char *body = lit[first] ? lit + first + 1 : lit + first;
            const char *end = strstr(body, "-->");
            code = end ? copy(body, (size_t)(end - body)) : NULL;
        } else {
            continue;
        }
        Block b = {0};
        const char *bad;
        bool bp = info && is_bp(info, &b, &bad);
        char option[64] = ""; /* an unknown option, kept past info's life */
        if (bp && bad) snprintf(option, sizeof option, "%.*s", (int)strcspn(bad, " \t"), bad);
        free(info);
        if (!bp) {
            free(code);
            continue;
        }
        b.open = cmark_node_get_start_line(n);
        b.close = cmark_node_get_end_line(n);
        if (hidden) { /* cmark 0.30 ends an HTML block a line early: count its lines */
            int lines = 0;
            for (const char *c = lit; *c; c++)
                lines += *c == '\n';
            b.close = b.open + lines - (lit[strlen(lit) - 1] == '\n');
        }
        b.first_code = b.open + 1;
        if (b.close > l->count) b.close = l->count; /* cmark counts a last empty line */
        bool closed = b.close > b.open && code &&
                      (hidden ? line_starts(l, b.close, "-->")
                              : line_starts(l, b.close, "```") || line_starts(l, b.close, "~~~"));
        if (!closed || option[0]) {
            if (!closed)
                fprintf(err, "%s:%d: error: %s\n", path, b.open,
                        hidden ? "a hidden bp block ends with --> on a line of its own"
                               : "this bp block has no closing fence");
            else
                fprintf(err, "%s:%d: error: unknown block option '%s' (bp takes silent, fails)\n",
                        path, b.open, option);
            free(code);
            ok = false;
            break;
        }
        b.code = code;
        const char *t;
        size_t len;
        line_at(l, b.open, &t, &len);
        size_t ind = strspn(t, " \t>");
        b.indent = copy(t, ind);
        if (line_starts(l, b.close + 1, BEGIN_MARK)) {
            b.old_begin = b.close + 1;
            for (int k = b.old_begin + 1; k <= l->count && !b.old_end; k++)
                if (line_starts(l, k, END_MARK)) b.old_end = k;
            if (!b.old_end) {
                fprintf(err, "%s:%d: error: a generated part without its end (%s)\n", path,
                        b.old_begin, END_MARK);
                ok = false;
            }
        }
        if (out->count == cap) {
            cap = cap ? cap * 2 : 16;
            Block *more = realloc(out->items, (size_t)cap * sizeof *more);
            if (!more)
                ok = false;
            else
                out->items = more;
        }
        if (ok && b.indent && b.code) {
            out->items[out->count++] = b;
        } else {
            free(b.code);
            free(b.indent);
            if (ok) fprintf(err, "%s: out of memory\n", path);
            ok = false;
        }
    }
    cmark_iter_free(it);
    cmark_node_free(doc);
    return ok;
}

/* --- running a block -------------------------------------------------------------- */

/* What one block said: text for the text block, errors, figures, Mermaid. */
typedef struct {
    Sink sink;
    StrBuf text, errors, figures, mermaid; /* figures: one path per line */
    int failed;
} Said;

static void said_emit(Sink *sink, const Event *e) {
    Said *s = (Said *)sink;
    const char *kind = e->kind ? e->kind : "";
    if (strcmp(kind, "rendered") == 0) { /* the figure itself is shown, not the line */
        for (int i = 0; i < e->field_count; i++)
            if (strcmp(e->fields[i].key, "file") == 0)
                sb_printf(&s->figures, "%s\n", e->fields[i].as.str);
    } else if (strcmp(kind, "mermaid") == 0) {
        sb_append(&s->mermaid, e->text.data, e->text.len);
    } else if (e->diagnostic && strcmp(kind, "error") == 0) {
        sb_append(&s->errors, e->text.data, e->text.len);
        sb_append(&s->text, e->text.data, e->text.len);
    } else if (e->text.len > 0) {
        sb_append(&s->text, e->text.data, e->text.len);
    }
}

static void said_clear(Said *s) {
    sb_clear(&s->text);
    sb_clear(&s->errors);
    sb_clear(&s->figures);
    sb_clear(&s->mermaid);
    s->failed = 0;
}

/* Runs the block's lines, the first being line `line` of the notes:
 * errors point there. */
static void run_block(Session *s, Said *said, const Block *b, int line, const char *path) {
    said_clear(said);
    for (const char *p = b->code; *p; line++) {
        size_t n = strcspn(p, "\n");
        if (!session_run_line(s, path, line, p, n)) {
            said->failed++;
            break; /* as a script stops at its first error */
        }
        p += n + (p[n] == '\n');
    }
}

/* Appends a fenced block of `text` (fence longer than any run of backticks
 * in it), each line after `indent`, lines ended by eol. */
static void fenced(StrBuf *out, const char *indent, const char *eol, const char *info,
                   const char *text) {
    int longest = 0, run = 0;
    for (const char *p = text; *p; p++) {
        run = *p == '`' ? run + 1 : 0;
        longest = run > longest ? run : longest;
    }
    int ticks = longest >= 3 ? longest + 1 : 3;
    sb_printf(out, "%s%.*s%s%s", indent, ticks, "````````````````````````````````", info, eol);
    for (const char *p = text; *p;) {
        size_t n = strcspn(p, "\n");
        sb_printf(out, "%s%.*s%s", indent, (int)n, p, eol);
        p += n + (p[n] == '\n');
    }
    sb_printf(out, "%s%.*s%s", indent, ticks, "````````````````````````````````", eol);
}

/* The generated part for what a block said ("" when it said nothing). */
static void generated(const Said *said, const Block *b, const char *eol, StrBuf *out) {
    if (b->silent || (!said->text.len && !said->figures.len && !said->mermaid.len)) return;
    sb_printf(out, "%s" BEGIN_MARK " (made by backprop --notes: edits here are replaced) -->%s",
              b->indent, eol);
    if (said->text.len) fenced(out, b->indent, eol, "text", said->text.data);
    for (const char *p = said->figures.data ? said->figures.data : ""; *p;) {
        size_t n = strcspn(p, "\n");
        sb_printf(out, "%s![%.*s](%.*s)%s", b->indent, (int)n, p, (int)n, p, eol);
        p += n + 1;
    }
    if (said->mermaid.len) fenced(out, b->indent, eol, "mermaid", said->mermaid.data);
    sb_printf(out, "%s" END_MARK "%s", b->indent, eol);
}

/* --- files ------------------------------------------------------------------------ */

/* Reads path whole (at most NOTES_SIZE_MAX bytes); NULL with why set. */
static char *read_all(const char *path, size_t *len, char *why, size_t size) {
    FILE *f = fopen(path, "rb");
    if (!f) return snprintf(why, size, "%s", strerror(errno)), NULL;
    StrBuf b;
    sb_init(&b);
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0 && b.len <= NOTES_SIZE_MAX)
        sb_append(&b, chunk, n);
    bool failed = ferror(f) || b.failed;
    fclose(f);
    if (b.len > NOTES_SIZE_MAX || failed) {
        snprintf(why, size, "%s", failed ? "cannot read it" : "larger than 16 MiB");
        sb_free(&b);
        return NULL;
    }
    *len = b.len;
    if (b.len == 0) { /* an empty StrBuf's text is not the caller's to free */
        sb_free(&b);
        return calloc(1, 1);
    }
    return b.data;
}

/* Is the file at path exactly data[0..len)? */
static bool same_bytes(const char *path, const char *data, size_t len) {
    char why[64];
    size_t have;
    char *now = read_all(path, &have, why, sizeof why);
    bool same = now && have == len && memcmp(now, data, len) == 0;
    free(now);
    return same;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw) {
    (void)st, (void)flag, (void)ftw;
    remove(path);
    return 0;
}

/* The scratch folder figures are drawn in, with the notes folder's own
 * subfolders (a :render into figures/ finds figures/ there too). */
static char *make_scratch(const char *dir) {
    char *scratch = strdup("/tmp/bp_notes_XXXXXX");
    if (!scratch || !mkdtemp(scratch)) return free(scratch), NULL;
    DIR *d = opendir(dir);
    for (struct dirent *e; d && (e = readdir(d));) {
        if (e->d_name[0] == '.' || e->d_type != DT_DIR) continue;
        char sub[4096];
        snprintf(sub, sizeof sub, "%s/%s", scratch, e->d_name);
        mkdir(sub, 0700);
    }
    if (d) closedir(d);
    return scratch;
}

/* One run: everything notes_run needs, freed in one place. */
typedef struct {
    const NotesOptions *o;
    const char *name; /* the notes' file name, which errors in them give */
    FILE *err;
    Lines lines;
    Blocks blocks;
    char *dir;      /* the notes' folder, absolute */
    char *scratch;  /* where the blocks ran */
    StrBuf out;     /* the new notes */
    StrBuf stale;   /* --check: what is out of date, one line each */
    StrBuf figures; /* every figure drawn: "LINE PATH\n" */
} Run;

/* Says an unexpected error. It was made with the line as the notes would
 * be written; they are not, so its line goes back by `moved` to point
 * into the notes as they are. */
static void say_error_here(Run *r, const Said *said, int moved) {
    const char *text = said->errors.data ? said->errors.data : "";
    size_t n = strlen(r->name);
    char *end;
    long line =
        strncmp(text, r->name, n) == 0 && text[n] == ':' ? strtol(text + n + 1, &end, 10) : 0;
    if (line > moved)
        fprintf(r->err, "%s:%ld%s", r->o->path, line - moved, end);
    else
        fputs(text, r->err);
}

/* Runs every block, building the new notes in r->out. */
static bool run_blocks(Run *r) {
    Said said = {.sink = {.emit = said_emit}};
    sb_init(&said.text);
    sb_init(&said.errors);
    sb_init(&said.figures);
    sb_init(&said.mermaid);
    Session s;
    session_init(&s, &said.sink);
    s.io.dir = strdup(r->dir);
    const Lines *l = &r->lines;
    int copied = 0; /* lines of the notes copied to out so far */
    bool ok = true;
    StrBuf part;
    sb_init(&part);
    for (int i = 0; i < r->blocks.count && ok; i++) {
        const Block *b = &r->blocks.items[i];
        /* The notes up to the closing fence, then the new generated part. */
        sb_append(&r->out, l->text + l->start[copied], l->start[b->close] - l->start[copied]);
        if (l->start[b->close] == l->len && l->len > 0 && !ends_line(l->text, l->len, l->len - 1))
            sb_puts(&r->out, l->eol); /* the fence was the last line, without a line end */
        /* Errors point at the lines as the notes will be written, so that a
         * second run says the same (the generated parts above move them). */
        int close_out = 0;
        for (size_t k = 0; k < r->out.len; k++)
            close_out += r->out.data[k] == '\n';
        run_block(&s, &said, b, close_out - (b->close - b->first_code), r->name);
        if (said.failed && !b->fails) {
            say_error_here(r, &said, close_out - b->close);
            ok = false;
        } else if (!said.failed && b->fails) {
            fprintf(r->err,
                    "%s:%d: error: this block must fail (bp fails), but it ran without an error\n",
                    r->o->path, b->open);
            ok = false;
        }
        sb_clear(&part);
        generated(&said, b, l->eol, &part);
        if (part.len) sb_append(&r->out, part.data, part.len);
        copied = b->old_end ? b->old_end : b->close;
        size_t old_from = l->start[b->close], old_to = l->start[copied];
        if (part.len != old_to - old_from ||
            (part.len && memcmp(part.data, l->text + old_from, part.len) != 0))
            sb_printf(&r->stale, "%s:%d: the output of this block is out of date\n", r->o->path,
                      b->open);
        for (const char *p = said.figures.data ? said.figures.data : ""; *p;) {
            size_t n = strcspn(p, "\n");
            sb_printf(&r->figures, "%d %.*s\n", b->open, (int)n, p);
            p += n + 1;
        }
    }
    if (ok) sb_append(&r->out, l->text + l->start[copied], l->len - l->start[copied]);
    sb_free(&part);
    session_free(&s);
    sb_free(&said.text);
    sb_free(&said.errors);
    sb_free(&said.figures);
    sb_free(&said.mermaid);
    return ok && !r->out.failed;
}

/* Moves (or, with check, compares) every figure drawn to its place beside
 * the notes. */
static bool place_figures(Run *r) {
    bool ok = true;
    for (const char *p = r->figures.data ? r->figures.data : ""; *p && ok;) {
        int line = atoi(p);
        const char *name = strchr(p, ' ') + 1;
        size_t n = strcspn(name, "\n");
        p = name + n + 1;
        if (name[0] == '/') continue; /* an absolute path: drawn there already */
        char drawn[4096], target[4096], why[256];
        snprintf(drawn, sizeof drawn, "%s/%.*s", r->scratch, (int)n, name);
        snprintf(target, sizeof target, "%s/%.*s", r->dir, (int)n, name);
        size_t len;
        char *data = read_all(drawn, &len, why, sizeof why);
        if (!data) {
            fprintf(r->err, "%s:%d: error: cannot read the figure '%.*s': %s\n", r->o->path, line,
                    (int)n, name, why);
            ok = false;
        } else if (r->o->check) {
            if (!same_bytes(target, data, len))
                sb_printf(&r->stale, "%s:%d: the figure %.*s is out of date\n", r->o->path, line,
                          (int)n, name);
        } else if (!same_bytes(target, data, len) &&
                   !file_replace_bytes(target, data, len, why, sizeof why)) {
            fprintf(r->err, "%s:%d: error: cannot write '%s': %s\n", r->o->path, line, target, why);
            ok = false;
        }
        free(data);
    }
    return ok;
}

int notes_run(const NotesOptions *o, FILE *err) {
    const char *slash = strrchr(o->path, '/');
    Run r = {.o = o, .name = slash ? slash + 1 : o->path, .err = err};
    sb_init(&r.out);
    sb_init(&r.stale);
    sb_init(&r.figures);
    char why[256], cwd[4096];
    size_t len;
    char *text = read_all(o->path, &len, why, sizeof why);
    char *folder = datafile_folder(o->path);
    r.dir = realpath(folder ? folder : ".", NULL);
    free(folder);
    bool ok = text && r.dir && getcwd(cwd, sizeof cwd);
    if (!text) fprintf(err, "%s: error: cannot read the notes: %s\n", o->path, why);
    ok = ok && lines_init(&r.lines, text, len) && find_blocks(&r.lines, &r.blocks, o->path, err);
    r.scratch = ok ? make_scratch(r.dir) : NULL;
    if (ok && (!r.scratch || chdir(r.scratch) != 0)) {
        fprintf(err, "%s: error: no scratch folder to draw in: %s\n", o->path, strerror(errno));
        ok = false;
    }
    if (ok) {
        ok = run_blocks(&r);
        if (chdir(cwd) != 0) ok = false;
    }
    ok = ok && place_figures(&r);
    const char *target = o->out ? o->out : o->path;
    if (ok && o->check) {
        if (o->out && !same_bytes(o->out, r.out.data, r.out.len))
            sb_printf(&r.stale, "%s: out of date\n", o->out);
        fputs(r.stale.data ? r.stale.data : "", err);
        ok = r.stale.len == 0;
    } else if (ok && !same_bytes(target, r.out.data ? r.out.data : "", r.out.len) &&
               !file_replace_bytes(target, r.out.data ? r.out.data : "", r.out.len, why,
                                   sizeof why)) {
        fprintf(err, "%s: error: cannot write the notes: %s\n", target, why);
        ok = false;
    }
    if (r.scratch) nftw(r.scratch, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
    free(r.scratch);
    free(r.dir);
    free(r.lines.start);
    blocks_free(&r.blocks);
    sb_free(&r.out);
    sb_free(&r.stale);
    sb_free(&r.figures);
    free(text);
    return ok ? 0 : 1;
}
