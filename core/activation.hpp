// Elementwise activations and the column-wise softmax, forward and backward side by side.
// Backward needs only the forward's output y: relu' = [y > 0], tanh' = 1 - y^2,
// sigmoid' = y (1 - y), softmax: dz = y * (dy - sum_col(dy * y)).
#pragma once

#include <string>

#include "tensor.hpp"

namespace attn {

enum class Activation { linear, relu, tanh, sigmoid, softmax };

const char* activation_name(Activation a);

// In place: z (pre-activation, F x N) becomes y. Softmax normalises each column.
void activation_forward(Activation a, Mat& z);
// dz = dL/dz from y and dy = dL/dy (dz may alias dy).
void activation_backward(Activation a, const Mat& y, const Mat& dy, Mat& dz);

void softmax_columns(Mat& z);
void softmax_columns_backward(const Mat& y, const Mat& dy, Mat& dz);

// Softmax along each row of a column-major R x C block z (leading dimension ld), after adding
// bias[c] to column c: z[r, :] = softmax(z[r, :] + bias). Rows sit in vector lanes, so this
// suits many short rows (the 3-D attention: one row per series, one column per time step).
// Blocks of kSoftmaxPanelRows rows are worked on in a contiguous copy (scratch: that many
// times C floats): ld can be a power of two, whose columns would evict each other from L1.
// 32 rows: 8 independent exp chains per column, faster in Chromium than 16 rows (fewer chains
// to overlap) and than 64 (whose chains no longer fit V8's registers); see docs/performance.md.
constexpr int kSoftmaxPanelRows = 32;
void softmax_rows(float* z, int R, int C, int ld, const float* bias, float* scratch);
// Its backward, in place: d holds dL/dy and becomes dL/dz = y * (d - sum_c d y), per row.
// scratch: 2 * kSoftmaxPanelRows * C floats.
void softmax_rows_backward(const float* y, float* d, int R, int C, int ld, float* scratch);

}  // namespace attn
