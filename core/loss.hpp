// Losses and the binary-accuracy metric on predictions p and targets y, both (K, B).
// Each loss is the mean over all K*B entries, as Keras reports it; backward writes
// dp = dL/dp for that mean.
//
// binary_crossentropy follows Keras: p is clipped to [eps, 1 - eps] with eps = 1e-7, so the
// value is always finite (at most -log(1e-7) = 16.1); the gradient is zero where p lies outside
// that range and passes at its bounds, as the gradient of tf.clip_by_value (and TF.js's
// clipByValue) does. In float, 1 - eps is 1 - 2^-23: an output sigmoid gives exactly that for
// logits from 15.72 to 16.23 (docs/numerics.md).
//
// sparse_categorical_crossentropy (the self-attention tasks): p (V, N) a softmax per column,
// y (1, N) the target token of each column (an integer id stored as a float). The loss is the
// mean over the N columns of -log(max(p[y], eps)), by portable_log (the same bits everywhere).
// Its backward is FUSED with the softmax before it: dp receives dL/dz at the softmax's
// logits, (p - onehot(y)) / N, which the head (core/token_output.hpp) takes as is.
#pragma once

#include <string>
#include <vector>

#include "tensor.hpp"

namespace attn {

enum class Loss { binary_crossentropy, mse, mae, sparse_categorical_crossentropy };

// The names the config takes, in the enum's order; parse_loss throws ConfigError("loss", ...).
const std::vector<std::string>& loss_names();
Loss parse_loss(const std::string& name);
const char* loss_name(Loss l);

constexpr float kKerasEpsilon = 1e-7f;

float loss_forward(Loss l, const Mat& p, const Mat& y);
void loss_backward(Loss l, const Mat& p, const Mat& y, Mat& dp);

// Fraction of entries where (p > 0.5) equals y.
float binary_accuracy(const Mat& p, const Mat& y);
// Fraction of columns of p (V, N) whose largest entry (the first of equal ones) is at y's token.
float token_accuracy(const Mat& p, const Mat& y);

}  // namespace attn
