#include "lstm.hpp"

#include <stdexcept>

#include "gemm.hpp"
#include "init.hpp"

namespace attn {

LSTM::LSTM(const std::string& name, Shape in, int units, bool return_sequences, int batch,
           ParamStore& ps)
    : Layer(name, in, return_sequences ? Shape{in.time, units} : Shape{0, units}, batch),
      ps_(ps), H_(units), return_sequences_(return_sequences) {
    if (!in.is_sequence()) throw std::logic_error("LSTM " + name + " takes sequences");
    const int D = in.features, H = units, T = in.time, B = batch;
    iWx_ = ps.declare(name + "/kernel", 4 * H, D, {D, 4 * H});
    iWh_ = ps.declare(name + "/recurrent_kernel", 4 * H, H, {H, 4 * H});
    ib_ = ps.declare(name + "/bias", 4 * H, 1, {4 * H});
    G_.resize(4 * H, T * B);
    C_.resize(H, T * B);
    TC_.resize(H, T * B);
    Hs_.resize(H, T * B);
    dZ_.resize(4 * H, T * B);
    dh_.resize(H, B);
    dc_.resize(H, B);
    zero_ = Mat::Zero(H, B);
    WhT_.resize(H, 4 * H);
    y_.resize(H, return_sequences ? T * B : B);
    dx_.resize(D, T * B);
}

void LSTM::init(ParamStore& ps, Rng& rng) {
    glorot_uniform(ps.value(iWx_), in_.features, 4 * H_, rng);
    orthogonal(ps.value(iWh_), rng);
    auto b = ps.value(ib_);
    b.setZero();
    b.middleRows(H_, H_).setOnes();  // unit_forget_bias
}

const Mat& LSTM::forward(const Mat& x, bool) {
    x_ = &x;
    const int H = H_, T = in_.time, B = B_;
    const auto Wh = ps_.value(iWh_);
    gemm_nn(ps_.value(iWx_), x, G_, false);           // Wx x_t for all t in one product
    G_.colwise() += ps_.value(ib_).col(0);            //   + b
    for (int t = 0; t < T; ++t) {
        auto z = G_.middleCols(t * B, B);             // (4H, B)
        const auto c_prev = t ? C_.middleCols((t - 1) * B, B) : zero_.middleCols(0, B);
        if (t) gemm_nn(Wh, Hs_.middleCols((t - 1) * B, B), z, true);  // z_t += Wh h_{t-1} (h_{-1} = 0)
        z.topRows(2 * H).array() = z.topRows(2 * H).array().logistic();        // i, f
        z.middleRows(2 * H, H).array() = z.middleRows(2 * H, H).array().tanh(); // g
        z.bottomRows(H).array() = z.bottomRows(H).array().logistic();          // o
        auto c = C_.middleCols(t * B, B);
        c.array() = z.middleRows(H, H).array() * c_prev.array() +             // c = f c_prev
                    z.topRows(H).array() * z.middleRows(2 * H, H).array();     //   + i g
        TC_.middleCols(t * B, B).array() = c.array().tanh();
        Hs_.middleCols(t * B, B).array() =
            z.bottomRows(H).array() * TC_.middleCols(t * B, B).array();        // h = o tanh(c)
    }
    if (return_sequences_) y_ = Hs_;
    else y_ = Hs_.middleCols((T - 1) * B, B);
    return y_;
}

const Mat& LSTM::backward(const Mat& dy) {
    const int H = H_, T = in_.time, B = B_;
    WhT_ = ps_.value(iWh_).transpose();  // (H, 4H), once per batch, for dh_prev = Wh^T dz
    auto dWh = ps_.grad(iWh_);
    dh_.setZero();
    dc_.setZero();
    for (int t = T - 1; t >= 0; --t) {
        if (return_sequences_) dh_ += dy.middleCols(t * B, B);
        else if (t == T - 1) dh_ += dy;
        const auto g = G_.middleCols(t * B, B);
        const auto i = g.topRows(H).array(), f = g.middleRows(H, H).array();
        const auto gg = g.middleRows(2 * H, H).array(), o = g.bottomRows(H).array();
        const auto tc = TC_.middleCols(t * B, B).array();
        const auto c_prev = t ? C_.middleCols((t - 1) * B, B) : zero_.middleCols(0, B);
        auto dz = dZ_.middleCols(t * B, B);
        // h = o tanh(c):  do = dh tanh(c);  dc += dh o (1 - tanh(c)^2)
        dz.bottomRows(H).array() = dh_.array() * tc * o * (1.0f - o);
        dc_.array() += dh_.array() * o * (1.0f - tc.square());
        // c = f c_prev + i g:  di = dc g, df = dc c_prev, dg = dc i;  through the nonlinearities
        dz.topRows(H).array() = dc_.array() * gg * i * (1.0f - i);
        dz.middleRows(H, H).array() = dc_.array() * c_prev.array() * f * (1.0f - f);
        dz.middleRows(2 * H, H).array() = dc_.array() * i * (1.0f - gg.square());
        dc_.array() *= f;                                  // dc_prev = dc f
        gemm_nn(WhT_, dz, dh_, false);                     // z += Wh h_prev -> dh_prev = Wh^T dz
    }
    // z_t += Wh h_{t-1} -> dWh = sum_t dz_t h_{t-1}^T, as one product over all steps
    // (h_{-1} = 0, so step 0 adds nothing): dZ's steps 1..T-1 times Hs's steps 0..T-2.
    if (T > 1) gemm_nt(dZ_.rightCols((T - 1) * B), Hs_.leftCols((T - 1) * B), dWh, true);
    gemm_nt(dZ_, *x_, ps_.grad(iWx_), true);               // z = Wx x + b for all t: dWx += dZ x^T
    ps_.grad(ib_).col(0) += dZ_.rowwise().sum();
    dx_.noalias() = ps_.value(iWx_).transpose() * dZ_;
    return dx_;
}

std::vector<SummaryRow> LSTM::summary() const {
    const int D = in_.features, H = H_;
    return {{name_, "LSTM", out_.keras(), 4LL * H * (D + H + 1)}};
}

}  // namespace attn
