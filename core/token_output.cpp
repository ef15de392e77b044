#include "token_output.hpp"

#include "activation.hpp"
#include "gemm.hpp"
#include "init.hpp"

namespace attn {

TokenOutput::TokenOutput(const std::string& name, Shape in, int V, int batch, ParamStore& ps)
    : Layer(name, in, Shape{in.time, V}, batch), ps_(ps) {
    const int C = in.features, T = in.steps();
    iW_ = ps.declare(name + "/kernel", V, C, {C, V});
    ib_ = ps.declare(name + "/bias", V, 1, {V});
    buffer(y_, V, T * batch);
    buffer(dx_, C, T * batch);
    buffer(WT_, C, V);
}

void TokenOutput::init(Rng& rng) {
    glorot_uniform(ps_.value(iW_), in_.features, out_.features, rng);
    ps_.value(ib_).setZero();
}

const Mat& TokenOutput::run_forward(const Mat& x, bool) {
    x_ = &x;
    gemm_nn_bias(ps_.value(iW_), x, ps_.value(ib_).data(), y_);  // z = W x + b
    softmax_columns(y_);                                          // y = softmax(z) per step
    return y_;
}

const Mat& TokenOutput::run_backward(const Mat& dz) {
    gemm_nt(dz, *x_, ps_.grad(iW_), true);           // dW += dz x^T
    add_row_sums(dz, ps_.grad(ib_).data());          // db += sum over the columns of dz
    if (!input_grad_) return dx_;
    WT_ = ps_.value(iW_).transpose();
    gemm_nn(WT_, dz, dx_, false);                    // dx = W^T dz
    return dx_;
}

std::vector<SummaryRow> TokenOutput::summary() const {
    const long long C = in_.features, V = out_.features;
    return {{name_, "Dense", out_.keras(), C * V + V}};
}

}  // namespace attn
