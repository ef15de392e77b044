// Every layer against a slow, obvious twin: a plain-loop forward and backward in double,
// written from the layer's equations (the maths in its header) and Keras's conventions, not
// from its code. The references read each weight as Keras's row-major array (the flat
// buffer's memory, params.hpp), so they also pin the weight layouts and the gate orders that
// let Keras weights load as they are.
//
// Each layer runs forward(x) and backward(dy) from zeroed gradients; y (and the attention a
// layer exposes) must be within kOutputTol = 1e-6, and dx and every parameter's gradient
// within kGradTol = 1e-5, of the reference, relative to each tensor's largest value (of 1 at
// least for the outputs; an all-zero gradient must be matched exactly).
// Sizes: units or features in {1, 3, 4, 5, 33} and batches in {1, 2, 5}, so every kernel runs
// its 4-float body, its scalar tail and, in the recurrent cells, both ends of the sample
// pipeline (simd::pipelined); a few T and D. Inputs are uniform in (-1, 1) and weights have a
// standard deviation of 1/sqrt(fan-in), so no tanh, sigmoid or softmax saturates. A twin of
// each layer with weights (ManyToOneAttention's: in many_to_one.test.cpp), on a copy of them
// and told to skip dx (a model's first layer), must give the same parameter gradients bit for
// bit.
#include <catch2/catch.hpp>
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "attention.hpp"
#include "dense.hpp"
#include "dropout.hpp"
#include "flatten.hpp"
#include "gru.hpp"
#include "lstm.hpp"
#include "many_to_one.hpp"
#include "reference.hpp"

using namespace attn;
using attn::test::Err;
using attn::test::random_mat;
using attn::test::score_name;
using attn::test::uniform_mat;

