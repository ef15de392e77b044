// Each layer: shapes -> a hand-computable value -> gradients (finite differences), and Keras's
// initialisers. Every layer's plain-loop double reference, forward and backward, is in
// reference.test.cpp.
#include <catch2/catch.hpp>
#include <cmath>

#include "attention.hpp"
#include "dense.hpp"
#include "dropout.hpp"
#include "flatten.hpp"
#include "gradcheck.hpp"
#include "gru.hpp"
#include "lstm.hpp"

using namespace attn;
using attn::test::check_layer_gradients;
using attn::test::random_mat;
using attn::test::randomize;

using attn::test::mat;

TEST_CASE("Dense: hand-computed values for each activation", "[dense]") {
    // W (2 out, 2 in) = [[1, 2], [3, 4]], b = [0.5, -0.5], x = [1, 1]: z = [3.5, 6.5]
    const Mat x = mat(2, 1, {1, 1});
    auto run = [&](Activation a) {
        ParamStore ps;
        Dense d("d", Shape{0, 2}, 2, a, true, 1, ps);
        ps.allocate();
        ps.value(0) = mat(2, 2, {1, 3, 2, 4});
        ps.value(1) = mat(2, 1, {0.5f, -0.5f});
        return Mat(d.forward(x, false));
    };
    const Mat lin = run(Activation::linear);
    CHECK(lin(0) == Approx(3.5));
    CHECK(lin(1) == Approx(6.5));
    CHECK(run(Activation::relu)(1) == Approx(6.5));
    CHECK(run(Activation::tanh)(0) == Approx(std::tanh(3.5)));
    CHECK(run(Activation::sigmoid)(1) == Approx(1.0 / (1.0 + std::exp(-6.5))));
    const Mat sm = run(Activation::softmax);  // softmax([3.5, 6.5]) = [1, e^3] / (1 + e^3)
    CHECK(sm(0) == Approx(1.0 / (1.0 + std::exp(3.0))));
    CHECK(sm(0) + sm(1) == Approx(1.0));

    ParamStore ps;  // relu clips negatives; no bias when use_bias is false
    Dense d("d", Shape{0, 2}, 1, Activation::relu, false, 1, ps);
    ps.allocate();
    REQUIRE(ps.list().size() == 1);
    ps.value(0) = mat(1, 2, {-1, -1});
    CHECK(d.forward(x, false)(0) == 0.0f);
}

TEST_CASE("Dense: Keras shapes and glorot_uniform init", "[dense]") {
    ParamStore ps;
    Dense d("dense", Shape{0, 32}, 64, Activation::linear, true, 4, ps);
    ps.allocate();
    Rng rng(1, Stream::init);
    d.init(rng);
    REQUIRE(ps.list()[0].keras_shape == std::vector<int>{32, 64});
    REQUIRE(ps.list()[1].keras_shape == std::vector<int>{64});
    const float limit = std::sqrt(6.0f / 96.0f);
    CHECK(ps.value(0).cwiseAbs().maxCoeff() <= limit);
    CHECK(ps.value(0).cwiseAbs().maxCoeff() > 0.9f * limit);  // really spread over the range
    CHECK(ps.value(1).isZero());
    CHECK(d.forward(Mat::Ones(32, 4), false).rows() == 64);
}

TEST_CASE("Dense: gradients for every activation", "[dense][gradient]") {
    for (auto a : {Activation::linear, Activation::relu, Activation::tanh, Activation::sigmoid, Activation::softmax}) {
        INFO("activation " << activation_name(a));
        ParamStore ps;
        Dense d("d", Shape{0, 5}, 4, a, true, 3, ps);
        ps.allocate();
        Rng rng(3, Stream::init);
        randomize(ps, rng);
        check_layer_gradients(d, ps, random_mat(5, 3, rng));
    }
}

