#include "flatten.hpp"

#include <stdexcept>

#include "simd.hpp"

namespace attn {

Flatten::Flatten(const std::string& name, Shape in, int batch)
    : Layer(name, in, Shape{0, in.size()}, batch) {
    if (!in.is_sequence()) throw std::logic_error("Flatten " + name + " takes sequences");
    y_.resize(in.size(), batch);
    dx_.resize(in.features, in.time * batch);
}

// x's column t*B+b (F floats) is rows t*F .. t*F+F of y's column b: one copy each.
const Mat& Flatten::forward(const Mat& x, bool) {
    const int F = in_.features, B = B_;
    for (int t = 0; t < in_.time; ++t)
        for (int b = 0; b < B; ++b) simd::copy(y_.col(b).data() + t * F, x.col(t * B + b).data(), F);
    return y_;
}

const Mat& Flatten::backward(const Mat& dy) {
    const int F = in_.features, B = B_;
    for (int t = 0; t < in_.time; ++t)
        for (int b = 0; b < B; ++b) simd::copy(dx_.col(t * B + b).data(), dy.col(b).data() + t * F, F);
    return dx_;
}

std::vector<SummaryRow> Flatten::summary() const { return {{name_, "Flatten", out_.keras(), 0}}; }

}  // namespace attn
