// The self-attention family: its layers (Embedding, CausalSelfAttention, TokenOutput with the
// fused sparse categorical cross-entropy) against finite differences and a plain-loop double
// twin, the causal mask, the token tasks' data and ground truth, bit-identical reruns, and a
// short run that must learn (the 8-seed outcomes: self_attention_outcomes.test.cpp, [slow]).
#include <catch2/catch.hpp>

#include <cmath>
#include <vector>

#include "data.hpp"
#include "expect.hpp"
#include "gemm.hpp"
#include "embedding.hpp"
#include "loss.hpp"
#include "model.hpp"
#include "preset.hpp"
#include "reference.hpp"
#include "self_attention.hpp"
#include "token_output.hpp"
#include "trainer.hpp"

using namespace attn;
using namespace attn::test;

namespace {

// Weights of unit-variance scores: every kernel ~ N(0, 1/C), so neither the softmax nor the
// residual saturates and the gradients stay well above float rounding.
void randomize_scaled(ParamStore& ps, Rng& rng, int C) {
    for (Eigen::Index i = 0; i < ps.values().size(); ++i) ps.values()(i) = float(rng.normal()) / std::sqrt(float(C));
}

// The plain-loop double twin of CausalSelfAttention on one sample: x (C, T) -> y, A per head,
// and for dy: dx and the four kernels' gradients.
struct AttentionTwin {
    int T, C, H;
    std::vector<Eigen::MatrixXd> W;  // Wq, Wk, Wv, Wo (C, C)
    Eigen::MatrixXd y, dx;
    std::vector<Eigen::MatrixXd> A, dW;  // A[h] (T, T): row s, column t

    void run(const Eigen::MatrixXd& x, const Eigen::MatrixXd& dy) {
        const int d = C / H;
        const double scale = 1.0 / std::sqrt(double(d));
        Eigen::MatrixXd Q = Eigen::MatrixXd::Zero(C, T), K = Q, V = Q, O = Q;
        for (int i = 0; i < C; ++i)
            for (int t = 0; t < T; ++t)
                for (int j = 0; j < C; ++j) {
                    Q(i, t) += W[0](i, j) * x(j, t);
                    K(i, t) += W[1](i, j) * x(j, t);
                    V(i, t) += W[2](i, j) * x(j, t);
                }
        A.assign(size_t(H), Eigen::MatrixXd::Zero(T, T));
        for (int h = 0; h < H; ++h)
            for (int t = 0; t < T; ++t) {
                double mx = -1e300, sum = 0;
                std::vector<double> sc(size_t(t) + 1);
                for (int s = 0; s <= t; ++s) {
                    double v = 0;
                    for (int i = h * d; i < (h + 1) * d; ++i) v += K(i, s) * Q(i, t);
                    sc[size_t(s)] = v * scale;
                    mx = std::max(mx, sc[size_t(s)]);
                }
                for (int s = 0; s <= t; ++s) sum += std::exp(sc[size_t(s)] - mx);
                for (int s = 0; s <= t; ++s) A[size_t(h)](s, t) = std::exp(sc[size_t(s)] - mx) / sum;
                for (int i = h * d; i < (h + 1) * d; ++i)
                    for (int s = 0; s <= t; ++s) O(i, t) += V(i, s) * A[size_t(h)](s, t);
            }
        y = x + W[3] * O;
        // backward
        dW.assign(4, Eigen::MatrixXd::Zero(C, C));
        dW[3] = dy * O.transpose();
        const Eigen::MatrixXd dO = W[3].transpose() * dy;
        Eigen::MatrixXd dQ = Eigen::MatrixXd::Zero(C, T), dK = dQ, dV = dQ;
        for (int h = 0; h < H; ++h) {
            const Eigen::MatrixXd& a = A[size_t(h)];
            Eigen::MatrixXd dA = Eigen::MatrixXd::Zero(T, T), dS = dA;
            for (int s = 0; s < T; ++s)
                for (int t = 0; t < T; ++t)
                    for (int i = h * d; i < (h + 1) * d; ++i) {
                        dA(s, t) += V(i, s) * dO(i, t);
                        dV(i, s) += dO(i, t) * a(s, t);
                    }
            for (int t = 0; t < T; ++t) {
                double dot = 0;
                for (int s = 0; s <= t; ++s) dot += dA(s, t) * a(s, t);
                for (int s = 0; s <= t; ++s) dS(s, t) = a(s, t) * (dA(s, t) - dot) * scale;
            }
            for (int i = h * d; i < (h + 1) * d; ++i)
                for (int s = 0; s < T; ++s)
                    for (int t = 0; t < T; ++t) {
                        dQ(i, t) += K(i, s) * dS(s, t);
                        dK(i, s) += Q(i, t) * dS(s, t);
                    }
        }
        dW[0] = dQ * x.transpose();
        dW[1] = dK * x.transpose();
        dW[2] = dV * x.transpose();
        dx = dy + W[0].transpose() * dQ + W[1].transpose() * dK + W[2].transpose() * dV;
    }
};

}  // namespace

