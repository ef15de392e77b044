#include "self_attention.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "activation.hpp"
#include "embedding.hpp"
#include "gemm.hpp"
#include "init.hpp"
#include "simd.hpp"

namespace attn {

void causal_softmax(float* S, int T, int ld) {
    for (int t = 0; t < T; ++t) {
        float* c = S + size_t(t) * ld;  // query t: keys 0 .. t
        float mx = c[0];
        for (int s = 1; s <= t; ++s) mx = c[s] > mx ? c[s] : mx;
        simd::by_lanes(t + 1, [&](int i, auto lane) {
            simd::store(c + i, simd::exp(simd::load<decltype(lane)>(c + i) - mx));
        });
        float sum = 0.0f;
        for (int s = 0; s <= t; ++s) sum += c[s];
        for (int s = 0; s <= t; ++s) c[s] /= sum;
        for (int s = t + 1; s < T; ++s) c[s] = 0.0f;  // the future: exactly 0
    }
}

CausalSelfAttention::CausalSelfAttention(const std::string& name, int T, int C, int H, int batch, ParamStore& ps,
                                         const Embedding* tables)
    : Layer(name, Shape{T, C}, Shape{T, C}, batch), ps_(ps), H_(H), scores_name_(name + "_scores"), tables_(tables) {
    const int d = C / H, B = batch;
    iq_ = ps.declare(name + "/query/kernel", C, C, {C, H, d});
    ik_ = ps.declare(name + "/key/kernel", C, C, {C, H, d});
    iv_ = ps.declare(name + "/value/kernel", C, C, {C, H, d});
    io_ = ps.declare(name + "/attention_output/kernel", C, C, {H, d, C});
    buffer(W3_, 3 * C, C);
    buffer(W3T_, C, 3 * C);
    buffer(WoT_, C, C);
    buffer(dW3_, 3 * C, C);
    buffer(QKV_, 3 * C, T * B);
    buffer(dQKV_, 3 * C, T * B);
    for (Mat* m : {&O_, &dO_, &y_}) buffer(*m, C, T * B);
    buffer(A_, T, H * T * B);
    buffer(dA_, T, H * T * B);
    if (!tables) {
        buffer(dx_, C, T * B);
        return;
    }
    if (!tables->positions() || !(tables->output_shape() == Shape{T, C}) || tables->batch() != B)
        throw std::logic_error(name + ": folds only into an Embedding with positions, of its input's shape and batch");
    const int V = tables->vocab();
    buffer(WE_, 3 * C, V);
    buffer(Gtok_, 3 * C, V);
    buffer(WP_, 3 * C, T);
    buffer(Gpos_, 3 * C, T);  // no dx_: folded, dx is dy itself
}

void CausalSelfAttention::init(Rng& rng) {
    const int C = in_.features;
    for (int i : {iq_, ik_, iv_, io_}) glorot_uniform(ps_.value(i), C, C, rng);
}

double CausalSelfAttention::macs() const {
    const double C = in_.features, T = in_.time;
    return 4 * C * C * T + 2 * C * T * T;  // Wq, Wk, Wv, Wo on every step; K^T Q and V A per head
}

// Head h of sample b: Q_bh is the (d, T) matrix at QKV + b*3C + h*d with leading dimension
// 3C*B (K_bh C rows further, V_bh 2C rows further; O_bh at O + b*C + h*d, leading dimension
// C*B); A_bh the (T, T) matrix at A + (h*T*B + b)*T with leading dimension T*B (its column t
// is column (h*T + t)*B + b of A).
//
// The causal products skip what the mask makes 0, by blocks of 4 steps: the scores and dA for
// query columns t0 .. t0+3 only over key rows s <= t0+3; dV = dO A^T and dK = Q dS^T for key
// columns s0 .. s0+3 only over t >= s0 (A and dS are exactly 0 for s > t). Every kernel sums
// each entry on its own, so an entry computed gets the same bits as in the full product (for
// gemm_nt, whose k blocks of 64 then start at s0, while T <= 64), and a term left out is a
// product with an exact 0, which adds nothing (a sum that starts at +0 never becomes -0 by
// adding ±0). O = V A and dQ = K dS stay whole products: cut into column
// blocks their packing cost about what the skipped half saves (callgrind, natively).
namespace {
constexpr int kCausalBlock = 4;

// S (T, T) += A^T B for the entries with row s <= the block's last column: A (d, T), B (d, T).
void causal_tn(int T, int d, const float* A, int lda, const float* B, int ldb, float* S, int lds) {
    for (int t0 = 0; t0 < T; t0 += kCausalBlock) {
        const int nc = std::min(kCausalBlock, T - t0);
        gemm_tn(t0 + nc, nc, d, A, lda, B + size_t(t0) * ldb, ldb, S + size_t(t0) * lds, lds);
    }
}

// C (d, T) = A S^T, S (T, T) zero below the diagonal: column s of C sums over t >= s only.
void causal_nt(int T, int d, const float* A, int lda, const float* S, int lds, float* C, int ldc) {
    for (int s0 = 0; s0 < T; s0 += kCausalBlock) {
        const int nc = std::min(kCausalBlock, T - s0);
        gemm_nt(d, nc, T - s0, A + size_t(s0) * lda, lda, S + s0 + size_t(s0) * lds, lds, C + size_t(s0) * ldc, ldc,
                false);
    }
}
}  // namespace

const Mat& CausalSelfAttention::run_forward(const Mat& x, bool) {
    x_ = &x;
    const int T = in_.time, C = in_.features, H = H_, d = C / H, B = B_, ld = C * B, ld3 = 3 * C * B, lda = T * B;
    const float scale = 1.0f / std::sqrt(float(d));
    W3_.middleRows(0, C) = ps_.value(iq_);  // [Wq; Wk; Wv] (3C, C): the three projections as one
    W3_.middleRows(C, C) = ps_.value(ik_);
    W3_.middleRows(2 * C, C) = ps_.value(iv_);
    if (!tables_) {
        gemm_nn(W3_, x, QKV_, false);       // [Q; K; V] = [Wq; Wk; Wv] x
    } else {                                // folded, x[:, t*B+b] = E[:, id] + P[:, t]:
        gemm_nn(W3_, ps_.value(tables_->token_table()), WE_, false);     // WE = W3 E
        gemm_nn(W3_, ps_.value(tables_->position_table()), WP_, false);  // WP = W3 P
        const Mat& ids = tables_->ids();
        for (int t = 0; t < T; ++t)
            for (int b = 0; b < B; ++b) {
                const float *we = WE_.col(int(ids(0, t * B + b))).data(), *wp = WP_.col(t).data();
                float* qkv = QKV_.col(t * B + b).data();
                simd::by_lanes(3 * C, [&](int i, auto lane) {  // [Q; K; V][:, t*B+b] = WE[:, id] + WP[:, t]
                    using F = decltype(lane);
                    simd::store(qkv + i, simd::load<F>(we + i) + simd::load<F>(wp + i));
                });
            }
    }
    A_.setZero();                           // the scores, summed into by gemm_tn
    for (int b = 0; b < B; ++b)
        for (int h = 0; h < H; ++h) {
            const float* q = QKV_.data() + size_t(b) * 3 * C + size_t(h) * d;
            const float *k = q + C, *v = q + 2 * C;
            float* A = A_.data() + (size_t(h) * T * B + b) * T;
            causal_tn(T, d, k, ld3, q, ld3, A, lda);                         // S = K^T Q
            for (int t = 0; t < T; ++t) {                                    //   / sqrt(d)
                float* c = A + size_t(t) * lda;
                simd::by_lanes(t + 1, [&](int i, auto lane) {
                    simd::store(c + i, simd::load<decltype(lane)>(c + i) * scale);
                });
            }
            causal_softmax(A, T, lda);                                       // A = softmax_{s<=t}(S)
            gemm_nn(d, T, T, v, ld3, A, lda, O_.data() + size_t(b) * C + size_t(h) * d, ld, false);  // O = V A
        }
    y_ = x;                                                                  // y = x
    gemm_nn(ps_.value(io_), O_, y_, true);                                   //   + Wo O
    return y_;
}

const Mat& CausalSelfAttention::run_backward(const Mat& dy) {
    const Mat& x = *x_;
    const int T = in_.time, C = in_.features, H = H_, d = C / H, B = B_, ld = C * B, ld3 = 3 * C * B, lda = T * B;
    const float scale = 1.0f / std::sqrt(float(d));
    // y = x + Wo O:
    gemm_nt(dy, O_, ps_.grad(io_), true);                                    // dWo += dy O^T
    WoT_ = ps_.value(io_).transpose();
    gemm_nn(WoT_, dy, dO_, false);                                           // dO = Wo^T dy
    dA_.setZero();
    for (int b = 0; b < B; ++b)
        for (int h = 0; h < H; ++h) {
            const size_t o = size_t(b) * C + size_t(h) * d;
            const size_t a = (size_t(h) * T * B + b) * T;
            const float* v = QKV_.data() + size_t(b) * 3 * C + size_t(h) * d + 2 * C;
            float* dv = dQKV_.data() + size_t(b) * 3 * C + size_t(h) * d + 2 * C;
            // O = V A:
            causal_tn(T, d, v, ld3, dO_.data() + o, ld, dA_.data() + a, lda);     // dA = V^T dO
            causal_nt(T, d, dO_.data() + o, ld, A_.data() + a, lda, dv, ld3);    // dV = dO A^T
        }
    // A = softmax(S) per column (the masked entries have A = 0, so dS = 0 there), S = K^T Q / sqrt(d):
    softmax_columns_backward(A_, dA_, dA_);
    dA_ *= scale;
    for (int b = 0; b < B; ++b)
        for (int h = 0; h < H; ++h) {
            const size_t o3 = size_t(b) * 3 * C + size_t(h) * d;
            const float* dS = dA_.data() + (size_t(h) * T * B + b) * T;
            const float *q = QKV_.data() + o3, *k = q + C;
            gemm_nn(d, T, T, k, ld3, dS, lda, dQKV_.data() + o3, ld3, false);  // dQ = K dS
            causal_nt(T, d, q, ld3, dS, lda, dQKV_.data() + o3 + C, ld3);    // dK = Q dS^T
        }
    if (tables_) {
        // folded, [Q; K; V][:, t*B+b] = WE[:, id] + WP[:, t], [WE; WP] = W3 [E, P]:
        const Mat& ids = tables_->ids();
        Gtok_.setZero();
        Gpos_.setZero();
        for (int t = 0; t < T; ++t)  // in column order: the same sums in every build
            for (int b = 0; b < B; ++b) {
                const float* g = dQKV_.col(t * B + b).data();
                float *gt = Gtok_.col(int(ids(0, t * B + b))).data(), *gp = Gpos_.col(t).data();
                simd::by_lanes(3 * C, [&](int i, auto lane) {  // G_tok[:, id] += g, G_pos[:, t] += g
                    using F = decltype(lane);
                    const F d = simd::load<F>(g + i);
                    simd::store(gt + i, simd::load<F>(gt + i) + d);
                    simd::store(gp + i, simd::load<F>(gp + i) + d);
                });
            }
        const int iE = tables_->token_table(), iP = tables_->position_table();
        gemm_nt(Gtok_, ps_.value(iE), dW3_, false);                          // d[Wq; Wk; Wv] = G_tok E^T
        gemm_nt(Gpos_, ps_.value(iP), dW3_, true);                           //   + G_pos P^T
        W3T_ = W3_.transpose();
        gemm_nn(W3T_, Gtok_, ps_.grad(iE), true);                            // dE += W3^T G_tok
        gemm_nn(W3T_, Gpos_, ps_.grad(iP), true);                            // dP += W3^T G_pos
    } else {
        // [Q; K; V] = [Wq; Wk; Wv] x:
        gemm_nt(dQKV_, x, dW3_, false);                                      // d[Wq; Wk; Wv] = d[Q; K; V] x^T
    }
    ps_.grad(iq_) += dW3_.middleRows(0, C);
    ps_.grad(ik_) += dW3_.middleRows(C, C);
    ps_.grad(iv_) += dW3_.middleRows(2 * C, C);
    if (tables_) return dy;  // dx = dy: the residual (the projections' part went into dE and dP above)
    if (!input_grad_) return dx_;
    W3T_ = W3_.transpose();
    dx_ = dy;                                                                // dx = dy (residual)
    gemm_nn(W3T_, dQKV_, dx_, true);                                         //   + [Wq; Wk; Wv]^T d[Q; K; V]
    return dx_;
}

const Mat* CausalSelfAttention::named_output(const std::string& name, Shape* shape) const {
    if (name != scores_name_) return nullptr;
    if (shape) *shape = Shape{H_ * in_.time, in_.time};
    return &A_;
}

std::vector<SummaryRow> CausalSelfAttention::summary() const {
    const long long C = in_.features;
    return {{name_, "MultiHeadAttention", out_.keras(), 4 * C * C}};
}

}  // namespace attn
