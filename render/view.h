/* view.h - what a figure shows, decided once for every output format.
 *
 * A View is the book's picture of a computational graph as plain data:
 * circles (ops), text labels (leaves and constants) and links between them,
 * each link carrying its forward value and the gradient flowing back along
 * it. The Graphviz and Mermaid writers only draw a View; everything about
 * which nodes appear, --expand and --steps is decided here.
 *
 *     price = apple * 2 * tax     draws as
 *
 *     apple ──100──▶ (×) ──200──▶ (×) ──220──▶
 *       2   ──2────▶  ↑   tax ─1.1─▶ ↑
 *     with red arrows back: 2.2 to apple, 1.1 to the first ×, 200 to tax, and
 *     the seed 1 coming in from the right.
 *
 * A tensor's link shows its shape and, when small, its elements:
 * "(3) [1.1 2.2 3.3]", "(2,3) [[1 2 3] [4 5 6]]", "(4,5)" (see build.h).
 * The book's layers (Affine, Softmax, ...) are boxes, as in its figure 5-24.
 */
#ifndef BP_VIEW_H
#define BP_VIEW_H

#include <stdbool.h>

#include "../graph/graph.h"

enum {
    VIEW_TEXT = 192,   /* longest label kept; longer ones end in "…" */
    VIEW_DIGITS = 4,   /* a figure's significant digits, scalars and tensors alike: 0.6225 */
    VIEW_ELEMENTS = 8, /* --elements: vectors up to this long are drawn one arrow per element */
    VIEW_LEGEND = 8,   /* names a symbolic figure's legend gives at most */
};

/* What a worksheet leaves blank on a link (figure 5-15's empty boxes). */
enum { VIEW_BLANK_GRAD = 1, VIEW_BLANK_VALUE = 2 };

typedef enum {
    VIEW_OP,    /* a circle holding the op's symbol */
    VIEW_LAYER, /* a box holding a layer's name: Affine, Softmax-with-Loss */
    VIEW_LEAF,  /* a name as plain text */
    VIEW_CONST, /* a number as plain text, once per use */
    VIEW_SINK,  /* where the output's final arrow points */
} ViewNodeKind;

typedef struct {
    ViewNodeKind kind;
    char label[VIEW_TEXT]; /* lines separated by '\n' ("sum\naxis=0") */
    int step;              /* VIEW_OP, VIEW_LAYER: its place in the backward pass, 1 = first */
} ViewNode;

typedef struct {
    int from, to;          /* view node indices; forward direction */
    char value[VIEW_TEXT]; /* forward value on the black arrow */
    char grad[VIEW_TEXT];  /* gradient on the red arrow ("" = none) */
    char name[VIEW_TEXT];  /* a named intermediate's name ("" = none) */
    int step;              /* the backward step that sends this gradient */
    /* VIEW_BLANK_*: labels drawn as empty boxes (or, in an answer key, boxed),
     * their text kept so that sheet and key share one layout. */
    int blank;
} ViewEdge;

typedef struct {
    ViewNode *nodes;
    int node_count;
    ViewEdge *edges;
    int edge_count;
    int op_count; /* circles and boxes: what layout time grows with */
    int steps;    /* backward steps, for --steps frames */
    bool tensors; /* some link carries a tensor: its labels can be wide */
    bool answers; /* blanks are drawn filled in and boxed: the answer key */
    /* Symbolic figures: what the names of long sub-expressions stand for,
     * "t = 1+exp(-x)", one per line under the picture (legend.c). */
    char legend[VIEW_LEGEND][VIEW_TEXT];
    int legend_count;
} View;

/* What the links say: numbers (the default), the book's symbols
 * (symbolic.h: "∂L/∂z · y"), partials in chain-rule notation ("∂z/∂t"), or
 * symbols with a sigmoid or tanh node saying what its expanded graph
 * derives (figure 5-21: "∂L/∂y · y² · exp(-x)", not 5-22's y(1-y)). */
typedef enum { VIEW_NUMBERS, VIEW_SYMBOLIC, VIEW_CHAIN, VIEW_DERIVED } ViewLabels;

typedef struct {
    NodeId target;      /* gradients are of this node (NODE_NONE: none) */
    NodeId of;          /* draw what feeds this node (NODE_NONE: the target) */
    bool all;           /* draw every live node */
    bool forward_only;  /* no red arrows */
    bool expand;        /* sigmoid, tanh and affine as their primitive ops */
    bool names;         /* named intermediates' names on their arrows */
    const double *seed; /* upstream gradient at the target, one per element (NULL: ones) */
    int digits;         /* significant digits of scalar labels */
    int tensor_digits;  /* of numbers in tensor labels (render_defaults: the same) */
    int max_ops;        /* refuse views with more circles than this (0: no limit) */
    int blanks;         /* VIEW_BLANK_*: what a worksheet leaves blank (0: nothing) */
    /* Only the links that carry these names (a leaf's or a named
     * intermediate's) get blanks; NULL: every link. Not owned. */
    char *const *blank_names;
    int blank_name_count;
    bool answers;     /* the worksheet's answer key: blanks filled in and boxed */
    bool elements;    /* vectors of up to VIEW_ELEMENTS as one arrow per element: a1 a2 a3 */
    int expand_level; /* with expand, 2: softmax_with_loss as the appendix's exp, sum, /, ×, log */
    ViewLabels labels; /* symbols instead of numbers; a leaf is then a bare arrow tail */
    bool values;       /* symbolic: the number too, "exp(-x) = 0.6065" */
    bool fold;         /* a scalar constant operand inside its op's circle: ×2 (figure 5-1) */
} ViewOptions;

/* Builds the view of g. Runs a backward pass (gradients in g change).
 * Returns false if memory ran out, there is nothing to draw, or it would
 * have more than o->max_ops circles (checked before anything is built, so
 * refusing a huge graph is quick); error says which. Free with view_free. */
bool view_build(View *v, Graph *g, const ViewOptions *o, char *error, int error_size);
void view_free(View *v);

#endif