namespace {

using MatD = Eigen::MatrixXd;
using V = std::vector<double>;

constexpr double kOutputTol = 1e-6, kGradTol = 1e-5;

double sigmoid(double x) { return 1.0 / (1.0 + std::exp(-x)); }

// What a layer should give for one forward(x) and backward(dy): y and dx in the layer's
// layouts (tensor.hpp), every parameter's gradient as Keras's row-major array in the store's
// order, and, for an attention layer, the attention it exposes (attention_output()).
struct Expected {
    MatD y, dx, attention;
    std::vector<V> grads;
};

// Kernels (Keras's first dimension is the fan-in) with a standard deviation of
// 1/sqrt(fan-in), biases of 0.5: with inputs uniform in (-1, 1), every pre-activation has a
// standard deviation below one.
void randomize_fan_in(ParamStore& ps, Rng& rng) {
    for (const auto& p : ps.list()) {
        const bool kernel = p.name.find("kernel") != std::string::npos;
        const double scale = kernel ? 1.0 / std::sqrt(double(p.keras_shape[0])) : 0.5;
        float* w = ps.values().data() + p.offset;
        for (long i = 0; i < long(p.rows) * p.cols; ++i) w[i] = float(scale * rng.normal());
    }
}

// got within tol of want, relative to want's largest magnitude or to `least` if that is larger.
void check_close(const char* what, const float* got, const double* want, long n, double tol, double least = 0.0) {
    Err e;
    for (long i = 0; i < n; ++i) e.add(got[i], want[i]);
    INFO(what << ": error " << e.err << " of " << e.scale);
    CHECK(e.err <= tol * std::max(e.scale, least));
}
void check_close(const char* what, const Mat& got, const MatD& want, double tol, double least = 0.0) {
    REQUIRE(got.rows() == want.rows());
    REQUIRE(got.cols() == want.cols());
    check_close(what, got.data(), want.data(), long(got.size()), tol, least);
}

// make(ps) builds the layer on ps; reference(ps, x, dy) is what it should give.
template <class Make, class Reference>
void compare_with_reference(Make make, Reference reference, uint64_t seed) {
    ParamStore ps;
    LayerPtr layer = make(ps);
    ps.allocate();
    Rng rng(seed, Stream::init);
    randomize_fan_in(ps, rng);
    const Shape in = layer->input_shape(), out = layer->output_shape();
    const int B = layer->batch();
    const Mat x = uniform_mat(in.features, in.steps() * B, rng);
    const Mat dy = random_mat(out.features, out.steps() * B, rng);

    const Mat y = layer->forward(x, false);
    ps.zero_grad();
    const Mat dx = layer->backward(dy);
    const Expected want = reference(ps, x, dy);

    // Outputs are of order one (a sigmoid, tanh, softmax, attention or hidden state, or a
    // linear unit of weights scaled to its fan-in), but a tensor of one unit and one or two
    // samples can be a dot product that cancels to near 0 and keeps the float sum's absolute
    // error: outputs are held to kOutputTol of at least 1.
    check_close("y", y, want.y, kOutputTol, 1.0);
    if (want.attention.size()) {
        const Mat* a = layer->named_output(layer->attention_output(), nullptr);
        REQUIRE(a != nullptr);
        check_close("attention", *a, want.attention, kOutputTol, 1.0);
    }
    check_close("dx", dx, want.dx, kGradTol);
    REQUIRE(want.grads.size() == ps.list().size());
    for (size_t i = 0; i < want.grads.size(); ++i) {
        REQUIRE(want.grads[i].size() == size_t(ps.list()[i].rows) * ps.list()[i].cols);
        check_close(ps.list()[i].name.c_str(), ps.grad(int(i)).data(), want.grads[i].data(),
                    long(want.grads[i].size()), kGradTol);
    }

    ParamStore ps2;  // without dx: the same parameter gradients
    LayerPtr twin = make(ps2);
    ps2.allocate();
    ps2.values() = ps.values();
    twin->skip_input_grad();
    twin->forward(x, false);
    ps2.zero_grad();
    twin->backward(dy);
    CHECK(ps2.grads() == ps.grads());
}

// ---- Dense ----------------------------------------------------------------------------------

// y = act(x_flat K + b) per sample, K Keras's kernel (N, U), N = T*F; on a sequence x_flat is
// Keras's Flatten of the sample's (T, F): x_flat[t*F + f] = x[f, t*B + b] (a vector: T = 1).
Expected dense_reference(ParamStore& ps, Activation act, bool use_bias, Shape in, int U, int B, const Mat& x,
                         const Mat& dy) {
    const int F = in.features, T = in.steps(), N = T * F;
    const float* K = ps.value(0).data();
    const float* bias = use_bias ? ps.value(1).data() : nullptr;
    Expected r;
    r.y = MatD::Zero(U, B);
    r.dx = MatD::Zero(F, T * B);
    r.grads.push_back(V(size_t(N) * U, 0.0));
    if (use_bias) r.grads.push_back(V(size_t(U), 0.0));
    for (int b = 0; b < B; ++b) {
        V xf(N);
        for (int t = 0; t < T; ++t)
            for (int f = 0; f < F; ++f) xf[t * F + f] = x(f, t * B + b);
        V z(U), y(U);
        for (int u = 0; u < U; ++u) {
            z[u] = use_bias ? bias[u] : 0.0;
            for (int k = 0; k < N; ++k) z[u] += xf[k] * K[k * U + u];
        }
        double mx = z[0], sum = 0.0;  // softmax
        for (int u = 1; u < U; ++u) mx = std::max(mx, z[u]);
        for (int u = 0; u < U; ++u) sum += std::exp(z[u] - mx);
        for (int u = 0; u < U; ++u) {
            switch (act) {
                case Activation::linear: y[u] = z[u]; break;
                case Activation::relu: y[u] = z[u] > 0.0 ? z[u] : 0.0; break;
                case Activation::tanh: y[u] = std::tanh(z[u]); break;
                case Activation::sigmoid: y[u] = sigmoid(z[u]); break;
                case Activation::softmax: y[u] = std::exp(z[u] - mx) / sum; break;
            }
            r.y(u, b) = y[u];
        }
        // backward: dz = act'(z) dy, then z = x_flat K + b
        V dz(U);
        double dot = 0.0;  // softmax: sum_u dy_u y_u
        for (int u = 0; u < U; ++u) dot += dy(u, b) * y[u];
        for (int u = 0; u < U; ++u) {
            const double d = dy(u, b);
            switch (act) {
                case Activation::linear: dz[u] = d; break;
                case Activation::relu: dz[u] = z[u] > 0.0 ? d : 0.0; break;
                case Activation::tanh: dz[u] = d * (1.0 - y[u] * y[u]); break;
                case Activation::sigmoid: dz[u] = d * y[u] * (1.0 - y[u]); break;
                case Activation::softmax: dz[u] = y[u] * (d - dot); break;
            }
        }
        V dxf(N, 0.0);
        for (int u = 0; u < U; ++u) {
            for (int k = 0; k < N; ++k) {
                r.grads[0][k * U + u] += xf[k] * dz[u];
                dxf[k] += K[k * U + u] * dz[u];
            }
            if (use_bias) r.grads[1][u] += dz[u];
        }
        for (int t = 0; t < T; ++t)
            for (int f = 0; f < F; ++f) r.dx(f, t * B + b) = dxf[t * F + f];
    }
    return r;
}

// ---- Attention2D ----------------------------------------------------------------------------

// a = softmax(x K + b) over the F features (Keras's Dense(F, softmax) "attention_probs"),
// y = x * a (Multiply).
Expected attention2d_reference(ParamStore& ps, int F, int B, const Mat& x, const Mat& dy) {
    const float *K = ps.value(0).data(), *bias = ps.value(1).data();  // (F, F), (F)
    Expected r;
    r.y = r.attention = MatD::Zero(F, B);
    r.dx = MatD::Zero(F, B);
    r.grads = {V(size_t(F) * F, 0.0), V(size_t(F), 0.0)};
    for (int b = 0; b < B; ++b) {
        V z(F), a(F);
        for (int j = 0; j < F; ++j) {
            z[j] = bias[j];
            for (int i = 0; i < F; ++i) z[j] += x(i, b) * K[i * F + j];
        }
        double mx = z[0], sum = 0.0;
        for (int j = 1; j < F; ++j) mx = std::max(mx, z[j]);
        for (int j = 0; j < F; ++j) sum += a[j] = std::exp(z[j] - mx);
        for (int j = 0; j < F; ++j) {
            a[j] /= sum;
            r.attention(j, b) = a[j];
            r.y(j, b) = x(j, b) * a[j];
        }
        // y = x * a: da = dy x, dx = dy a (+ the logits' part below)
        V da(F), dz(F);
        double dot = 0.0;
        for (int j = 0; j < F; ++j) {
            da[j] = dy(j, b) * x(j, b);
            dot += da[j] * a[j];
        }
        for (int j = 0; j < F; ++j) dz[j] = a[j] * (da[j] - dot);  // a = softmax(z)
        for (int i = 0; i < F; ++i) {                               // z = x K + b
            double d = dy(i, b) * a[i];
            for (int j = 0; j < F; ++j) {
                r.grads[0][i * F + j] += x(i, b) * dz[j];
                d += K[i * F + j] * dz[j];
            }
            r.dx(i, b) = d;
        }
        for (int j = 0; j < F; ++j) r.grads[1][j] += dz[j];
    }
    return r;
}

// ---- Attention3D ----------------------------------------------------------------------------

// Per sample, Keras permutes the (T, F) input to (F, T) and applies Dense(T, softmax) to each
// feature's series: P[f][u] = softmax_u(sum_t x[f][t] K[t][u] + b[u]). With a single vector,
// A[f][t] = mean over f' of P[f'][t] for every f (dim_reduction, repeat_vector), else A = P;
// A is permuted back (attention_vec) and y = x * A.
Expected attention3d_reference(ParamStore& ps, bool single, int T, int F, int B, const Mat& x, const Mat& dy) {
    const float *K = ps.value(0).data(), *bias = ps.value(1).data();  // (T, T), (T)
    Expected r;
    r.y = r.attention = r.dx = MatD::Zero(F, T * B);
    r.grads = {V(size_t(T) * T, 0.0), V(size_t(T), 0.0)};
    for (int b = 0; b < B; ++b) {
        auto xs = [&](int f, int t) { return double(x(f, t * B + b)); };
        std::vector<V> P(F, V(T)), A(F, V(T));
        for (int f = 0; f < F; ++f) {
            V z(T);
            for (int u = 0; u < T; ++u) {
                z[u] = bias[u];
                for (int t = 0; t < T; ++t) z[u] += xs(f, t) * K[t * T + u];
            }
            double mx = z[0], sum = 0.0;
            for (int u = 1; u < T; ++u) mx = std::max(mx, z[u]);
            for (int u = 0; u < T; ++u) sum += P[f][u] = std::exp(z[u] - mx);
            for (int u = 0; u < T; ++u) P[f][u] /= sum;
        }
        for (int t = 0; t < T; ++t) {
            double mean = 0.0;
            for (int f = 0; f < F; ++f) mean += P[f][t] / F;
            for (int f = 0; f < F; ++f) A[f][t] = single ? mean : P[f][t];
        }
        for (int f = 0; f < F; ++f)
            for (int t = 0; t < T; ++t) {
                r.attention(f, t * B + b) = A[f][t];
                r.y(f, t * B + b) = xs(f, t) * A[f][t];
            }
        // y = x * A: dA = dy x;  A = mean_f P (single): dP[f][t] = mean over f' of dA[f'][t]
        std::vector<V> dA(F, V(T)), dP(F, V(T));
        for (int f = 0; f < F; ++f)
            for (int t = 0; t < T; ++t) dA[f][t] = dy(f, t * B + b) * xs(f, t);
        for (int t = 0; t < T; ++t) {
            double mean = 0.0;
            for (int f = 0; f < F; ++f) mean += dA[f][t] / F;
            for (int f = 0; f < F; ++f) dP[f][t] = single ? mean : dA[f][t];
        }
        for (int f = 0; f < F; ++f) {
            double dot = 0.0;  // P = softmax(z): dz = P (dP - sum dP P)
            for (int u = 0; u < T; ++u) dot += dP[f][u] * P[f][u];
            V dz(T);
            for (int u = 0; u < T; ++u) dz[u] = P[f][u] * (dP[f][u] - dot);
            for (int t = 0; t < T; ++t) {  // z = x K + b; dx = dy A + dz K^T
                double d = dy(f, t * B + b) * A[f][t];
                for (int u = 0; u < T; ++u) {
                    r.grads[0][t * T + u] += xs(f, t) * dz[u];
                    d += K[t * T + u] * dz[u];
                }
                r.dx(f, t * B + b) = d;
            }
            for (int u = 0; u < T; ++u) r.grads[1][u] += dz[u];
        }
    }
    return r;
}

// ---- LSTM -----------------------------------------------------------------------------------

// Keras's LSTM, gates in the order i, f, c, o (blocks of H columns of the kernels):
//   z = x_t Kx + h_{t-1} Kh + b,  i = sigmoid(z_i), f = sigmoid(z_f), g = tanh(z_c),
//   o = sigmoid(z_o),  c_t = f c_{t-1} + i g,  h_t = o tanh(c_t),  h_{-1} = c_{-1} = 0.
// Backward through time, step T-1 down to 0.
Expected lstm_reference(ParamStore& ps, bool seq, int T, int D, int H, int B, const Mat& x, const Mat& dy) {
    const int G = 4 * H;
    const float *Kx = ps.value(0).data(), *Kh = ps.value(1).data(), *bias = ps.value(2).data();
    Expected r;
    r.y = MatD::Zero(H, seq ? T * B : B);
    r.dx = MatD::Zero(D, T * B);
    r.grads = {V(size_t(D) * G, 0.0), V(size_t(H) * G, 0.0), V(size_t(G), 0.0)};
    for (int b = 0; b < B; ++b) {
        auto xs = [&](int t, int d) { return double(x(d, t * B + b)); };
        // forward, keeping every step's gates, c and h (index t+1; 0 is the zero start)
        std::vector<V> i(T, V(H)), f(T, V(H)), g(T, V(H)), o(T, V(H)), c(T + 1, V(H, 0.0)), h(T + 1, V(H, 0.0));
        for (int t = 0; t < T; ++t) {
            V z(G);
            for (int j = 0; j < G; ++j) {
                z[j] = bias[j];
                for (int d = 0; d < D; ++d) z[j] += xs(t, d) * Kx[d * G + j];
                for (int k = 0; k < H; ++k) z[j] += h[t][k] * Kh[k * G + j];
            }
            for (int k = 0; k < H; ++k) {
                i[t][k] = sigmoid(z[k]);
                f[t][k] = sigmoid(z[H + k]);
                g[t][k] = std::tanh(z[2 * H + k]);
                o[t][k] = sigmoid(z[3 * H + k]);
                c[t + 1][k] = f[t][k] * c[t][k] + i[t][k] * g[t][k];
                h[t + 1][k] = o[t][k] * std::tanh(c[t + 1][k]);
                if (seq) r.y(k, t * B + b) = h[t + 1][k];
                else if (t == T - 1) r.y(k, b) = h[t + 1][k];
            }
        }
        // backward: dh, dc flow from step t+1 into step t
        V dh(H, 0.0), dc(H, 0.0);
        for (int t = T - 1; t >= 0; --t) {
            V dz(G);
            for (int k = 0; k < H; ++k) {
                if (seq) dh[k] += dy(k, t * B + b);
                else if (t == T - 1) dh[k] += dy(k, b);
                const double tc = std::tanh(c[t + 1][k]);
                const double dct = dc[k] + dh[k] * o[t][k] * (1.0 - tc * tc);  // h = o tanh(c)
                dz[3 * H + k] = dh[k] * tc * o[t][k] * (1.0 - o[t][k]);
                dz[k] = dct * g[t][k] * i[t][k] * (1.0 - i[t][k]);              // c = f c_prev + i g
                dz[H + k] = dct * c[t][k] * f[t][k] * (1.0 - f[t][k]);
                dz[2 * H + k] = dct * i[t][k] * (1.0 - g[t][k] * g[t][k]);
                dc[k] = dct * f[t][k];
            }
            for (int k = 0; k < H; ++k) dh[k] = 0.0;  // z = x Kx + h_prev Kh + b
            for (int j = 0; j < G; ++j) {
                for (int d = 0; d < D; ++d) {
                    r.grads[0][d * G + j] += xs(t, d) * dz[j];
                    r.dx(d, t * B + b) += Kx[d * G + j] * dz[j];
                }
                for (int k = 0; k < H; ++k) {
                    r.grads[1][k * G + j] += h[t][k] * dz[j];
                    dh[k] += Kh[k * G + j] * dz[j];
                }
                r.grads[2][j] += dz[j];
            }
        }
    }
    return r;
}

// ---- GRU ------------------------------------------------------------------------------------

// Keras 2's GRU (reset_after), gates in the order z, r, h (blocks of H columns), bias (2, 3H):
// row 0 the input bias bx, row 1 the recurrent bias bh.
//   xw = x_t Kx + bx,  hw = h_{t-1} Kh + bh,  z = sigmoid(xw_z + hw_z),
//   r = sigmoid(xw_r + hw_r),  n = tanh(xw_h + r hw_h),  h_t = z h_{t-1} + (1 - z) n.
Expected gru_reference(ParamStore& ps, bool seq, int T, int D, int H, int B, const Mat& x, const Mat& dy) {
    const int G = 3 * H;
    const float *Kx = ps.value(0).data(), *Kh = ps.value(1).data();
    const float *bx = ps.value(2).data(), *bh = bx + G;
    Expected r;
    r.y = MatD::Zero(H, seq ? T * B : B);
    r.dx = MatD::Zero(D, T * B);
    r.grads = {V(size_t(D) * G, 0.0), V(size_t(H) * G, 0.0), V(size_t(2) * G, 0.0)};
    for (int b = 0; b < B; ++b) {
        auto xs = [&](int t, int d) { return double(x(d, t * B + b)); };
        std::vector<V> z(T, V(H)), rg(T, V(H)), n(T, V(H)), hwh(T, V(H)), h(T + 1, V(H, 0.0));
        for (int t = 0; t < T; ++t) {
            V xw(G), hw(G);
            for (int j = 0; j < G; ++j) {
                xw[j] = bx[j];
                hw[j] = bh[j];
                for (int d = 0; d < D; ++d) xw[j] += xs(t, d) * Kx[d * G + j];
                for (int k = 0; k < H; ++k) hw[j] += h[t][k] * Kh[k * G + j];
            }
            for (int k = 0; k < H; ++k) {
                z[t][k] = sigmoid(xw[k] + hw[k]);
                rg[t][k] = sigmoid(xw[H + k] + hw[H + k]);
                hwh[t][k] = hw[2 * H + k];
                n[t][k] = std::tanh(xw[2 * H + k] + rg[t][k] * hwh[t][k]);
                h[t + 1][k] = z[t][k] * h[t][k] + (1.0 - z[t][k]) * n[t][k];
                if (seq) r.y(k, t * B + b) = h[t + 1][k];
                else if (t == T - 1) r.y(k, b) = h[t + 1][k];
            }
        }
        V dh(H, 0.0);
        for (int t = T - 1; t >= 0; --t) {
            V dxw(G), dhw(G);
            for (int k = 0; k < H; ++k) {
                if (seq) dh[k] += dy(k, t * B + b);
                else if (t == T - 1) dh[k] += dy(k, b);
                // h = z h_prev + (1 - z) n;  n = tanh(a),  a = xw_h + r hw_h
                const double da = dh[k] * (1.0 - z[t][k]) * (1.0 - n[t][k] * n[t][k]);
                dxw[k] = dhw[k] = dh[k] * (h[t][k] - n[t][k]) * z[t][k] * (1.0 - z[t][k]);
                dxw[H + k] = dhw[H + k] = da * hwh[t][k] * rg[t][k] * (1.0 - rg[t][k]);
                dxw[2 * H + k] = da;
                dhw[2 * H + k] = da * rg[t][k];
                dh[k] *= z[t][k];  // the direct path h_prev -> h
            }
            for (int j = 0; j < G; ++j) {  // xw = x Kx + bx,  hw = h_prev Kh + bh
                for (int d = 0; d < D; ++d) {
                    r.grads[0][d * G + j] += xs(t, d) * dxw[j];
                    r.dx(d, t * B + b) += Kx[d * G + j] * dxw[j];
                }
                for (int k = 0; k < H; ++k) {
                    r.grads[1][k * G + j] += h[t][k] * dhw[j];
                    dh[k] += Kh[k * G + j] * dhw[j];
                }
                r.grads[2][j] += dxw[j];
                r.grads[2][G + j] += dhw[j];
            }
        }
    }
    return r;
}

// Keras's GRU with reset_after=False (TF.js's only GRU), gates z, r, h, one bias (3H,): the
// reset gate scales h_{t-1} before the candidate's recurrent product.
//   xw = x_t Kx + b,  z = sigmoid(xw_z + h_{t-1} Kh_z),  r = sigmoid(xw_r + h_{t-1} Kh_r),
//   n = tanh(xw_h + (r h_{t-1}) Kh_h),  h_t = z h_{t-1} + (1 - z) n.
Expected gru_reset_before_reference(ParamStore& ps, bool seq, int T, int D, int H, int B, const Mat& x,
                                    const Mat& dy) {
    const int G = 3 * H;
    const float *Kx = ps.value(0).data(), *Kh = ps.value(1).data(), *bias = ps.value(2).data();
    Expected r;
    r.y = MatD::Zero(H, seq ? T * B : B);
    r.dx = MatD::Zero(D, T * B);
    r.grads = {V(size_t(D) * G, 0.0), V(size_t(H) * G, 0.0), V(size_t(G), 0.0)};
    for (int b = 0; b < B; ++b) {
        auto xs = [&](int t, int d) { return double(x(d, t * B + b)); };
        std::vector<V> z(T, V(H)), rg(T, V(H)), n(T, V(H)), rh(T, V(H)), h(T + 1, V(H, 0.0));
        for (int t = 0; t < T; ++t) {
            V xw(G);
            for (int j = 0; j < G; ++j) {
                xw[j] = bias[j];
                for (int d = 0; d < D; ++d) xw[j] += xs(t, d) * Kx[d * G + j];
            }
            for (int k = 0; k < H; ++k) {
                double az = xw[k], ar = xw[H + k];
                for (int m = 0; m < H; ++m) {
                    az += h[t][m] * Kh[m * G + k];
                    ar += h[t][m] * Kh[m * G + H + k];
                }
                z[t][k] = sigmoid(az);
                rg[t][k] = sigmoid(ar);
                rh[t][k] = rg[t][k] * h[t][k];
            }
            for (int k = 0; k < H; ++k) {
                double a = xw[2 * H + k];
                for (int m = 0; m < H; ++m) a += rh[t][m] * Kh[m * G + 2 * H + k];
                n[t][k] = std::tanh(a);
                h[t + 1][k] = z[t][k] * h[t][k] + (1.0 - z[t][k]) * n[t][k];
                if (seq) r.y(k, t * B + b) = h[t + 1][k];
                else if (t == T - 1) r.y(k, b) = h[t + 1][k];
            }
        }
        V dh(H, 0.0);
        for (int t = T - 1; t >= 0; --t) {
            V dxw(G), drh(H, 0.0), dprev(H);
            for (int k = 0; k < H; ++k) {
                if (seq) dh[k] += dy(k, t * B + b);
                else if (t == T - 1) dh[k] += dy(k, b);
                // h = z h_prev + (1 - z) n;  n = tanh(a),  a = xw_h + rh Kh_h
                dxw[k] = dh[k] * (h[t][k] - n[t][k]) * z[t][k] * (1.0 - z[t][k]);
                dxw[2 * H + k] = dh[k] * (1.0 - z[t][k]) * (1.0 - n[t][k] * n[t][k]);
                dprev[k] = dh[k] * z[t][k];  // the direct path h_prev -> h
            }
            for (int m = 0; m < H; ++m)  // a = xw_h + rh Kh_h
                for (int k = 0; k < H; ++k) {
                    drh[m] += Kh[m * G + 2 * H + k] * dxw[2 * H + k];
                    r.grads[1][m * G + 2 * H + k] += rh[t][m] * dxw[2 * H + k];
                }
            for (int k = 0; k < H; ++k) {  // rh = r h_prev
                dxw[H + k] = drh[k] * h[t][k] * rg[t][k] * (1.0 - rg[t][k]);
                dprev[k] += drh[k] * rg[t][k];
            }
            for (int j = 0; j < G; ++j) {  // xw = x Kx + b
                for (int d = 0; d < D; ++d) {
                    r.grads[0][d * G + j] += xs(t, d) * dxw[j];
                    r.dx(d, t * B + b) += Kx[d * G + j] * dxw[j];
                }
                r.grads[2][j] += dxw[j];
            }
            for (int j = 0; j < 2 * H; ++j)  // z, r: + h_prev Kh_zr
                for (int m = 0; m < H; ++m) {
                    r.grads[1][m * G + j] += h[t][m] * dxw[j];
                    dprev[m] += Kh[m * G + j] * dxw[j];
                }
            dh = dprev;
        }
    }
    return r;
}

}  // namespace

