// The many-to-one Attention layer: shapes and names -> hand-computed values -> gradients
// (finite differences). Its plain-loop double-precision reference of Keras's equations,
// forward and backward, is with every other layer's in reference.test.cpp.
#include <catch2/catch.hpp>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <vector>

#include "gradcheck.hpp"
#include "many_to_one.hpp"
#include "reference.hpp"

using namespace attn;
using attn::test::check_layer_gradients;
using attn::test::random_mat;
using attn::test::randomize_many_to_one;
using attn::test::uniform_mat;

using attn::test::mat;
using attn::test::score_name;

// ---- 1. shapes, names, counts -------------------------------------------------------------

TEST_CASE("ManyToOneAttention: shapes, parameter names, Keras shapes and counts", "[many_to_one]") {
    const int T = 4, D = 3, U = 5, B = 2;
    for (Score score : {Score::luong, Score::bahdanau}) {
        INFO(score_name(score));
        ParamStore ps;
        ManyToOneAttention att("attention", Shape{T, D}, U, score, B, ps);
        ps.allocate();
        std::vector<std::string> names;
        std::vector<std::vector<int>> shapes;
        for (const auto& p : ps.list()) {
            names.push_back(p.name);
            shapes.push_back(p.keras_shape);
            CHECK(size_t(p.rows) * p.cols == size_t(p.keras_shape[0]) * p.keras_shape[1]);
            CHECK(p.rows == p.keras_shape[1]);  // our (rows, cols) is Keras's shape reversed
        }
        const long long want = score == Score::luong ? D * D + 2 * D * U : 2 * D * D + D + 2 * D * U;
        if (score == Score::luong) {
            CHECK(names == std::vector<std::string>{"luong_w/kernel", "attention_vector/kernel"});
            CHECK(shapes == std::vector<std::vector<int>>{{D, D}, {2 * D, U}});
        } else {
            CHECK(names == std::vector<std::string>{"bahdanau_w1/kernel", "bahdanau_w2/kernel", "bahdanau_v/kernel",
                                                    "attention_vector/kernel"});
            CHECK(shapes == std::vector<std::vector<int>>{{D, D}, {D, D}, {D, 1}, {2 * D, U}});
        }
        CHECK((long long)ps.size() == want);
        const auto rows = att.summary();
        REQUIRE(rows.size() == 1);
        CHECK(rows[0].name == "attention");
        CHECK(rows[0].kind == "Attention");
        CHECK(rows[0].output_shape == "(None, 5)");
        CHECK(rows[0].params == want);
        CHECK(att.input_shape() == Shape{T, D});
        CHECK(att.output_shape() == Shape{0, U});

        Rng rng(1, Stream::init);
        att.init(rng);
        for (size_t i = 0; i < ps.list().size(); ++i) {  // glorot_uniform with Keras's fans
            const auto& p = ps.list()[i];
            INFO(p.name);
            const float limit = std::sqrt(6.0f / float(p.keras_shape[0] + p.keras_shape[1]));
            CHECK(ps.value(int(i)).cwiseAbs().maxCoeff() <= limit);
            CHECK(ps.value(int(i)).cwiseAbs().maxCoeff() > 0.5f * limit);
        }
        const Mat x = uniform_mat(D, T * B, rng);
        const Mat& y = att.forward(x, false);
        CHECK(y.rows() == U);
        CHECK(y.cols() == B);
        Shape s;
        REQUIRE(att.named_output("attention_weight", &s) == &att.weights());
        CHECK(s == Shape{0, T});
        CHECK(att.weights().rows() == T);
        CHECK(att.weights().cols() == B);
        const Mat* ctx = att.named_output("context_vector", &s);
        REQUIRE(ctx != nullptr);
        CHECK(s == Shape{0, D});
        CHECK(ctx->rows() == D);
        CHECK(ctx->cols() == B);
        CHECK(att.named_output("attention_probs", &s) == nullptr);
        const Mat& dx = att.backward(Mat::Ones(U, B));
        CHECK(dx.rows() == D);
        CHECK(dx.cols() == T * B);
    }
}

TEST_CASE("ManyToOneAttention: two instances get their own weights through the suffix", "[many_to_one]") {
    ParamStore ps;
    ManyToOneAttention a("attention", Shape{3, 2}, 4, Score::luong, 1, ps);
    ManyToOneAttention b("attention_1", Shape{3, 2}, 4, Score::luong, 1, ps, "_1");
    ManyToOneAttention c("attention_2", Shape{3, 2}, 4, Score::bahdanau, 1, ps, "_2");
    ps.allocate();
    std::vector<std::string> names;
    for (const auto& p : ps.list()) names.push_back(p.name);
    CHECK(names == std::vector<std::string>{"luong_w/kernel", "attention_vector/kernel", "luong_w_1/kernel",
                                            "attention_vector_1/kernel", "bahdanau_w1_2/kernel",
                                            "bahdanau_w2_2/kernel", "bahdanau_v_2/kernel",
                                            "attention_vector_2/kernel"});
    CHECK((long long)ps.size() == 2 * (4 + 16) + (8 + 2 + 16));
}

