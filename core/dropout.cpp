#include "dropout.hpp"

namespace attn {

Dropout::Dropout(const std::string& name, Shape in, float rate, int batch, Rng& rng)
    : Layer(name, in, in, batch), rate_(rate), rng_(rng) {
    buffer(mask_, in.features, in.steps() * batch);
    buffer(y_, in.features, in.steps() * batch);
    buffer(dx_, in.features, in.steps() * batch);
}

const Mat& Dropout::run_forward(const Mat& x, bool training) {
    trained_ = training && rate_ > 0.0f;
    if (!trained_) {
        y_ = x;
        return y_;
    }
    const float keep = 1.0f - rate_, scale = 1.0f / keep;
    float* m = mask_.data();
    for (Eigen::Index i = 0; i < mask_.size(); ++i) m[i] = rng_.uniform01() < keep ? scale : 0.0f;
    y_.array() = x.array() * mask_.array();
    return y_;
}

const Mat& Dropout::run_backward(const Mat& dy) {
    if (trained_) dx_.array() = dy.array() * mask_.array();
    else dx_ = dy;
    return dx_;
}

std::vector<SummaryRow> Dropout::summary() const { return {{name_, "Dropout", out_.keras(), 0}}; }

}  // namespace attn