TEST_CASE("Dense matches a plain-loop double reference: vectors and sequences, every activation",
          "[dense][reference]") {
    // Vectors (T = 0) and sequences, which Dense reads in Keras's flatten order; one unit (the
    // output layer's dot and outer products) and several (the packed products).
    const Shape shapes[] = {{0, 1}, {0, 4}, {0, 33}, {2, 3}, {5, 4}, {3, 33}};
    for (const Shape in : shapes)
        for (int U : {1, 3, 4, 5, 33})
            for (int B : {1, 2, 5})
                for (bool use_bias : {true, false})
                    for (auto act : {Activation::linear, Activation::relu, Activation::tanh, Activation::sigmoid,
                                     Activation::softmax}) {
                        INFO("input " << in.keras() << " units " << U << " batch " << B << " bias " << use_bias
                                      << " " << activation_name(act));
                        compare_with_reference(
                            [&](ParamStore& ps) { return LayerPtr(new Dense("dense", in, U, act, use_bias, B, ps)); },
                            [&](ParamStore& ps, const Mat& x, const Mat& dy) {
                                return dense_reference(ps, act, use_bias, in, U, B, x, dy);
                            },
                            uint64_t(1000 * in.time + 10 * in.features + U + 7 * B + int(act)));
                    }
}