TEST_CASE("ManyToOneAttention: a sequence input is required", "[many_to_one]") {
    ParamStore ps;
    CHECK_THROWS_AS(ManyToOneAttention("attention", Shape{0, 4}, 2, Score::luong, 1, ps), std::logic_error);
}

// ---- 2. hand-computed values --------------------------------------------------------------

// D = 2, T = 2, B = 1: h_0 = (0, 1), h_1 = h_t = (1, 0); x (D, T*B) has column s = h_s.
// Both scores below are built to give scores differing by ln 3, so alpha = (3/4, 1/4) and
//   context = 3/4 h_0 + 1/4 h_1 = (0.25, 0.75).
// Wc (U = 2, 2D = 4), rows over [context; h_t] = [0.25, 0.75, 1, 0]:
//   unit 0: ( 1, 2, 0.5, -1): z0 = 0.25 + 1.5 + 0.5 + 0 = 2.25,  y0 = tanh(2.25)
//   unit 1: (-1, 0, 0,    3): z1 = -0.25 + 0 + 0 + 0  = -0.25, y1 = tanh(-0.25)
namespace {
const Mat hand_x = mat(2, 2, {0, 1, 1, 0});
const Mat hand_Wc = mat(2, 4, {1, -1, 2, 0, 0.5f, 0, -1, 3});  // column-major (U, 2D)

void check_hand_values(const ManyToOneAttention& att) {
    const Mat& a = att.weights();
    CHECK(a(0, 0) == Approx(0.75).margin(1e-6));
    CHECK(a(1, 0) == Approx(0.25).margin(1e-6));
    Shape s;
    const Mat& ctx = *att.named_output("context_vector", &s);
    CHECK(ctx(0, 0) == Approx(0.25).margin(1e-6));
    CHECK(ctx(1, 0) == Approx(0.75).margin(1e-6));
    CHECK(att.output()(0, 0) == Approx(std::tanh(2.25)).margin(1e-6));   // 0.97802611
    CHECK(att.output()(1, 0) == Approx(std::tanh(-0.25)).margin(1e-6));  // -0.24491866
}
}  // namespace

TEST_CASE("ManyToOneAttention (Luong): hand-computed weights, context and output", "[many_to_one]") {
    // score_s = h_t . (W h_s) = (W h_s)[0] since h_t = (1, 0): only W's first row matters.
    // W[0][1] = ln 3, the rest 0: score_0 = W[0][1] h_0[1] = ln 3, score_1 = W[0][0] = 0, so
    // alpha = (3/4, 1/4). (Keras's K = W^T has K[1][0] = ln 3: memory index 2 in both.)
    // With W^T in place of W the scores would both be 0 and alpha = (1/2, 1/2).
    ParamStore ps;
    ManyToOneAttention att("attention", Shape{2, 2}, 2, Score::luong, 1, ps);
    ps.allocate();
    ps.value(0) = mat(2, 2, {0, 0, std::log(3.0f), 0});
    ps.value(1) = hand_Wc;
    att.forward(hand_x, false);
    check_hand_values(att);
}

TEST_CASE("ManyToOneAttention (Bahdanau): hand-computed weights, context and output", "[many_to_one]") {
    // c = ln(3)/2, so tanh(c) = (3 - 1)/(3 + 1) = 1/2 and tanh(2c) = (9 - 1)/(9 + 1) = 0.8.
    // W1[1][0] = c: W1 h_t = (0, c). W2[1][1] = c: W2 h_0 = (0, c), W2 h_1 = (0, 0).
    // E_0 = tanh((0, 2c)) = (0, 0.8), E_1 = tanh((0, c)) = (0, 0.5).
    // v = (7, 10 ln(3) / 3): score_0 = 0.8 v[1], score_1 = 0.5 v[1], difference 0.3 v[1] = ln 3,
    // so alpha = (3/4, 1/4). (W1^T h_t = (W1[0][0], W1[0][1]) = 0 would give E_0 = (0, 0.5),
    // E_1 = 0, a score difference of 5/3 ln 3 and alpha_0 = 0.86.)
    const float c = std::log(3.0f) / 2.0f;
    ParamStore ps;
    ManyToOneAttention att("attention", Shape{2, 2}, 2, Score::bahdanau, 1, ps);
    ps.allocate();
    ps.value(0) = mat(2, 2, {0, c, 0, 0});
    ps.value(1) = mat(2, 2, {0, 0, 0, c});
    ps.value(2) = mat(1, 2, {7, 10.0f * std::log(3.0f) / 3.0f});
    ps.value(3) = hand_Wc;
    att.forward(hand_x, false);
    check_hand_values(att);
}

