/* render.h - the book's figures from the live graph, through Graphviz. In C:
 *
 *     Graph graph;
 *     graph_init_empty(&graph);                   // then the statements, as graph.h shows
 *     NodeId price = graph_newest_derived(&graph);
 *     char err[256];
 *     Renderer r;
 *     RenderResult result;
 *     if (renderer_init(&r, err, sizeof err)) {   // one GVC context per session
 *         RenderOptions o = render_defaults(price, NULL, 12); // seed NULL: all ones
 *         render_file(&r, &graph, &o, "apple.svg", &result, err, sizeof err);
 *         renderer_free(&r);
 *     }
 *     graph_free(&graph);
 *
 * How a figure is made (Graphviz 2.42's edge labels could not do this):
 *   1. dot lays out the View left to right, each link labelled with its
 *      value and gradient so dot leaves room for both;
 *   2. the link splines and node positions are read back;
 *   3. each link is drawn as two curves a few points either side of dot's —
 *      black forward, red backward — with the value above and the gradient
 *      below, pushed out along the normal far enough to clear the lines
 *      (labels.c). SVG is written straight from these numbers (svg.c); PNG,
 *      PDF and DOT go through a second graph that pins every node and
 *      curve, which Graphviz draws with `nop2`.
 * Files are written through file_replace (io/file.h): whole or not at
 * all, with the umask's mode, through symbolic links, never over a FIFO or
 * a device.
 */
#ifndef BP_RENDER_H
#define BP_RENDER_H

#include <stdbool.h>

#include "../graph/graph.h"
#include "../graph/strbuf.h"
#include "view.h"

enum { RENDER_MAX_OPS = 150 }; /* above this, layout takes seconds: refuse unless forced */
/* --scale's default and range: PNG at 96 dpi times the scale. */
#define RENDER_SCALE     2.0
#define RENDER_SCALE_MIN 0.5
#define RENDER_SCALE_MAX 8.0

typedef struct {
    ViewOptions view;
    bool steps;   /* one file per backward step: out-01.svg, out-02.svg, ... (.mmd too) */
    int frame;    /* drawn into a buffer: only the red arrows of steps <= frame (0: all) */
    bool force;   /* draw even above RENDER_MAX_OPS circles */
    double scale; /* PNG pixels per point over 96 dpi: 2 (192 dpi, sharp on a projector) */
} RenderOptions;

typedef struct {
    void *gvc; /* GVC_t *: Graphviz's context, kept for the whole session */
} Renderer;

typedef struct {
    int files;         /* how many files were written */
    int ops;           /* circles drawn */
    int links;         /* links drawn */
    double seconds;    /* layout and drawing time */
    char warning[512]; /* what Graphviz warned about, "" if nothing */
} RenderResult;

/* Opens Graphviz. Fails (with advice) if its plugins are not configured. */
bool renderer_init(Renderer *r, char *error, int error_size);
void renderer_free(Renderer *r);

/* Options drawing what feeds `target`, gradients seeded with `seed`: every
 * number with the same VIEW_DIGITS significant digits (0.6225 beside
 * [0.0195 -0.0373]), or `digits` (the session's) if that is fewer; the
 * session's own printing keeps its digits. --digits N sets both. */
RenderOptions render_defaults(NodeId target, const double *seed, int digits);

/* The output format a file name asks for ("svg", "png", "pdf", "dot",
 * "mermaid"), or NULL if its extension is not one of those. */
const char *render_format_for(const char *path);

/* Draws g into `path` (format from its extension; Mermaid for .mmd/.md).
 * With o->steps writes path-01.ext ... one per backward step, and removes
 * the later frames (regular files named path-NN.ext) an earlier rendering
 * left; one that cannot be removed is a result->warning. Never leaves a
 * partial file; on failure error names the path and the reason. */
bool render_file(Renderer *r, Graph *g, const RenderOptions *o, const char *path,
                 RenderResult *result, char *error, int error_size);

/* The figure's DOT (the positioned picture that `neato -n2` redraws), or
 * with format "mermaid" the Mermaid flowchart, or with "layout" the DOT
 * that dot lays the figure out from (unpositioned: what `dot -Tsvg` would
 * be given), appended to out. */
bool render_text(Renderer *r, Graph *g, const RenderOptions *o, const char *format, StrBuf *out,
                 RenderResult *result, char *error, int error_size);

/* Mermaid `flowchart LR` for a view (render/mermaid.c). */
void render_mermaid(const View *v, bool names, StrBuf *out);
/* The same, with the red arrows of backward steps <= frame only (a --steps frame). */
void render_mermaid_frame(const View *v, bool names, int frame, StrBuf *out);

#endif
