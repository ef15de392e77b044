#include "many_to_one.hpp"

#include <stdexcept>

#include "activation.hpp"
#include "gemm.hpp"
#include "init.hpp"
#include "simd.hpp"

namespace attn {

ManyToOneAttention::ManyToOneAttention(const std::string& name, Shape in, int units, Score score, int batch,
                                       ParamStore& ps, const std::string& suffix)
    : Layer(name, in, Shape{0, units}, batch), ps_(ps), score_(score), U_(units) {
    if (!in.is_sequence()) throw std::logic_error("ManyToOneAttention " + name + " takes sequences");
    const int D = in.features, T = in.time, U = units, B = batch;
    if (score == Score::luong) {
        iW_ = ps.declare("luong_w" + suffix + "/kernel", D, D, {D, D});
        buffer(q_, D, B);
        buffer(dq_, D, B);
    } else {
        iW1_ = ps.declare("bahdanau_w1" + suffix + "/kernel", D, D, {D, D});
        iW2_ = ps.declare("bahdanau_w2" + suffix + "/kernel", D, D, {D, D});
        iv_ = ps.declare("bahdanau_v" + suffix + "/kernel", 1, D, {D, 1});
        buffer(E_, D, T * B);
        buffer(a1_, D, B);
        buffer(dE_, D, T * B);
        buffer(da1_, D, B);
    }
    iWc_ = ps.declare("attention_vector" + suffix + "/kernel", U, 2 * D, {2 * D, U});
    buffer(alpha_, T, B);
    buffer(ctx_, D, B);
    buffer(dz_, U, B);
    buffer(dctx_, D, B);
    buffer(dS_, T, B);
    buffer(dht_, D, B);
    buffer(y_, U, B);
    buffer(dx_, D, T * B);
}

void ManyToOneAttention::init(Rng& rng) {
    const int D = in_.features;
    if (score_ == Score::luong) {
        glorot_uniform(ps_.value(iW_), D, D, rng);
    } else {
        glorot_uniform(ps_.value(iW1_), D, D, rng);
        glorot_uniform(ps_.value(iW2_), D, D, rng);
        glorot_uniform(ps_.value(iv_), D, 1, rng);
    }
    glorot_uniform(ps_.value(iWc_), 2 * D, U_, rng);
}

// Luong: q = W^T h_t once (D^2), then the T scores q . h_s (T D); Bahdanau: W1 h_t once (D^2),
// W2 h_s and v . tanh(...) at every step (T D^2 + T D); both: the context (T D) and
// Wc [context; h_t] (2 D U). (Keras's Luong form computes W h_s at every step: T D^2.)
double ManyToOneAttention::macs() const {
    const double D = in_.features, T = in_.time, U = U_;
    const double scores = score_ == Score::luong ? D * D + T * D : D * D + T * D * D + T * D;
    return scores + T * D + 2 * D * U;
}

// Per sample b, h_s is the (D, T) matrix at x + b*D with leading dimension ld = D*B, and a
// (T, B) matrix's column b is that sample's T values: each per-sample product below is one
// gemm on those views. h_t is the contiguous (D, B) block of the last step.

const Mat& ManyToOneAttention::run_forward(const Mat& x, bool) {
    x_ = &x;
    const int D = in_.features, T = in_.time, U = U_, B = B_, ld = D * B;
    const float* hs = x.data();
    const float* ht = hs + size_t(T - 1) * ld;
    alpha_.setZero();  // the scores, summed into by gemm_tn
    if (score_ == Score::luong) {
        q_.setZero();
        gemm_tn(D, B, D, ps_.value(iW_).data(), D, ht, D, q_.data(), D);  // q = W^T h_t
        for (int b = 0; b < B; ++b)                                       // score_s = q . h_s
            gemm_tn(T, 1, D, hs + size_t(b) * D, ld, q_.col(b).data(), D, alpha_.col(b).data(), T);
    } else {
        gemm_nn(D, B, D, ps_.value(iW1_).data(), D, ht, D, a1_.data(), D, false);  // a1 = W1 h_t
        gemm_nn(ps_.value(iW2_), x, E_, false);                                    // E = W2 h_s
        for (int t = 0; t < T; ++t) {                                     // E = tanh(a1 + W2 h_s)
            float* e = E_.col(t * B).data();
            simd::by_lanes(ld, [&](int i, auto lane) {
                using F = decltype(lane);
                simd::store(e + i, simd::tanh(simd::load<F>(e + i) + simd::load<F>(a1_.data() + i)));
            });
        }
        const float* v = ps_.value(iv_).data();
        for (int b = 0; b < B; ++b)                                       // score_s = v . E_s
            gemm_tn(T, 1, D, E_.data() + size_t(b) * D, ld, v, D, alpha_.col(b).data(), T);
    }
    softmax_columns(alpha_);                                              // alpha = softmax_s(score)
    for (int b = 0; b < B; ++b)                                           // context = h_s alpha
        gemm_nn(D, 1, T, hs + size_t(b) * D, ld, alpha_.col(b).data(), T, ctx_.col(b).data(), D, false);
    const float* Wc = ps_.value(iWc_).data();
    gemm_nn(U, B, D, Wc, U, ctx_.data(), D, y_.data(), U, false);         // z = Wc[:, :D] context
    gemm_nn(U, B, D, Wc + size_t(U) * D, U, ht, D, y_.data(), U, true);   //   + Wc[:, D:] h_t
    float* y = y_.data();                                                 // y = tanh(z)
    simd::by_lanes(U * B, [&](int i, auto lane) {
        simd::store(y + i, simd::tanh(simd::load<decltype(lane)>(y + i)));
    });
    return y_;
}

const Mat& ManyToOneAttention::run_backward(const Mat& dy) {
    const int D = in_.features, T = in_.time, U = U_, B = B_, ld = D * B;
    const float* hs = x_->data();
    const float* ht = hs + size_t(T - 1) * ld;
    float* dx = dx_.data();
    const float* Wc = ps_.value(iWc_).data();
    float* dWc = ps_.grad(iWc_).data();
    dz_.array() = dy.array() * (1.0f - y_.array().square());              // y = tanh(z): dz = dy (1 - y^2)
    // z = Wc[:, :D] context + Wc[:, D:] h_t:
    gemm_nt(U, D, B, dz_.data(), U, ctx_.data(), D, dWc, U, true);        // dWc[:, :D] += dz context^T
    gemm_nt(U, D, B, dz_.data(), U, ht, D, dWc + size_t(U) * D, U, true); // dWc[:, D:] += dz h_t^T
    dctx_.setZero();
    gemm_tn(D, B, U, Wc, U, dz_.data(), U, dctx_.data(), D);              // dcontext = Wc[:, :D]^T dz
    if (input_grad_) {
        dht_.setZero();
        gemm_tn(D, B, U, Wc + size_t(U) * D, U, dz_.data(), U, dht_.data(), D);  // dh_t = Wc[:, D:]^T dz
    }
    // context = h_s alpha, per sample:
    dS_.setZero();
    for (int b = 0; b < B; ++b) {
        const size_t o = size_t(b) * D;
        gemm_tn(T, 1, D, hs + o, ld, dctx_.col(b).data(), D, dS_.col(b).data(), T);  // dalpha = h_s^T dcontext
        if (input_grad_)                                                            // dh_s = dcontext alpha^T
            gemm_nt(D, T, 1, dctx_.col(b).data(), D, alpha_.col(b).data(), T, dx + o, ld, false);
    }
    softmax_columns_backward(alpha_, dS_, dS_);                           // alpha = softmax(score) -> dscore
    if (score_ == Score::luong) {
        // score_s = q . h_s, per sample:
        for (int b = 0; b < B; ++b) {
            const size_t o = size_t(b) * D;
            gemm_nn(D, 1, T, hs + o, ld, dS_.col(b).data(), T, dq_.col(b).data(), D, false);  // dq = h_s dscore
            if (input_grad_)                                                                 // dh_s += q dscore^T
                gemm_nt(D, T, 1, q_.col(b).data(), D, dS_.col(b).data(), T, dx + o, ld, true);
        }
        // q = W^T h_t:
        gemm_nt(D, D, B, ht, D, dq_.data(), D, ps_.grad(iW_).data(), D, true);  // dW += h_t dq^T
        if (input_grad_) gemm_nn(ps_.value(iW_), dq_, dht_, true);            // dh_t += W dq
    } else {
        // score_s = v . E_s, per sample (v's (1, D) is D contiguous floats):
        const float* v = ps_.value(iv_).data();
        float* dv = ps_.grad(iv_).data();
        for (int b = 0; b < B; ++b) {
            const size_t o = size_t(b) * D;
            gemm_nn(D, 1, T, E_.data() + o, ld, dS_.col(b).data(), T, dv, D, true);      // dv += E dscore
            gemm_nt(D, T, 1, v, D, dS_.col(b).data(), T, dE_.data() + o, ld, false);     // dE = v^T dscore^T
        }
        dE_.array() *= 1.0f - E_.array().square();                        // E = tanh(P): dP = dE (1 - E^2)
        // P_s = a1 + W2 h_s:
        gemm_nt(dE_, *x_, ps_.grad(iW2_), true);                          // dW2 += dP h_s^T
        if (input_grad_) gemm_tn(D, T * B, D, ps_.value(iW2_).data(), D, dE_.data(), D, dx, D);  // dh_s += W2^T dP
        da1_ = dE_.middleCols(0, B);                                      // da1 = sum_s dP_s
        for (int t = 1; t < T; ++t) da1_ += dE_.middleCols(t * B, B);
        // a1 = W1 h_t:
        gemm_nt(D, D, B, da1_.data(), D, ht, D, ps_.grad(iW1_).data(), D, true);  // dW1 += da1 h_t^T
        if (input_grad_) gemm_tn(D, B, D, ps_.value(iW1_).data(), D, da1_.data(), D, dht_.data(), D);  // dh_t += W1^T da1
    }
    if (!input_grad_) return dx_;
    dx_.middleCols((T - 1) * B, B) += dht_;                               // h_t = h_s at T-1
    return dx_;
}

const Mat* ManyToOneAttention::named_output(const std::string& name, Shape* shape) const {
    if (name == "attention_weight") {
        if (shape) *shape = Shape{0, in_.time};
        return &alpha_;
    }
    if (name == "context_vector") {
        if (shape) *shape = Shape{0, in_.features};
        return &ctx_;
    }
    return nullptr;
}

std::vector<SummaryRow> ManyToOneAttention::summary() const {
    const long long D = in_.features, U = U_;
    const long long score = score_ == Score::luong ? D * D : 2 * D * D + D;
    return {{name_, "Attention", out_.keras(), score + 2 * D * U}};
}

}  // namespace attn

namespace attn {
bool ManyToOneAttention::position_attention(Mat& out) const {
    out = alpha_;
    return true;
}
}  // namespace attn
