/* settings.c - the commands that show or change a setting: :target, :seed,
 * :digits, :elide, :quiet. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../graph/format.h"
#include "command.h"
#include "output.h"

bool cmd_number(const Token *t, double *v) {
    char buf[64];
    if (t->type != TOK_NUMBER || t->length >= (int)sizeof buf) return false;
    memcpy(buf, t->start, (size_t)t->length);
    buf[t->length] = '\0';
    char *end;
    *v = strtod(buf, &end);
    return *end == '\0';
}

/* The optional whole-number argument of :digits and :elide, from min to max:
 * false after reporting a bad one; *given tells whether there was one. */
static bool whole_setting(Command *c, const char *what, long min, long max, long *value,
                          bool *given) {
    Token t = lexer_next(&c->lexer);
    *given = t.type != TOK_EOF;
    if (!*given) return true;
    double d;
    if (!cmd_number(&t, &d) || d != floor(d) || d < (double)min || d > (double)max)
        return cmd_error_at(c, &t, "%s must be a whole number from %ld to %ld", what, min, max);
    *value = (long)d;
    return cmd_no_more_args(c);
}

/* "target: price", or "seed = 2" (the value as `shown`, else as a number). */
static void print_setting(Session *s, const char *kind, const char *name, const double *value,
                          const char *shown) {
    char num[FMT_NUMBER_SIZE];
    Event e;
    event_init(&e, kind);
    if (name) event_str(&e, "name", name);
    if (value) event_num(&e, "value", *value);
    if (name)
        event_printf(&e, "%s: %s\n", kind, name);
    else
        event_printf(&e, "%s = %s\n", kind, shown ? shown : session_num(s, *value, num));
    session_emit(s, &e);
}

bool cmd_target_set(Command *c) {
    NodeId id;
    Token t;
    ArgResult r = cmd_next_name(c, &id, &t);
    if (r == ARG_ERROR || (r == ARG_NAME && !cmd_no_more_args(c))) return false;
    if (r == ARG_NAME) c->s->target = id, c->s->io.changed = true;
    NodeId target;
    if (!cmd_target(c, &target)) return false;
    print_setting(c->s, "target", graph_name_of(&c->s->graph, target), NULL, NULL);
    return true;
}

/* Takes the value of the expression st as the seed: a number becomes the
 * scalar seed, a tensor the dout for a target of its shape. */
static bool take_seed(Session *s, NodeId root) {
    Value v = graph_value(&s->graph, root);
    if (v.shape->rank == 0) {
        free(s->seed_tensor);
        s->seed_tensor = NULL;
        s->seed = v.data[0];
        return true;
    }
    double *copy = malloc(v.size * sizeof *copy);
    if (!copy) return false;
    memcpy(copy, v.data, v.size * sizeof *copy);
    free(s->seed_tensor);
    s->seed_tensor = copy;
    s->seed_shape = *v.shape;
    s->seed = 1; /* unused while a tensor seed is set */
    return true;
}

/* A tensor seed must have the target's shape: refused now, not at the next
 * :grad. (A number is always taken: it is the default, and a tensor target
 * asks for a tensor when its gradients are taken.) With no target yet
 * there is nothing to check against. */
static bool seed_fits(const Session *s, NodeId root, char *why, size_t size) {
    NodeId target = session_target(s);
    const Shape *seed = graph_shape(&s->graph, root);
    if (target == NODE_NONE || seed->rank == 0) return true;
    const Shape *shape = graph_shape(&s->graph, target);
    if (shape_equal(seed, shape)) return true;
    char ss[SHAPE_TEXT_SIZE], ts[SHAPE_TEXT_SIZE];
    const char *name = graph_name_of(&s->graph, target);
    if (shape->rank == 0)
        snprintf(why, size,
                 "the target %s is a scalar, so its seed is a number (:seed 1.5), not a "
                 "tensor of shape %s",
                 name, shape_text(seed, ss, sizeof ss));
    else
        snprintf(why, size, "the seed has shape %s but the target %s has shape %s",
                 shape_text(seed, ss, sizeof ss), name, shape_text(shape, ts, sizeof ts));
    return false;
}

bool cmd_seed(Command *c) {
    Session *s = c->s;
    Parser p;
    parser_init(&p, &s->graph, c->text, c->end, c->offset, c->line);
    p.rng = &s->rng;
    p.dir = s->io.dir;
    if (!parser_at_end(&p)) {
        Token at = p.current;
        Statement st;
        if (!parser_expression(&p, &st)) {
            session_error(s, c->file, c->text, c->len, p.error.pos, p.error.message);
            return false;
        }
        char why[512];
        if (!seed_fits(s, st.root, why, sizeof why)) {
            graph_rollback(&s->graph, st.mark);
            return cmd_error_at(c, &at, "%s", why);
        }
        bool ok = take_seed(s, st.root);
        graph_rollback(&s->graph, st.mark);
        if (!ok) return cmd_error(c, "out of memory");
        s->io.changed = true;
    }
    if (!s->seed_tensor) {
        print_setting(s, "seed", NULL, &s->seed, NULL);
        return true;
    }
    Value v = {&s->seed_shape, s->seed_tensor, shape_size(&s->seed_shape)};
    Event e;
    event_init(&e, "seed");
    event_value(&e, "value", v);
    session_show(s, &e, v, "seed = ");
    session_emit(s, &e);
    return true;
}

bool cmd_digits(Command *c) {
    long d = c->s->digits;
    bool given;
    if (!whole_setting(c, "digits", 1, FMT_MAX_DIGITS, &d, &given)) return false;
    c->s->digits = (int)d;
    double value = d;
    char shown[32];
    snprintf(shown, sizeof shown, "%d", c->s->digits);
    print_setting(c->s, "digits", NULL, &value, shown);
    return true;
}

bool cmd_elide(Command *c) {
    long n = (long)c->s->elide;
    bool given;
    if (!whole_setting(c, "elide", 0, BP_MAX_ELEMENTS, &n, &given)) return false;
    c->s->elide = (size_t)n;
    double value = (double)n;
    char shown[32];
    snprintf(shown, sizeof shown, "%ld", n);
    print_setting(c->s, "elide", NULL, &value, shown);
    return true;
}

bool cmd_quiet(Command *c) {
    Token t = lexer_next(&c->lexer);
    if (t.type != TOK_EOF) {
        bool on = t.type == TOK_NAME && t.length == 2 && memcmp(t.start, "on", 2) == 0;
        bool off = t.type == TOK_NAME && t.length == 3 && memcmp(t.start, "off", 3) == 0;
        if (!on && !off) return cmd_error_at(c, &t, ":quiet takes on or off");
        if (!cmd_no_more_args(c)) return false;
        c->s->quiet = on;
    }
    Event e;
    event_init(&e, "quiet");
    event_bool(&e, "value", c->s->quiet);
    event_printf(&e, "quiet = %s\n", c->s->quiet ? "on" : "off");
    session_emit(c->s, &e);
    return true;
}
