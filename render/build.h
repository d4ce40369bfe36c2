/* build.h - adding circles, labels and links to a View (private to render/;
 * build.c): used by view.c, which walks the graph, and by expand.c,
 * elements.c and expand_loss.c, which draw one graph node as the several
 * primitive ops the book draws for it. None of them calls view.c.
 *
 * A link's text is its value as the book would print it: a scalar as one
 * number ("2.2"); a tensor as its shape and, when it holds at most
 * VIEW_SHOWN elements, its elements in NumPy's brackets, on one line so that
 * it lies along its (left-to-right) link: "(3) [1.1 2.2 3.3]",
 * "(2,3) [[1 2 3] [4 5 6]]", or just "(4,5)".
 */
#ifndef BP_BUILD_H
#define BP_BUILD_H

#include "view.h"

enum { VIEW_SHOWN = 6 }; /* tensors with more elements show only their shape */

typedef struct {
    View *v;
    int node_cap, edge_cap;
    bool failed;               /* memory ran out: the view is incomplete */
    int digits, tensor_digits; /* significant digits of scalar and of tensor labels */
    bool elements;             /* build_edge splits small vectors into one link per element */
    bool names;            /* expansions name the book's intermediates (y in Softmax-with-Loss) */
    const struct Sym *sym; /* symbolic labels (symbolic.h), NULL: numbers */
    bool values;           /* symbolic labels keep the number: "exp(-x) = 0.6065" */
    char **said;           /* every forward symbol build_say wrote (build_said), owned; legend.c */
    int said_count, said_cap;
} Builder;

/* Copies s into a label (VIEW_TEXT bytes), cutting at a character boundary
 * with "…". */
void build_set_text(char *dst, const char *s);
/* `shape_text` (the shape, or "" to leave it out) then the elements in
 * NumPy's brackets, "(2,3) [[1 2 3] [4 5 6]]": rows of the last axis, which
 * the shape in front makes plain for rank 3 and 4 too. Big tensors show the
 * shape alone. Writes a label (VIEW_TEXT bytes). */
void build_tensor_text(char *out, const Shape *shape, const double *value, int digits,
                       const char *shape_text);

/* Adds a node; returns its index, or -1 (and sets b->failed) without memory. */
int build_node(Builder *b, ViewNodeKind kind, const char *label);
/* A constant's plain-text node: the number, written with b->digits. */
int build_number(Builder *b, double value);
/* A link from -> to (either -1: nothing) carrying `value` of `shape`, and
 * the gradient `grad` (same shape) on its red arrow unless grad is NULL.
 * name labels a named intermediate (NULL: none). Returns the link's index
 * or -1. */
int build_edge(Builder *b, int from, int to, const Shape *shape, const double *value,
               const double *grad, const char *name);
/* build_edge for a scalar. */
int build_scalar_edge(Builder *b, int from, int to, double value, const double *grad,
                      const char *name);
/* In symbolic modes, link e says `symbol` instead of its value and `grad`
 * instead of its gradient if it has a red arrow (NULL or "": keep the
 * number); a tensor's with its shape, "W (2,3)"; with b->values the number
 * stays after the symbol, "exp(-x) = 0.6065". A constant's link keeps its
 * plain arrow. Does nothing without b->sym or for e < 0. */
void build_say(Builder *b, int e, const char *symbol, const Shape *shape, const char *grad);
/* Notes `symbol` as said forward without a link saying it (b->said), so the
 * legend may name it: an expanded graph's expression in a label that
 * --derived writes on one node. Copies it; out of memory, notes nothing. */
void build_said(Builder *b, const char *symbol);
/* Frees what the builder owns besides the view (b->said). */
void build_free(Builder *b);
/* legend.c: past 40 characters a symbolic label says a one-letter name
 * for the longest sub-expression some link carries forward (b->said), in
 * every label of the view, and the view's legend says what it stands for
 * ("t = 1/(1+exp(-2x))"). No name is one the graph or a label uses. */
void legend_build(Builder *b, const Graph *g);
/* How many links build_edge makes for a value of this shape: one, or with
 * --elements one per element of a small vector. */
int build_links_of(const Builder *b, const Shape *shape);
/* Writes value (of shape) as a link's text, as described above, into out
 * (VIEW_TEXT bytes), with b's digits for its rank. */
void build_value_text(const Builder *b, char *out, const Shape *shape, const double *value);

/* The expansions (expand.c). Each draws graph node `id` from the view
 * nodes its inputs map to (map[input]), names[i] on the link from input i
 * (NULL: none), and upstream gradient dy at its output (NULL: no
 * gradients). Returns the view node its output leaves from. */

/* The book's figure 5-19: sigmoid(x) = 1 / (1 + exp(−x)) as ×(−1), exp, +1
 * and /. tanh(x) = 2·sigmoid(2x) − 1 with the sigmoid expanded. Scalars only. */
int expand_sigmoid_or_tanh(Builder *b, const Graph *g, NodeId id, const int *map,
                           const char *const *names, const double *dy);
/* The book's figure 5-25: affine(X, W, b) as X and W into a dot, then its
 * result and b into +. flows[i] is the gradient the Affine node sent to
 * input i (NULL: no gradients). */
int expand_affine(Builder *b, const Graph *g, NodeId id, const int *map, const char *const *names,
                  const double *dy, const double *const *flows);

/* --elements (elements.c). Does a link of this shape become one link per
 * element (a vector of 1 to VIEW_ELEMENTS)? */
bool elements_fits(const Shape *shape);
/* build_edge for such a vector: one scalar link per element. A leaf's
 * elements get leaves of their own, named after it with 1-based indices
 * (a1 a2 a3), a constant's their numbers; other links carry name1, name2,
 * ... as their names (none without a name). Returns the first link's index
 * or -1. */
int elements_edge(Builder *b, int from, int to, const Shape *shape, const double *value,
                  const double *grad, const char *name);
/* The name a vector's elements are named after: view node from's, if it is
 * a leaf, else name (NULL: ""), into base (VIEW_TEXT bytes). */
void elements_base(const Builder *b, int from, const char *name, char *base);
/* Where element i (of value `value`) of a vector leaving view node from
 * starts: a new leaf base1, base2, ... for a leaf, a new number for a
 * constant, else from itself with the link's name (base1, ...; "" without a
 * base) in name (VIEW_TEXT + 12 bytes), "" when the source says it. */
int elements_source(Builder *b, int from, const char *base, int i, double value, char *name);
/* Removes the leaves and constants that elements_edge replaced by their
 * elements (those without links), renumbering links. */
void elements_prune(View *v);

/* Softmax-with-Loss expanded (expand_loss.c): level 1 is figure 5-30, the
 * Softmax box and the Cross Entropy Error box; level 2 the appendix's graph
 * of exp, sum, /, ×, log, + and ×(−1), for one vector of up to VIEW_ELEMENTS
 * scores (others are drawn at level 1). No gradient flows to the labels t. */
int expand_softmax_with_loss(Builder *b, const Graph *g, NodeId id, const int *map,
                             const char *const *names, const double *dy, int level);
/* How many circles and boxes expand_softmax_with_loss draws for node id. */
int expand_loss_ops(const Graph *g, NodeId id, int level);

#endif