// ---- 3. weights sum to one ----------------------------------------------------------------

TEST_CASE("ManyToOneAttention: attention_weight sums to 1 for every sample", "[many_to_one]") {
    for (Score score : {Score::luong, Score::bahdanau})
        for (int T : {1, 4, 10})
            for (int D : {1, 5, 32}) {
                INFO(score_name(score) << " T " << T << " D " << D);
                const int B = 7;
                ParamStore ps;
                ManyToOneAttention att("attention", Shape{T, D}, 3, score, B, ps);
                ps.allocate();
                Rng rng(11, Stream::init);
                att.init(rng);
                att.forward(random_mat(D, T * B, rng, 2.0f), false);
                const Mat& a = att.weights();
                for (int b = 0; b < B; ++b) {
                    INFO("sample " << b);
                    CHECK(std::abs(a.col(b).sum() - 1.0f) < 1e-6f);
                    CHECK(a.col(b).minCoeff() >= 0.0f);
                }
            }
}

// ---- 4. finite differences ----------------------------------------------------------------

namespace {
// check_layer_gradients differences a float forward with h = 1e-2: rounding leaves ~1e-5 of
// noise in each numeric gradient, so a tensor whose largest gradient is below ~1e-3 cannot
// pass its 1e-2 test. Small draws make such cases by chance (T = 2, B = 1: one softmax
// derivative, zero when h_0 ~ h_1; Bahdanau's W1 only through tanh's curvature, since W1 h_t
// shifts every score alike). Whether a draw is resolvable is read from backward's own
// gradients for the helper's dy (its seed-7 G). A bug that zeroes a gradient would make every
// draw unresolvable: the test fails after kMaxDraws.
constexpr int kMaxDraws = 20;
bool resolvable(ManyToOneAttention& att, ParamStore& ps, const Mat& x) {
    Rng rng(7, Stream::data);
    const Mat G = random_mat(att.output_shape().features, att.batch(), rng);
    att.forward(x, false);
    ps.zero_grad();
    bool ok = att.backward(G).cwiseAbs().maxCoeff() > 2e-3f;
    for (int i = 0; i < int(ps.list().size()); ++i)
        if (att.input_shape().time > 1 || ps.list()[i].name == "attention_vector/kernel")
            ok = ok && ps.grad(i).cwiseAbs().maxCoeff() > 2e-3f;
    ps.zero_grad();
    return ok;
}
}  // namespace

TEST_CASE("ManyToOneAttention: gradients (finite differences)", "[many_to_one][gradient]") {
    int redrawn = 0, most = 0;
    for (Score score : {Score::luong, Score::bahdanau})
        for (int D : {1, 3, 4, 5, 8})
            for (int T : {1, 2, 5})
                for (int B : {1, 3})
                    for (int U : {1, 4, 6}) {
                        INFO(score_name(score) << " D " << D << " T " << T << " B " << B << " units " << U);
                        ParamStore ps;
                        ManyToOneAttention att("attention", Shape{T, D}, U, score, B, ps);
                        ps.allocate();
                        Rng rng(uint64_t(100 + D * 1000 + T * 100 + B * 10 + U), Stream::init);
                        Mat x;
                        int draws = 0;
                        do {
                            randomize_many_to_one(ps, rng, D);
                            x = uniform_mat(D, T * B, rng);
                        } while (!resolvable(att, ps, x) && ++draws < kMaxDraws);
                        REQUIRE(draws < kMaxDraws);
                        redrawn += draws;
                        most = std::max(most, draws);
                        if (T > 1) {
                            check_layer_gradients(att, ps, x);
                            continue;
                        }
                        // T = 1: alpha = softmax of one score = 1 whatever the score, so the score's
                        // kernels get exactly zero gradient (check_layer_gradients asks every
                        // parameter for a gradient above 1e-4). Check those are zero, and dx and Wc
                        // against finite differences with the helper's own comparison.
                        Rng grng(7, Stream::data);
                        const Mat G = random_mat(U, B, grng);
                        auto loss = [&] {
                            return (att.forward(x, false).cast<double>().array() * G.cast<double>().array()).sum();
                        };
                        loss();
                        ps.zero_grad();
                        const Mat dx = att.backward(G);
                        const Vec grads = ps.grads();
                        const auto ex = attn::test::compare(x.data(), dx.data(), long(x.size()), loss, 1e-2f);
                        CHECK(ex.max_abs_grad > 1e-4);
                        CHECK(ex.relative() < 1e-2);
                        for (const auto& p : ps.list()) {
                            INFO(p.name);
                            const auto ep = attn::test::compare(ps.values().data() + p.offset, grads.data() + p.offset,
                                                                long(p.rows) * p.cols, loss, 1e-2f);
                            if (p.name == "attention_vector/kernel") {
                                CHECK(ep.max_abs_grad > 1e-4);
                                CHECK(ep.relative() < 1e-2);
                            } else {
                                CHECK(grads.segment(Eigen::Index(p.offset), long(p.rows) * p.cols).isZero(0.0f));
                                CHECK(ep.max_abs_grad == 0.0);
                            }
                        }
                    }
    // Redraws are the exception: a layer whose gradients are often that small is suspect.
    INFO("draws redrawn " << redrawn << ", at most " << most << " for one case");
    CHECK(redrawn < 20);
}

