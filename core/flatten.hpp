// Flatten a sequence into a vector in Keras's order: x (F, T*B) -> y (T*F, B) with
// y[t*F + f, b] = x[f, t*B + b]. Each time step is one block copy.
#pragma once

#include "layer.hpp"

namespace attn {

class Flatten : public Layer {
public:
    Flatten(const std::string& name, Shape in, int batch);
    const Mat& forward(const Mat& x, bool training) override;
    const Mat& backward(const Mat& dy) override;
    std::vector<SummaryRow> summary() const override;
};

}  // namespace attn