TEST_CASE("Dense on a sequence: Flatten then Dense, without the copy", "[dense][flatten][gradient]") {
    // x (F, T*B = 4*5); one unit (the models' output layer: dot and outer products) and several.
    for (int U : {1, 3})
        for (int F : {3, 8}) {
            INFO("units " << U << " features " << F);
            const int T = 4, B = 5;
            ParamStore ps;
            Dense seq("d", Shape{T, F}, U, Activation::sigmoid, true, B, ps);
            ps.allocate();
            Rng rng(31, Stream::init);
            randomize(ps, rng);
            ParamStore ps2;  // the same weights on the flattened vector
            Dense flat("d", Shape{0, T * F}, U, Activation::sigmoid, true, B, ps2);
            ps2.allocate();
            ps2.values() = ps.values();
            Flatten fl("flatten", Shape{T, F}, B);
            const Mat x = random_mat(F, T * B, rng);
            const Mat y = seq.forward(x, true);
            const Mat want = flat.forward(fl.forward(x, true), true);
            CHECK((y - want).cwiseAbs().maxCoeff() < 1e-6f);
            const Mat dy = random_mat(U, B, rng);
            ps.zero_grad();
            ps2.zero_grad();
            const Mat dx = seq.backward(dy);
            const Mat dx_want = fl.backward(flat.backward(dy));
            CHECK((dx - dx_want).cwiseAbs().maxCoeff() < 1e-6f);
            CHECK((ps.grads() - ps2.grads()).cwiseAbs().maxCoeff() < 1e-5f);
            check_layer_gradients(seq, ps, x);
        }
}

TEST_CASE("Flatten as a view: no copy on the way, Keras's order when read", "[flatten]") {
    const int T = 3, F = 2, B = 2;
    Flatten view("flatten", Shape{T, F}, B, true), copy("flatten", Shape{T, F}, B);
    Rng rng(2, Stream::data);
    const Mat x = random_mat(F, T * B, rng), dy = random_mat(F, T * B, rng);
    CHECK(&view.forward(x, false) == &x);
    CHECK(&view.backward(dy) == &dy);
    copy.forward(x, false);
    CHECK(view.output() == copy.output());
    CHECK(view.output().rows() == T * F);
}

TEST_CASE("Attention2D: a = softmax(W x + b), y = x * a", "[attention]") {
    ParamStore ps;
    Attention2D att("attention_mul", Shape{0, 2}, 1, ps);
    ps.allocate();
    ps.value(1) = mat(2, 1, {0.0f, std::log(3.0f)});  // W = 0: a = softmax(b) = [0.25, 0.75]
    const Mat y = att.forward(mat(2, 1, {2, 4}), false);
    CHECK(att.attention()(0) == Approx(0.25));
    CHECK(att.attention()(1) == Approx(0.75));
    CHECK(y(0) == Approx(0.5));
    CHECK(y(1) == Approx(3.0));
    Shape s;
    REQUIRE(att.named_output("attention_probs", &s) == &att.attention());
    CHECK(s == Shape{0, 2});
}

TEST_CASE("Attention2D: gradients", "[attention][gradient]") {
    ParamStore ps;
    Attention2D att("attention_mul", Shape{0, 6}, 4, ps);
    ps.allocate();
    Rng rng(5, Stream::init);
    randomize(ps, rng);
    check_layer_gradients(att, ps, random_mat(6, 4, rng));
}

TEST_CASE("Attention3D: softmax over time per dimension, or one shared vector", "[attention]") {
    // T = 2, F = 2, B = 1; W = I, b = 0: each dimension's attention is softmax of its own series.
    // x[t=0] = (ln 3, 0), x[t=1] = (0, 0): dimension 0 series (ln 3, 0) -> (0.75, 0.25),
    // dimension 1 series (0, 0) -> (0.5, 0.5).
    const Mat x = mat(2, 2, {std::log(3.0f), 0, 0, 0});  // (F, T*B): column t
    for (bool single : {false, true}) {
        ParamStore ps;
        Attention3D att("attention_mul", Shape{2, 2}, single, 1, ps);
        ps.allocate();
        ps.value(0) = Mat::Identity(2, 2);
        const Mat y = att.forward(x, false);
        const Mat& A = att.attention();  // (F, T)
        if (!single) {
            CHECK(A(0, 0) == Approx(0.75));
            CHECK(A(0, 1) == Approx(0.25));
            CHECK(A(1, 0) == Approx(0.5));
            CHECK(A(1, 1) == Approx(0.5));
        } else {  // mean over dimensions (0.625, 0.375), repeated for each
            CHECK(A(0, 0) == Approx(0.625));
            CHECK(A(1, 0) == Approx(0.625));
            CHECK(A(0, 1) == Approx(0.375));
            CHECK(A(1, 1) == Approx(0.375));
        }
        CHECK(y(0, 0) == Approx(x(0, 0) * A(0, 0)));
        CHECK(y(0, 1) == 0.0f);
    }
}