// ---- 5. accumulation, and the skipped dx ------------------------------------------------

TEST_CASE("ManyToOneAttention: backward accumulates parameter gradients, not dx",
          "[many_to_one]") {
    for (Score score : {Score::luong, Score::bahdanau}) {
        INFO(score_name(score));
        const int T = 5, D = 6, U = 3, B = 4;
        ParamStore ps;
        ManyToOneAttention att("attention", Shape{T, D}, U, score, B, ps);
        ps.allocate();
        Rng rng(3, Stream::init);
        randomize_many_to_one(ps, rng, D);
        const Mat x = uniform_mat(D, T * B, rng), dy = random_mat(U, B, rng);
        att.forward(x, true);
        ps.zero_grad();
        const Mat dx1 = att.backward(dy);
        const Vec once = ps.grads();
        const Mat dx2 = att.backward(dy);
        CHECK(dx1 == dx2);
        CHECK(once.cwiseAbs().minCoeff() > 0.0f);
        CHECK((ps.grads() - 2.0f * once).cwiseAbs().maxCoeff() <= 1e-6f * once.cwiseAbs().maxCoeff());

        // Without dx (skip_input_grad): the same parameter gradients, bit for bit.
        ParamStore ps2;
        ManyToOneAttention att2("attention", Shape{T, D}, U, score, B, ps2);
        ps2.allocate();
        ps2.values() = ps.values();
        att2.skip_input_grad();
        att2.forward(x, true);
        ps2.zero_grad();
        att2.backward(dy);
        CHECK(ps2.grads() == once);
    }
}

// ---- native / wasm bits -------------------------------------------------------------------

// Hidden: prints the first outputs and a hash of every bit the layer computes (outputs,
// named outputs, dx, gradients) for a fixed seed, to compare a native and a wasm build:
//   ./core_tests "[m2o_bits]"   and   node core_tests.js "[m2o_bits]"
TEST_CASE("ManyToOneAttention: bits to compare between builds", "[.m2o_bits]") {
    for (Score score : {Score::luong, Score::bahdanau}) {
        const int T = 10, D = 33, U = 7, B = 5;
        ParamStore ps;
        ManyToOneAttention att("attention", Shape{T, D}, U, score, B, ps);
        ps.allocate();
        Rng rng(2024, Stream::init);
        att.init(rng);
        const Mat x = uniform_mat(D, T * B, rng), dy = random_mat(U, B, rng);
        const Mat& y = att.forward(x, false);
        ps.zero_grad();
        const Mat& dx = att.backward(dy);
        uint64_t h = 1469598103934665603ull;  // FNV-1a over the floats' bits
        auto hash = [&](const float* p, Eigen::Index n) {
            for (Eigen::Index i = 0; i < n; ++i) {
                uint32_t u;
                std::memcpy(&u, p + i, 4);
                h = (h ^ u) * 1099511628211ull;
            }
        };
        Shape s;
        hash(y.data(), y.size());
        hash(att.weights().data(), att.weights().size());
        hash(att.named_output("context_vector", &s)->data(), D * B);
        hash(dx.data(), dx.size());
        hash(ps.grads().data(), ps.grads().size());
        std::printf("%s: y %.9g %.9g %.9g %.9g  hash %016llx\n", score_name(score), y(0), y(1), y(2), y(3),
                    (unsigned long long)h);
    }
    SUCCEED();
}
