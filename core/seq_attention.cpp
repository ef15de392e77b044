#include "seq_attention.hpp"

#include <algorithm>

#include "activation.hpp"
#include "gemm.hpp"
#include "init.hpp"
#include "simd.hpp"

namespace attn {

SeqAttention::SeqAttention(const std::string& name, int Tt, int Ts, int U, int A, Seq2SeqScore score, int batch,
                           ParamStore& ps)
    : Layer(name, Shape{Tt, U}, Shape{Tt, A}, batch), ps_(ps), score_(score), Ts_(Ts), A_(A) {
    const int B = batch;
    if (score == Seq2SeqScore::luong) {
        iW_ = ps.declare("luong_w/kernel", U, U, {U, U});
        buffer(Qw_, U, Tt * B);
        buffer(dQw_, U, Tt * B);
    } else if (score == Seq2SeqScore::bahdanau) {
        iW1_ = ps.declare("bahdanau_w1/kernel", U, U, {U, U});
        iW2_ = ps.declare("bahdanau_w2/kernel", U, U, {U, U});
        iv_ = ps.declare("bahdanau_v/kernel", 1, U, {U, 1});
        buffer(P1_, U, Tt * B);
        buffer(P2_, U, Ts * B);
        buffer(E_, U, 1LL * Ts * Tt * B);  // in 64 bits: the budget, not int, refuses a huge one
        buffer(dP1_, U, Tt * B);
        buffer(dP2_, U, Ts * B);
        buffer(dE_, U, 1LL * Ts * Tt * B);
    }
    iWc_ = ps.declare("attention_vector/kernel", A, 2 * U, {2 * U, A});
    buffer(alpha_, Ts, Tt * B);
    buffer(ctx_, U, Tt * B);
    buffer(y_, A, Tt * B);
    buffer(dz_, A, Tt * B);
    buffer(dctx_, U, Tt * B);
    buffer(dS_, Ts, Tt * B);
    buffer(dK_, U, Ts * B);
    buffer(dx_, U, Tt * B);
}

void SeqAttention::init(Rng& rng) {
    const int U = in_.features;
    if (score_ == Seq2SeqScore::luong) {
        glorot_uniform(ps_.value(iW_), U, U, rng);
    } else if (score_ == Seq2SeqScore::bahdanau) {
        glorot_uniform(ps_.value(iW1_), U, U, rng);
        glorot_uniform(ps_.value(iW2_), U, U, rng);
        glorot_uniform(ps_.value(iv_), U, 1, rng);
    }
    glorot_uniform(ps_.value(iWc_), 2 * U, A_, rng);
}

// Per output step: the scores (Ts U; luong: W^T h_t first, U^2; bahdanau: W1 h_t, U^2, and
// v . E, Ts U, with W2 h_s once per source step, Ts U^2 / Tt), the context (Ts U) and
// Wc [context; h_t] (2 U A).
double SeqAttention::macs() const {
    const double U = in_.features, Tt = in_.time, Ts = Ts_, A = A_;
    double scores = Tt * Ts * U;
    if (score_ == Seq2SeqScore::luong) scores += Tt * U * U;
    if (score_ == Seq2SeqScore::bahdanau) scores += (Tt + Ts) * U * U;
    return scores + Tt * Ts * U + Tt * 2 * U * A;
}

// Sample b's views: states at data + b*U with leading dimension U*B (column t: step t);
// alpha and dS at data + b*Ts with leading dimension Ts*B.

const Mat& SeqAttention::run_forward(const Mat& x, bool) {
    x_ = &x;
    const Mat& K = *keys_;
    const int U = in_.features, Tt = in_.time, Ts = Ts_, A = A_, B = B_, ldh = U * B, lda = Ts * B;
    alpha_.setZero();  // the scores, summed into by gemm_tn
    if (score_ == Seq2SeqScore::bahdanau) {
        gemm_nn(ps_.value(iW1_), x, P1_, false);  // P1 = W1 h_t
        gemm_nn(ps_.value(iW2_), K, P2_, false);  // P2 = W2 h_s
        const float* v = ps_.value(iv_).data();
        for (int t = 0; t < Tt; ++t)
            for (int b = 0; b < B; ++b) {
                const int col = t * B + b;
                float* e = E_.col(col * Ts).data();  // (U, Ts): E = tanh(P1_t + P2_s)
                const float* p1 = P1_.col(col).data();
                for (int s = 0; s < Ts; ++s) {
                    const float* p2 = P2_.col(s * B + b).data();
                    float* es = e + size_t(s) * U;
                    simd::by_lanes(U, [&](int i, auto lane) {
                        using F = decltype(lane);
                        simd::store(es + i, simd::tanh(simd::load<F>(p1 + i) + simd::load<F>(p2 + i)));
                    });
                }
                gemm_tn(Ts, 1, U, e, U, v, U, alpha_.col(col).data(), Ts);  // score_s = v . E_s
            }
    } else {
        const float* q = x.data();
        if (score_ == Seq2SeqScore::luong) {
            Qw_.setZero();
            gemm_tn(U, Tt * B, U, ps_.value(iW_).data(), U, x.data(), U, Qw_.data(), U);  // Qw = W^T h_t
            q = Qw_.data();
        }
        for (int b = 0; b < B; ++b)  // S = h_s^T q (Ts, Tt)
            gemm_tn(Ts, Tt, U, K.data() + size_t(b) * U, ldh, q + size_t(b) * U, ldh, alpha_.data() + size_t(b) * Ts, lda);
    }
    softmax_columns(alpha_);  // alpha = softmax_s(score)
    for (int b = 0; b < B; ++b)  // context = h_s alpha (U, Tt)
        gemm_nn(U, Tt, Ts, K.data() + size_t(b) * U, ldh, alpha_.data() + size_t(b) * Ts, lda,
                ctx_.data() + size_t(b) * U, ldh, false);
    const float* Wc = ps_.value(iWc_).data();
    gemm_nn(A, Tt * B, U, Wc, A, ctx_.data(), U, y_.data(), A, false);               // z = Wc[:, :U] context
    gemm_nn(A, Tt * B, U, Wc + size_t(A) * U, A, x.data(), U, y_.data(), A, true);   //   + Wc[:, U:] h_t
    float* y = y_.data();                                                            // y = tanh(z)
    simd::by_lanes(A * Tt * B, [&](int i, auto lane) {
        simd::store(y + i, simd::tanh(simd::load<decltype(lane)>(y + i)));
    });
    return y_;
}

const Mat& SeqAttention::run_backward(const Mat& dy) {
    const Mat& x = *x_;
    const Mat& K = *keys_;
    const int U = in_.features, Tt = in_.time, Ts = Ts_, A = A_, B = B_, ldh = U * B, lda = Ts * B;
    const float* Wc = ps_.value(iWc_).data();
    float* dWc = ps_.grad(iWc_).data();
    dz_.array() = dy.array() * (1.0f - y_.array().square());  // y = tanh(z): dz = dy (1 - y^2)
    // z = Wc[:, :U] context + Wc[:, U:] h_t:
    gemm_nt(A, U, Tt * B, dz_.data(), A, ctx_.data(), U, dWc, A, true);                  // dWc[:, :U] += dz context^T
    gemm_nt(A, U, Tt * B, dz_.data(), A, x.data(), U, dWc + size_t(A) * U, A, true);     // dWc[:, U:] += dz h_t^T
    dctx_.setZero();
    gemm_tn(U, Tt * B, A, Wc, A, dz_.data(), A, dctx_.data(), U);                        // dcontext = Wc[:, :U]^T dz
    dx_.setZero();
    gemm_tn(U, Tt * B, A, Wc + size_t(A) * U, A, dz_.data(), A, dx_.data(), U);          // dh_t = Wc[:, U:]^T dz
    // context = h_s alpha, per sample:
    dS_.setZero();
    for (int b = 0; b < B; ++b) {
        const size_t o = size_t(b) * U, oa = size_t(b) * Ts;
        gemm_tn(Ts, Tt, U, K.data() + o, ldh, dctx_.data() + o, ldh, dS_.data() + oa, lda);       // dalpha = h_s^T dcontext
        gemm_nt(U, Ts, Tt, dctx_.data() + o, ldh, alpha_.data() + oa, lda, dK_.data() + o, ldh, false);  // dh_s = dcontext alpha^T
    }
    softmax_columns_backward(alpha_, dS_, dS_);  // alpha = softmax(score) -> dscore
    if (score_ == Seq2SeqScore::bahdanau) {
        // score_s = v . E_s per output step; E = tanh(P1_t + P2_s):
        const float* v = ps_.value(iv_).data();
        float* dv = ps_.grad(iv_).data();
        for (int col = 0; col < Tt * B; ++col) {
            const float* ds = dS_.col(col).data();
            gemm_nn(U, 1, Ts, E_.col(col * Ts).data(), U, ds, Ts, dv, U, true);        // dv += E dscore
            gemm_nt(U, Ts, 1, v, U, ds, Ts, dE_.col(col * Ts).data(), U, false);      // dE = v dscore^T
        }
        dE_.array() *= 1.0f - E_.array().square();  // dP = dE (1 - E^2)
        dP2_.setZero();
        for (int t = 0; t < Tt; ++t)
            for (int b = 0; b < B; ++b) {
                const int col = t * B + b;
                float* dp1 = dP1_.col(col).data();
                std::fill(dp1, dp1 + U, 0.0f);
                for (int s = 0; s < Ts; ++s) {  // dP1_t = sum_s dP, dP2_s += dP (t in order)
                    const float* d = dE_.col(col * Ts + s).data();
                    float* dp2 = dP2_.col(s * B + b).data();
                    simd::by_lanes(U, [&](int i, auto lane) {
                        using F = decltype(lane);
                        const F g = simd::load<F>(d + i);
                        simd::store(dp1 + i, simd::load<F>(dp1 + i) + g);
                        simd::store(dp2 + i, simd::load<F>(dp2 + i) + g);
                    });
                }
            }
        gemm_nt(dP1_, x, ps_.grad(iW1_), true);                                      // dW1 += dP1 h_t^T
        gemm_tn(U, Tt * B, U, ps_.value(iW1_).data(), U, dP1_.data(), U, dx_.data(), U);  // dh_t += W1^T dP1
        gemm_nt(dP2_, K, ps_.grad(iW2_), true);                                      // dW2 += dP2 h_s^T
        gemm_tn(U, Ts * B, U, ps_.value(iW2_).data(), U, dP2_.data(), U, dK_.data(), U);  // dh_s += W2^T dP2
        return dx_;
    }
    // score = q . h_s per sample, q = h_t (dot) or Qw = W^T h_t (luong):
    const bool luong = score_ == Seq2SeqScore::luong;
    const float* q = luong ? Qw_.data() : x.data();
    float* dq = luong ? dQw_.data() : dx_.data();
    for (int b = 0; b < B; ++b) {
        const size_t o = size_t(b) * U, oa = size_t(b) * Ts;
        gemm_nn(U, Tt, Ts, K.data() + o, ldh, dS_.data() + oa, lda, dq + o, ldh, !luong);   // dq (+)= h_s dscore
        gemm_nt(U, Ts, Tt, q + o, ldh, dS_.data() + oa, lda, dK_.data() + o, ldh, true);    // dh_s += q dscore^T
    }
    if (luong) {  // Qw = W^T h_t
        gemm_nt(U, U, Tt * B, x.data(), U, dQw_.data(), U, ps_.grad(iW_).data(), U, true);  // dW += h_t dQw^T
        gemm_nn(U, Tt * B, U, ps_.value(iW_).data(), U, dQw_.data(), U, dx_.data(), U, true);  // dh_t += W dQw
    }
    return dx_;
}

const Mat* SeqAttention::named_output(const std::string& name, Shape* shape) const {
    if (name == "attention_weight") {
        if (shape) *shape = Shape{in_.time, Ts_};
        return &alpha_;
    }
    if (name == "context_vector") {
        if (shape) *shape = Shape{in_.time, in_.features};
        return &ctx_;
    }
    return nullptr;
}

std::vector<SummaryRow> SeqAttention::summary() const {
    const long long U = in_.features, A = A_;
    const long long score = score_ == Seq2SeqScore::luong ? U * U : score_ == Seq2SeqScore::bahdanau ? 2 * U * U + U : 0;
    return {{name_, "Attention", out_.keras(), score + 2 * U * A}};
}

}  // namespace attn
