/* compact.c - reclaiming dead nodes. A redefinition leaves its old
 * expression's nodes dead, and :del its name's node; they are skipped, but
 * every walk, array and scratch buffer sized by the node count still pays
 * for them. Removing them once they outnumber the live nodes keeps the graph
 * within twice what is live, so a session's statements cost what they
 * touch, not how long the session has run. */
#include <assert.h>
#include <stdlib.h>

#include "internal.h"

bool graph_needs_compaction(const Graph *g) {
    int32_t live = g->count - g->dead;
    uint32_t live_values = g->vcount - g->dead_values;
    /* As soon as the garbage is as big as what is live (`>=`): a tensor
     * redefined over and over then peaks at two copies of it, not three. */
    return (g->dead > 0 && g->dead >= live && g->dead >= g->reclaim_nodes) ||
           (g->dead_values > 0 && g->dead_values >= live_values &&
            g->dead_values >= g->reclaim_values);
}

void graph_remap_free(GraphRemap *m) {
    free(m->to);
    m->to = NULL;
    m->count = 0;
}

/* A live node and where its storage starts, to list nodes in storage order. */
typedef struct {
    uint32_t off;
    NodeId id;
} Stored;

static int by_offset(const void *a, const void *b) {
    uint32_t x = ((const Stored *)a)->off, y = ((const Stored *)b)->off;
    return (x > y) - (x < y);
}

/* The live nodes in storage order, as ids. Storage is taken in id order, so
 * it is already sorted unless a reshape gave a node new storage. */
static void storage_order(Stored *live, int32_t n, NodeId *ids) {
    bool sorted = true;
    for (int32_t k = 1; k < n && sorted; k++)
        sorted = live[k - 1].off < live[k].off;
    if (!sorted) qsort(live, (size_t)n, sizeof *live, by_offset);
    for (int32_t k = 0; k < n; k++)
        ids[k] = live[k].id;
}

bool graph_compact(Graph *g, GraphRemap *map) {
    int32_t live = g->count - g->dead;
    map->count = g->count;
    map->to = malloc(((size_t)g->count + 1) * sizeof *map->to);
    Stored *stored = malloc(((size_t)live + 1) * sizeof *stored);
    NodeId *ids = malloc(((size_t)live + 1) * sizeof *ids);
    if (!map->to || !stored || !ids) {
        graph_remap_free(map);
        free(stored);
        free(ids);
        return false;
    }
    int32_t n = 0;
    for (NodeId id = 0; id < g->count; id++) {
        if (!graph_is_live(g, id)) {
            map->to[id] = NODE_NONE;
            continue;
        }
        stored[n] = (Stored){g->nodes[id].off, id};
        map->to[id] = n++;
    }
    assert(n == live && "graph_compact: the dead count is off");
    storage_order(stored, n, ids);
    graph_pack_values(g, ids, n);
    free(stored);
    free(ids);

    /* Live nodes move down in id order, so each lands on a dead or already
     * moved slot; a live node's inputs are live (only unnamed nodes die with
     * their user, and :del refuses a name that is used). */
    g->checked_ops = 0;
    for (NodeId id = 0; id < g->count; id++) {
        if (map->to[id] == NODE_NONE) continue;
        Node nd = g->nodes[id];
        for (int i = 0; i < op_info((Op)nd.op)->arity; i++) {
            assert(map->to[nd.in[i]] != NODE_NONE && "graph_compact: a live node uses a dead one");
            nd.in[i] = map->to[nd.in[i]];
        }
        if (op_info((Op)nd.op)->check) g->checked_ops++;
        g->nodes[map->to[id]] = nd;
    }
    for (int32_t k = 0; k < g->name_count; k++)
        g->names[k].node = graph_remap_id(map, g->names[k].node);
    g->newest_derived = graph_remap_id(map, g->newest_derived);
    g->count = n;
    g->dead = 0;
    g->dead_values = 0;
    if (g->cap > 64 && g->cap / 4 > n) { /* give most of an emptied array back */
        int32_t cap = n * 2 > 64 ? n * 2 : 64;
        Node *nodes = realloc(g->nodes, (size_t)cap * sizeof *nodes);
        if (nodes) {
            g->nodes = nodes;
            g->cap = cap;
        }
    }
    /* Every cache speaks of the old ids: rebuilt on demand. */
    g->topo_valid = false;
    g->topo_len = 0;
    g->topo_covers = 0;
    g->down_count = -1;
    g->ancestors_of = NODE_NONE;
    g->edits++;
    return true;
}
