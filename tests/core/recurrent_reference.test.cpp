// LSTM and GRU against slow, obvious references written from Keras's equations with plain
// loops in double, reading the weights as Keras's row-major arrays. This checks the gate
// order, the weight layout (so Keras weights can be loaded as they are) and the batching.
#include <catch2/catch.hpp>
#include <cmath>
#include <vector>

#include "gradcheck.hpp"
#include "gru.hpp"
#include "lstm.hpp"

using namespace attn;

namespace {
using V = std::vector<double>;
double sigmoid(double x) { return 1.0 / (1.0 + std::exp(-x)); }

// Keras-order arrays from the flat buffer: kernel (D, G*H), recurrent (H, G*H), bias.
struct KerasWeights {
    const float *kernel, *recurrent, *bias;
};
KerasWeights keras(ParamStore& ps) {
    return {ps.value(0).data(), ps.value(1).data(), ps.value(2).data()};
}

// xs[t][d] for one sample -> hidden states per step.
std::vector<V> lstm_reference(const KerasWeights& w, const std::vector<V>& xs, int H) {
    const int D = int(xs[0].size()), G = 4 * H;
    V h(H, 0.0), c(H, 0.0);
    std::vector<V> out;
    for (const V& x : xs) {
        V z(G);
        for (int j = 0; j < G; ++j) {
            double s = w.bias[j];
            for (int d = 0; d < D; ++d) s += x[d] * w.kernel[d * G + j];
            for (int k = 0; k < H; ++k) s += h[k] * w.recurrent[k * G + j];
            z[j] = s;
        }
        for (int k = 0; k < H; ++k) {  // gates i, f, c, o
            const double i = sigmoid(z[k]), f = sigmoid(z[H + k]), g = std::tanh(z[2 * H + k]),
                         o = sigmoid(z[3 * H + k]);
            c[k] = f * c[k] + i * g;
            h[k] = o * std::tanh(c[k]);
        }
        out.push_back(h);
    }
    return out;
}

std::vector<V> gru_reference(const KerasWeights& w, const std::vector<V>& xs, int H) {
    const int D = int(xs[0].size()), G = 3 * H;
    const float *bx = w.bias, *bh = w.bias + G;  // bias (2, 3H): input row, recurrent row
    V h(H, 0.0);
    std::vector<V> out;
    for (const V& x : xs) {
        V xw(G), hw(G);
        for (int j = 0; j < G; ++j) {
            xw[j] = bx[j];
            hw[j] = bh[j];
            for (int d = 0; d < D; ++d) xw[j] += x[d] * w.kernel[d * G + j];
            for (int k = 0; k < H; ++k) hw[j] += h[k] * w.recurrent[k * G + j];
        }
        V next(H);
        for (int k = 0; k < H; ++k) {  // gates z, r, h (reset applied after the product)
            const double z = sigmoid(xw[k] + hw[k]), r = sigmoid(xw[H + k] + hw[H + k]);
            const double n = std::tanh(xw[2 * H + k] + r * hw[2 * H + k]);
            next[k] = z * h[k] + (1.0 - z) * n;
        }
        h = next;
        out.push_back(h);
    }
    return out;
}

template <class Layer, class Ref>
void compare_with_reference(Ref reference, uint64_t seed) {
    const int T = 6, D = 3, H = 4, B = 5;
    for (bool seq : {true, false}) {
        INFO("return_sequences " << seq);
        ParamStore ps;
        Layer layer("rnn", Shape{T, D}, H, seq, B, ps);
        ps.allocate();
        Rng rng(seed, Stream::init);
        attn::test::randomize(ps, rng, 0.6f);
        const Mat x = attn::test::random_mat(D, T * B, rng);
        const Mat y = layer.forward(x, false);
        REQUIRE(y.cols() == (seq ? T * B : B));
        for (int b = 0; b < B; ++b) {
            std::vector<V> xs(T, V(D));
            for (int t = 0; t < T; ++t)
                for (int d = 0; d < D; ++d) xs[t][d] = x(d, t * B + b);
            const auto hs = reference(keras(ps), xs, H);
            for (int t = seq ? 0 : T - 1; t < T; ++t)
                for (int k = 0; k < H; ++k) {
                    const float got = seq ? y(k, t * B + b) : y(k, b);
                    CHECK(got == Approx(hs[t][k]).margin(2e-6));
                }
        }
    }
}
}  // namespace

TEST_CASE("LSTM matches a plain-loop reference of Keras's equations", "[lstm][reference]") {
    compare_with_reference<LSTM>(lstm_reference, 21);
}

TEST_CASE("GRU (reset_after) matches a plain-loop reference of Keras's equations", "[gru][reference]") {
    compare_with_reference<GRU>(gru_reference, 22);
}

TEST_CASE("LSTM/GRU init: Keras initialisers", "[lstm][gru][init]") {
    const int D = 2, H = 8;
    ParamStore ps;
    LSTM l("lstm", Shape{5, D}, H, true, 1, ps);
    GRU g("gru", Shape{5, D}, H, true, 1, ps);
    ps.allocate();
    Rng rng(1, Stream::init);
    l.init(ps, rng);
    g.init(ps, rng);
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
