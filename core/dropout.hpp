// Inverted dropout: in training, y = x * m / (1 - rate) with m ~ Bernoulli(1 - rate) drawn from
// the run's dropout stream; in inference y = x (deterministic). Works on vectors and sequences.
#pragma once

#include "layer.hpp"

namespace attn {

class Dropout : public Layer {
public:
    Dropout(const std::string& name, Shape in, float rate, int batch, Rng& rng);
    std::vector<SummaryRow> summary() const override;

protected:
    const Mat& run_forward(const Mat& x, bool training) override;
    const Mat& run_backward(const Mat& dy) override;

private:
    float rate_;
    Rng& rng_;
    bool trained_ = false;  // whether the last forward applied a mask
    Mat mask_;              // (F, steps*B) 0 or 1/(1-rate), kept for backward
};

}  // namespace attn