TEST_CASE("Attention3D: the weights mix time steps, not dimensions or samples", "[attention]") {
    // With B = 2 samples that differ, each sample's attention must depend only on its own series.
    ParamStore ps;
    Attention3D att("attention_mul", Shape{3, 2}, false, 2, ps);
    ps.allocate();
    Rng rng(9, Stream::init);
    randomize(ps, rng);
    Mat x = random_mat(2, 6, rng);
    att.forward(x, false);
    const Mat before = att.attention();
    for (int t = 0; t < 3; ++t) x(1, t * 2 + 1) += 1.0f;  // change sample 1, dimension 1 only
    att.forward(x, false);
    const Mat& after = att.attention();
    for (int t = 0; t < 3; ++t) {
        CHECK(after(0, t * 2) == before(0, t * 2));          // sample 0 untouched
        CHECK(after(0, t * 2 + 1) == before(0, t * 2 + 1));  // sample 1, other dimension untouched
        CHECK(after(1, t * 2) == before(1, t * 2));
    }
    CHECK(after(1, 1) != before(1, 1));
}

TEST_CASE("Attention3D: gradients, per-dimension and single vector", "[attention][gradient]") {
    // features x batch = 6 series (fewer than a 16-row softmax panel), 21 (a panel and 5 more)
    // and 32 (two panels): the panel pass and the rows after it.
    for (int batch : {2, 7}) {
        for (bool single : {false, true}) {
            INFO("batch " << batch << ", single_attention_vector " << single);
            ParamStore ps;
            Attention3D att("attention_mul", Shape{5, 3}, single, batch, ps);
            ps.allocate();
            Rng rng(11, Stream::init);
            randomize(ps, rng);
            check_layer_gradients(att, ps, random_mat(3, 5 * batch, rng));
        }
    }
    ParamStore ps;
    Attention3D att("attention_mul", Shape{4, 4}, false, 8, ps);
    ps.allocate();
    Rng rng(12, Stream::init);
    randomize(ps, rng);
    check_layer_gradients(att, ps, random_mat(4, 32, rng));
}

TEST_CASE("LSTM: hand-computed single step", "[lstm]") {
    // D = H = T = B = 1, kernel all ones, x = 1, zero bias: i = f = o = sigmoid(1), g = tanh(1),
    // c = i g = 0.55676994, h = o tanh(c) = 0.36960635.
    ParamStore ps;
    LSTM l("lstm", Shape{1, 1}, 1, true, 1, ps);
    ps.allocate();
    ps.value(0).setOnes();
    CHECK(l.forward(Mat::Ones(1, 1), false)(0) == Approx(0.36960635).epsilon(1e-6));
}

TEST_CASE("GRU: hand-computed single step", "[gru]") {
    // kernel all ones, x = 1, h_prev = 0, zero biases: z = sigmoid(1), n = tanh(1),
    // h = (1 - z) n = 0.20482421.
    ParamStore ps;
    GRU g("gru", Shape{1, 1}, 1, true, 1, ps);
    ps.allocate();
    ps.value(0).setOnes();
    CHECK(g.forward(Mat::Ones(1, 1), false)(0) == Approx(0.20482421).epsilon(1e-6));
}

TEST_CASE("LSTM and GRU: gradients with and without return_sequences", "[lstm][gru][gradient]") {
    // cell 0: LSTM; 1: GRU (reset_after); 2: GRU with reset_after=false.
    for (int cell : {0, 1, 2})
        for (bool seq : {true, false}) {
            INFO((cell == 0 ? "LSTM" : cell == 1 ? "GRU reset_after" : "GRU reset_after=false") << " return_sequences "
                                                                                               << seq);
            ParamStore ps;
            LayerPtr l = cell ? LayerPtr(new GRU("gru", Shape{4, 3}, 5, seq, 2, ps, cell == 1))
                              : LayerPtr(new LSTM("lstm", Shape{4, 3}, 5, seq, 2, ps));
            ps.allocate();
            Rng rng(13, Stream::init);
            randomize(ps, rng);
            check_layer_gradients(*l, ps, random_mat(3, 8, rng));
        }
}

