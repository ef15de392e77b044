#include "flatten.hpp"

#include <stdexcept>

#include "simd.hpp"

namespace attn {

Flatten::Flatten(const std::string& name, Shape in, int batch, bool view)
    : Layer(name, in, Shape{0, in.size()}, batch), view_(view) {
    if (!in.is_sequence()) throw std::logic_error("Flatten " + name + " takes sequences");
    buffer(view ? flat_ : y_, in.size(), batch);
    if (!view) buffer(dx_, in.features, in.time * batch);
}

// x's column t*B+b (F floats) is rows t*F .. t*F+F of y's column b: one copy each.
void Flatten::flatten(const Mat& x, Mat& y) const {
    const int F = in_.features, B = B_;
    for (int t = 0; t < in_.time; ++t)
        for (int b = 0; b < B; ++b) simd::copy(y.col(b).data() + t * F, x.col(t * B + b).data(), F);
}

const Mat& Flatten::run_forward(const Mat& x, bool) {
    x_ = &x;
    if (view_) return x;
    flatten(x, y_);
    return y_;
}

const Mat& Flatten::run_backward(const Mat& dy) {
    if (view_) return dy;
    const int F = in_.features, B = B_;
    for (int t = 0; t < in_.time; ++t)
        for (int b = 0; b < B; ++b) simd::copy(dx_.col(t * B + b).data(), dy.col(b).data() + t * F, F);
    return dx_;
}

const Mat& Flatten::output() const {
    if (!view_) return y_;
    if (x_) flatten(*x_, flat_);
    return flat_;
}

std::vector<SummaryRow> Flatten::summary() const { return {{name_, "Flatten", out_.keras(), 0}}; }

}  // namespace attn