TEST_CASE("Attention2D matches a plain-loop double reference", "[attention][reference]") {
    for (int F : {1, 3, 4, 5, 33})
        for (int B : {1, 2, 5}) {
            INFO("features " << F << " batch " << B);
            compare_with_reference(
                [&](ParamStore& ps) { return LayerPtr(new Attention2D("attention_mul", Shape{0, F}, B, ps)); },
                [&](ParamStore& ps, const Mat& x, const Mat& dy) { return attention2d_reference(ps, F, B, x, dy); },
                uint64_t(100 * F + B));
        }
}

TEST_CASE("Attention3D matches a plain-loop double reference, per dimension and single vector",
          "[attention][reference]") {
    // features x batch from 1 to 165: the softmax's 32-row panels, its 4-row vectors and the
    // rows after them.
    for (bool single : {false, true})
        for (int F : {1, 3, 4, 5, 33})
            for (int B : {1, 2, 5})
                for (int T : {1, 3, 8}) {
                    INFO("single " << single << " features " << F << " batch " << B << " time " << T);
                    compare_with_reference(
                        [&](ParamStore& ps) {
                            return LayerPtr(new Attention3D("attention_mul", Shape{T, F}, single, B, ps));
                        },
                        [&](ParamStore& ps, const Mat& x, const Mat& dy) {
                            return attention3d_reference(ps, single, T, F, B, x, dy);
                        },
                        uint64_t(1000 * F + 100 * B + 10 * T + single));
                }
}