TEST_CASE("CausalSelfAttention: shapes, parameter names and Keras shapes", "[selfattn]") {
    ParamStore ps;
    CausalSelfAttention a("self_attention", 5, 8, 2, 3, ps);
    REQUIRE(ps.list().size() == 4);
    CHECK(ps.list()[0].name == "self_attention/query/kernel");
    CHECK(ps.list()[0].keras_shape == std::vector<int>{8, 2, 4});
    CHECK(ps.list()[3].name == "self_attention/attention_output/kernel");
    CHECK(ps.list()[3].keras_shape == std::vector<int>{2, 4, 8});
    CHECK(a.output_shape() == Shape{5, 8});
    CHECK(a.macs() == 4.0 * 8 * 8 * 5 + 2.0 * 8 * 5 * 5);
    CHECK(a.summary()[0].params == 4 * 64);
    CHECK(std::string(a.attention_output()) == "self_attention_scores");
    Shape s;
    ps.allocate();
    REQUIRE(a.named_output("self_attention_scores", &s) != nullptr);
    CHECK(s == Shape{2 * 5, 5});
}

TEST_CASE("CausalSelfAttention: no attention to the future (exactly 0), rows sum to 1, the past blind to it",
          "[selfattn]") {
    const int T = 7, C = 8, H = 2, B = 3;
    ParamStore ps;
    CausalSelfAttention a("self_attention", T, C, H, B, ps);
    ps.allocate();
    Rng rng(3, Stream::init);
    randomize_scaled(ps, rng, C);
    Mat x = random_mat(C, T * B, rng);
    const Mat y = a.forward(x, false);
    const Mat att = *a.named_output("self_attention_scores", nullptr);
    for (Eigen::Index col = 0; col < att.cols(); ++col) {
        const int t = int(col / B) % T;  // column (h*T + t)*B + b
        double sum = 0;
        for (int s = 0; s < T; ++s) {
            if (s > t) CHECK(att(s, col) == 0.0f);
            else CHECK(att(s, col) > 0.0f);
            sum += att(s, col);
        }
        CHECK(sum == Approx(1.0).epsilon(1e-6));
    }
    // Changing steps 4.. changes nothing at steps 0..3, bit for bit.
    for (int t = 4; t < T; ++t) x.middleCols(t * B, B) = random_mat(C, B, rng);
    const Mat y2 = a.forward(x, false);
    CHECK(y2.leftCols(4 * B) == y.leftCols(4 * B));
    CHECK(y2.rightCols((T - 4) * B) != y.rightCols((T - 4) * B));
}

