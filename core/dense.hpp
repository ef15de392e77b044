// Dense: y = act(W x + b) on vectors.
//   x (F, B), W (U, F) [Keras kernel (F, U)], b (U) [Keras bias (U,)], y (U, B).
// Init: glorot_uniform kernel, zero bias (Keras defaults).
#pragma once

#include "activation.hpp"
#include "layer.hpp"

namespace attn {

class Dense : public Layer {
public:
    Dense(const std::string& name, Shape in, int units, Activation act, bool use_bias, int batch,
          ParamStore& ps);
    const Mat& forward(const Mat& x, bool training) override;
    const Mat& backward(const Mat& dy) override;
    void init(ParamStore& ps, Rng& rng) override;
    std::vector<SummaryRow> summary() const override;

private:
    ParamStore& ps_;
    Activation act_;
    bool use_bias_;
    int iW_ = -1, ib_ = -1;
    Mat dz_;  // (U, B) dL/d(pre-activation)
};

}  // namespace attn