// The sizes the recurrent layers are compared at: both outputs, units past the vector body,
// its tail and the pipeline's edges, batches 1-5, one and four steps, and both paths of
// gemm_nn_bias (D = 5 inputs take the packed one, more than 4; D = 2 the direct one).
template <class F>
void for_recurrent_sizes(F&& f) {
    for (bool seq : {true, false})
        for (int H : {1, 3, 4, 5, 33})
            for (int B : {1, 2, 5})
                for (int T : {1, 4})
                    for (int D : {2, 5}) {
                        INFO("return_sequences " << seq << " units " << H << " batch " << B << " time " << T
                                                 << " inputs " << D);
                        f(seq, H, B, T, D);
                    }
}

TEST_CASE("LSTM matches a plain-loop double reference, forward and backward through time",
          "[lstm][reference]") {
    for_recurrent_sizes([&](bool seq, int H, int B, int T, int D) {
        compare_with_reference(
            [&](ParamStore& ps) { return LayerPtr(new LSTM("lstm", Shape{T, D}, H, seq, B, ps)); },
            [&](ParamStore& ps, const Mat& x, const Mat& dy) {
                return lstm_reference(ps, seq, T, D, H, B, x, dy);
            },
            uint64_t(21 + 1000 * H + 100 * B + 10 * T + D + seq));
    });
}

