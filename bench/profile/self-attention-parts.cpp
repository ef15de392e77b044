// self-attention-parts: the time of each part of one training batch of a causal self-attention
// model (core/self_attention.cpp, core/token_output.cpp), each part's products called as the
// layers call them (the same gemm kernels, sizes, leading dimensions and buffers), timed apart
// over many repetitions. Shows where a batch's time goes and what each product achieves in
// GFLOP/s, natively or in wasm.
//
//   native: g++ -O3 -msse2 -ffp-contract=off -std=c++17 -Icore -isystem /usr/include/eigen3 \
//             bench/profile/self-attention-parts.cpp build/native/libattn_core.a -o build/sa-parts
//   wasm:   NODE_PATH=/usr/share/nodejs em++ -O3 -msimd128 -msse2 -D__MMINTRIN_H -fgnuc-version=4.30 \
//             -fno-slp-vectorize -ffp-contract=off -fexceptions -std=c++17 -Icore -isystem /usr/include/eigen3 \
//             -sALLOW_MEMORY_GROWTH=1 -sENVIRONMENT=node -sSINGLE_FILE=1 -sEXIT_RUNTIME=1 \
//             bench/profile/self-attention-parts.cpp build/wasm/libattn_core.a -o build/sa-parts.js
//           node build/sa-parts.js
//   args:   [T C H V B] (default previous_token's: 16 32 1 16 32; induction_head: 15 32 2 16 32)
// Each part's time is the best of 7 runs of 200 calls, with its buffers hot in L1/L2; the last
// line runs all parts one after another, as a batch does. Compare it with the trainer's own
// batch time (e.g. Trainer.step in Node): what the sum of the parts leaves out is the rest of a
// batch (embedding, loss, Adam, gathering the batch) and the buffers' trips through the caches.
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>
#include <vector>

#include "activation.hpp"
#include "gemm.hpp"
#include "self_attention.hpp"
#include "tensor.hpp"

using namespace attn;

namespace {
double now() { return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count(); }

struct Part {
    std::string name;
    double macs;  // multiply-adds per call of fn
    std::function<void()> fn;
};

Mat filled(int r, int c, unsigned& s) {
    Mat m(r, c);
    for (Eigen::Index i = 0; i < m.size(); ++i) {
        s = s * 1664525u + 1013904223u;
        m.data()[i] = float(s >> 8) / float(1 << 24) * 0.2f - 0.1f;
    }
    return m;
}
}  // namespace

