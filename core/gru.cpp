#include "gru.hpp"

#include "gemm.hpp"
#include "simd.hpp"

namespace attn {

namespace {
// One step of the cell for 4 units (F = simd::v4) or one (F = float) of one sample, in two
// parts: the state's tanh waits on the gates' r, and the two in one function made each
// iteration one long dependency chain (the forward runs them for different samples; see
// docs/performance.md).
// cell_gates: g holds the pre-activations of z and r (their input and recurrent parts and both
// biases, summed by the products) and xh (H apart); z and r replace theirs.
template <class F>
inline void cell_gates(float* g, int H) {
    using simd::load;
    using simd::store;
    store(g, simd::gate_logistic(load<F>(g)));
    store(g + H, simd::gate_logistic(load<F>(g + H)));
}
// cell_state: hh = Wh_h h_{t-1} + bh_h (hw: the product; kept for the backward);
// n = tanh(xh + r hh) replaces xh; h = z h_prev + (1-z) n.
template <class F>
inline void cell_state(float* g, int H, const float* hw, const float* bh, const float* h_prev, float* hh,
                       float* h) {
    using simd::load;
    using simd::store;
    const F z = load<F>(g);
    const F hhv = load<F>(hw) + load<F>(bh);
    store(hh, hhv);
    const F n = simd::tanh(load<F>(g + 2 * H) + load<F>(g + H) * hhv);
    store(g + 2 * H, n);
    store(h, z * load<F>(h_prev) + (1.0f - z) * n);
}

// Its backward. dh: dL/dh_t from step t+1 (dy: from the output, or nullptr), replaced by the
// direct part of dL/dh_{t-1}; dx: dL/d(xz, xr, xh); dhw: dL/d(hz, hr, hh).
template <class F>
inline void cell_backward(const float* g, const float* hh, int H, const float* h_prev, const float* dy, float* dh,
                          float* dx, float* dhw) {
    using simd::load;
    using simd::store;
    const F z = load<F>(g), r = load<F>(g + H), n = load<F>(g + 2 * H);
    const F dhv = dy ? load<F>(dh) + load<F>(dy) : load<F>(dh);
    // h = z h_prev + (1-z) n:  dz = dh (h_prev - n), dn = dh (1-z), dh_prev = dh z
    const F dxz = dhv * (load<F>(h_prev) - n) * z * (1.0f - z);
    const F dxh = dhv * (1.0f - z) * (1.0f - n * n);
    // n = tanh(xh + r hh):  dr = d(xh) hh,  d(hh) = d(xh) r
    const F dxr = dxh * load<F>(hh) * r * (1.0f - r);
    store(dx, dxz);
    store(dx + H, dxr);
    store(dx + 2 * H, dxh);
    store(dhw, dxz);
    store(dhw + H, dxr);
    store(dhw + 2 * H, dxh * r);
    store(dh, dhv * z);
}

// reset_after = false ("reset before"): the candidate's recurrent product reads r * h_{t-1},
// so a step is gates (all samples), then that product, then states.
// cell_gates_before: g holds the pre-activations of z and r (input and recurrent products and
// the bias) and xh; z and r replace theirs; rh = r * h_prev.
template <class F>
inline void cell_gates_before(float* g, int H, const float* h_prev, float* rh) {
    using simd::load;
    using simd::store;
    store(g, simd::gate_logistic(load<F>(g)));
    const F r = simd::gate_logistic(load<F>(g + H));
    store(g + H, r);
    store(rh, r * load<F>(h_prev));
}
// cell_state_before: hw = Wh_h (r * h_prev); n = tanh(xh + hw) replaces xh;
// h = z h_prev + (1-z) n.
template <class F>
inline void cell_state_before(float* g, int H, const float* hw, const float* h_prev, float* h) {
    using simd::load;
    using simd::store;
    const F z = load<F>(g);
    const F n = simd::tanh(load<F>(g + 2 * H) + load<F>(hw));
    store(g + 2 * H, n);
    store(h, z * load<F>(h_prev) + (1.0f - z) * n);
}

// Their backward, in two parts around the product d(rh) = Wh_h^T d(xh).
// cell_backward_before: dh: dL/dh_t from step t+1 (dy: from the output, or nullptr), replaced
// by its direct part of dL/dh_{t-1}; dx: dL/d(xz, _, xh) (xr comes in the second part).
template <class F>
inline void cell_backward_before(const float* g, int H, const float* h_prev, const float* dy, float* dh, float* dx) {
    using simd::load;
    using simd::store;
    const F z = load<F>(g), n = load<F>(g + 2 * H);
    const F dhv = dy ? load<F>(dh) + load<F>(dy) : load<F>(dh);
    // h = z h_prev + (1-z) n:  dz = dh (h_prev - n), dn = dh (1-z), dh_prev = dh z
    store(dx, dhv * (load<F>(h_prev) - n) * z * (1.0f - z));
    // n = tanh(xh + hw): d(xh) = d(hw) = dn (1 - n^2)
    store(dx + 2 * H, dhv * (1.0f - z) * (1.0f - n * n));
    store(dh, dhv * z);
}
// cell_backward_reset: drh = dL/d(r * h_prev):  dr = drh h_prev, dh_prev += drh r.
template <class F>
inline void cell_backward_reset(const float* g, int H, const float* h_prev, const float* drh, float* dh, float* dx) {
    using simd::load;
    using simd::store;
    const F r = load<F>(g + H), d = load<F>(drh);
    store(dx + H, d * load<F>(h_prev) * r * (1.0f - r));
    store(dh, load<F>(dh) + d * r);
}
}  // namespace

GRU::GRU(const std::string& name, Shape in, int units, bool return_sequences, int batch,
         ParamStore& ps, bool reset_after)
    : Recurrent("GRU", name, in, units, 3, return_sequences, batch, ps), reset_after_(reset_after) {
    const int H = units, T = in.time, B = batch;
    if (reset_after)
        ib_ = ps.declare(name + "/bias", 3 * H, 2, {2, 3 * H});
    else
        ib_ = ps.declare(name + "/bias", 3 * H, 1, {3 * H});
    buffer(hw_, H, B);
    buffer(dX_, 3 * H, B);
    if (reset_after) {
        buffer(HH_, H, T * B);
        buffer(bx_, 3 * H, 1);
        buffer(dHW_, 3 * H, B);
    } else {
        buffer(RH_, H, T * B);
        buffer(dRH_, H, B);
    }
}

void GRU::init(Rng& rng) {
    init_kernels(rng);
    ps_.value(ib_).setZero();
}

const Mat& GRU::run_forward(const Mat& x, bool) {
    x_ = &x;
    return reset_after_ ? forward_reset_after(x) : forward_reset_before(x);
}

const Mat& GRU::run_backward(const Mat& dy) {
    return reset_after_ ? backward_reset_after(dy) : backward_reset_before(dy);
}

// ---- reset_after = true -----------------------------------------------------------------

const Mat& GRU::forward_reset_after(const Mat& x) {
    const int H = H_, T = in_.time, B = B_;
    const auto Wh = ps_.value(iWh_);
    const auto b = ps_.value(ib_);  // col 0: bx, col 1: bh
    const auto Wx = ps_.value(iWx_);
    const float* bh_h = b.col(1).data() + 2 * H;
    // The input product's bias: bx + bh for z and r (their recurrent products add onto the
    // input products), bx for the candidate (whose recurrent part r scales, bias included).
    bx_.col(0).head(2 * H) = b.col(0).head(2 * H) + b.col(1).head(2 * H);
    bx_.col(0).tail(H) = b.col(0).tail(H);
    // Every product of a step right before its cell, while the step's columns are in cache
    // (a product over all steps at once streams the whole (3H, T*B) buffer through memory).
    for (int t = take_first_step(); t < T; ++t) {
        auto g_t = G_.middleCols(t * B, B);
        gemm_nn_bias(Wx, x.middleCols(t * B, B), bx_.data(), g_t);  // Wx x_t + bx (+ bh for z, r)
        if (reads_state(t)) {
            const float* hp = h_prev(t);
            gemm_nn(2 * H, B, H, Wh.data(), 3 * H, hp, H, g_t.data(), 3 * H, true);  // z, r: + Wh_zr h_{t-1}
            gemm_nn(H, B, H, Wh.data() + 2 * H, 3 * H, hp, H, hw_.data(), H, false);  // Wh_h h_{t-1}
        } else {
            hw_.setZero();  // (h_{-1} = 0)
        }
        // Gates and state per sample, sample s's state beside sample s+1's gates. Columns of
        // the step: G 3H apart; hw, h_prev, HH and Hs H apart.
        float *g = G_.col(t * B).data(), *hh = HH_.col(t * B).data(), *h = Hs_.col(t * B).data();
        const float *hw = hw_.data(), *hp = h_prev(t);
        simd::pipelined(
            B, H, [&](int s, int r, auto lane) { cell_gates<decltype(lane)>(g + size_t(s) * 3 * H + r, H); },
            [&](int s, int r, auto lane) {
                const size_t o = size_t(s) * H + r;
                cell_state<decltype(lane)>(g + size_t(s) * 3 * H + r, H, hw + o, bh_h + r, hp + o, hh + o, h + o);
            });
    }
    return output_of_forward();
}

const Mat& GRU::backward_reset_after(const Mat& dy) {
    const int H = H_, T = in_.time, B = B_;
    const Mat& x = *x_;
    const int D = in_.features;
    const auto Wx = ps_.value(iWx_);
    WhT_ = ps_.value(iWh_).transpose();  // (H, 3H), once per batch, for dh_prev += Wh^T dhw
    auto dWh = ps_.grad(iWh_), dWx = ps_.grad(iWx_);
    auto db = ps_.grad(ib_);
    dh_.setZero();
    if (input_grad_) dx_.setZero();
    for (int t = T - 1; t >= 0; --t) {
        for (int s = 0; s < B; ++s) {
            const int col = t * B + s;
            const float* dyc = return_sequences_ ? dy.col(col).data() : t == T - 1 ? dy.col(s).data() : nullptr;
            const float *g = G_.col(col).data(), *hh = HH_.col(col).data();
            const float* hp = h_prev(t) + size_t(s) * H;
            float *dh = dh_.col(s).data(), *dx = dX_.col(s).data(), *dhw = dHW_.col(s).data();
            simd::by_lanes(H, [&](int r, auto lane) {
                cell_backward<decltype(lane)>(g + r, hh + r, H, hp + r, dyc ? dyc + r : nullptr, dh + r, dx + r, dhw + r);
            });
        }
        // The step's products, while its gradients are in cache. hw_t = Wh h_{t-1} + bh and
        // the input part Wx x_t + bx:
        if (reads_state(t)) {                                          // (a zero h_{-1} is a constant)
            gemm_nn(WhT_, dHW_, dh_, true);                            // dh_prev += Wh^T dhw
            gemm_nt(3 * H, H, B, dHW_.data(), 3 * H, h_prev(t), H, dWh.data(), 3 * H, true);  // dWh += dhw h_{t-1}^T
        }
        add_row_sums(dHW_, db.col(1).data());                          // dbh += sum of dhw
        gemm_nt(dX_, x.middleCols(t * B, B), dWx, true);               // dWx += dX x_t^T
        add_row_sums(dX_, db.col(0).data());                           // dbx += sum of dX
        if (input_grad_)                                               // dx_t = Wx^T dX
            gemm_tn(D, B, 3 * H, Wx.data(), 3 * H, dX_.data(), 3 * H, dx_.col(t * B).data(), D);
    }
    return dx_;
}

// ---- reset_after = false ----------------------------------------------------------------

const Mat& GRU::forward_reset_before(const Mat& x) {
    const int H = H_, T = in_.time, B = B_;
    const auto Wh = ps_.value(iWh_);
    const auto Wx = ps_.value(iWx_);
    const float* b = ps_.value(ib_).data();  // (3H) one bias, on the input product
    for (int t = take_first_step(); t < T; ++t) {
        auto g_t = G_.middleCols(t * B, B);
        gemm_nn_bias(Wx, x.middleCols(t * B, B), b, g_t);  // Wx x_t + b
        if (reads_state(t))                                // z, r: + Wh_zr h_{t-1}
            gemm_nn(2 * H, B, H, Wh.data(), 3 * H, h_prev(t), H, g_t.data(), 3 * H, true);
        // Columns of the step: G 3H apart; h_prev, RH, hw and Hs H apart.
        float *g = G_.col(t * B).data(), *rh = RH_.col(t * B).data(), *h = Hs_.col(t * B).data();
        const float* hp = h_prev(t);
        for (int s = 0; s < B; ++s)                        // z, r; rh = r * h_{t-1}
            simd::by_lanes(H, [&](int r, auto lane) {
                cell_gates_before<decltype(lane)>(g + size_t(s) * 3 * H + r, H, hp + size_t(s) * H + r,
                                                  rh + size_t(s) * H + r);
            });
        if (reads_state(t)) gemm_nn(Wh.bottomRows(H), RH_.middleCols(t * B, B), hw_, false);  // hw = Wh_h rh
        else hw_.setZero();                                                                   // (h_{-1} = 0)
        for (int s = 0; s < B; ++s)                        // n = tanh(xh + hw); h
            simd::by_lanes(H, [&](int r, auto lane) {
                const size_t o = size_t(s) * H + r;
                cell_state_before<decltype(lane)>(g + size_t(s) * 3 * H + r, H, hw_.data() + o, hp + o, h + o);
            });
    }
    return output_of_forward();
}

const Mat& GRU::backward_reset_before(const Mat& dy) {
    const int H = H_, T = in_.time, B = B_;
    const Mat& x = *x_;
    const int D = in_.features;
    const auto Wx = ps_.value(iWx_);
    WhT_ = ps_.value(iWh_).transpose();  // (H, 3H): [Wh_z^T Wh_r^T Wh_h^T], once per batch
    auto dWh = ps_.grad(iWh_), dWx = ps_.grad(iWx_);
    float* db = ps_.grad(ib_).data();
    dh_.setZero();
    if (input_grad_) dx_.setZero();
    for (int t = T - 1; t >= 0; --t) {
        const float* hp = h_prev(t);
        for (int s = 0; s < B; ++s) {  // h and n: dz, d(xh) = d(hw), the direct dh_prev
            const int col = t * B + s;
            const float* dyc = return_sequences_ ? dy.col(col).data() : t == T - 1 ? dy.col(s).data() : nullptr;
            const float* g = G_.col(col).data();
            float *dh = dh_.col(s).data(), *dx = dX_.col(s).data();
            simd::by_lanes(H, [&](int r, auto lane) {
                cell_backward_before<decltype(lane)>(g + r, H, hp + size_t(s) * H + r, dyc ? dyc + r : nullptr,
                                                     dh + r, dx + r);
            });
        }
        // hw = Wh_h rh:  drh = Wh_h^T d(hw)  (rh = r * h_{-1} = 0 from a zero state: nothing flows to r)
        if (reads_state(t)) gemm_nn(WhT_.rightCols(H), dX_.bottomRows(H), dRH_, false);
        else dRH_.setZero();
        for (int s = 0; s < B; ++s) {  // rh = r * h_prev:  dr, dh_prev += drh r
            const float* g = G_.col(t * B + s).data();
            float *dh = dh_.col(s).data(), *dx = dX_.col(s).data();
            const float* drh = dRH_.col(s).data();
            simd::by_lanes(H, [&](int r, auto lane) {
                cell_backward_reset<decltype(lane)>(g + r, H, hp + size_t(s) * H + r, drh + r, dh + r, dx + r);
            });
        }
        // The step's products. z, r: Wh_zr h_{t-1}; h: Wh_h rh; all three: Wx x_t + b.
        if (reads_state(t)) {
            gemm_nn(WhT_.leftCols(2 * H), dX_.topRows(2 * H), dh_, true);              // dh_prev += Wh_zr^T dzr
            gemm_nt(2 * H, H, B, dX_.data(), 3 * H, hp, H, dWh.data(), 3 * H, true);   // dWh_zr += dzr h_{t-1}^T
            gemm_nt(dX_.bottomRows(H), RH_.middleCols(t * B, B), dWh.bottomRows(H), true);  // dWh_h += dhw rh^T
        }
        add_row_sums(dX_, db);                                                         // db += sum of dX
        gemm_nt(dX_, x.middleCols(t * B, B), dWx, true);                               // dWx += dX x_t^T
        if (input_grad_)                                                               // dx_t = Wx^T dX
            gemm_tn(D, B, 3 * H, Wx.data(), 3 * H, dX_.data(), 3 * H, dx_.col(t * B).data(), D);
    }
    return dx_;
}

}  // namespace attn