TEST_CASE("GRU (reset_after) matches a plain-loop double reference, forward and backward through time",
          "[gru][reference]") {
    for_recurrent_sizes([&](bool seq, int H, int B, int T, int D) {
        compare_with_reference(
            [&](ParamStore& ps) { return LayerPtr(new GRU("gru", Shape{T, D}, H, seq, B, ps)); },
            [&](ParamStore& ps, const Mat& x, const Mat& dy) {
                return gru_reference(ps, seq, T, D, H, B, x, dy);
            },
            uint64_t(22 + 1000 * H + 100 * B + 10 * T + D + seq));
    });
}

TEST_CASE("GRU (reset_after=false) matches a plain-loop double reference, forward and backward through time",
          "[gru][reference]") {
    for_recurrent_sizes([&](bool seq, int H, int B, int T, int D) {
        compare_with_reference(
            [&](ParamStore& ps) {
                return LayerPtr(new GRU("gru", Shape{T, D}, H, seq, B, ps, /*reset_after=*/false));
            },
            [&](ParamStore& ps, const Mat& x, const Mat& dy) {
                return gru_reset_before_reference(ps, seq, T, D, H, B, x, dy);
            },
            uint64_t(23 + 1000 * H + 100 * B + 10 * T + D + seq));
    });
}

TEST_CASE("Flatten matches Keras's order exactly, as a copy and as a view", "[flatten][reference]") {
    // y[t*F + f, b] = x[f, t*B + b]: pure data movement, so exact.
    for (int F : {1, 3, 4, 5, 33})
        for (int B : {1, 2, 5})
            for (int T : {1, 3}) {
                INFO("features " << F << " batch " << B << " time " << T);
                Rng rng(uint64_t(100 * F + 10 * B + T), Stream::data);
                const Mat x = random_mat(F, T * B, rng), dflat = random_mat(T * F, B, rng);
                Mat flat(T * F, B), dseq(F, T * B);
                for (int t = 0; t < T; ++t)
                    for (int f = 0; f < F; ++f)
                        for (int b = 0; b < B; ++b) {
                            flat(t * F + f, b) = x(f, t * B + b);
                            dseq(f, t * B + b) = dflat(t * F + f, b);
                        }
                Flatten copy("flatten", Shape{T, F}, B);
                CHECK(copy.forward(x, false) == flat);
                CHECK(copy.output() == flat);
                CHECK(copy.backward(dflat) == dseq);
                // The view hands x on and takes dy in x's layout (the Dense after it reads the
                // sequence in this order itself); its output() is the copy's.
                Flatten view("flatten", Shape{T, F}, B, true);
                CHECK(&view.forward(x, false) == &x);
                CHECK(view.output() == flat);
                CHECK(&view.backward(dseq) == &dseq);
            }
}

