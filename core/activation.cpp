#include "activation.hpp"

#include <stdexcept>

#include "simd.hpp"

namespace attn {

Activation parse_activation(const std::string& n) {
    if (n == "linear") return Activation::linear;
    if (n == "relu") return Activation::relu;
    if (n == "tanh") return Activation::tanh;
    if (n == "sigmoid") return Activation::sigmoid;
    if (n == "softmax") return Activation::softmax;
    throw std::invalid_argument("activation: unknown activation '" + n +
                                "' (expected linear, relu, tanh, sigmoid or softmax)");
}

const char* activation_name(Activation a) {
    switch (a) {
        case Activation::linear: return "linear";
        case Activation::relu: return "relu";
        case Activation::tanh: return "tanh";
        case Activation::sigmoid: return "sigmoid";
        case Activation::softmax: return "softmax";
    }
    return "?";
}


void softmax_columns(Mat& z) {
    // Per column: subtract its max (so exp never overflows), exp, divide by the sum. Max and
    // sum are plain loops in order: the same bits in every build.
    const Eigen::Index R = z.rows(), R4 = R - R % 4;
    for (Eigen::Index j = 0; j < z.cols(); ++j) {
        float* c = z.col(j).data();
        float mx = c[0];
        for (Eigen::Index i = 1; i < R; ++i) mx = c[i] > mx ? c[i] : mx;
        for (Eigen::Index i = 0; i < R4; i += 4) simd::store(c + i, simd::exp(simd::load<simd::v4>(c + i) - mx));
        for (Eigen::Index i = R4; i < R; ++i) c[i] = simd::exp(c[i] - mx);
        float sum = 0.0f;
        for (Eigen::Index i = 0; i < R; ++i) sum += c[i];
        for (Eigen::Index i = 0; i < R; ++i) c[i] /= sum;
    }
}

void softmax_columns_backward(const Mat& y, const Mat& dy, Mat& dz) {
    // dz_i = y_i (dy_i - sum_j dy_j y_j), per column.
    for (Eigen::Index j = 0; j < y.cols(); ++j) {
        const float dot = y.col(j).dot(dy.col(j));
        dz.col(j).array() = y.col(j).array() * (dy.col(j).array() - dot);
    }
}

void activation_forward(Activation a, Mat& z) {
    switch (a) {
        case Activation::linear: break;
        case Activation::relu: z = z.cwiseMax(0.0f); break;
        case Activation::tanh: z.array() = z.array().tanh(); break;
        case Activation::sigmoid: z.array() = z.array().logistic(); break;
        case Activation::softmax: softmax_columns(z); break;
    }
}

void activation_backward(Activation a, const Mat& y, const Mat& dy, Mat& dz) {
    switch (a) {
        case Activation::linear: dz = dy; break;
        case Activation::relu: dz.array() = (y.array() > 0.0f).select(dy.array(), 0.0f); break;
        case Activation::tanh: dz.array() = dy.array() * (1.0f - y.array().square()); break;
        case Activation::sigmoid: dz.array() = dy.array() * y.array() * (1.0f - y.array()); break;
        case Activation::softmax: softmax_columns_backward(y, dy, dz); break;
    }
}

}  // namespace attn