TEST_CASE("CausalSelfAttention: the scores skip the masked blocks without changing a bit", "[selfattn]") {
    // The layer computes K^T Q only for the blocks of 4 query steps that reach each key step;
    // the full product, scaled and causally softmaxed, must give the same bits (T = 7: a
    // partial block; H = 2: heads of 4).
    const int T = 7, C = 8, H = 2, B = 3, d = C / H, ld3 = 3 * C * B, lda = T * B;
    ParamStore ps;
    CausalSelfAttention a("self_attention", T, C, H, B, ps);
    ps.allocate();
    Rng rng(8, Stream::init);
    randomize_scaled(ps, rng, C);
    const Mat x = random_mat(C, T * B, rng);
    a.forward(x, false);
    Mat W3(3 * C, C), QKV(3 * C, T * B), A = Mat::Zero(T, H * T * B);
    W3 << ps.value(0), ps.value(1), ps.value(2);
    gemm_nn(W3, x, QKV, false);
    const float scale = 1.0f / std::sqrt(float(d));
    for (int b = 0; b < B; ++b)
        for (int h = 0; h < H; ++h) {
            const float* q = QKV.data() + size_t(b) * 3 * C + size_t(h) * d;
            float* S = A.data() + (size_t(h) * T * B + b) * T;
            gemm_tn(T, T, d, q + C, ld3, q, ld3, S, lda);
            for (int t = 0; t < T; ++t)
                for (int s = 0; s <= t; ++s) S[size_t(t) * lda + s] *= scale;
            causal_softmax(S, T, lda);
        }
    CHECK(A == a.attention());
}

TEST_CASE("CausalSelfAttention: gradients (finite differences)", "[selfattn][gradient]") {
    for (int H : {1, 2, 4}) {
        for (int T : {2, 3, 6}) {  // T = 1: the attention is 1 whatever Q and K, their gradients 0
            const int C = 8, B = 2;
            INFO("heads " << H << " steps " << T);
            ParamStore ps;
            CausalSelfAttention a("self_attention", T, C, H, B, ps);
            ps.allocate();
            Rng rng(11, Stream::init);
            randomize_scaled(ps, rng, C);
            check_layer_gradients(a, ps, random_mat(C, T * B, rng));
        }
    }
}

TEST_CASE("CausalSelfAttention matches a plain-loop double reference, forward and backward",
          "[selfattn][reference]") {
    for (int H : {1, 2, 3}) {
        for (int B : {1, 2, 5}) {
            const int T = 6, C = 12;  // heads of 12, 6 and 4 features: 6 is no multiple of the 4-float lanes
            INFO("heads " << H << " batch " << B);
            ParamStore ps;
            CausalSelfAttention a("self_attention", T, C, H, B, ps);
            ps.allocate();
            Rng rng(5, Stream::init);
            randomize_scaled(ps, rng, C);
            const Mat x = uniform_mat(C, T * B, rng), dy = uniform_mat(C, T * B, rng);
            const Mat y = a.forward(x, false);
            const Mat att = *a.named_output("self_attention_scores", nullptr);
            ps.zero_grad();
            const Mat dx = a.backward(dy);
            AttentionTwin twin{T, C, H, {}, {}, {}, {}, {}};
            for (int i = 0; i < 4; ++i) twin.W.push_back(ps.value(i).cast<double>());
            std::vector<Eigen::MatrixXd> dW(4, Eigen::MatrixXd::Zero(C, C));
            Err ey, ea, edx;
            for (int b = 0; b < B; ++b) {
                twin.run(sample_of(x, T, B, b), sample_of(dy, T, B, b));
                const Eigen::MatrixXd yb = sample_of(y, T, B, b), dxb = sample_of(dx, T, B, b);
                for (Eigen::Index k = 0; k < yb.size(); ++k) {
                    ey.add(yb(k), twin.y(k));
                    edx.add(dxb(k), twin.dx(k));
                }
                for (int h = 0; h < H; ++h)
                    for (int t = 0; t < T; ++t)
                        for (int s = 0; s < T; ++s) ea.add(att(s, (h * T + t) * B + b), twin.A[size_t(h)](s, t));
                for (int i = 0; i < 4; ++i) dW[size_t(i)] += twin.dW[size_t(i)];
            }
            CHECK(ey.err <= 1e-5 * ey.scale);
            CHECK(ea.err <= 1e-5 * ea.scale);
            CHECK(edx.err <= 1e-5 * edx.scale);
            for (int i = 0; i < 4; ++i) {
                Err e;
                const Mat g = ps.grad(i);
                for (Eigen::Index k = 0; k < g.size(); ++k) e.add(g(k), dW[size_t(i)](k));
                INFO("kernel " << ps.list()[size_t(i)].name);
                CHECK(e.err <= 1e-5 * e.scale);
            }
        }
    }
}

