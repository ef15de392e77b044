// Small matrix products for the recurrent layers' per-step products (128x32 times 32x64 and
// the like), their weight gradients and the 3-D attention, where Eigen's general kernel
// spends much of its time packing and, in wasm, runs its SSE2 code through emulation.
// Column-major, any sizes and leading dimensions:
//   gemm_nn:  C (M x N) = A (M x K) * B (K x N)       accumulate: C += A * B
//   gemm_nt:  C (M x N) = A (M x K) * B^T, B (N x K)  (weight gradients: dW += dZ X^T)
// Each C entry is summed over k in order in 4-float vectors (rows in lanes), then added to C,
// per block of 64 k (cache reuse over long sums): the same IEEE operations natively (SSE2)
// and in wasm (SIMD128), so the same bits.
// tests/core/gemm.test.cpp checks it against plain loops. The design (tiles, packed panels,
// blocks) and how it was measured: docs/performance.md.
#pragma once

namespace attn {

void gemm_nn(int M, int N, int K, const float* A, int lda, const float* B, int ldb, float* C, int ldc,
             bool accumulate);

void gemm_nt(int M, int N, int K, const float* A, int lda, const float* B, int ldb, float* C, int ldc,
             bool accumulate);

//   gemm_nn_bias:  C (M x N) = A (M x K) * B (K x N) + bias, bias (M) added to every column after
//             the sum (the recurrent layers' input products Wx x_t + b; for K <= 4 in one pass).
void gemm_nn_bias(int M, int N, int K, const float* A, int lda, const float* B, int ldb, const float* bias, float* C,
                  int ldc);

//   gemm_tn:  C (M x N) += A^T B, A (K x M), B (K x N)   (dot products over a long k: the
//             3-D attention's dW = dZ^T X over every series). Always accumulates. Each entry
//             sums k in 4 interleaved partial sums (lanes), adds them as (l0 + l1) + (l2 + l3),
//             then the k % 4 remaining products in order.
void gemm_tn(int M, int N, int K, const float* A, int lda, const float* B, int ldb, float* C, int ldc);

// The same through Eigen blocks / maps (any object with data() and outerStride()).
template <class MA, class MB, class MC>
void gemm_nn(const MA& A, const MB& B, MC&& C, bool accumulate) {
    gemm_nn(int(C.rows()), int(C.cols()), int(A.cols()), A.data(), int(A.outerStride()), B.data(),
            int(B.outerStride()), C.data(), int(C.outerStride()), accumulate);
}
template <class MA, class MB, class MC>
void gemm_nn_bias(const MA& A, const MB& B, const float* bias, MC&& C) {
    gemm_nn_bias(int(C.rows()), int(C.cols()), int(A.cols()), A.data(), int(A.outerStride()), B.data(),
                 int(B.outerStride()), bias, C.data(), int(C.outerStride()));
}
template <class MA, class MB, class MC>
void gemm_nt(const MA& A, const MB& B, MC&& C, bool accumulate) {
    gemm_nt(int(C.rows()), int(C.cols()), int(A.cols()), A.data(), int(A.outerStride()), B.data(),
            int(B.outerStride()), C.data(), int(C.outerStride()), accumulate);
}

}  // namespace attn
