/* event.c - events, and the sinks that write, hold or drop them. */
#include "event.h"

#include <assert.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "output.h"

void event_init(Event *e, const char *kind) {
    e->kind = kind;
    e->field_count = 0;
    sb_init(&e->text);
    e->diagnostic = false;
    e->owned = false;
}

/* Frees what a copy owns in field f. */
static void field_free(Field *f) {
    switch (f->type) {
    case FIELD_STR: free((char *)f->as.str); break;
    case FIELD_INTS: free((int *)f->as.ints.data); break;
    case FIELD_VALUE:
    case FIELD_ARRAY:
        free((Shape *)f->as.value.shape);
        free((double *)f->as.value.data);
        break;
    default: break;
    }
    free((char *)f->key);
}

void event_free(Event *e) {
    if (e->owned) {
        for (int i = 0; i < e->field_count; i++)
            field_free(&e->fields[i]);
        free((char *)e->kind);
    }
    e->field_count = 0;
    sb_free(&e->text);
}

void event_reset(Event *e) {
    assert(!e->owned && "a copied event is read, never refilled");
    e->field_count = 0;
    sb_clear(&e->text);
}

static Field *add(Event *e, const char *key, FieldType type) {
    assert(e->field_count < EVENT_FIELDS_MAX && "raise EVENT_FIELDS_MAX for this event");
    if (e->field_count >= EVENT_FIELDS_MAX) return NULL;
    Field *f = &e->fields[e->field_count++];
    f->key = key;
    f->type = type;
    return f;
}

void event_str(Event *e, const char *key, const char *value) {
    Field *f = add(e, key, FIELD_STR);
    if (f) f->as.str = value;
}

void event_num(Event *e, const char *key, double value) {
    Field *f = add(e, key, FIELD_NUM);
    if (f) f->as.num = value;
}

void event_int(Event *e, const char *key, long value) {
    Field *f = add(e, key, FIELD_INT);
    if (f) f->as.integer = value;
}

void event_bool(Event *e, const char *key, bool value) {
    Field *f = add(e, key, FIELD_BOOL);
    if (f) f->as.boolean = value;
}

void event_ints(Event *e, const char *key, const int *values, int count) {
    Field *f = add(e, key, FIELD_INTS);
    if (f) f->as.ints.data = values, f->as.ints.count = count;
}

void event_value(Event *e, const char *key, Value v) {
    Field *f = add(e, key, FIELD_VALUE);
    if (f) f->as.value = v;
}

void event_array(Event *e, const char *key, Value v) {
    Field *f = add(e, key, FIELD_ARRAY);
    if (f) f->as.value = v;
}

void event_printf(Event *e, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    sb_vprintf(&e->text, fmt, ap);
    va_end(ap);
}

static void *copy_bytes(const void *from, size_t size, bool *ok) {
    if (!from) return NULL;
    void *to = malloc(size ? size : 1);
    if (!to) {
        *ok = false;
        return NULL;
    }
    memcpy(to, from, size);
    return to;
}

static char *copy_str(const char *s, bool *ok) {
    return s ? copy_bytes(s, strlen(s) + 1, ok) : NULL;
}

Event *event_copy(const Event *e) {
    Event *c = malloc(sizeof *c);
    if (!c) return NULL;
    bool ok = true;
    *c = *e;
    c->owned = true;
    c->kind = copy_str(e->kind, &ok);
    sb_init(&c->text);
    sb_append(&c->text, e->text.data, e->text.len);
    ok = ok && !c->text.failed;
    for (int i = 0; i < e->field_count; i++) {
        const Field *from = &e->fields[i];
        Field *to = &c->fields[i];
        to->key = copy_str(from->key, &ok);
        switch (from->type) {
        case FIELD_STR: to->as.str = copy_str(from->as.str, &ok); break;
        case FIELD_INTS:
            to->as.ints.data =
                copy_bytes(from->as.ints.data, (size_t)from->as.ints.count * sizeof(int), &ok);
            break;
        case FIELD_VALUE:
        case FIELD_ARRAY:
            to->as.value.shape = copy_bytes(from->as.value.shape, sizeof(Shape), &ok);
            to->as.value.data =
                copy_bytes(from->as.value.data, from->as.value.size * sizeof(double), &ok);
            break;
        default: break;
        }
    }
    if (!ok) {
        event_free(c);
        free(c);
        return NULL;
    }
    return c;
}