TEST_CASE("Embedding: token plus position, and its gradients (finite differences)", "[selfattn][gradient]") {
    const int T = 4, V = 5, C = 6, B = 3;
    ParamStore ps;
    Embedding e("embedding", T, V, C, B, ps);
    ps.allocate();
    Rng rng(2, Stream::init);
    randomize(ps, rng);
    CHECK(ps.list()[0].name == "token_embedding/embeddings");
    CHECK(ps.list()[0].keras_shape == std::vector<int>{V, C});
    CHECK(ps.list()[1].name == "position_embedding/embeddings");
    CHECK(ps.list()[1].keras_shape == std::vector<int>{T, C});
    Mat x(1, T * B);
    for (Eigen::Index i = 0; i < x.size(); ++i) x(i) = float(rng.below(V));
    x(0, 0) = x(0, 1);  // a token twice in one step: its gradient sums both
    const Mat y = e.forward(x, false);
    for (int t = 0; t < T; ++t)
        for (int b = 0; b < B; ++b)
            for (int c = 0; c < C; ++c)
                CHECK(y(c, t * B + b) == ps.value(0)(c, int(x(0, t * B + b))) + ps.value(1)(c, t));
    const Mat G = random_mat(C, T * B, rng);
    auto loss = [&] { return (e.forward(x, false).cast<double>().array() * G.cast<double>().array()).sum(); };
    ps.zero_grad();
    e.forward(x, false);
    e.backward(G);
    const Vec g = ps.grads();
    for (const auto& p : ps.list()) {
        INFO(p.name);
        const GradError err = compare(ps.values().data() + p.offset, g.data() + p.offset, long(p.rows) * p.cols, loss, 1e-2f);
        CHECK(err.max_abs_grad > 1e-4);
        CHECK(err.relative() < 1e-3);
    }
}

namespace {
// Token ids (1, T*B) below V, with token 0 twice in step 0 and once more later (G_tok sums
// over samples and over steps).
Mat token_ids(int T, int V, int B, Rng& rng) {
    Mat x(1, T * B);
    for (Eigen::Index i = 0; i < x.size(); ++i) x(i) = float(rng.below(V));
    x(0, 0) = x(0, 1) = x(0, T * B - 1) = 0.0f;
    return x;
}
}  // namespace

TEST_CASE("Embedding + CausalSelfAttention folded into the tables: gradients (finite differences)",
          "[selfattn][gradient]") {
    // The first layer's [Q; K; V] from W3 E and W3 P, its backward writing dE and dP itself:
    // d loss / d E, P, Wq, Wk, Wv, Wo of the pair against central differences.
    for (int H : {1, 2}) {
        for (int T : {3, 6}) {
            const int V = 5, C = 8, B = 3;
            INFO("heads " << H << " steps " << T);
            ParamStore ps;
            Embedding e("embedding", T, V, C, B, ps);
            CausalSelfAttention a("self_attention", T, C, H, B, ps, &e);
            REQUIRE(a.folded());
            ps.allocate();
            Rng rng(13, Stream::init);
            randomize_scaled(ps, rng, C);
            const Mat x = token_ids(T, V, B, rng);
            const Mat G = random_mat(C, T * B, rng);
            auto loss = [&] { return (a.forward(e.forward(x, false), false).cast<double>().array() *
                                      G.cast<double>().array()).sum(); };
            loss();
            ps.zero_grad();
            e.backward(a.backward(G));
            const Vec g = ps.grads();
            REQUIRE(ps.list().size() == 6);
            for (const auto& p : ps.list()) {
                INFO(p.name);
                const GradError err =
                    compare(ps.values().data() + p.offset, g.data() + p.offset, long(p.rows) * p.cols, loss, 1e-2f);
                CHECK(err.max_abs_grad > 1e-4);
                CHECK(err.relative() < 1e-2);
            }
        }
    }
}

