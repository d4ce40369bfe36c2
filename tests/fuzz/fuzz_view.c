/* fuzz_view.c - libFuzzer target: any session input (as fuzz_session reads
 * it), then the figure of its target built every way a figure can say
 * it: numbers, symbols, chain-rule partials, --derived, symbols with --values,
 * --fold, --elements, --expand and --expand=2, --forward, --all, a worksheet's
 * blanks; each written as Mermaid. Building views, symbolic labels,
 * legends and expansions must never crash, hang or leak, and every view
 * must be well formed: links between its own nodes, at most VIEW_LEGEND
 * legend lines, labels cut to their size. No Graphviz: its layout is not
 * ours to fuzz, and a figure's every word is decided before it.
 *
 *     cmake --build build-fuzz --target fuzz_view
 *     build-fuzz/tests/fuzz/fuzz_view -dict=tests/fuzz/session.dict /tmp/corpus tests/fuzz/corpus
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_input.h"
#include "render/render.h"
#include "render/view.h"

enum { MAX_OPS = 300 }; /* as :render refuses bigger views without --force */

/* Stops the fuzzer with what is wrong: a finding, not a test failure. */
static void require(bool ok, const char *what) {
    if (ok) return;
    fprintf(stderr, "fuzz_view: %s\n", what);
    abort();
}

static void check_view(const View *v) {
    for (int i = 0; i < v->edge_count; i++) {
        const ViewEdge *e = &v->edges[i];
        require(e->from >= 0 && e->from < v->node_count && e->to >= 0 && e->to < v->node_count,
                "a link to a node that is not in the view");
        require(memchr(e->value, 0, VIEW_TEXT) && memchr(e->grad, 0, VIEW_TEXT) &&
                    memchr(e->name, 0, VIEW_TEXT),
                "a label without its end");
    }
    require(v->legend_count >= 0 && v->legend_count <= VIEW_LEGEND, "a legend too long");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    FILE *out = fopen("/dev/null", "w");
    Session s;
    StreamSink sink;
    fuzz_session_open(&s, &sink, out);
    fuzz_run_input(&s, data, size);
    NodeId target = session_target(&s);
    const double *seed = NULL;
    char why[256];
    if (target != NODE_NONE && !session_seed(&s, target, &seed, why, sizeof why)) seed = NULL;
    static const ViewLabels labels[] = {VIEW_NUMBERS, VIEW_SYMBOLIC, VIEW_CHAIN};
    for (int k = 0; k < 13; k++) {
        RenderOptions o = render_defaults(target, seed, 4);
        o.view.max_ops = MAX_OPS;
        o.view.labels = k == 12 ? VIEW_DERIVED : labels[k % 3];
        o.view.values = k == 4;
        o.view.elements = k >= 6;
        o.view.expand = k >= 3 && k != 12;
        o.view.expand_level = k >= 9 ? 2 : 1;
        o.view.forward_only = k == 5;
        o.view.fold = k == 2 || k == 8;
        o.view.all = k == 11;
        o.view.blanks = k == 7 ? VIEW_BLANK_GRAD : 0;
        View v;
        char error[256];
        if (!view_build(&v, &s.graph, &o.view, error, sizeof error)) continue;
        check_view(&v);
        StrBuf text;
        sb_init(&text);
        render_mermaid(&v, true, &text);
        sb_free(&text);
        view_free(&v);
    }
    session_free(&s);
    fclose(out);
    return 0;
}
