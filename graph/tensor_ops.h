/* tensor_ops.h - shape rules and kernels of the ops that are not element-wise.
 *
 * Only ops.c (the op table) includes this. Each op has a shape rule
 * (`*_infer`, see OpInfer in ops.h) and a forward and backward kernel that
 * take the same OpCall; backward kernels only add into dx.
 */
#ifndef BP_TENSOR_OPS_H
#define BP_TENSOR_OPS_H

#include "ops.h"

#define BP_TENSOR_OP(name)                                                                         \
    bool name##_infer(const Shape *const *in, int32_t arg, const Shape *spec, Shape *out,          \
                      char *why, size_t why_size);                                                 \
    void name##_forward(const OpCall *c);                                                          \
    void name##_backward(const OpCall *c);

BP_TENSOR_OP(matmul)
BP_TENSOR_OP(transpose)
BP_TENSOR_OP(sum)
BP_TENSOR_OP(mean)
BP_TENSOR_OP(reshape)
BP_TENSOR_OP(flatten)
BP_TENSOR_OP(index)
BP_TENSOR_OP(affine)
BP_TENSOR_OP(softmax)
BP_TENSOR_OP(cross_entropy)
BP_TENSOR_OP(softmax_with_loss)
BP_TENSOR_OP(argmax)
BP_TENSOR_OP(accuracy)

/* The checks of what these three read (see OpCheck in ops.h): class labels. */
bool cross_entropy_check(const Value *x, char *why, size_t why_size);
bool softmax_with_loss_check(const Value *x, char *why, size_t why_size);
bool accuracy_check(const Value *x, char *why, size_t why_size);

#undef BP_TENSOR_OP

#endif
