/* symbolic.h - the book's symbolic labels (figures 5-7 .. 5-30) for a View.
 *
 * For z = x * y with upstream ∂L/∂z (the figure is a piece of a larger graph
 * ending in a loss L, as in the book):
 *
 *     forward:  x, y on the links into ×, z out of it
 *     backward: "∂L/∂z · y" to x and "∂L/∂z · x" to y
 *
 * A forward label is the node's name, or for an unnamed node its expression
 * in the labels feeding it as the book writes it: "-x", "exp(-x)",
 * "1+exp(-x)", "X·W", "t²"; a constant is its number. A backward label is
 * the op's derivative template (the op table's .derivative column) with $g
 * the upstream's text, $0 $1 $2 the inputs' labels and $y the output's.
 * What the writing does, and nothing more (no algebra):
 *   - signs fold: "- $g" with $g = "- ∂L/∂y · y²" is "∂L/∂y · y²", and a
 *     factor -1 flips the sign ("×(−1)" in figure 5-20);
 *   - "· 1" (the add node's local derivative) is written only on a link
 *     right after the output, whose upstream is the seed ∂L/∂NAME, as the
 *     book's figure 5-9 does; further down, an add node passes its upstream
 *     on unchanged, as in figure 5-20;
 *   - a factor repeated next to itself is squared: "y · y" is "y²";
 *   - an upstream longer than SYM_LONG characters is written ∂L/∂(its
 *     node's label) instead, so that no label grows without end.
 * Guards pick the branch the live scalar values take: relu sends "0" back
 * when x <= 0 (figure 5-18). In chain mode (figure 5-7) every backward
 * label is a product of partials in the labels: "∂z/∂z · ∂z/∂t · ∂t/∂x".
 * In derived mode a layer --expand draws step by step (sigmoid, tanh)
 * sends back what its expanded graph derives, not its rule: figure 5-21's
 * "∂L/∂y · y² · exp(-x)" instead of 5-22's "∂L/∂y · y(1-y)".
 */
#ifndef BP_SYMBOLIC_H
#define BP_SYMBOLIC_H

#include <stdbool.h>

#include "../graph/graph.h"

enum { SYM_LONG = 40 };

/* How backward labels are written: the op table's templates (the book's
 * rules), partials (chain-rule notation), or the templates with layers
 * saying what their expanded graph derives. */
typedef enum { SYM_RULES, SYM_CHAIN, SYM_DERIVED } SymStyle;

typedef struct Sym {
    int32_t count;   /* graph nodes covered */
    char **forward;  /* per node id: its label (NULL: not in the figure) */
    char **upstream; /* per node id: the gradient at its output (NULL: none) */
    char **backward; /* per node id * BP_MAX_INPUTS + i: sent to input i */
} Sym;

/* Fills s with the labels of the nodes in order[0..len) (inputs before
 * users), gradients flowing back from target (NODE_NONE: forward labels
 * only), written in style. digits: for constants.
 * Returns false if memory ran out (s is then freed). Free with sym_free. */
bool sym_build(Sym *s, const Graph *g, const NodeId *order, int32_t len, NodeId target,
               SymStyle style, int digits);
void sym_free(Sym *s);

/* The labels, or NULL where there are none. */
const char *sym_forward(const Sym *s, NodeId id);
const char *sym_backward(const Sym *s, NodeId id, int input);
const char *sym_upstream(const Sym *s, NodeId id);

/* Element i (0-based) of a vector's label, as figures 5-29 and 5-30 write
 * it: every name of a vector gets its 1-based index ("y - t" is "y1 - t1"
 * for i = 0, "a" is "a1"; a name ending in a digit gets "_": "x1_2").
 * Not indexed: the loss in "∂L/∂…", a function's name before "(", and
 * names of scalars in g ("∂L/∂z · w" is "∂L/∂z1 · w" for a scalar w).
 * Written into out (size bytes), cut at a character boundary. */
void sym_element(const Graph *g, const char *label, int i, char *out, size_t size);

/* The labels of the links --expand draws step by step for layer node id,
 * in expand.c's order, into fwd and grad (SYM_STEPS labels of 128 bytes
 * each): the sigmoid's six of figures 5-19/5-20 (x→×, -1→×, ×→exp, exp→+,
 * 1→+, +→/: forward "x", "-1", "-x", "exp(-x)", "1", "1+exp(-x)"; backward
 * "∂L/∂y · y² · exp(-x)", ..., "- ∂L/∂y · y²"), or tanh's twelve, drawn
 * as 2·sigmoid(2x) − 1 (x→×, 2→×, the sigmoid's six with 2x for x, σ→×,
 * 2→×, ×→−, 1→−). A gradient is "" when none reaches id. Returns how many
 * links: 6, 12, or 0 for an op --expand does not draw so (nothing
 * written). The first backward label is what --derived writes on the one
 * node (figure 5-21). */
enum { SYM_STEPS = 12 };
int sym_layer_steps(const Sym *s, const Graph *g, NodeId id, char (*fwd)[128], char (*grad)[128]);

/* Figure 5-30: the labels of --expand's three groups of links for
 * softmax_with_loss node id, Softmax box then Cross Entropy Error box: a
 * into Softmax ("a", back "y - t"), y on to the loss ("y", back "-t/y"),
 * t into it ("t", no gradient); "/ N", "N·y" for a batch of N rows, the
 * upstream multiplied in when it is not 1. Cut to 128 bytes each. */
void sym_loss_steps(const Sym *s, const Graph *g, NodeId id, char (*fwd)[128], char (*grad)[128]);

/* upstream · text as a label writes it: text alone for "1", the sign in
 * front ("- ∂L/∂z · t/y"), sums wrapped; into out (128 bytes). */
void sym_times(const char *upstream, const char *text, char *out);

#endif