TEST_CASE("LSTM/GRU init: Keras initialisers", "[lstm][gru][init]") {
    const int D = 2, H = 8;
    ParamStore ps;
    LSTM l("lstm", Shape{5, D}, H, true, 1, ps);
    GRU g("gru", Shape{5, D}, H, true, 1, ps);
    ps.allocate();
    Rng rng(1, Stream::init);
    l.init(rng);
    g.init(rng);
    for (int i : {1, 4}) {  // recurrent kernels: Keras (H, G*H) with orthonormal rows
        const Mat r = ps.value(i);  // ours (G*H, H): orthonormal columns
        CHECK((r.transpose() * r - Mat::Identity(H, H)).cwiseAbs().maxCoeff() < 1e-5f);
    }
    const Mat b = ps.value(2);  // LSTM bias: unit_forget_bias, f block (second) is 1
    CHECK(b.middleRows(0, H).isZero());
    CHECK(b.middleRows(H, H).isOnes());
    CHECK(b.middleRows(2 * H, 2 * H).isZero());
    CHECK(ps.value(5).isZero());  // GRU biases (2, 3H) start at zero
    CHECK(ps.list()[5].keras_shape == std::vector<int>{2, 3 * H});
}

TEST_CASE("GRU reset_after=false: Keras's one bias (3H,), its parameter count, its own equations", "[gru]") {
    const int D = 2, H = 2;
    ParamStore ps;
    GRU g("gru", Shape{2, D}, H, true, 1, ps, false);
    ps.allocate();
    CHECK(ps.list()[2].name == "gru/bias");
    CHECK(ps.list()[2].keras_shape == std::vector<int>{3 * H});
    CHECK(g.summary()[0].params == 3LL * H * (D + H + 1));
    // x = 0, Kx = 0, the candidate's bias 1, Kh all ones but for unit 0 of r (zeros), so the
    // two units' r differ. Step 1 (h_0 = 0): z = 1/2, h_1 = tanh(1) / 2 in both units.
    // Step 2: z = s = sigmoid(2 h_1), r = (1/2, s); the candidate reads r * h_1 (reset
    // before), a = 1 + (1/2 + s) h_1 in both units, h_2 = s h_1 + (1 - s) tanh(a). With
    // reset_after the units would differ: a_k = 1 + r_k 2 h_1.
    ps.value(1).setOnes();      // ours (3H, H): row j is Keras's column j (gate unit)
    ps.value(1).row(H).setZero();
    ps.value(2).bottomRows(H).setOnes();
    const Mat y = g.forward(Mat::Zero(D, 2), false);
    const double h1 = 0.5 * std::tanh(1.0), s = 1.0 / (1.0 + std::exp(-2.0 * h1));
    const double h2 = s * h1 + (1.0 - s) * std::tanh(1.0 + (0.5 + s) * h1);
    for (int k = 0; k < H; ++k) {
        CHECK(y(k, 0) == Approx(h1).epsilon(1e-6));
        CHECK(y(k, 1) == Approx(h2).epsilon(1e-6));
    }
}

TEST_CASE("Flatten: Keras order and its exact inverse", "[flatten][gradient]") {
    // x (F=2, T*B = 3*2): y[t*F + f, b] = x[f, t*B + b]
    Flatten fl("flatten", Shape{3, 2}, 2);
    Mat x(2, 6);
    for (int i = 0; i < 12; ++i) x.data()[i] = float(i);
    const Mat y = fl.forward(x, false);
    REQUIRE(y.rows() == 6);
    for (int t = 0; t < 3; ++t)
        for (int f = 0; f < 2; ++f)
            for (int b = 0; b < 2; ++b) CHECK(y(t * 2 + f, b) == x(f, t * 2 + b));
    CHECK(fl.backward(y) == x);
    ParamStore none;
    none.allocate();
    Rng rng(1, Stream::data);
    check_layer_gradients(fl, none, random_mat(2, 6, rng));
}

