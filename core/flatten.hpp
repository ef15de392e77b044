// Flatten a sequence into a vector in Keras's order: x (F, T*B) -> y (T*F, B) with
// y[t*F + f, b] = x[f, t*B + b]. Each time step is one block copy.
// As a view (when the next layer is a Dense, which reads a sequence in this order itself):
// forward returns x and backward dy, no copy; output() makes the copy only when read.
#pragma once

#include "layer.hpp"

namespace attn {

class Flatten : public Layer {
public:
    Flatten(const std::string& name, Shape in, int batch, bool view = false);
    const Mat& output() const override;
    std::vector<SummaryRow> summary() const override;

protected:
    const Mat& run_forward(const Mat& x, bool training) override;
    const Mat& run_backward(const Mat& dy) override;

private:
    bool view_;
    mutable Mat flat_;  // the view's output in Keras's order, filled when read
    void flatten(const Mat& x, Mat& y) const;
};

}  // namespace attn
