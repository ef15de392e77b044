#include "dense.hpp"

#include "gemm.hpp"
#include "init.hpp"
#include "simd.hpp"

namespace attn {

Dense::Dense(const std::string& name, Shape in, int units, Activation act, bool use_bias,
             int batch, ParamStore& ps)
    : Layer(name, in, Shape{0, units}, batch), ps_(ps), act_(act), use_bias_(use_bias) {
    iW_ = ps.declare(name + "/kernel", units, in.size(), {in.size(), units});
    if (use_bias) ib_ = ps.declare(name + "/bias", units, 1, {units});
    buffer(y_, units, batch);
    buffer(dz_, units, batch);
    buffer(dx_, in.features, in.steps() * batch);
    if (units > 1) buffer(WT_, in.size(), units);
}

void Dense::init(Rng& rng) {
    glorot_uniform(ps_.value(iW_), in_.size(), out_.features, rng);
    if (use_bias_) ps_.value(ib_).setZero();
}

// Per time step t: W_t (U, F) at W + t*F*U, x_t (F, B) at x + t*F*B. With one unit (every
// model's output layer) W_t is a vector of F and the products are B dot products (forward),
// F x B outer products (dx) and one matrix-vector product (dW): the general product would
// work on one row at a time.

const Mat& Dense::run_forward(const Mat& x, bool) {
    x_ = &x;
    const int F = in_.features, T = in_.steps(), U = out_.features, B = B_;
    const float* W = ps_.value(iW_).data();
    if (use_bias_) y_.colwise() = ps_.value(ib_).col(0);  // z = b
    else y_.setZero();
    for (int t = 0; t < T; ++t) {                      //   + sum_t W_t x_t
        const float *Wt = W + size_t(t) * F * U, *xt = x.data() + size_t(t) * F * B;
        if (U == 1) gemm_tn(B, 1, F, xt, F, Wt, F, y_.data(), B);  // z^T += x_t^T W_t^T
        else gemm_nn(U, B, F, Wt, U, xt, F, y_.data(), U, true);
    }
    activation_forward(act_, y_);                      // y = act(z)
    return y_;
}

const Mat& Dense::run_backward(const Mat& dy) {
    const int F = in_.features, T = in_.steps(), U = out_.features, B = B_;
    activation_backward(act_, y_, dy, dz_);            // dz = act'(z) dy
    if (use_bias_) add_row_sums(dz_, ps_.grad(ib_).data());  // db += sum_b dz
    const float* W = ps_.value(iW_).data();
    float* dW = ps_.grad(iW_).data();
    const float* dz = dz_.data();
    if (U > 1 && input_grad_) WT_ = ps_.value(iW_).transpose();  // for dx_t = W_t^T dz
    for (int t = 0; t < T; ++t) {
        const float *Wt = W + size_t(t) * F * U, *xt = x_->data() + size_t(t) * F * B;
        float* dWt = dW + size_t(t) * F * U;
        float* dxt = input_grad_ ? dx_.data() + size_t(t) * F * B : nullptr;  // dx_ is empty without it
        if (U == 1) {
            gemm_nn(F, 1, B, xt, F, dz, B, dWt, F, true);  // dW_t^T += x_t dz^T
            if (!input_grad_) continue;
            for (int b = 0; b < B; ++b)                    // dx_t = W_t^T dz: column b = W_t dz_b
                simd::by_lanes(F, [&](int f, auto lane) {
                    using V = decltype(lane);
                    simd::store(dxt + size_t(b) * F + f, simd::load<V>(Wt + f) * dz[b]);
                });
        } else {
            gemm_nt(U, F, B, dz, U, xt, F, dWt, U, true);  // dW_t += dz x_t^T
            if (!input_grad_) continue;
            gemm_nn(F, B, U, WT_.data() + size_t(t) * F, in_.size(), dz, U, dxt, F, false);  // dx_t = W_t^T dz
        }
    }
    return dx_;
}

std::vector<SummaryRow> Dense::summary() const {
    const long long n = 1LL * in_.size() * out_.features + (use_bias_ ? out_.features : 0);
    return {{name_, "Dense", out_.keras(), n}};
}

}  // namespace attn
