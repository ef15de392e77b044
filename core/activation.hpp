// Elementwise activations and the column-wise softmax, forward and backward side by side.
// Backward needs only the forward's output y: relu' = [y > 0], tanh' = 1 - y^2,
// sigmoid' = y (1 - y), softmax: dz = y * (dy - sum_col(dy * y)).
#pragma once

#include <string>

#include "tensor.hpp"

namespace attn {

enum class Activation { linear, relu, tanh, sigmoid, softmax };

Activation parse_activation(const std::string& name);  // throws std::invalid_argument
const char* activation_name(Activation a);

// In place: z (pre-activation, F x N) becomes y. Softmax normalises each column.
void activation_forward(Activation a, Mat& z);
// dz = dL/dz from y and dy = dL/dy (dz may alias dy).
void activation_backward(Activation a, const Mat& y, const Mat& dy, Mat& dz);

void softmax_columns(Mat& z);
void softmax_columns_backward(const Mat& y, const Mat& dy, Mat& dz);

}  // namespace attn