/* The fields as one JSON object; with_text adds what a person reads
 * ("text", and "diagnostic" for an error or warning), and writes an event
 * that is only text as kind "text". */
static void write_json(const Event *e, FILE *f, bool with_text) {
    json_begin(f, e->kind ? e->kind : "text");
    for (int i = 0; i < e->field_count; i++) {
        const Field *fl = &e->fields[i];
        switch (fl->type) {
        case FIELD_STR: json_str(f, fl->key, fl->as.str); break;
        case FIELD_NUM: json_num(f, fl->key, fl->as.num); break;
        case FIELD_INT: json_int(f, fl->key, fl->as.integer); break;
        case FIELD_BOOL: json_bool(f, fl->key, fl->as.boolean); break;
        case FIELD_INTS: json_int_array(f, fl->key, fl->as.ints.data, fl->as.ints.count); break;
        case FIELD_VALUE: json_value(f, fl->key, fl->as.value); break;
        case FIELD_ARRAY: json_array(f, fl->key, fl->as.value); break;
        }
    }
    if (with_text && e->text.len > 0) {
        json_str(f, "text", e->text.data);
        if (e->diagnostic) json_bool(f, "diagnostic", true);
    }
    json_end(f);
}

void event_write_json(const Event *e, FILE *f) {
    write_json(e, f, false);
}

/* --- sinks --------------------------------------------------------------------- */

void sink_emit(Sink *sink, const Event *e) {
    sink->emit(sink, e);
}

void sink_flush(Sink *sink) {
    if (sink->flush) sink->flush(sink);
}

bool sink_failed(Sink *sink) {
    return sink->failed && sink->failed(sink);
}

static void stream_emit(Sink *sink, const Event *e) {
    StreamSink *ss = (StreamSink *)sink;
    if (ss->json) {
        if (e->kind || (ss->text_too && e->text.len > 0)) write_json(e, ss->out, ss->text_too);
        return;
    }
    if (e->text.len == 0) return;
    if (e->diagnostic) {
        fflush(ss->out); /* keep stdout and stderr in order on a shared terminal */
        fwrite(e->text.data, 1, e->text.len, ss->err);
        fflush(ss->err);
    } else {
        fwrite(e->text.data, 1, e->text.len, ss->out);
    }
}

static void stream_flush(Sink *sink) {
    fflush(((StreamSink *)sink)->out);
}

static bool stream_failed(Sink *sink) {
    return ferror(((StreamSink *)sink)->out);
}

void stream_sink_init(StreamSink *ss, FILE *out, FILE *err) {
    ss->sink = (Sink){stream_emit, stream_flush, stream_failed};
    ss->out = out;
    ss->err = err;
    ss->json = false;
    ss->text_too = false;
}

static void hold_emit(Sink *sink, const Event *e) {
    HoldSink *h = (HoldSink *)sink;
    if (e->diagnostic && e->kind && strcmp(e->kind, "error") == 0) {
        sink_emit(h->next, e);
        return;
    }
    if (h->count == h->cap) {
        int cap = h->cap ? 2 * h->cap : 16;
        Event **grown = realloc(h->held, (size_t)cap * sizeof *grown);
        if (!grown) {
            h->lost = true;
            return;
        }
        h->held = grown, h->cap = cap;
    }
    Event *copy = event_copy(e);
    if (copy)
        h->held[h->count++] = copy;
    else
        h->lost = true;
}

static bool hold_failed(Sink *sink) {
    return sink_failed(((HoldSink *)sink)->next);
}

void hold_sink_init(HoldSink *h, Sink *next) {
    h->sink = (Sink){hold_emit, NULL, hold_failed};
    h->next = next;
    h->held = NULL;
    h->count = h->cap = 0;
    h->lost = false;
}

void hold_sink_release(HoldSink *h) {
    for (int i = 0; i < h->count; i++)
        sink_emit(h->next, h->held[i]);
    hold_sink_free(h);
}

void hold_sink_free(HoldSink *h) {
    for (int i = 0; i < h->count; i++) {
        event_free(h->held[i]);
        free(h->held[i]);
    }
    free(h->held);
    h->held = NULL;
    h->count = h->cap = 0;
}

static void null_emit(Sink *sink, const Event *e) {
    (void)sink, (void)e;
}

void null_sink_init(Sink *sink) {
    *sink = (Sink){null_emit, NULL, NULL};
}
