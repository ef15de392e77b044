#include "flatten.hpp"

#include <stdexcept>

namespace attn {

Flatten::Flatten(const std::string& name, Shape in, int batch)
    : Layer(name, in, Shape{0, in.size()}, batch) {
    if (!in.is_sequence()) throw std::logic_error("Flatten " + name + " takes sequences");
    y_.resize(in.size(), batch);
    dx_.resize(in.features, in.time * batch);
}

const Mat& Flatten::forward(const Mat& x, bool) {
    const int F = in_.features, B = B_;
    for (int t = 0; t < in_.time; ++t) y_.middleRows(t * F, F) = x.middleCols(t * B, B);
    return y_;
}

const Mat& Flatten::backward(const Mat& dy) {
    const int F = in_.features, B = B_;
    for (int t = 0; t < in_.time; ++t) dx_.middleCols(t * B, B) = dy.middleRows(t * F, F);
    return dx_;
}

std::vector<SummaryRow> Flatten::summary() const { return {{name_, "Flatten", out_.keras(), 0}}; }

}  // namespace attn
