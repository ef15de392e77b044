#include "gemm.hpp"


#include <algorithm>

#include "simd.hpp"

namespace attn {

namespace {
using simd::v4;
inline v4 load(const float* p) { return simd::load<v4>(p); }
inline void store(float* p, v4 v) { simd::store(p, v); }
inline v4 splat(float x) { return simd::splat<v4>(x); }

// C[0 .. 4R, 0 .. NC] (+)= the panels' product: pa holds kc rows of 4R floats sa floats apart
// (A's band: packed, sa = 4R, or A itself, sa = lda), pb kc rows of NC floats (B's columns,
// k-major). Unit-stride pointers and constant offsets keep V8's address arithmetic per k to a
// few instructions.
template <int R, int NC>
inline void tile(int kc, const float* pa, int sa, const float* pb, float* C, int ldc, bool accumulate) {
    // Fully unrolled so that the R x NC accumulators live in registers (8 of 16 with SSE2).
    // The loop ends on pb rather than a counter k: one instruction fewer per k in V8's code,
    // in the loop that runs most (see docs/performance.md).
    v4 acc[R][NC] = {};
    for (const float* const pb_end = pb + size_t(kc) * NC; pb != pb_end; pa += sa, pb += NC) {
        v4 a[R];
#pragma GCC unroll 2
        for (int r = 0; r < R; ++r) a[r] = load(pa + 4 * r);
#pragma GCC unroll 4
        for (int j = 0; j < NC; ++j) {
            const v4 b = splat(pb[j]);
#pragma GCC unroll 2
            for (int r = 0; r < R; ++r) acc[r][j] += a[r] * b;
        }
    }
#pragma GCC unroll 4
    for (int j = 0; j < NC; ++j)
#pragma GCC unroll 2
        for (int r = 0; r < R; ++r) {
            float* c = C + size_t(j) * ldc + 4 * r;
            store(c, accumulate ? load(c) + acc[r][j] : acc[r][j]);
        }
}

constexpr int kBlockK = 64;  // k per block: C is read and written once per block
constexpr int kBlockN = 64;  // columns of B packed at a time

// B's entry (k, n): B is K x N, or, with TransB, N x K used transposed.
template <bool TransB>
inline float b_at(const float* B, int ldb, int k, int n) {
    return TransB ? B[n + size_t(k) * ldb] : B[k + size_t(n) * ldb];
}

// Packs B's columns 0 .. nc for k 0 .. kc: groups of 4 columns as kc x 4 k-major panels, one
// after another, then each column left over as a kc-long panel.
template <bool TransB>
void pack_b(int kc, int nc, const float* B, int ldb, float* pb) {
    int n = 0;
    for (; n + 4 <= nc; n += 4) {
        int k = 0;
        if (!TransB)  // 4 k of 4 columns at a time, transposed in registers (data movement only)
            for (; k + 4 <= kc; k += 4, pb += 16) {
                const float* b = B + k + size_t(n) * ldb;
                v4 c0 = load(b), c1 = load(b + ldb), c2 = load(b + 2 * size_t(ldb)), c3 = load(b + 3 * size_t(ldb));
                simd::transpose4(c0, c1, c2, c3);
                store(pb, c0);
                store(pb + 4, c1);
                store(pb + 8, c2);
                store(pb + 12, c3);
            }
        if (TransB)  // the 4 columns' entries of a k are contiguous in B
            for (; k < kc; ++k, pb += 4) store(pb, load(B + n + size_t(k) * ldb));
        for (; k < kc; ++k, pb += 4)
            for (int j = 0; j < 4; ++j) pb[j] = b_at<TransB>(B, ldb, k, n + j);
    }
    for (; n < nc; ++n)
        for (int k = 0; k < kc; ++k) *pb++ = b_at<TransB>(B, ldb, k, n);
}

// A band of S x 4R rows of C across nc columns, from packed B panels, as S sub-bands of 4R
// rows. With Copy, the band of A is copied to contiguous panels first: A's columns can sit a
// power of two apart (the 3-D attention's 8 KB, the self-attention's per-sample Q, K, V),
// where they would evict each other from L1's sets. Otherwise the tiles read A in place. For
// the same reason with C, the S sub-bands fill each 64-byte line of C's columns (S = 2 of 8
// rows) one right after the other, before other columns evict it.
template <int R, int S, bool Copy>
void band(int nc, int kc, const float* A, int lda, const float* pb, float* C, int ldc, bool accumulate) {
    alignas(16) float pa[S][Copy ? 4 * R * kBlockK : 4];
    const float* a[S];
    int sa = lda;
    if (Copy) {
        const float* ak = A;
        for (int o = 0; o != 4 * R * kc; o += 4 * R, ak += lda)
            for (int i = 0; i < S; ++i)
                for (int r = 0; r < R; ++r) store(pa[i] + o + 4 * r, load(ak + 4 * (R * i + r)));
        for (int i = 0; i < S; ++i) a[i] = pa[i];
        sa = 4 * R;
    } else {
        for (int i = 0; i < S; ++i) a[i] = A + 4 * R * i;
    }
    int n = 0;
    for (; n + 4 <= nc; n += 4, pb += 4 * kc)
        for (int i = 0; i < S; ++i) tile<R, 4>(kc, a[i], sa, pb, C + size_t(n) * ldc + 4 * R * i, ldc, accumulate);
    for (; n < nc; ++n, pb += kc)
        for (int i = 0; i < S; ++i) tile<R, 1>(kc, a[i], sa, pb, C + size_t(n) * ldc + 4 * R * i, ldc, accumulate);
}

// The bands of rows 0 .. M - M % 4 of C's columns 0 .. nc, from packed B panels.
template <bool Copy>
int bands(int M, int nc, int kc, const float* A, int lda, const float* pb, float* C, int ldc, bool accumulate) {
    int m = 0;
    for (; m + 16 <= M; m += 16) band<2, 2, Copy>(nc, kc, A + m, lda, pb, C + m, ldc, accumulate);
    for (; m + 8 <= M; m += 8) band<2, 1, Copy>(nc, kc, A + m, lda, pb, C + m, ldc, accumulate);
    for (; m + 4 <= M; m += 4) band<1, 1, Copy>(nc, kc, A + m, lda, pb, C + m, ldc, accumulate);
    return m;
}

// C = A B + bias over a few k (the recurrent layers' input products: k = the input features):
// no packing, each C column straight from A's columns and B's column, in the tiles' operations
// (a zero accumulator plus the products in k order), then + bias.
template <int K>
void small_k_bias(int M, int N, const float* A, int lda, const float* B, int ldb, const float* bias, float* C,
                  int ldc) {
    for (int n = 0; n < N; ++n) {
        float b[K];
        for (int k = 0; k < K; ++k) b[k] = B[k + size_t(n) * ldb];
        float* c = C + size_t(n) * ldc;
        simd::by_lanes(M, [&](int m, auto lane) {
            using F = decltype(lane);
            F acc = simd::splat<F>(0.0f);
            for (int k = 0; k < K; ++k) acc = acc + simd::load<F>(A + m + size_t(k) * lda) * b[k];
            simd::store(c + m, acc + simd::load<F>(bias + m));
        });
    }
}

template <bool TransB>
void gemm(int M, int N, int K, const float* A, int lda, const float* B, int ldb, float* C, int ldc,
          bool accumulate) {
    alignas(16) float pb[kBlockK * kBlockN];
    for (int k0 = 0; k0 < K; k0 += kBlockK) {
        const int kc = std::min(kBlockK, K - k0);
        const float* Ak = A + size_t(k0) * lda;
        const float* Bk = TransB ? B + size_t(k0) * ldb : B + k0;
        const bool acc = accumulate || k0 > 0;
        for (int n0 = 0; n0 < N; n0 += kBlockN) {
            const int nc = std::min(kBlockN, N - n0);
            const float* Bkn = TransB ? Bk + n0 : Bk + size_t(n0) * ldb;
            float* Cn = C + size_t(n0) * ldc;
            pack_b<TransB>(kc, nc, Bkn, ldb, pb);
            // A copied when its columns are a multiple of 1 KB apart: a band's columns then
            // fall in at most 4 of L1's 64 sets.
            int m = lda % 256 == 0 ? bands<true>(M, nc, kc, Ak, lda, pb, Cn, ldc, acc)
                                   : bands<false>(M, nc, kc, Ak, lda, pb, Cn, ldc, acc);
            for (; m < M; ++m)  // rows left over (M not a multiple of 4): plain sums, same order in every build
                for (int n = 0; n < nc; ++n) {
                    float s = 0.0f;
                    for (int k = 0; k < kc; ++k) s += Ak[m + size_t(k) * lda] * b_at<TransB>(Bkn, ldb, k, n);
                    float& c = Cn[m + size_t(n) * ldc];
                    c = acc ? c + s : s;
                }
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

void gemm_nn_bias(int M, int N, int K, const float* A, int lda, const float* B, int ldb, const float* bias, float* C,
                  int ldc) {
    switch (K) {
        case 1: return small_k_bias<1>(M, N, A, lda, B, ldb, bias, C, ldc);
        case 2: return small_k_bias<2>(M, N, A, lda, B, ldb, bias, C, ldc);
        case 3: return small_k_bias<3>(M, N, A, lda, B, ldb, bias, C, ldc);
        case 4: return small_k_bias<4>(M, N, A, lda, B, ldb, bias, C, ldc);
    }
    gemm<false>(M, N, K, A, lda, B, ldb, C, ldc, false);
    for (int n = 0; n < N; ++n) {
        float* c = C + size_t(n) * ldc;
        simd::by_lanes(M, [&](int m, auto lane) {
            using F = decltype(lane);
            simd::store(c + m, simd::load<F>(c + m) + simd::load<F>(bias + m));
        });
    }
}

void gemm_nt(int M, int N, int K, const float* A, int lda, const float* B, int ldb, float* C, int ldc,
             bool accumulate) {
    gemm<true>(M, N, K, A, lda, B, ldb, C, ldc, accumulate);
}

}  // namespace attn
