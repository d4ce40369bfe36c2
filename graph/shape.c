/* shape.c - shapes: sizes, equality, text and NumPy broadcasting. */
#include "value.h"

#include <stdio.h>

bool size_product(const int32_t *dims, int count, size_t *product) {
    /* Each step starts at most BP_MAX_ELEMENTS (2^26) and multiplies by less
     * than 2^31, so the 64-bit product cannot wrap before it is checked. */
    uint64_t size = 1;
    for (int i = 0; i < count; i++) {
        if (dims[i] < 0) return false;
        size *= (uint64_t)dims[i];
        if (size > BP_MAX_ELEMENTS) return false;
    }
    *product = (size_t)size;
    return true;
}

size_t shape_size(const Shape *s) {
    size_t size;
    return size_product(s->dims, s->rank, &size) ? size : (size_t)BP_MAX_ELEMENTS + 1;
}

bool shape_equal(const Shape *a, const Shape *b) {
    if (a->rank != b->rank) return false;
    for (int i = 0; i < a->rank; i++)
        if (a->dims[i] != b->dims[i]) return false;
    return true;
}

char *shape_text(const Shape *s, char *buf, size_t size) {
    size_t used = 0;
    buf[0] = '\0';
    for (int i = 0; i <= s->rank && used < size; i++) {
        int n = i == s->rank
                    ? snprintf(buf + used, size - used, ")")
                    : snprintf(buf + used, size - used, "%s%d", i ? "," : "(", (int)s->dims[i]);
        if (n < 0) break;
        used += (size_t)n;
    }
    if (s->rank == 0) snprintf(buf, size, "()");
    return buf;
}

bool shape_broadcast(const Shape *a, const Shape *b, Shape *out) {
    const Shape *longer = a->rank >= b->rank ? a : b;
    Shape r = {longer->rank, {0}};
    for (int i = 1; i <= r.rank; i++) { /* from the right */
        int32_t da = i <= a->rank ? a->dims[a->rank - i] : 1;
        int32_t db = i <= b->rank ? b->dims[b->rank - i] : 1;
        if (da != db && da != 1 && db != 1) return false;
        r.dims[r.rank - i] = da == 1 ? db : da;
    }
    *out = r;
    return true;
}