TEST_CASE("Dropout: identity at inference, seeded inverted mask in training", "[dropout]") {
    Rng r1(42, Stream::dropout), r2(42, Stream::dropout);
    Dropout d1("dropout", Shape{0, 200}, 0.25f, 5, r1), d2("dropout", Shape{0, 200}, 0.25f, 5, r2);
    Rng rng(1, Stream::data);
    const Mat x = random_mat(200, 5, rng);
    CHECK(d1.forward(x, false) == x);
    const Mat y = d1.forward(x, true);
    CHECK(d2.forward(x, true) == y);  // same seed, same mask
    int dropped = 0;
    for (Eigen::Index i = 0; i < x.size(); ++i) {
        if (y.data()[i] == 0.0f) ++dropped;
        else CHECK(y.data()[i] == Approx(x.data()[i] / 0.75f));
    }
    CHECK(dropped > 150);  // ~250 of 1000 expected
    CHECK(dropped < 350);
    // backward routes the gradient through the same mask
    const Mat g = Mat::Ones(200, 5);
    const Mat dx = d1.backward(g);
    for (Eigen::Index i = 0; i < x.size(); ++i) CHECK(dx.data()[i] == (y.data()[i] == 0.0f ? 0.0f : 1.0f / 0.75f));
}

TEST_CASE("softmax_columns matches a double-precision softmax", "[activation]") {
    // Its exp is the project's own (vectorised Cephes expf): check it over lengths that use
    // the vector path, the scalar tail and both, and over a wide range of logits.
    Rng rng(31, Stream::data);
    for (int rows : {1, 3, 4, 5, 8, 20, 33})
        for (float scale : {0.1f, 3.0f, 40.0f}) {
            INFO(rows << " rows, scale " << scale);
            Mat z = random_mat(rows, 7, rng, scale);
            const Mat z0 = z;
            softmax_columns(z);
            double worst = 0;
            for (int j = 0; j < z.cols(); ++j) {
                // From the same float differences z - max (their rounding is any float
                // softmax's, not the exp's).
                const float mx = z0.col(j).maxCoeff();
                auto shifted = [&](int i) { return double(float(z0(i, j) - mx)); };
                double sum = 0;
                for (int i = 0; i < rows; ++i) sum += std::exp(shifted(i));
                for (int i = 0; i < rows; ++i) {
                    const double want = std::exp(shifted(i)) / sum;
                    worst = std::max(worst, std::abs(double(z(i, j)) - want) / std::max(want, 1e-30));
                }
            }
            CHECK(worst < 2e-6);
        }
}

TEST_CASE("softmax_rows and its backward match double precision, in panels and tails", "[activation]") {
    // Rows in vector lanes, 16-row panels copied out of a power-of-two leading dimension, a
    // 4-row and a scalar tail: R = 16 * 2 + 4 + 3 uses all three paths.
    Rng rng(32, Stream::data);
    const int R = 39, C = 20, ld = 64;
    for (float scale : {0.1f, 3.0f, 40.0f}) {
        INFO("scale " << scale);
        Mat z = random_mat(ld, C, rng, scale);
        const Mat z0 = z;
        const Vec bias = random_mat(C, 1, rng, scale).col(0);
        std::vector<float> scratch(2 * kSoftmaxPanelRows * C);
        softmax_rows(z.data(), R, C, ld, bias.data(), scratch.data());
        CHECK(z.bottomRows(ld - R) == z0.bottomRows(ld - R));  // rows past R untouched
        const Mat dy = random_mat(ld, C, rng);
        Mat d = dy;
        softmax_rows_backward(z.data(), d.data(), R, C, ld, scratch.data());
        double worst = 0, worst_grad = 0;
        for (int r = 0; r < R; ++r) {
            // From the same float logits and differences z + b - max (their rounding is any
            // float softmax's, not the exp's).
            std::vector<float> zs(C);
            std::vector<double> p(C);
            float mx = -1e30f;
            double sum = 0, dot = 0;
            for (int c = 0; c < C; ++c) mx = std::max(mx, zs[c] = z0(r, c) + bias(c));
            for (int c = 0; c < C; ++c) sum += p[c] = std::exp(double(zs[c] - mx));
            for (int c = 0; c < C; ++c) dot += double(dy(r, c)) * (p[c] /= sum);
            for (int c = 0; c < C; ++c) {
                worst = std::max(worst, std::abs(double(z(r, c)) - p[c]) / std::max(p[c], 1e-30));
                worst_grad = std::max(worst_grad, std::abs(double(d(r, c)) - p[c] * (double(dy(r, c)) - dot)));
            }
        }
        CHECK(worst < 2e-6);
        CHECK(worst_grad < 1e-6);
    }
}