int main(int argc, char** argv) {
    const int T = argc > 5 ? std::atoi(argv[1]) : 16, C = argc > 5 ? std::atoi(argv[2]) : 32,
              H = argc > 5 ? std::atoi(argv[3]) : 1, V = argc > 5 ? std::atoi(argv[4]) : 16,
              B = argc > 5 ? std::atoi(argv[5]) : 32;
    const int d = C / H, N = T * B, ld = C * B, lda = T * B;
    unsigned s = 1;
    Mat Wq = filled(C, C, s), Wo = filled(C, C, s), W = filled(V, C, s), x = filled(C, N, s), Q = filled(C, N, s),
        K = filled(C, N, s), Vv = filled(C, N, s), O(C, N), dO(C, N), dQ(C, N), dy = filled(C, N, s), y(C, N),
        dW(C, C), z(V, N), dz = filled(V, N, s), dWout(V, C), dx(C, N), A(T, H * T * B), dA(T, H * T * B),
        WqT = Wq.transpose(), W3 = filled(3 * C, C, s), QKV(3 * C, N), dQKV = filled(3 * C, N, s), dW3(3 * C, C),
        W3T = W3.transpose();
    Vec bias = Vec::Zero(V), db = Vec::Zero(V);
    for (int b = 0; b < B; ++b)  // a causal softmax in A, as the forward leaves it
        for (int h = 0; h < H; ++h) {
            float* a = A.data() + (size_t(h) * T * B + b) * T;
            for (int t = 0; t < T; ++t)
                for (int u = 0; u < T; ++u) a[size_t(t) * lda + u] = u <= t ? 1.0f / float(t + 1) : 0.0f;
        }
    dA = A;
    const double CC = double(C) * C * N, heads = double(B) * H * T * T * d;
    auto per_head = [&](auto f) {
        return [=, &Q, &K, &Vv, &A, &dA, &O, &dO, &dQ]() {
            for (int b = 0; b < B; ++b)
                for (int h = 0; h < H; ++h) f(size_t(b) * C + size_t(h) * d, (size_t(h) * T * B + b) * T);
        };
    };
    std::vector<Part> parts{
        // forward, per attention layer
        {"fwd  Q|K|V = W x       gemm_nn (C x C)(C x TB), one of three", CC, [&] { gemm_nn(Wq, x, Q, false); }},
        {"fwd  S = K^T Q         gemm_tn (T,T,d) per sample+head", heads,
         per_head([&](size_t o, size_t a) { gemm_tn(T, T, d, K.data() + o, ld, Q.data() + o, ld, A.data() + a, lda); })},
        {"fwd  scale + causal softmax per sample+head", 0, per_head([&](size_t, size_t a) {
             float* p = A.data() + a;
             for (int t = 0; t < T; ++t)
                 for (int u = 0; u <= t; ++u) p[size_t(t) * lda + u] *= 0.5f;
             causal_softmax(p, T, lda);
         })},
        {"fwd  O = V A           gemm_nn (d,T,T) per sample+head", heads,
         per_head([&](size_t o, size_t a) { gemm_nn(d, T, T, Vv.data() + o, ld, A.data() + a, lda, O.data() + o, ld, false); })},
        {"fwd  y = x + Wo O      copy + gemm_nn (C x C)(C x TB)", CC, [&] { y = x; gemm_nn(Wo, O, y, true); }},
        // backward, per attention layer
        {"bwd  dWo += dy O^T     gemm_nt", CC, [&] { gemm_nt(dy, O, dW, true); }},
        {"bwd  dO = Wo^T dy      zero + gemm_tn (C, TB, C)", CC,
         [&] { dO.setZero(); gemm_tn(C, N, C, Wo.data(), C, dy.data(), C, dO.data(), C); }},
        {"bwd  dA = V^T dO       gemm_tn (T,T,d) per sample+head", heads,
         per_head([&](size_t o, size_t a) { gemm_tn(T, T, d, Vv.data() + o, ld, dO.data() + o, ld, dA.data() + a, lda); })},
        {"bwd  dV = dO A^T       gemm_nt (d,T,T) per sample+head", heads,
         per_head([&](size_t o, size_t a) { gemm_nt(d, T, T, dO.data() + o, ld, A.data() + a, lda, dQ.data() + o, ld, false); })},
        {"bwd  softmax backward + scale", 0, [&] { softmax_columns_backward(A, dA, dA); dA *= 0.5f; }},
        {"bwd  dQ = K dS         gemm_nn (d,T,T) per sample+head", heads,
         per_head([&](size_t o, size_t a) { gemm_nn(d, T, T, K.data() + o, ld, dA.data() + a, lda, dQ.data() + o, ld, false); })},
        {"bwd  dK = Q dS^T       gemm_nt (d,T,T) per sample+head", heads,
         per_head([&](size_t o, size_t a) { gemm_nt(d, T, T, Q.data() + o, ld, dA.data() + a, lda, dQ.data() + o, ld, false); })},
        {"bwd  dW += dQ x^T      gemm_nt, one of three", CC, [&] { gemm_nt(dQ, x, dW, true); }},
        {"bwd  dx += W^T dQ      gemm_tn (C, TB, C), one of three", CC,
         [&] { gemm_tn(C, N, C, Wq.data(), C, dQ.data(), C, dx.data(), C); }},
        // the output layer (once per model)
        {"out  z = W x + b, softmax per column", double(V) * C * N, [&] { gemm_nn_bias(W, x, bias.data(), z); softmax_columns(z); }},
        {"out  dW += dz x^T, db", double(V) * C * N, [&] { gemm_nt(dz, x, dWout, true); add_row_sums(dz, db.data()); }},
        {"out  dx = W^T dz       zero + gemm_tn (C, TB, V)", double(V) * C * N,
         [&] { dx.setZero(); gemm_tn(C, N, V, W.data(), V, dz.data(), V, dx.data(), C); }},
    };
    // How often each part runs per batch of a model with one attention layer.
    std::vector<int> times{3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 3, 3, 1, 1, 1};
    // Other ways to the same results, not in the sum: the input gradients through gemm_nn with
    // W transposed once per batch (as the Dense layer does); Q, K, V stacked into one (3C, TB)
    // buffer, so that their three products (forward, dW, dx) are one each.
    const size_t kParts = parts.size();
    parts.push_back({"alt  dx += (W^T) dQ    transpose + gemm_nn, one of three", CC, [&] {
                         WqT = Wq.transpose();
                         gemm_nn(WqT, dQ, dx, true);
                     }});
    parts.push_back({"alt  [Q;K;V] = [Wq;Wk;Wv] x  gemm_nn (3C x C)(C x TB), all three", 3 * CC,
                     [&] { gemm_nn(W3, x, QKV, false); }});
    parts.push_back({"alt  d[Wq;Wk;Wv] += d[Q;K;V] x^T  gemm_nt, all three", 3 * CC, [&] { gemm_nt(dQKV, x, dW3, true); }});
    parts.push_back({"alt  dx += [Wq;Wk;Wv]^T d[Q;K;V]  transpose + gemm_nn, all three", 3 * CC, [&] {
                         W3T = W3.transpose();
                         gemm_nn(W3T, dQKV, dx, true);
                     }});
    times.resize(parts.size(), 0);
    std::printf("T %d, C %d, heads %d (d %d), V %d, batch %d: one attention layer and the output layer\n", T, C, H, d, V, B);
    std::printf("%-62s %10s %8s %7s\n", "part", "us/call", "GFLOP/s", "share");
    std::vector<double> us(parts.size());
    for (int round = 0; round < 2; ++round) {  // the first round warms up
        for (size_t i = 0; i < parts.size(); ++i) {
            double best = 1e9;
            for (int r = 0; r < 7; ++r) {
                const int reps = 200;
                const double t0 = now();
                for (int k = 0; k < reps; ++k) parts[i].fn();
                best = std::min(best, (now() - t0) / reps);
            }
            us[i] = best * 1e6;
        }
    }
    // All parts one after another, as in a batch (each as often as a batch runs it): the buffers
    // (about 1 MB here) then come from L2 or further rather than from L1.
    double sequence = 1e9;
    for (int r = 0; r < 7; ++r) {
        const int reps = 50;
        const double t0 = now();
        for (int k = 0; k < reps; ++k)
            for (size_t i = 0; i < kParts; ++i)
                for (int j = 0; j < times[i]; ++j) parts[i].fn();
        sequence = std::min(sequence, (now() - t0) / reps * 1e6);
    }
    double total = 0;
    for (size_t i = 0; i < kParts; ++i) total += us[i] * times[i];
    for (size_t i = 0; i < parts.size(); ++i) {
        const double gf = parts[i].macs > 0 ? 2 * parts[i].macs / (us[i] * 1e-6) / 1e9 : 0;
        std::printf("%-62s %10.1f %8.2f", parts[i].name.c_str(), us[i], gf);
        if (i < kParts) std::printf(" %6.1f%%%s", 100 * us[i] * times[i] / total, times[i] > 1 ? (" (x" + std::to_string(times[i]) + ")").c_str() : "");
        std::printf("\n");
        if (i + 1 == kParts)
            std::printf("sum per batch (best of 7 runs of 200 calls each part): %.1f us, %.0f samples/s if nothing else ran\n",
                        total, B / (total * 1e-6));
    }
    std::printf("the same parts one after another, as in a batch (best of 7 runs of 50): %.1f us, %.0f samples/s\n",
                sequence, B / (sequence * 1e-6));
    return 0;
}
