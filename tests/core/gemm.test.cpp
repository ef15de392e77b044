// The hand-written product against plain loops in double, for every remainder case (rows,
// columns, and blocks of 64 along k and along the columns).
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>

#include "gemm.hpp"
#include "gradcheck.hpp"

using namespace attn;

namespace {
// The largest |C - (C0 + sum_k a(m, k) b(k, n))| over the M x N block, summed in double,
// divided by `scale`; without `accumulate`, C0 counts as zero.
template <class EntryA, class EntryB>
double worst_error(int M, int N, int K, const Mat& C0, bool accumulate, const Mat& C, EntryA a, EntryB b,
                   double scale = 1.0) {
    double worst = 0;
    for (int m = 0; m < M; ++m)
        for (int n = 0; n < N; ++n) {
            double want = accumulate ? double(C0(m, n)) : 0.0;
            for (int k = 0; k < K; ++k) want += double(a(m, k)) * double(b(k, n));
            worst = std::max(worst, std::abs(want - double(C(m, n))) / scale);
        }
    return worst;
}
}  // namespace

TEST_CASE("gemm_nn matches plain loops, with and without accumulation", "[gemm]") {
    Rng rng(17, Stream::data);
    for (int M : {1, 3, 4, 8, 12, 20, 33, 128})
        for (int N : {1, 3, 4, 7, 64, 130})
            for (int K : {1, 2, 4, 5, 32, 70}) {
                INFO("M " << M << " N " << N << " K " << K);
                // Blocks of larger matrices: leading dimensions differ from the sizes.
                const Mat A = test::random_mat(M + 3, K, rng), B = test::random_mat(K + 2, N, rng);
                Mat C = test::random_mat(M + 5, N, rng);
                const Mat C0 = C;
                for (bool acc : {false, true}) {
                    C = C0;
                    gemm_nn(A.topRows(M), B.topRows(K), C.topRows(M), acc);
                    CHECK(worst_error(M, N, K, C0, acc, C, [&](int m, int k) { return A(m, k); },
                                      [&](int k, int n) { return B(k, n); }) < 1e-4);
                    CHECK(C.bottomRows(5) == C0.bottomRows(5));  // nothing outside the block
                }
            }
}

TEST_CASE("gemm_nn_bias matches plain loops plus the bias", "[gemm]") {
    Rng rng(20, Stream::data);
    for (int M : {1, 3, 4, 20, 96})
        for (int N : {1, 5, 64})
            for (int K : {1, 2, 3, 4, 5, 32}) {  // one pass up to 4, the packed product after
                INFO("M " << M << " N " << N << " K " << K);
                const Mat A = test::random_mat(M + 3, K, rng), B = test::random_mat(K + 2, N, rng);
                const Mat bias = test::random_mat(M, 1, rng);
                Mat C = test::random_mat(M + 5, N, rng);
                const Mat C0 = C;
                gemm_nn_bias(A.topRows(M), B.topRows(K), bias.data(), C.topRows(M));
                CHECK(worst_error(M, N, K + 1, C0, false, C, [&](int m, int k) { return k < K ? A(m, k) : bias(m, 0); },
                                  [&](int k, int n) { return k < K ? B(k, n) : 1.0f; }) < 1e-4);
                CHECK(C.bottomRows(5) == C0.bottomRows(5));
            }
}

TEST_CASE("gemm_nt matches plain loops", "[gemm]") {
    Rng rng(18, Stream::data);
    for (int M : {1, 4, 9, 20, 128})
        for (int N : {1, 2, 5, 32, 71})
            for (int K : {1, 3, 64, 1216}) {
                INFO("M " << M << " N " << N << " K " << K);
                const Mat A = test::random_mat(M + 3, K, rng), B = test::random_mat(N + 2, K, rng);
                const Mat C0 = test::random_mat(M, N, rng);
                Mat C = C0;
                gemm_nt(A.topRows(M), B.topRows(N), C, true);
                CHECK(worst_error(M, N, K, C0, true, C, [&](int m, int k) { return A(m, k); },
                                  [&](int k, int n) { return B(n, k); }, 1.0 + std::sqrt(double(K))) < 1e-4);
            }
}

TEST_CASE("gemm_nn and gemm_nt give the same bits with A copied (lda a multiple of 256) or read in place",
          "[gemm]") {
    Rng rng(21, Stream::data);
    for (int M : {4, 8, 16, 20, 32, 96})
        for (int N : {1, 4, 16, 37})
            for (int K : {1, 3, 16, 64, 70}) {
                INFO("M " << M << " N " << N << " K " << K);
                const Mat A = test::random_mat(M + 3, K, rng);
                Mat A_far = Mat::Zero(512, K);  // columns 2 KB apart: the copied path
                A_far.topRows(M + 3) = A;
                const Mat B = test::random_mat(K + 2, N, rng), Bt = test::random_mat(N + 2, K, rng);
                const Mat C0 = test::random_mat(M, N, rng);
                for (bool acc : {false, true}) {
                    Mat C = C0, C_far = C0;
                    gemm_nn(A.topRows(M), B.topRows(K), C, acc);
                    gemm_nn(A_far.topRows(M), B.topRows(K), C_far, acc);
                    CHECK(C == C_far);
                    CHECK(worst_error(M, N, K, C0, acc, C, [&](int m, int k) { return A(m, k); },
                                      [&](int k, int n) { return B(k, n); }) < 1e-4);
                    C = C0, C_far = C0;
                    gemm_nt(A.topRows(M), Bt.topRows(N), C, acc);
                    gemm_nt(A_far.topRows(M), Bt.topRows(N), C_far, acc);
                    CHECK(C == C_far);
                    CHECK(worst_error(M, N, K, C0, acc, C, [&](int m, int k) { return A(m, k); },
                                      [&](int k, int n) { return Bt(n, k); }) < 1e-4);
                }
            }
}

TEST_CASE("gemm_tn matches plain loops", "[gemm]") {
    Rng rng(19, Stream::data);
    for (int M : {1, 2, 3, 20})
        for (int N : {1, 3, 4, 20})
            for (int K : {1, 3, 4, 7, 128, 2048}) {
                INFO("M " << M << " N " << N << " K " << K);
                const Mat A = test::random_mat(K + 3, M, rng), B = test::random_mat(K + 1, N, rng);
                Mat C = test::random_mat(M + 2, N, rng);
                const Mat C0 = C;
                gemm_tn(M, N, K, A.data(), int(A.rows()), B.data(), int(B.rows()), C.data(), int(C.rows()));
                CHECK(worst_error(M, N, K, C0, true, C, [&](int m, int k) { return A(k, m); },
                                  [&](int k, int n) { return B(k, n); }, 1.0 + std::sqrt(double(K))) < 1e-4);
                CHECK(C.bottomRows(2) == C0.bottomRows(2));  // nothing outside M x N
            }
}
