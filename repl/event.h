/* event.h - what a session says, as events, and the sinks that take them.
 *
 * The session never writes to a stream. Everything it has to say - a value,
 * an update, a gradient, a warning, an error - is one Event: a kind, named
 * fields for programs, and the text a person reads. The front end gives the
 * session a Sink, which decides what to do with each event: the terminal's
 * StreamSink writes the text (or, with --json, the fields as one JSON
 * object per line); a web page or a notes runner brings its own. In C:
 *
 *     StreamSink terminal;
 *     stream_sink_init(&terminal, stdout, stderr);
 *     Event e;
 *     event_init(&e, "grad");                      // {"kind":"grad",
 *     event_str(&e, "wrt", "apple");               //  "wrt":"apple",
 *     event_num(&e, "value", 2.2);                 //  "value":2.2}
 *     event_printf(&e, "∂price/∂apple = 2.2\n");   // what a person reads
 *     sink_emit(&terminal.sink, &e);               // text, or JSON if terminal.json
 *     event_free(&e);
 *
 * Fields borrow their strings and values: they must stay valid until the
 * event is emitted. A sink that keeps an event past sink_emit (HoldSink)
 * copies it with event_copy.
 */
#ifndef BP_EVENT_H
#define BP_EVENT_H

#include <stdbool.h>
#include <stdio.h>

#include "../graph/strbuf.h"
#include "../graph/value.h"

typedef enum {
    FIELD_STR,   /* a string, or NULL for JSON's null */
    FIELD_NUM,   /* a number at full precision */
    FIELD_INT,   /* a whole number */
    FIELD_BOOL,  /* true or false */
    FIELD_INTS,  /* an array of whole numbers */
    FIELD_VALUE, /* a value: a number, or a tensor with its shape */
    FIELD_ARRAY, /* a value's elements only (a value field gave the shape) */
} FieldType;

typedef struct {
    const char *key;
    FieldType type;
    union {
        const char *str;
        double num;
        long integer;
        bool boolean;
        struct {
            const int *data;
            int count;
        } ints;
        Value value;
    } as;
} Field;

enum { EVENT_FIELDS_MAX = 12 };

typedef struct Event {
    /* "value", "update", "grad", "error", ...; NULL for text that is only
     * for people (a table's heading): a JSON sink writes nothing for it. */
    const char *kind;
    Field fields[EVENT_FIELDS_MAX];
    int field_count;
    StrBuf text;     /* what a person reads, line ends included; may be empty */
    bool diagnostic; /* an error or warning: a terminal shows it on stderr */
    bool owned;      /* made by event_copy: its strings and values are its own */
} Event;

/* An event of `kind` (a string literal, not copied) with no fields and no
 * text. Owns no memory until text is added. */
void event_init(Event *e, const char *kind);
/* Releases the text (and, for a copy, the fields' strings and values). */
void event_free(Event *e);
/* Empties the fields and text, keeping the kind and the text's memory: one
 * event reused for each row of a table. */
void event_reset(Event *e);

/* Fields, in the order a JSON sink writes them. Past EVENT_FIELDS_MAX a
 * field is dropped; that is a bug in the caller, asserted in debug builds. */
void event_str(Event *e, const char *key, const char *value);
void event_num(Event *e, const char *key, double value);
void event_int(Event *e, const char *key, long value);
void event_bool(Event *e, const char *key, bool value);
void event_ints(Event *e, const char *key, const int *values, int count);
void event_value(Event *e, const char *key, Value v);
void event_array(Event *e, const char *key, Value v);

/* Appends printf-style text for people. */
void event_printf(Event *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A deep copy of e (fields' strings and values copied), malloc'd; NULL when
 * memory runs out. Free with event_free, then free(). */
Event *event_copy(const Event *e);

/* Writes the fields as one JSON object and a newline: {"kind":...}. */
void event_write_json(const Event *e, FILE *f);

/* Where events go. emit reads the event and must not keep pointers into
 * it; flush says a batch of output is complete (a line has been answered,
 * an input is about to be read); failed says output can no longer be
 * delivered (the reader of a pipe is gone), which stops long work. */
typedef struct Sink {
    void (*emit)(struct Sink *sink, const Event *e);
    void (*flush)(struct Sink *sink);  /* NULL: nothing to flush */
    bool (*failed)(struct Sink *sink); /* NULL: never fails */
} Sink;

void sink_emit(Sink *sink, const Event *e);
void sink_flush(Sink *sink);
bool sink_failed(Sink *sink);

/* The terminal's sink: text to out (diagnostics to err, after flushing
 * out, so a shared terminal shows them in order), or with json set every
 * event with a kind as a JSON line to out. Streams are not owned. */
typedef struct {
    Sink sink;
    FILE *out, *err;
    bool json;
    /* With json, each row also carries "text", what a person would read
     * (and "diagnostic": true for errors and warnings), and text that is
     * only for people comes as {"kind":"text"} rows: for a driver that
     * shows what the terminal would (backprop --driver). */
    bool text_too;
} StreamSink;

void stream_sink_init(StreamSink *ss, FILE *out, FILE *err);

/* A sink that keeps what it is given until released: :load holds a file's
 * output until the whole file has run. Diagnostics are not held (a failure
 * must be seen); they go straight to `next`. Copies events (event_copy);
 * out of memory, it records the loss and keeps going. */
typedef struct {
    Sink sink;
    Sink *next; /* not owned */
    Event **held;
    int count, cap;
    bool lost; /* an event could not be kept */
} HoldSink;

void hold_sink_init(HoldSink *h, Sink *next);
/* Passes every held event on to next, in order. */
void hold_sink_release(HoldSink *h);
/* Drops what is held. */
void hold_sink_free(HoldSink *h);

/* A sink that drops everything: for work whose output nobody reads. */
void null_sink_init(Sink *sink);

#endif
