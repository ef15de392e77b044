// Single-thread wasm SIMD128 peak: how many f32 FLOP/s one core can retire through f32x4
// multiply + add (wasm SIMD128 has no fused multiply-add; a*b+c is two instructions, 2 FLOPs
// per lane). Built by bench/run.mjs (bench/peak/build.sh):
//   em++ -O3 -msimd128 --no-entry -sSTANDALONE_WASM ... -o build/bench/peak.wasm
// and timed from JS (Node and a Chromium worker) with performance.now().
//
// gemm_MRxNR(reps): the inner loop of a register-blocked matrix product, the best case for a
//   GEMM: an MR x NR block of C lives in registers (MR/4 * NR f32x4 accumulators); each k loads
//   MR/4 vectors of a packed A panel and broadcasts NR values of a packed B panel. The panels
//   (K = 256) stay in L1. FLOPs per call: reps * K * MR * NR * 2.
// chains(reps): 12 independent register-only chains acc = acc * m + c (no loads). FLOPs per
//   call: reps * 12 * 4 * 2 * kChainInner.
#include <wasm_simd128.h>

namespace {
constexpr int K = 256;
alignas(16) float A[K * 8];
alignas(16) float B[K * 8];
alignas(16) float C[8 * 8];
constexpr int kChainInner = 256;
template <int NR>
float gemm8(int reps) {
    v128_t c[NR][2];
    for (int j = 0; j < NR; ++j) c[j][0] = c[j][1] = wasm_f32x4_splat(0.0f);
    for (int r = 0; r < reps; ++r) {
        const float* a = A;
        const float* b = B;
        for (int k = 0; k < K; ++k, a += 8, b += NR) {
            const v128_t a0 = wasm_v128_load(a), a1 = wasm_v128_load(a + 4);
#pragma clang loop unroll(full)
            for (int j = 0; j < NR; ++j) {
                const v128_t bj = wasm_v128_load32_splat(b + j);
                c[j][0] = wasm_f32x4_add(c[j][0], wasm_f32x4_mul(a0, bj));
                c[j][1] = wasm_f32x4_add(c[j][1], wasm_f32x4_mul(a1, bj));
            }
        }
    }
    v128_t s = wasm_f32x4_splat(0.0f);
    for (int j = 0; j < NR; ++j) s = wasm_f32x4_add(s, wasm_f32x4_add(c[j][0], c[j][1]));
    wasm_v128_store(C, s);
    return C[0] + C[1] + C[2] + C[3];
}

}  // namespace

extern "C" {

__attribute__((export_name("init"))) void init() {
    for (int i = 0; i < K * 8; ++i) {
        A[i] = 1.0f + float(i % 7) * 1e-7f;
        B[i] = 1e-7f * float(i % 5);
    }
    for (int i = 0; i < 64; ++i) C[i] = 0.0f;
}

__attribute__((export_name("gemm_8x4"))) float gemm_8x4(int reps) { return gemm8<4>(reps); }
__attribute__((export_name("gemm_8x6"))) float gemm_8x6(int reps) { return gemm8<6>(reps); }

__attribute__((export_name("chains"))) float chains(int reps) {
    const v128_t m = wasm_v128_load(A), add = wasm_v128_load(B + 4);
    v128_t c[12];
    for (int j = 0; j < 12; ++j) c[j] = wasm_v128_load(A + 4 * j);
    for (int r = 0; r < reps; ++r) {
        for (int i = 0; i < kChainInner; ++i) {
#pragma clang loop unroll(full)
            for (int j = 0; j < 12; ++j) c[j] = wasm_f32x4_add(wasm_f32x4_mul(c[j], m), add);
        }
    }
    v128_t s = c[0];
    for (int j = 1; j < 12; ++j) s = wasm_f32x4_add(s, c[j]);
    wasm_v128_store(C, s);
    return C[0] + C[1] + C[2] + C[3];
}

// FLOPs of one rep of each kernel (for the JS side).
__attribute__((export_name("flops_per_rep_gemm_8x4"))) double flops_per_rep_gemm_8x4() { return double(K) * 8 * 4 * 2; }
__attribute__((export_name("flops_per_rep_gemm_8x6"))) double flops_per_rep_gemm_8x6() { return double(K) * 8 * 6 * 2; }
__attribute__((export_name("flops_per_rep_chains"))) double flops_per_rep_chains() { return double(kChainInner) * 12 * 4 * 2; }
}
