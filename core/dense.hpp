// Dense: y = act(W x + b) on vectors, or on a sequence it flattens (Keras's Flatten then Dense).
//   x (F, B), W (U, F) [Keras kernel (F, U)], b (U) [Keras bias (U,)], y (U, B).
//   On a sequence x (F, T*B) (sample b's step t in column t*B+b), the vector is Keras's flatten
//   order, x_flat[t*F + f] = x[f, t*B + b], read in place: W = [W_0 .. W_{T-1}] in blocks of
//   F columns and z = sum_t W_t x_t with x_t = x's columns t*B .. t*B+B. A vector input is the
//   case T = 1.
// Init: glorot_uniform kernel, zero bias (Keras defaults).
#pragma once

#include "activation.hpp"
#include "layer.hpp"

namespace attn {

class Dense : public Layer {
public:
    Dense(const std::string& name, Shape in, int units, Activation act, bool use_bias, int batch,
          ParamStore& ps);
    void init(Rng& rng) override;
    double macs() const override { return double(in_.size()) * out_.features; }  // W x
    std::vector<SummaryRow> summary() const override;

protected:
    const Mat& run_forward(const Mat& x, bool training) override;
    const Mat& run_backward(const Mat& dy) override;

private:
    ParamStore& ps_;
    Activation act_;
    bool use_bias_;
    int iW_ = -1, ib_ = -1;
    Mat dz_;  // (U, B) dL/d(pre-activation)
    Mat WT_;  // (T*F, U) W transposed, once per batch, for dx = W^T dz (with more than one unit)
};

}  // namespace attn
