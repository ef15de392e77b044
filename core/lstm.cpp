#include "lstm.hpp"

#include "gemm.hpp"
#include "simd.hpp"

namespace attn {

namespace {
// One step of the cell for 4 units (F = simd::v4) or one (F = float) of one sample, in two
// parts. cell_gates: z holds the pre-activations i, f, g, o (H apart), replaced by the gate
// values. cell_state: c = f c_prev + i g, tc = tanh(c), h = o tc.
template <class F>
inline void cell_gates(float* z, int H) {
    using simd::load;
    using simd::store;
    store(z, simd::gate_logistic(load<F>(z)));
    store(z + H, simd::gate_logistic(load<F>(z + H)));
    store(z + 2 * H, simd::tanh(load<F>(z + 2 * H)));
    store(z + 3 * H, simd::gate_logistic(load<F>(z + 3 * H)));
}
template <class F>
inline void cell_state(const float* z, int H, const float* c_prev, float* c, float* tc, float* h) {
    using simd::load;
    using simd::store;
    const F cv = load<F>(z + H) * load<F>(c_prev) + load<F>(z) * load<F>(z + 2 * H);
    const F t = simd::tanh(cv);
    store(c, cv);
    store(tc, t);
    store(h, load<F>(z + 3 * H) * t);
}

// Its backward. dh: dL/dh_t from step t+1 (dy: from the output, or nullptr); dc: dL/dc_t from
// step t+1, replaced by dL/dc_{t-1}; dz: dL/dz for the four gates (H apart).
template <class F>
inline void cell_backward(const float* z, int H, const float* tc, const float* c_prev, const float* dh,
                          const float* dy, float* dc, float* dz) {
    using simd::load;
    using simd::store;
    const F i = load<F>(z), f = load<F>(z + H), g = load<F>(z + 2 * H), o = load<F>(z + 3 * H);
    const F t = load<F>(tc);
    const F dhv = dy ? load<F>(dh) + load<F>(dy) : load<F>(dh);
    // h = o tanh(c):  do = dh tanh(c);  dc += dh o (1 - tanh(c)^2)
    store(dz + 3 * H, dhv * t * o * (1.0f - o));
    const F dcv = load<F>(dc) + dhv * o * (1.0f - t * t);
    // c = f c_prev + i g:  di = dc g, df = dc c_prev, dg = dc i;  through the nonlinearities
    store(dz, dcv * g * i * (1.0f - i));
    store(dz + H, dcv * load<F>(c_prev) * f * (1.0f - f));
    store(dz + 2 * H, dcv * i * (1.0f - g * g));
    store(dc, dcv * f);  // dc_prev = dc f
}
}  // namespace

LSTM::LSTM(const std::string& name, Shape in, int units, bool return_sequences, int batch,
           ParamStore& ps)
    : Recurrent("LSTM", name, in, units, 4, return_sequences, batch, ps) {
    const int H = units, T = in.time, B = batch;
    ib_ = ps.declare(name + "/bias", 4 * H, 1, {4 * H});
    buffer(C_, H, T * B);
    buffer(TC_, H, T * B);
    buffer(dZ_, 4 * H, B);
    buffer(dc_, H, B);
}

void LSTM::init(Rng& rng) {
    init_kernels(rng);
    auto b = ps_.value(ib_);
    b.setZero();
    b.middleRows(H_, H_).setOnes();  // unit_forget_bias
}

const Mat& LSTM::run_forward(const Mat& x, bool) {
    x_ = &x;
    const int H = H_, T = in_.time, B = B_;
    const auto Wh = ps_.value(iWh_);
    const auto Wx = ps_.value(iWx_);
    const auto b = ps_.value(ib_).col(0);
    // Every product of a step right before its cell, while the step's columns are in cache
    // (a product over all steps at once streams the whole (4H, T*B) buffer through memory).
    for (int t = take_first_step(); t < T; ++t) {
        auto z_t = G_.middleCols(t * B, B);
        gemm_nn_bias(Wx, x.middleCols(t * B, B), b.data(), z_t);  // z_t = Wx x_t + b
        if (reads_state(t))                                        //   + Wh h_{t-1}
            gemm_nn(4 * H, B, H, Wh.data(), 4 * H, h_prev(t), H, z_t.data(), 4 * H, true);
        // Gates and state per sample (h_{-1} = c_{-1}: 0 or the initial state), sample s's state beside sample s+1's
        // gates (simd::pipelined; why: docs/performance.md). Columns of the step: G 4H apart;
        // c_prev, C, TC and Hs H apart.
        float *z = G_.col(t * B).data(), *c = C_.col(t * B).data(), *tc = TC_.col(t * B).data();
        float* h = Hs_.col(t * B).data();
        const float* c_prev = t ? C_.col((t - 1) * B).data() : h0_.data();
        simd::pipelined(
            B, H, [&](int s, int r, auto lane) { cell_gates<decltype(lane)>(z + size_t(s) * 4 * H + r, H); },
            [&](int s, int r, auto lane) {
                const size_t o = size_t(s) * H + r;
                cell_state<decltype(lane)>(z + size_t(s) * 4 * H + r, H, c_prev + o, c + o, tc + o, h + o);
            });
    }
    return output_of_forward();
}

const Mat& LSTM::run_backward(const Mat& dy) {
    const int H = H_, T = in_.time, B = B_;
    const Mat& x = *x_;
    const int D = in_.features;
    const auto Wx = ps_.value(iWx_);
    WhT_ = ps_.value(iWh_).transpose();  // (H, 4H), once per batch, for dh_prev = Wh^T dz
    auto dWh = ps_.grad(iWh_), dWx = ps_.grad(iWx_);
    float* db = ps_.grad(ib_).data();
    dh_.setZero();
    dc_.setZero();
    if (input_grad_) dx_.setZero();
    for (int t = T - 1; t >= 0; --t) {
        for (int b = 0; b < B; ++b) {
            const int col = t * B + b;
            const float* dyc = return_sequences_ ? dy.col(col).data() : t == T - 1 ? dy.col(b).data() : nullptr;
            const float* z = G_.col(col).data();
            const float* tc = TC_.col(col).data();
            const float* c_prev = t ? C_.col(col - B).data() : h0_.col(b).data();
            float *dh = dh_.col(b).data(), *dc = dc_.col(b).data(), *dz = dZ_.col(b).data();
            simd::by_lanes(H, [&](int r, auto lane) {
                cell_backward<decltype(lane)>(z + r, H, tc + r, c_prev + r, dh + r, dyc ? dyc + r : nullptr, dc + r, dz + r);
            });
        }
        // The step's products, while dz_t is in cache. z_t = Wx x_t + b + Wh h_{t-1}:
        if (reads_state(t)) {                                            // (a zero h_{-1} is a constant)
            gemm_nn(WhT_, dZ_, dh_, false);                              // dh_prev = Wh^T dz
            gemm_nt(4 * H, H, B, dZ_.data(), 4 * H, h_prev(t), H, dWh.data(), 4 * H, true);  // dWh += dz h_{t-1}^T
        }
        gemm_nt(dZ_, x.middleCols(t * B, B), dWx, true);                 // dWx += dz x_t^T
        add_row_sums(dZ_, db);                                           // db += sum of dz
        if (input_grad_)                                                 // dx_t = Wx^T dz
            gemm_tn(D, B, 4 * H, Wx.data(), 4 * H, dZ_.data(), 4 * H, dx_.col(t * B).data(), D);
    }
    if (stateful_) dh_ += dc_;  // h_{-1} = c_{-1} = the initial state: both gradients reach it
    return dx_;
}

}  // namespace attn
