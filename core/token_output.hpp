// The self-attention model's head: a Dense(V, softmax) on every step of the residual stream
// (Keras's Dense on a 3-D input), the next-token distribution per step.
//   x (C, T*B), W (V, C) [Keras output/kernel (C, V)], b (V) [Keras output/bias (V,)]
//   z = W x + b   (V, T*B), one product over every step of the batch
//   y = softmax over each column of z (V, T*B)
// Backward takes dL/dz, not dL/dy: softmax and sparse_categorical_crossentropy are fused, and
// the loss's backward (core/loss.hpp) writes (y - onehot(target)) / N, the gradient at the
// logits. validate() allows only that loss with this head.
// Init: glorot_uniform kernel, zero bias (Keras defaults).
#pragma once

#include "layer.hpp"

namespace attn {

class TokenOutput : public Layer {
public:
    TokenOutput(const std::string& name, Shape in, int vocab, int batch, ParamStore& ps);
    void init(Rng& rng) override;
    double macs() const override { return double(in_.size()) * out_.features; }  // W x per step
    std::vector<SummaryRow> summary() const override;

protected:
    const Mat& run_forward(const Mat& x, bool training) override;
    const Mat& run_backward(const Mat& dz) override;  // dz = dL/d(logits), see above

private:
    ParamStore& ps_;
    int iW_ = -1, ib_ = -1;
    Mat WT_;  // (C, V) W^T, once per batch: dx through gemm_nn
};

}  // namespace attn
