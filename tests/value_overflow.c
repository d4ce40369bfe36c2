/* value_overflow.c - reads just past a value's storage, as a kernel with an
 * off-by-one would, and must be stopped there by AddressSanitizer.
 *
 * All values live in one heap block (Graph.values), so without the
 * poisoning in graph/graph.c such a read lands in a neighbour's elements or
 * in spare capacity and ASan stays silent: the program then says so and
 * exits 0, and its test fails. tests/CMakeLists.txt runs it only in
 * sanitizer builds and wants a use-after-poison report. Usage:
 *
 *   value_overflow neighbour    one past a value followed by another value
 *   value_overflow grown        the same, after the storage was reallocated
 *   value_overflow spare        into the unused capacity after the last value
 *   value_overflow rolled_back  into a value a rollback took away
 */
#include <stdio.h>
#include <string.h>

#include "graph/graph.h"

/* A value of three elements. */
static NodeId add_three(Graph *g) {
    static const Shape three = {1, {3}};
    static const double data[3] = {1, 2, 3};
    GraphError err;
    NodeId id = graph_add_tensor(g, &three, data, &err);
    if (id == NODE_NONE) fprintf(stderr, "value_overflow: %s\n", err.message);
    return id;
}

int main(int argc, char **argv) {
    const char *mode = argc == 2 ? argv[1] : "";
    Graph g;
    graph_init_empty(&g);
    NodeId a = add_three(&g);
    if (a == NODE_NONE) return 2;
    const double *p = NULL; /* the element read */
    if (strcmp(mode, "neighbour") == 0) {
        add_three(&g);
        p = graph_value(&g, a).data + 3;
    } else if (strcmp(mode, "grown") == 0) {
        add_three(&g);
        for (int i = 0; i < 1000; i++) /* far more than the first allocation holds */
            graph_add_const(&g, i);
        p = graph_value(&g, a).data + 3;
    } else if (strcmp(mode, "spare") == 0) {
        p = graph_value(&g, a).data + 12; /* past any red zone, inside the first allocation */
    } else if (strcmp(mode, "rolled_back") == 0) {
        GraphMark m = graph_mark(&g);
        NodeId b = add_three(&g);
        if (b == NODE_NONE) return 2;
        p = graph_value(&g, b).data;
        graph_rollback(&g, m);
    } else {
        fprintf(stderr, "usage: value_overflow neighbour|grown|spare|rolled_back\n");
        return 2;
    }
    volatile double x = *p;
    printf("value_overflow %s: read %g past the values, and nothing stopped it\n", mode, x);
    graph_free(&g);
    return 0;
}
