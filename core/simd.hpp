// 4-float vectors for the hand-written kernels (products, softmax, recurrent steps), with the
// elementwise functions they need. GCC/Clang vector extensions: SSE2 natively, SIMD128 in
// wasm. Every operation is one IEEE operation in either build (no FMA: -ffp-contract=off), so
// both builds give the same bits. Each function is a template over F = float or v4, so a
// kernel's scalar tail computes exactly what its vector body would.
// tests/core/simd.test.cpp checks the functions against the standard library. Why each
// function is written as it is: docs/performance.md; the bit-identity rules: docs/numerics.md.
#pragma once

#include <cstring>

#ifdef __wasm_simd128__
#include <wasm_simd128.h>
#else
#include <emmintrin.h>
#endif

namespace attn::simd {

typedef float v4 __attribute__((vector_size(16), aligned(4)));  // unaligned access allowed
typedef unsigned v4u __attribute__((vector_size(16), aligned(4)));

// The bits of F as unsigned integers (shifts and sums wrap, as defined behaviour).
template <class F> struct UintOf { typedef v4u type; };
template <> struct UintOf<float> { typedef unsigned type; };

template <class F> inline F load(const float* p) {
    F v;
    std::memcpy(&v, p, sizeof v);
    return v;
}
template <class F> inline void store(float* p, F v) { std::memcpy(p, &v, sizeof v); }
template <class F> inline F splat(float c) { return F{c, c, c, c}; }
template <> inline float splat<float>(float c) { return c; }

// f(i, v4{}) for i = 0, 4, ... while 4 elements remain, then f(i, 0.0f) for the rest: a
// kernel written once as a template over F covers its vector body and its scalar tail.
template <class Fn>
inline void by_lanes(int n, Fn&& f) {
    int i = 0;
    for (; i + 4 <= n; i += 4) f(i, v4{});
    for (; i < n; ++i) f(i, 0.0f);
}

// Two stages of work on each of `items` items of n lanes, software-pipelined: first(0, i, lane);
// then per item s, first(s + 1, i, lane) beside second(s, i, lane) in one pass over the lanes.
// second(s) may read what first(s) wrote. The recurrent cells (first: the gates, second: the
// state): each pass holds two independent dependency chains for the CPU to overlap, and
// Chromium's V8 runs a cell per sample slower than such a pair (Node's V8 does not; see
// docs/performance.md).
template <class First, class Second>
inline void pipelined(int items, int n, First&& first, Second&& second) {
    if (items <= 0) return;
    by_lanes(n, [&](int i, auto lane) { first(0, i, lane); });
    for (int s = 0; s + 1 < items; ++s)
        by_lanes(n, [&](int i, auto lane) {
            first(s + 1, i, lane);
            second(s, i, lane);
        });
    by_lanes(n, [&](int i, auto lane) { second(items - 1, i, lane); });
}

// The 4x4 block of rows a, b, c, d transposed in place (data movement only): afterwards a holds
// the first lanes of the four, b the second lanes, and so on.
inline void transpose4(v4& a, v4& b, v4& c, v4& d) {
    const v4 ab_lo = __builtin_shufflevector(a, b, 0, 4, 1, 5), ab_hi = __builtin_shufflevector(a, b, 2, 6, 3, 7);
    const v4 cd_lo = __builtin_shufflevector(c, d, 0, 4, 1, 5), cd_hi = __builtin_shufflevector(c, d, 2, 6, 3, 7);
    a = __builtin_shufflevector(ab_lo, cd_lo, 0, 1, 4, 5);
    b = __builtin_shufflevector(ab_lo, cd_lo, 2, 3, 6, 7);
    c = __builtin_shufflevector(ab_hi, cd_hi, 0, 1, 4, 5);
    d = __builtin_shufflevector(ab_hi, cd_hi, 2, 3, 6, 7);
}

// dst[0 .. n) = src[0 .. n), for short runs (Emscripten's memcpy is a call and a byte loop).
inline void copy(float* dst, const float* src, int n) {
    by_lanes(n, [&](int i, auto lane) { store(dst + i, load<decltype(lane)>(src + i)); });
}

// min(x, c) = c < x ? c : x and max(x, c) = x < c ? c : x, lane-wise; a NaN in x is kept.
// In wasm through pmin/pmax (one minps/maxps each): clang turns the plain comparison into
// f32x4.min/max, whose NaN and -0 rules cost V8 about eight instructions.
inline float min(float x, float c) { return c < x ? c : x; }
inline float max(float x, float c) { return x < c ? c : x; }
#ifdef __wasm_simd128__
inline v4 min(v4 x, v4 c) { return v4(wasm_f32x4_pmin(v128_t(x), v128_t(c))); }
inline v4 max(v4 x, v4 c) { return v4(wasm_f32x4_pmax(v128_t(x), v128_t(c))); }
#else
inline v4 min(v4 x, v4 c) { return v4(_mm_min_ps(__m128(c), __m128(x))); }
inline v4 max(v4 x, v4 c) { return v4(_mm_max_ps(__m128(c), __m128(x))); }
#endif
inline v4 min(v4 x, float c) { return min(x, splat<v4>(c)); }
inline v4 max(v4 x, float c) { return max(x, splat<v4>(c)); }

template <class F> inline typename UintOf<F>::type bits(F x) {
    typename UintOf<F>::type i;
    std::memcpy(&i, &x, sizeof i);
    return i;
}
template <class F> inline F from_bits(typename UintOf<F>::type i) {
    F x;
    std::memcpy(&x, &i, sizeof x);
    return x;
}

// e^x, Cephes' expf: x = n ln2 + r, e^r by a polynomial, 2^n through the exponent bits.
// ~1 ulp; x is clamped to [-87.3, 88] (e^x stays a normal float). n = round(x log2 e) comes
// from adding 1.5 * 2^23, which leaves n in the low mantissa bits: no float/int conversion
// (Emscripten emulates SSE's, and V8 spends several instructions on wasm's saturating one).
template <class F>
inline F exp(F x) {
    x = max(min(x, 88.0f), -87.3365448f);
    const float magic = 12582912.0f;              // 1.5 * 2^23
    const F fn = x * 1.44269504088896341f + magic;
    const F n = fn - magic;                       // round(x log2 e), as a float
    x = x - n * 0.693359375f - n * -2.12194440e-4f;  // r = x - n ln2, in two parts
    F y = splat<F>(1.9875691500e-4f);
    y = y * x + 1.3981999507e-3f;
    y = y * x + 8.3334519073e-3f;
    y = y * x + 4.1665795894e-2f;
    y = y * x + 1.6666665459e-1f;
    y = y * x + 5.0000001201e-1f;
    y = y * (x * x) + x + 1.0f;
    return y * from_bits<F>((bits(fn) << 23) + (127u << 23));  // times 2^n: n's bits into the exponent
}

// tanh(x) = x P(x^2) / Q(x^2), P and Q of degree 4 in x^2 with P(0) = Q(0) = 1: a near-minimax
// fit of the relative error on [0, 9] (2e-8 in exact arithmetic; within 4e-7 of tanh in float).
// x is clamped to +-C, the largest input where the result is exactly +-1 and below which
// it never exceeds 1. Two Horner steps and two constants fewer than Eigen's degree-13/6
// rational, so LSTMs and GRUs train faster (docs/performance.md). Derived by
// scripts/fit-tanh.py.
template <class F>
inline F tanh(F x) {
    x = max(min(x, 8.158201217651367f), -8.158201217651367f);
    const F x2 = x * x;
    F p = x2 * 1.3417870370346918e-08f + 2.0659907022491097e-05f;
    p = x2 * p + 0.003498916979879141f;
    p = x2 * p + 0.13383914530277252f;
    p = x2 * p + 1.0f;
    p = x * p;
    F q = x2 * 7.80394429966691e-07f + 0.0003290906606707722f;
    q = x2 * q + 0.025889910757541656f;
    q = x2 * q + 0.4671723544597626f;
    q = x2 * q + 1.0f;
    return p / q;
}

// sigmoid(x) = 1 / (1 + e^-x), accurate in relative terms everywhere, small p included (a
// confident output layer's p, which binary cross-entropy divides by). With e = e^-|x| <= 1,
// q = e / (1 + e) = sigmoid(-|x|) to a few ulp; sigmoid(x) is q for x < 0 and 1 - q
// otherwise, picked by x's sign bit. 1 - q rounds once, so the result is exactly 1 only where
// sigmoid(x) rounds to 1 in float (x >= 17.33; 1 / (1 + e) would round 1 + e first and reach
// 1 from 16.64). Within 1.8e-7 of sigmoid, relative, down to x = -87.3, below which exp's
// clamp gives about 1.2e-38 instead of smaller values; 1/2 at +-0; a NaN stays NaN.
// Dense's sigmoid activation (the models' output layer) uses it.
template <class F>
inline F logistic(F x) {
    using U = typename UintOf<F>::type;
    const U xb = bits(x);
    const F e = exp(from_bits<F>(xb | 0x80000000u));  // e^-|x|: x with its sign bit set
    const F q = e / (1.0f + e);                        // sigmoid(-|x|)
    const U neg = 0u - (xb >> 31);                     // all ones where x's sign bit is set
    return from_bits<F>((bits(q) & neg) | (bits(F(1.0f - q)) & ~neg));
}

// The recurrent cells' gates: sigmoid(x) = 1/2 + tanh(x/2)/2, no exp. Accurate to ~6e-8
// absolute (like Eigen's and so TensorFlow's rational sigmoid), not relative for x << 0: it
// returns 0 from -16.3. A gate's value only scales and is scaled (c = f c + i g,
// h = o tanh(c), and its derivative g (1 - g)), so its absolute error is what reaches the
// cell's outputs and gradients; nothing divides by it. It costs fewer operations than
// logistic's exp and select, which the cells run three times (LSTM) or twice (GRU) per unit
// and step: logistic there added 2-2.5% to a training batch's instructions
// (docs/numerics.md).
template <class F>
inline F gate_logistic(F x) {
    return 0.5f * tanh(0.5f * x) + 0.5f;
}

}  // namespace attn::simd
