/* names.c - the name table: names in definition order, found through an
 * open-addressing hash whose slots carry each name's hash. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* Reads n (4 or 8) bytes of a name as a little word. */
static uint64_t load(const char *s, size_t n) {
    uint64_t w = 0;
    memcpy(&w, s, n);
    return w;
}

/* Eight bytes at a time (names are short), each word multiplied in, then
 * a final mix so that the low bits, used as the slot index, depend on every
 * byte. The length seeds it: "a" and "a\0" differ. The last 1-7 bytes are
 * read as two overlapping 4-byte words, or as their first, middle and last
 * byte, instead of one at a time: every name is hashed twice (the line's
 * prefetch, then the lookup), and x123456 took 90 instructions a time. */
static uint32_t hash_name(const char *s, int len) {
    const uint64_t k = 0xff51afd7ed558ccdu;
    uint64_t h = (uint64_t)len * 0x9e3779b97f4a7c15u;
    int i = 0;
    for (; i + 8 <= len; i += 8)
        h = (h ^ load(s + i, 8)) * k;
    int rest = len - i;
    uint64_t tail = 0;
    if (rest >= 4)
        tail = load(s + i, 4) | load(s + len - 4, 4) << 32;
    else if (rest > 0)
        tail = (uint64_t)(uint8_t)s[i] | (uint64_t)(uint8_t)s[i + rest / 2] << 8 |
               (uint64_t)(uint8_t)s[len - 1] << 16;
    h = (h ^ tail) * k;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53u;
    h ^= h >> 33;
    return (uint32_t)h;
}

/* A slot packs the name's hash (high half) with its index + 1 (low half), so
 * probing compares hashes without touching the name table; 0 is empty. */
static uint64_t make_slot(uint32_t hash, int32_t k) {
    return (uint64_t)hash << 32 | (uint32_t)(k + 1);
}

/* The slot holding `name`, or the empty slot where it would go. */
static uint32_t find_slot(const Graph *g, const char *name, int len, uint32_t hash) {
    uint32_t mask = g->slot_cap - 1;
    for (uint32_t i = hash & mask;; i = (i + 1) & mask) {
        uint64_t slot = g->name_slots[i];
        if (slot == 0) return i;
        if ((uint32_t)(slot >> 32) != hash) continue;
        const Name *nm = &g->names[(int32_t)(uint32_t)slot - 1];
        if ((int)nm->len == len && memcmp(g->strings + nm->str, name, (size_t)len) == 0) return i;
    }
}

int32_t graph_find_name(const Graph *g, const char *name, int len) {
    if (g->slot_cap == 0) return -1;
    uint64_t slot = g->name_slots[find_slot(g, name, len, hash_name(name, len))];
    return (int32_t)(uint32_t)slot - 1;
}

void graph_prefetch_name(const Graph *g, const char *name, int len) {
    if (g->slot_cap == 0) return;
    __builtin_prefetch(&g->name_slots[hash_name(name, len) & (g->slot_cap - 1)]);
}

/* Moves every slot into a table of cap slots. Slots carry their hashes, so
 * no name is read; and walking the old table in order fills the new one
 * nearly in order (a hash's place moves by a multiple of the old size), so
 * a rehash of a million names streams through memory instead of missing
 * the cache once per name. */
static bool rehash(Graph *g, uint32_t cap) {
    uint64_t *slots = calloc(cap, sizeof *slots);
    if (!slots) return false;
    uint32_t mask = cap - 1;
    for (uint32_t i = 0; i < g->slot_cap; i++) {
        uint64_t slot = g->name_slots[i];
        if (slot == 0) continue;
        uint32_t j = (uint32_t)(slot >> 32) & mask;
        while (slots[j] != 0)
            j = (j + 1) & mask;
        slots[j] = slot;
    }
    free(g->name_slots);
    g->name_slots = slots;
    g->slot_cap = cap;
    return true;
}

int32_t graph_intern_name(Graph *g, const char *name, int len) {
    uint32_t hash = hash_name(name, len);
    uint32_t i = g->slot_cap ? find_slot(g, name, len, hash) : 0;
    if (g->slot_cap && g->name_slots[i] != 0) return (int32_t)(uint32_t)g->name_slots[i] - 1;
    if (((uint64_t)g->name_count + 1) * 4 > (uint64_t)g->slot_cap * 3) { /* load <= 3/4 */
        uint32_t cap = g->slot_cap ? g->slot_cap * 2 : 64;
        if (cap <= g->slot_cap || !rehash(g, cap)) return -1;
        i = find_slot(g, name, len, hash);
    }
    int64_t str_cap = g->str_cap;
    if ((uint64_t)g->str_len + (uint64_t)len + 1 > UINT32_MAX ||
        !graph_grow((void **)&g->strings, &str_cap, 1, (int64_t)g->str_len + len + 1))
        return -1;
    g->str_cap = (uint32_t)(str_cap > UINT32_MAX ? UINT32_MAX : str_cap);
    if (!graph_grow32((void **)&g->names, &g->name_cap, sizeof *g->names,
                      (int64_t)g->name_count + 1))
        return -1;
    int32_t k = g->name_count++;
    g->names[k] = (Name){g->str_len, (uint32_t)len, NODE_NONE, 0};
    memcpy(g->strings + g->str_len, name, (size_t)len);
    g->strings[g->str_len + (uint32_t)len] = '\0';
    g->str_len += (uint32_t)len + 1;
    g->name_slots[i] = make_slot(hash, k);
    return k;
}

NodeId graph_lookup(const Graph *g, const char *name, int len) {
    int32_t k = graph_find_name(g, name, len);
    return k < 0 ? NODE_NONE : g->names[k].node;
}

const char *graph_name_of(const Graph *g, NodeId id) {
    int32_t k = g->nodes[id].name;
    return k < 0 ? NULL : g->strings + g->names[k].str;
}