TEST_CASE("CausalSelfAttention folded into the tables agrees with the plain layer to rounding", "[selfattn]") {
    // The same parameters (the plain layer finds the folded one's in the sealed store): output,
    // attention and every gradient (the plain layer's dE, dP through the Embedding's scatter).
    const int T = 6, V = 7, C = 12, H = 3, B = 4;
    ParamStore ps;
    Embedding e("embedding", T, V, C, B, ps);
    CausalSelfAttention folded("self_attention", T, C, H, B, ps, &e);
    ps.allocate();
    CausalSelfAttention plain("self_attention", T, C, H, B, ps);
    REQUIRE(ps.list().size() == 6);
    Rng rng(17, Stream::init);
    randomize_scaled(ps, rng, C);
    const Mat x = token_ids(T, V, B, rng), dy = random_mat(C, T * B, rng);
    auto close = [](const Mat& got, const Mat& want) {
        Err err;
        for (Eigen::Index k = 0; k < got.size(); ++k) err.add(got(k), want(k));
        return err.err <= 1e-5 * err.scale;
    };
    const Mat y1 = folded.forward(e.forward(x, false), false), a1 = folded.attention();
    ps.zero_grad();
    e.backward(folded.backward(dy));
    const Vec g1 = ps.grads();
    const Mat y2 = plain.forward(e.forward(x, false), false), a2 = plain.attention();
    ps.zero_grad();
    e.backward(plain.backward(dy));
    const Vec g2 = ps.grads();
    CHECK(close(y1, y2));
    CHECK(close(a1, a2));
    CHECK(y1 != y2);  // it does round differently: the fold is on
    for (const auto& p : ps.list()) {
        INFO(p.name);
        const long n = long(p.rows) * p.cols;
        CHECK(close(g1.segment(Eigen::Index(p.offset), n), g2.segment(Eigen::Index(p.offset), n)));
    }
}

TEST_CASE("self-attention model: every parameter's gradient through the folded first layer (finite differences)",
          "[selfattn][gradient]") {
    // The whole model (Embedding, two attention layers, the first folded, the token head) under
    // the summed cross-entropy, whose gradient at the logits is p - onehot(target).
    Config c = defaults_for("induction_head");
    c.time_steps = 5;
    c.vocab_size = 6;
    c.units = 8;
    c.heads = 2;
    c.layers = 2;
    c.batch_size = 4;  // V + T = 11 < T * B = 20: folded
    c.dropout = 0;
    const int T = c.time_steps, V = c.vocab_size, B = c.batch_size;
    ParamStore ps;
    Rng dropout_rng(1, Stream::dropout);
    Model m(c, B, ps, dropout_rng);
    ps.allocate();
    m.allocate();
    REQUIRE(m.self_attention().size() == 2);
    CHECK(static_cast<const CausalSelfAttention*>(m.self_attention()[0])->folded());
    CHECK(!static_cast<const CausalSelfAttention*>(m.self_attention()[1])->folded());
    Rng rng(19, Stream::init);
    randomize_scaled(ps, rng, c.units);
    const Mat x = token_ids(T, V, B, rng);
    Mat y(1, T * B);
    for (Eigen::Index i = 0; i < y.size(); ++i) y(i) = float(rng.below(V));
    auto loss = [&] {
        const Mat& p = m.forward(x, false);
        double L = 0;
        for (Eigen::Index j = 0; j < p.cols(); ++j) L -= std::log(double(p(Eigen::Index(y(j)), j)));
        return L;
    };
    Mat dz = m.forward(x, false);
    for (Eigen::Index j = 0; j < dz.cols(); ++j) dz(Eigen::Index(y(j)), j) -= 1.0f;
    ps.zero_grad();
    m.backward(dz);
    const Vec g = ps.grads();
    for (const auto& p : ps.list()) {
        INFO(p.name);
        const GradError err =
            compare(ps.values().data() + p.offset, g.data() + p.offset, long(p.rows) * p.cols, loss, 1e-2f);
        CHECK(err.max_abs_grad > 1e-4);
        CHECK(err.relative() < 1e-2);
    }
}