TEST_CASE("Dropout matches a plain-loop reference drawing the same mask", "[dropout][reference]") {
    // In training, entry i (in memory order) is kept when the dropout stream's i-th uniform is
    // below 1 - rate, and scaled by 1 / (1 - rate); backward routes dy through the same mask.
    // In inference it is the identity.
    const float rate = 0.3f;
    for (int F : {1, 3, 4, 5, 33})
        for (int B : {1, 2, 5})
            for (int T : {0, 3}) {
                INFO("features " << F << " batch " << B << " time " << T);
                const Shape in{T, F};
                const uint64_t seed = uint64_t(100 * F + 10 * B + T);
                Rng stream(seed, Stream::dropout), same(seed, Stream::dropout), rng(seed, Stream::data);
                Dropout d("dropout", in, rate, B, stream);
                const Mat x = random_mat(F, in.steps() * B, rng), dy = random_mat(F, in.steps() * B, rng);
                CHECK(d.forward(x, false) == x);
                CHECK(d.backward(dy) == dy);
                const Mat y = d.forward(x, true);
                const Mat dx = d.backward(dy);
                MatD want_y(x.rows(), x.cols()), want_dx(x.rows(), x.cols());
                for (Eigen::Index j = 0; j < x.cols(); ++j)
                    for (Eigen::Index i = 0; i < x.rows(); ++i) {
                        const double m = same.uniform01() < 1.0 - double(rate) ? 1.0 / (1.0 - double(rate)) : 0.0;
                        want_y(i, j) = x(i, j) * m;
                        want_dx(i, j) = dy(i, j) * m;
                    }
                check_close("y", y, want_y, kOutputTol);
                check_close("dx", dx, want_dx, kGradTol);
            }
}

// ---- ManyToOneAttention -------------------------------------------------------------------

namespace {
using M2 = std::vector<V>;  // [s][i]


// Keras-order weight arrays (row-major Keras shapes), read from the flat buffer.
struct RefWeights {
    Score score;
    int D, U;
    const float *K = nullptr;                        // luong_w (D, D)
    const float *W1 = nullptr, *W2 = nullptr, *v = nullptr;  // bahdanau_w1, _w2 (D, D), _v (D, 1)
    const float* Wc = nullptr;                       // attention_vector (2D, U)
};

struct RefGrads {  // same layouts as RefWeights
    V K, W1, W2, v, Wc;
};

struct RefSample {
    V y, alpha, ctx;
    M2 dhs;
};

// One sample: h_s [T][D] and dy [U] -> forward values, dh_s, and parameter gradients added to g.
RefSample many_to_one_reference(const RefWeights& w, const M2& hs, const V& dy, RefGrads& g) {
    const int T = int(hs.size()), D = w.D, U = w.U;
    const V& ht = hs[T - 1];
    RefSample r;
    // scores
    V score(T, 0.0);
    M2 a(T, V(D, 0.0));   // Luong: h_s K;  Bahdanau: E = tanh(h_t W1 + h_s W2)
    V a1(D, 0.0);         // Bahdanau: h_t W1
    if (w.score == Score::luong) {
        for (int s = 0; s < T; ++s)
            for (int j = 0; j < D; ++j) {
                for (int i = 0; i < D; ++i) a[s][j] += hs[s][i] * w.K[i * D + j];
                score[s] += ht[j] * a[s][j];
            }
    } else {
        for (int j = 0; j < D; ++j)
            for (int i = 0; i < D; ++i) a1[j] += ht[i] * w.W1[i * D + j];
        for (int s = 0; s < T; ++s)
            for (int j = 0; j < D; ++j) {
                double p = a1[j];
                for (int i = 0; i < D; ++i) p += hs[s][i] * w.W2[i * D + j];
                a[s][j] = std::tanh(p);
                score[s] += a[s][j] * w.v[j];
            }
    }
    // softmax, context, output
    double mx = score[0], sum = 0.0;
    for (int s = 1; s < T; ++s) mx = std::max(mx, score[s]);
    r.alpha.assign(T, 0.0);
    for (int s = 0; s < T; ++s) sum += r.alpha[s] = std::exp(score[s] - mx);
    for (int s = 0; s < T; ++s) r.alpha[s] /= sum;
    r.ctx.assign(D, 0.0);
    for (int s = 0; s < T; ++s)
        for (int i = 0; i < D; ++i) r.ctx[i] += r.alpha[s] * hs[s][i];
    V pre(2 * D);
    for (int i = 0; i < D; ++i) {
        pre[i] = r.ctx[i];
        pre[D + i] = ht[i];
    }
    r.y.assign(U, 0.0);
    for (int u = 0; u < U; ++u) {
        double z = 0.0;
        for (int k = 0; k < 2 * D; ++k) z += pre[k] * w.Wc[k * U + u];
        r.y[u] = std::tanh(z);
    }
    // backward
    r.dhs.assign(T, V(D, 0.0));
    V dpre(2 * D, 0.0);
    for (int u = 0; u < U; ++u) {
        const double dz = dy[u] * (1.0 - r.y[u] * r.y[u]);
        for (int k = 0; k < 2 * D; ++k) {
            g.Wc[k * U + u] += pre[k] * dz;
            dpre[k] += w.Wc[k * U + u] * dz;
        }
    }
    V dht(dpre.begin() + D, dpre.end());
    V dalpha(T, 0.0);
    for (int s = 0; s < T; ++s)
        for (int i = 0; i < D; ++i) {
            dalpha[s] += dpre[i] * hs[s][i];
            r.dhs[s][i] += r.alpha[s] * dpre[i];
        }
    double dot = 0.0;
    for (int s = 0; s < T; ++s) dot += dalpha[s] * r.alpha[s];
    V dscore(T);
    for (int s = 0; s < T; ++s) dscore[s] = r.alpha[s] * (dalpha[s] - dot);
    if (w.score == Score::luong) {
        for (int s = 0; s < T; ++s)
            for (int j = 0; j < D; ++j) {
                const double da = dscore[s] * ht[j];  // score_s = sum_j h_t[j] a[s][j]
                dht[j] += dscore[s] * a[s][j];
                for (int i = 0; i < D; ++i) {         // a[s][j] = sum_i h_s[i] K[i][j]
                    g.K[i * D + j] += hs[s][i] * da;
                    r.dhs[s][i] += w.K[i * D + j] * da;
                }
            }
    } else {
        V da1(D, 0.0);
        for (int s = 0; s < T; ++s)
            for (int j = 0; j < D; ++j) {
                g.v[j] += dscore[s] * a[s][j];
                const double dp = dscore[s] * w.v[j] * (1.0 - a[s][j] * a[s][j]);
                da1[j] += dp;
                for (int i = 0; i < D; ++i) {
                    g.W2[i * D + j] += hs[s][i] * dp;
                    r.dhs[s][i] += w.W2[i * D + j] * dp;
                }
            }
        for (int j = 0; j < D; ++j)
            for (int i = 0; i < D; ++i) {
                g.W1[i * D + j] += ht[i] * da1[j];
                dht[i] += w.W1[i * D + j] * da1[j];
            }
    }
    for (int i = 0; i < D; ++i) r.dhs[T - 1][i] += dht[i];
    return r;
}
}  // namespace

