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

// C[m0 .. m0+4R, n0 .. n0+NC] from rows m0.. of A: R vectors of rows times NC columns.
template <bool TransB, int R, int NC>
inline void tile(int m0, int n0, int K, const float* A, int lda, const float* B, int ldb, float* C, int ldc,
                 bool accumulate) {
    // Fully unrolled so that the R x NC accumulators live in registers (8 of 16 with SSE2).
    v4 acc[R][NC] = {};
    for (int k = 0; k < K; ++k) {
        v4 a[R];
#pragma GCC unroll 2
        for (int r = 0; r < R; ++r) a[r] = load(A + size_t(k) * lda + m0 + 4 * r);
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
            float* c = C + size_t(n0 + j) * ldc + m0 + 4 * r;
            store(c, accumulate ? load(c) + acc[r][j] : acc[r][j]);
        }
}

template <bool TransB, int NC>
void columns(int M, int n0, int K, const float* A, int lda, const float* B, int ldb, float* C, int ldc,
             bool accumulate) {
    int m = 0;
    for (; m + 8 <= M; m += 8) tile<TransB, 2, NC>(m, n0, K, A, lda, B, ldb, C, ldc, accumulate);
    for (; m + 4 <= M; m += 4) tile<TransB, 1, NC>(m, n0, K, A, lda, B, ldb, C, ldc, accumulate);
    for (; m < M; ++m)  // rows left over (M not a multiple of 4): plain sums, same order in every build
        for (int j = 0; j < NC; ++j) {
            float s = 0.0f;
            for (int k = 0; k < K; ++k) s += A[m + size_t(k) * lda] * b_at<TransB>(B, ldb, k, n0 + j);
            float& c = C[m + size_t(n0 + j) * ldc];
            c = accumulate ? c + s : s;
        }
}

constexpr int kBlockK = 64;

template <bool TransB>
void gemm(int M, int N, int K, const float* A, int lda, const float* B, int ldb, float* C, int ldc,
          bool accumulate) {
    int n = 0;
    for (; n + 4 <= N; n += 4) columns<TransB, 4>(M, n, K, A, lda, B, ldb, C, ldc, accumulate);
    for (; n < N; ++n) columns<TransB, 1>(M, n, K, A, lda, B, ldb, C, ldc, accumulate);
}
}  // namespace

void gemm_nn(int M, int N, int K, const float* A, int lda, const float* B, int ldb, float* C, int ldc,
             bool accumulate) {
    gemm<false>(M, N, K, A, lda, B, ldb, C, ldc, accumulate);
}

void gemm_nt(int M, int N, int K, const float* A, int lda, const float* B, int ldb, float* C, int ldc,
             bool accumulate) {
    // In blocks of kBlockK along k (the weight gradients sum over all T*B columns): a block of
    // A and B stays in L1 while every tile of C reads it; C is read and written once per block.
    for (int k0 = 0; k0 < K; k0 += kBlockK)
        gemm<true>(M, N, std::min(kBlockK, K - k0), A + size_t(k0) * lda, lda, B + size_t(k0) * ldb, ldb, C,
                   ldc, accumulate || k0 > 0);
}

}  // namespace attn