TEST_CASE("TokenOutput with sparse categorical cross-entropy: the fused gradient (finite differences)",
          "[selfattn][gradient]") {
    const int T = 3, C = 5, V = 4, B = 2;
    ParamStore ps;
    TokenOutput o("output", Shape{T, C}, V, B, ps);
    ps.allocate();
    Rng rng(4, Stream::init);
    randomize(ps, rng);
    Mat x = random_mat(C, T * B, rng), y(1, T * B), dz(V, T * B);
    for (Eigen::Index i = 0; i < y.size(); ++i) y(i) = float(rng.below(V));
    auto loss = [&] {  // in double: the mean over the T*B steps of -log p[y]
        const Mat& p = o.forward(x, false);
        double L = 0;
        for (Eigen::Index j = 0; j < p.cols(); ++j) L -= std::log(double(p(Eigen::Index(y(j)), j)));
        return L / double(p.cols());
    };
    const Mat& p = o.forward(x, false);
    for (Eigen::Index j = 0; j < p.cols(); ++j) CHECK(p.col(j).sum() == Approx(1.0f).epsilon(1e-6));
    CHECK(loss_forward(Loss::sparse_categorical_crossentropy, p, y) == Approx(loss()).epsilon(1e-6));
    ps.zero_grad();
    loss_backward(Loss::sparse_categorical_crossentropy, p, y, dz);
    const Mat dx = o.backward(dz);
    const Vec g = ps.grads();
    const GradError ex = compare(x.data(), dx.data(), long(x.size()), loss, 1e-2f);
    CHECK(ex.max_abs_grad > 1e-4);
    CHECK(ex.relative() < 1e-2);
    for (const auto& q : ps.list()) {
        INFO(q.name);
        const GradError e = compare(ps.values().data() + q.offset, g.data() + q.offset, long(q.rows) * q.cols, loss, 1e-2f);
        CHECK(e.max_abs_grad > 1e-4);
        CHECK(e.relative() < 1e-2);
    }
    // Token accuracy: the first largest entry per step against the target.
    Mat pp(3, 2), yy(1, 2);
    pp << 0.2f, 0.5f, 0.7f, 0.25f, 0.1f, 0.25f;
    yy << 1, 2;
    CHECK(token_accuracy(pp, yy) == 0.5f);  // column 1's tie goes to the first: 1, not 2
}

TEST_CASE("token tasks: targets and ground truth agree with the inputs", "[selfattn][data]") {
    const int n = 50, T = 9, V = 6;
    Rng rng(1, Stream::data);
    const Dataset p = previous_token(n, T, V, rng), ind = induction(n, T, V, rng), so = sort_tokens(n, T, V, rng);
    for (const Dataset* d : {&p, &ind, &so}) {
        CHECK(d->outputs == T);
        CHECK(d->positions == T * T);
        CHECK(d->y.size() == size_t(n) * T);
        for (int i = 0; i < n; ++i) {
            const float* x = d->x.data() + size_t(i) * T;
            const float* y = d->y.data() + size_t(i) * T;
            for (int t = 0; t < T; ++t) {
                CHECK(x[t] >= 0.0f);
                CHECK(x[t] < float(V));
                for (int s = 0; s < T; ++s)
                    if (d->mask_of(i)[t * T + s]) {
                        CHECK(s <= t);          // causal: never a future position
                        CHECK(x[s] == y[t]);    // the truth holds the token to say
                    }
                if (d != &p && t + 1 < T) CHECK(y[t] == x[t + 1]);  // next-token targets
            }
        }
    }
    // Which steps have ground truth: previous_token every step but the first; induction the
    // repeat (steps L..8 for the sample's prefix length L in [3, 5], at t-L+1); sort the sorted
    // part (m = 4: steps 4..7).
    auto rows = [&](const Dataset& d) {
        std::vector<int> r;
        for (int t = 0; t < T; ++t) {
            int any = 0;
            for (int s = 0; s < T; ++s) any |= d.mask_of(0)[t * T + s];
            if (any) r.push_back(t);
        }
        return r;
    };
    CHECK(rows(p) == std::vector<int>{1, 2, 3, 4, 5, 6, 7, 8});
    std::vector<int> lengths;
    for (int i = 0; i < n; ++i) {
        const uint8_t* m = ind.mask_of(i);
        const float* x = ind.x.data() + size_t(i) * T;
        int L = 0;  // the first step with ground truth
        while (L < T && std::find(m + L * T, m + (L + 1) * T, 1) == m + (L + 1) * T) ++L;
        REQUIRE((L >= 3 && L <= 5));
        lengths.push_back(L);
        for (int t = L; t < T; ++t) {
            CHECK(m[t * T + t - L + 1] == 1);  // the token after the previous occurrence
            CHECK(x[t] == x[t - L]);           // ... of this one
        }
    }
    CHECK(std::count(lengths.begin(), lengths.end(), lengths[0]) < n);  // the length varies
    CHECK(rows(so) == std::vector<int>{4, 5, 6, 7});
    for (int i = 0; i < n; ++i) {  // sort: separator V-1 at m, then the first m tokens in order
        const float* x = so.x.data() + size_t(i) * T;
        CHECK(x[4] == float(V - 1));
        for (int k = 5; k < 8; ++k) CHECK(x[k] <= x[k + 1]);
    }
}

