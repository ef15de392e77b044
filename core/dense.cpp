#include "dense.hpp"

#include <stdexcept>

#include "init.hpp"

namespace attn {

Dense::Dense(const std::string& name, Shape in, int units, Activation act, bool use_bias,
             int batch, ParamStore& ps)
    : Layer(name, in, Shape{0, units}, batch), ps_(ps), act_(act), use_bias_(use_bias) {
    if (in.is_sequence()) throw std::logic_error("Dense " + name + " takes vectors");
    iW_ = ps.declare(name + "/kernel", units, in.features, {in.features, units});
    if (use_bias) ib_ = ps.declare(name + "/bias", units, 1, {units});
    y_.resize(units, batch);
    dz_.resize(units, batch);
    dx_.resize(in.features, batch);
}

void Dense::init(ParamStore& ps, Rng& rng) {
    glorot_uniform(ps.value(iW_), in_.features, out_.features, rng);
    if (use_bias_) ps.value(ib_).setZero();
}

const Mat& Dense::forward(const Mat& x, bool) {
    x_ = &x;
    y_.noalias() = ps_.value(iW_) * x;                           // z = W x
    if (use_bias_) y_.colwise() += ps_.value(ib_).col(0);         //   + b
    activation_forward(act_, y_);                                 // y = act(z)
    return y_;
}

const Mat& Dense::backward(const Mat& dy) {
    activation_backward(act_, y_, dy, dz_);                        // dz = act'(z) dy
    ps_.grad(iW_).noalias() += dz_ * x_->transpose();              // dW += dz x^T
    if (use_bias_) ps_.grad(ib_).col(0) += dz_.rowwise().sum();   // db += sum_b dz
    dx_.noalias() = ps_.value(iW_).transpose() * dz_;              // dx = W^T dz
    return dx_;
}

std::vector<SummaryRow> Dense::summary() const {
    const long long n = 1LL * in_.features * out_.features + (use_bias_ ? out_.features : 0);
    return {{name_, "Dense", out_.keras(), n}};
}

}  // namespace attn