TEST_CASE("ManyToOneAttention matches a plain-loop double reference, forward and backward",
          "[many_to_one][reference]") {
    for (Score score : {Score::luong, Score::bahdanau})
        for (int D : {1, 3, 4, 5, 33})
            for (int B : {1, 2, 5})
                for (int T : {1, 3, 7})
                    for (int U : {1, 6}) {
                        INFO(score_name(score) << " D " << D << " B " << B << " T " << T << " units " << U);
                        ParamStore ps;
                        ManyToOneAttention att("attention", Shape{T, D}, U, score, B, ps);
                        ps.allocate();
                        Rng rng(uint64_t(7 + D * 1000 + B * 100 + T * 10 + U), Stream::init);
                        attn::test::randomize_many_to_one(ps, rng, D);
                        const Mat x = uniform_mat(D, T * B, rng);
                        const Mat dy = random_mat(U, B, rng);
                        const Mat y = att.forward(x, false);
                        ps.zero_grad();
                        const Mat dx = att.backward(dy);

                        RefWeights w{score, D, U};
                        RefGrads g;
                        int i = 0;
                        if (score == Score::luong) {
                            w.K = ps.value(i++).data();
                            g.K.assign(size_t(D) * D, 0.0);
                        } else {
                            w.W1 = ps.value(i++).data();
                            w.W2 = ps.value(i++).data();
                            w.v = ps.value(i++).data();
                            g.W1.assign(size_t(D) * D, 0.0);
                            g.W2.assign(size_t(D) * D, 0.0);
                            g.v.assign(size_t(D), 0.0);
                        }
                        w.Wc = ps.value(i).data();
                        g.Wc.assign(size_t(2 * D) * U, 0.0);

                        Err ey, ea, ec, edx;
                        for (int b = 0; b < B; ++b) {
                            M2 hs(T, V(D));
                            for (int s = 0; s < T; ++s)
                                for (int d = 0; d < D; ++d) hs[s][d] = x(d, s * B + b);
                            V dyb(U);
                            for (int u = 0; u < U; ++u) dyb[u] = dy(u, b);
                            const RefSample r = many_to_one_reference(w, hs, dyb, g);
                            for (int u = 0; u < U; ++u) ey.add(y(u, b), r.y[u]);
                            for (int s = 0; s < T; ++s) ea.add(att.weights()(s, b), r.alpha[s]);
                            Shape sh;
                            for (int d = 0; d < D; ++d) ec.add((*att.named_output("context_vector", &sh))(d, b), r.ctx[d]);
                            for (int s = 0; s < T; ++s)
                                for (int d = 0; d < D; ++d) edx.add(dx(d, s * B + b), r.dhs[s][d]);
                        }
                        // Each tensor's largest error against its largest reference value: outputs
                        // (y, alpha in [0, 1], context) within 1e-6 (of 1 at least), gradients within
                        // 1e-5. (Entry by entry would fail on entries that are sums cancelling to
                        // near 0; the worst seen is Bahdanau's W1 at D = 1, 9.4e-6, whose gradient
                        // only comes through tanh's curvature.)
                        CHECK(ey.err <= 1e-6 * std::max(1.0, ey.scale));
                        CHECK(ea.err <= 1e-6);
                        CHECK(ec.err <= 1e-6 * std::max(1.0, ec.scale));
                        INFO("dx error " << edx.err << " of " << edx.scale);
                        CHECK(edx.err <= 1e-5 * edx.scale);
                        auto check_grad = [&](int p, const V& want) {
                            Err e;
                            const float* got = ps.grad(p).data();
                            for (size_t k = 0; k < want.size(); ++k) e.add(got[k], want[k]);
                            INFO(ps.list()[p].name << ": error " << e.err << " of " << e.scale);
                            CHECK(e.err <= 1e-5 * std::max(e.scale, 1e-30));
                        };
                        i = 0;
                        if (score == Score::luong) {
                            check_grad(i++, g.K);
                        } else {
                            check_grad(i++, g.W1);
                            check_grad(i++, g.W2);
                            check_grad(i++, g.v);
                        }
                        check_grad(i, g.Wc);
                    }
}