TEST_CASE("self_attention trainer: shapes at the API, bit-identical reruns, bad tokens refused by name",
          "[selfattn]") {
    Config c = defaults_for("induction_head");
    c.samples = 400;
    c.test_samples = 20;
    c.batch_size = 8;
    Trainer a(c), b(c);
    const Metrics ma = a.step(20), mb = b.step(20);
    CHECK(ma.batch_loss == mb.batch_loss);
    CHECK(ma.recent.attention_on_target == mb.recent.attention_on_target);
    CHECK(a.weights()[3].data == b.weights()[3].data);
    const Tensor att = a.attention();
    CHECK(att.shape == std::vector<int>{2, 15, 15});  // (heads, steps, positions) of the last layer
    const AttentionMaps maps = a.attention_maps(3);
    CHECK(maps.attention.shape == std::vector<int>{3, 2, 15, 15});
    CHECK(maps.mask.shape == std::vector<int>{3, 15, 15});
    CHECK(a.test_targets().shape == std::vector<int>{20, 15});
    const Tensor p = a.predict(a.test_inputs());
    CHECK(p.shape == std::vector<int>{20, 15, 16});
    const auto heads = a.head_scores();
    REQUIRE(heads.size() == 4);
    CHECK(heads[3].layer == 1);
    CHECK(heads[3].head == 1);
    for (const auto& h : heads) CHECK(h.attention_on_target >= 0.0f);
    // The caller's tokens: each an integer id below vocab_size, named by index.
    Tensor x = a.test_inputs(), y = a.test_targets();
    x.data[7] = 16.0f;
    try {
        a.evaluate(x, y);
        FAIL("accepted token 16");
    } catch (const ConfigError& e) {
        CHECK(e.field == "x.data[7]");
        CHECK_THAT(e.what(), Catch::Matchers::Contains("token id"));
    }
    x.data[7] = 1.5f;
    CHECK_THROWS_AS(a.predict(x), ConfigError);
    x = a.test_inputs();
    y.shape = {20, 1};
    CHECK(config_error([&] { a.evaluate(x, y); }).field == "y");
    y = a.test_targets();
    const Scores s = a.evaluate(x, y);  // no mask: no attention metrics
    CHECK(std::isfinite(s.loss));
    CHECK(std::isnan(s.attention_on_target));
    a.set_data(x, y);  // the caller's data trains
    CHECK(std::isfinite(a.step(2).batch_loss));
}

TEST_CASE("previous_token: a short run finds the previous token (fast)", "[selfattn]") {
    // Over 8 seeds the best head passes 0.8 on target by step 150-175 (the [slow] outcomes).
    Trainer t(defaults_for("previous_token"));
    t.step(225);
    const auto heads = t.head_scores();
    REQUIRE(heads.size() == 1);
    const float accuracy = t.validate().metric;
    INFO("on target " << heads[0].attention_on_target << " hit rate " << heads[0].hit_rate << " accuracy " << accuracy);
    CHECK(heads[0].attention_on_target > 0.7f);
    CHECK(heads[0].hit_rate > 0.9f);
    CHECK(accuracy > 0.9f);
}
