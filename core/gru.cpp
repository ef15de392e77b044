#include "gru.hpp"

#include <stdexcept>

#include "gemm.hpp"
#include "init.hpp"

namespace attn {

GRU::GRU(const std::string& name, Shape in, int units, bool return_sequences, int batch,
         ParamStore& ps)
    : Layer(name, in, return_sequences ? Shape{in.time, units} : Shape{0, units}, batch),
      ps_(ps), H_(units), return_sequences_(return_sequences) {
    if (!in.is_sequence()) throw std::logic_error("GRU " + name + " takes sequences");
    const int D = in.features, H = units, T = in.time, B = batch;
    iWx_ = ps.declare(name + "/kernel", 3 * H, D, {D, 3 * H});
    iWh_ = ps.declare(name + "/recurrent_kernel", 3 * H, H, {H, 3 * H});
    ib_ = ps.declare(name + "/bias", 3 * H, 2, {2, 3 * H});
    G_.resize(3 * H, T * B);
    HH_.resize(H, T * B);
    Hs_.resize(H, T * B);
    hw_.resize(3 * H, B);
    dX_.resize(3 * H, T * B);
    dHW_.resize(3 * H, T * B);
    dh_.resize(H, B);
    zero_ = Mat::Zero(H, B);
    WhT_.resize(H, 3 * H);
    y_.resize(H, return_sequences ? T * B : B);
    dx_.resize(D, T * B);
}

void GRU::init(ParamStore& ps, Rng& rng) {
    glorot_uniform(ps.value(iWx_), in_.features, 3 * H_, rng);
    orthogonal(ps.value(iWh_), rng);
    ps.value(ib_).setZero();
}

const Mat& GRU::forward(const Mat& x, bool) {
    x_ = &x;
    const int H = H_, T = in_.time, B = B_;
    const auto Wh = ps_.value(iWh_);
    const auto b = ps_.value(ib_);  // col 0: bx, col 1: bh
    gemm_nn(ps_.value(iWx_), x, G_, false);           // Wx x_t + bx for all t in one product
    G_.colwise() += b.col(0);
    for (int t = 0; t < T; ++t) {
        auto g = G_.middleCols(t * B, B);             // (3H, B)
        const auto h_prev = t ? Hs_.middleCols((t - 1) * B, B) : zero_.middleCols(0, B);
        if (t) gemm_nn(Wh, h_prev, hw_, false);       // Wh h_{t-1} + bh (h_{-1} = 0)
        else hw_.setZero();
        hw_.colwise() += b.col(1);
        g.topRows(2 * H).array() = (g.topRows(2 * H) + hw_.topRows(2 * H)).array().logistic();  // z, r
        HH_.middleCols(t * B, B) = hw_.bottomRows(H);
        g.bottomRows(H).array() =
            (g.bottomRows(H).array() + g.middleRows(H, H).array() * hw_.bottomRows(H).array()).tanh();  // n
        const auto z = g.topRows(H).array();
        Hs_.middleCols(t * B, B).array() =
            z * h_prev.array() + (1.0f - z) * g.bottomRows(H).array();   // h = z h_prev + (1-z) n
    }
    if (return_sequences_) y_ = Hs_;
    else y_ = Hs_.middleCols((T - 1) * B, B);
    return y_;
}

const Mat& GRU::backward(const Mat& dy) {
    const int H = H_, T = in_.time, B = B_;
    WhT_ = ps_.value(iWh_).transpose();  // (H, 3H), once per batch, for dh_prev += Wh^T dhw
    auto dWh = ps_.grad(iWh_);
    auto db = ps_.grad(ib_);
    dh_.setZero();
    for (int t = T - 1; t >= 0; --t) {
        if (return_sequences_) dh_ += dy.middleCols(t * B, B);
        else if (t == T - 1) dh_ += dy;
        const auto g = G_.middleCols(t * B, B);
        const auto z = g.topRows(H).array(), r = g.middleRows(H, H).array(), n = g.bottomRows(H).array();
        const auto hh = HH_.middleCols(t * B, B).array();
        const auto h_prev = t ? Hs_.middleCols((t - 1) * B, B) : zero_.middleCols(0, B);
        auto dx = dX_.middleCols(t * B, B);
        // h = z h_prev + (1-z) n:  dz = dh (h_prev - n), dn = dh (1-z), dh_prev = dh z
        dx.topRows(H).array() = dh_.array() * (h_prev.array() - n) * z * (1.0f - z);   // d(xz)
        dx.bottomRows(H).array() = dh_.array() * (1.0f - z) * (1.0f - n.square());     // d(xh)
        // n = tanh(xh + r hh):  dr = d(xh) hh,  d(hh) = d(xh) r
        dx.middleRows(H, H).array() = dx.bottomRows(H).array() * hh * r * (1.0f - r);  // d(xr)
        auto dhw = dHW_.middleCols(t * B, B);
        dhw.topRows(2 * H) = dx.topRows(2 * H);                                        // d(hz), d(hr)
        dhw.bottomRows(H).array() = dx.bottomRows(H).array() * r;                      // d(hh)
        dh_.array() *= z;                                    // dh_prev, direct path
        gemm_nn(WhT_, dhw, dh_, true);                       // hw = Wh h_prev + bh -> dh_prev += Wh^T dhw
    }
    // hw_t = Wh h_{t-1} + bh -> dWh = sum_t dhw_t h_{t-1}^T as one product over all steps
    // (h_{-1} = 0: step 0 adds nothing to dWh), dbh = sum of dhw.
    if (T > 1) gemm_nt(dHW_.rightCols((T - 1) * B), Hs_.leftCols((T - 1) * B), dWh, true);
    db.col(1) += dHW_.rowwise().sum();
    gemm_nt(dX_, *x_, ps_.grad(iWx_), true);                // Wx x + bx for all t: dWx += dX x^T
    db.col(0) += dX_.rowwise().sum();
    dx_.noalias() = ps_.value(iWx_).transpose() * dX_;
    return dx_;
}

std::vector<SummaryRow> GRU::summary() const {
    const int D = in_.features, H = H_;
    return {{name_, "GRU", out_.keras(), 3LL * H * (D + H + 2)}};
}

}  // namespace attn
