#include "gemm.hpp"

#include <algorithm>

#include "simd.hpp"

namespace attn {

namespace {
using simd::v4;
inline v4 load(const float* p) { return simd::load<v4>(p); }
inline void store(float* p, v4 v) { simd::store(p, v); }
inline v4 splat(float x) { return simd::splat<v4>(x); }

// B's entry (k, n): B is K x N, or, with TransB, N x K used transposed.
template <bool TransB>
inline float b_at(const float* B, int ldb, int k, int n) {
    return TransB ? B[n + size_t(k) * ldb] : B[k + size_t(n) * ldb];
}

// C[0 .. 4R, n0 .. n0+NC] from A's rows 0 .. 4R: R vectors of rows times NC columns.
template <bool TransB, int R, int NC>
inline void tile(int n0, int K, const float* A, int lda, const float* B, int ldb, float* C, int ldc,
                 bool accumulate) {
    // Fully unrolled so that the R x NC accumulators live in registers (8 of 16 with SSE2).
    v4 acc[R][NC] = {};
    for (int k = 0; k < K; ++k) {
        v4 a[R];
#pragma GCC unroll 2
        for (int r = 0; r < R; ++r) a[r] = load(A + size_t(k) * lda + 4 * r);
#pragma GCC unroll 4
        for (int j = 0; j < NC; ++j) {
            const v4 b = splat(b_at<TransB>(B, ldb, k, n0 + j));
#pragma GCC unroll 2
            for (int r = 0; r < R; ++r) acc[r][j] += a[r] * b;
        }
    }
#pragma GCC unroll 4
    for (int j = 0; j < NC; ++j)
#pragma GCC unroll 2
        for (int r = 0; r < R; ++r) {
            float* c = C + size_t(n0 + j) * ldc + 4 * r;
            store(c, accumulate ? load(c) + acc[r][j] : acc[r][j]);
        }
}

constexpr int kBlockK = 64;

// A band of rows m0 .. m0+4R of C, across all N columns, for k0 .. k0+kc (kc <= kBlockK).
// The band of A is first copied to a contiguous panel: A's columns can sit a power of two
// apart (the 3-D attention's 8 KB), where they would evict each other from L1's sets.
template <bool TransB, int R>
void band(int m0, int N, int kc, const float* A, int lda, const float* B, int ldb, float* C, int ldc,
          bool accumulate) {
    alignas(16) float panel[4 * R * kBlockK];
    for (int k = 0; k < kc; ++k)
        for (int r = 0; r < R; ++r) store(panel + 4 * (R * k + r), load(A + size_t(k) * lda + m0 + 4 * r));
    int n = 0;
    for (; n + 4 <= N; n += 4) tile<TransB, R, 4>(n, kc, panel, 4 * R, B, ldb, C + m0, ldc, accumulate);
    for (; n < N; ++n) tile<TransB, R, 1>(n, kc, panel, 4 * R, B, ldb, C + m0, ldc, accumulate);
}

template <bool TransB>
void gemm(int M, int N, int K, const float* A, int lda, const float* B, int ldb, float* C, int ldc,
          bool accumulate) {
    // In blocks of kBlockK along k: a block of B (the weight gradients sum over all T*B columns)
    // stays in L1 while every band reads it; C is read and written once per block.
    for (int k0 = 0; k0 < K; k0 += kBlockK) {
        const int kc = std::min(kBlockK, K - k0);
        const float* Ak = A + size_t(k0) * lda;
        const float* Bk = TransB ? B + size_t(k0) * ldb : B + k0;
        const bool acc = accumulate || k0 > 0;
        int m = 0;
        for (; m + 8 <= M; m += 8) band<TransB, 2>(m, N, kc, Ak, lda, Bk, ldb, C, ldc, acc);
        for (; m + 4 <= M; m += 4) band<TransB, 1>(m, N, kc, Ak, lda, Bk, ldb, C, ldc, acc);
        for (; m < M; ++m)  // rows left over (M not a multiple of 4): plain sums, same order in every build
            for (int n = 0; n < N; ++n) {
                float s = 0.0f;
                for (int k = 0; k < kc; ++k) s += Ak[m + size_t(k) * lda] * b_at<TransB>(Bk, ldb, k, n);
                float& c = C[m + size_t(n) * ldc];
                c = acc ? c + s : s;
            }
    }
}

// gemm_tn: C[m0 .. m0+MR, n0 .. n0+NR] += dot products of A's and B's columns.
template <int MR, int NR>
inline void dots(int m0, int n0, int K, const float* A, int lda, const float* B, int ldb, float* C, int ldc) {
    v4 acc[MR][NR] = {};
    const int K4 = K - K % 4;
    for (int k = 0; k < K4; k += 4) {
        v4 a[MR];
        for (int i = 0; i < MR; ++i) a[i] = load(A + size_t(m0 + i) * lda + k);
        for (int j = 0; j < NR; ++j) {
            const v4 b = load(B + size_t(n0 + j) * ldb + k);
            for (int i = 0; i < MR; ++i) acc[i][j] += a[i] * b;
        }
    }
    for (int i = 0; i < MR; ++i)
        for (int j = 0; j < NR; ++j) {
            const v4 v = acc[i][j];
            float s = (v[0] + v[1]) + (v[2] + v[3]);
            for (int k = K4; k < K; ++k) s += A[size_t(m0 + i) * lda + k] * B[size_t(n0 + j) * ldb + k];
            C[size_t(n0 + j) * ldc + m0 + i] += s;
        }
}

template <int MR>
void dot_rows(int m0, int N, int K, const float* A, int lda, const float* B, int ldb, float* C, int ldc) {
    int n = 0;
    for (; n + 4 <= N; n += 4) dots<MR, 4>(m0, n, K, A, lda, B, ldb, C, ldc);
    for (; n < N; ++n) dots<MR, 1>(m0, n, K, A, lda, B, ldb, C, ldc);
}
}  // namespace

void gemm_tn(int M, int N, int K, const float* A, int lda, const float* B, int ldb, float* C, int ldc) {
    int m = 0;
    for (; m + 2 <= M; m += 2) dot_rows<2>(m, N, K, A, lda, B, ldb, C, ldc);
    for (; m < M; ++m) dot_rows<1>(m, N, K, A, lda, B, ldb, C, ldc);
}

void gemm_nn(int M, int N, int K, const float* A, int lda, const float* B, int ldb, float* C, int ldc,
             bool accumulate) {
    gemm<false>(M, N, K, A, lda, B, ldb, C, ldc, accumulate);
}

void gemm_nt(int M, int N, int K, const float* A, int lda, const float* B, int ldb, float* C, int ldc,
             bool accumulate) {
    gemm<true>(M, N, K, A, lda, B, ldb, C, ldc, accumulate);
}

}  // namespace attn
