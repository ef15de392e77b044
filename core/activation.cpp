#include "activation.hpp"

#include <cstring>
#include <stdexcept>

namespace attn {

Activation parse_activation(const std::string& n) {
    if (n == "linear") return Activation::linear;
    if (n == "relu") return Activation::relu;
    if (n == "tanh") return Activation::tanh;
    if (n == "sigmoid") return Activation::sigmoid;
    if (n == "softmax") return Activation::softmax;
    throw std::invalid_argument("activation: unknown activation '" + n +
                                "' (expected linear, relu, tanh, sigmoid or softmax)");
}

const char* activation_name(Activation a) {
    switch (a) {
        case Activation::linear: return "linear";
        case Activation::relu: return "relu";
        case Activation::tanh: return "tanh";
        case Activation::sigmoid: return "sigmoid";
        case Activation::softmax: return "softmax";
    }
    return "?";
}

namespace {
// exp for the softmax, Cephes' expf in 4-float vectors: x = n ln2 + r, e^r by a polynomial,
// 2^n through the exponent bits. Eigen's vectorised exp converts float to int through
// _mm_cvttps_epi32, which Emscripten emulates with a libm call per lane; here the
// conversion is __builtin_convertvector (one instruction in either build, same result).
// Accurate to ~1 ulp on [-88, 88]; the argument is x - max <= 0, so no overflow.
typedef float v4 __attribute__((vector_size(16), aligned(4)));
typedef int v4i __attribute__((vector_size(16), aligned(4)));

// Scalar and vector versions of the three conversions exp needs (truncation toward zero,
// int to float, and 2^n from the exponent bits).
template <class I, class F> inline I truncate(F x) { return __builtin_convertvector(x, I); }
template <> inline int truncate<int, float>(float x) { return int(x); }
template <class F, class I> inline F convert(I n) { return __builtin_convertvector(n, F); }
template <> inline float convert<float, int>(int n) { return float(n); }
template <class F> inline F splat(float c) { return F{c, c, c, c}; }
template <> inline float splat<float>(float c) { return c; }
template <class F, class I> inline F pow2(I n) {
    const I bits = (n + 127) << 23;
    F f;
    std::memcpy(&f, &bits, sizeof f);
    return f;
}

template <class F, class I>
inline F exp_cephes(F x) {
    const F lo = splat<F>(-87.3365448f);         // e^lo is the smallest normal float
    x = x < lo ? lo : x;                          // (per lane for vectors)
    F fx = x * 1.44269504088896341f + 0.5f;       // n = floor(x log2(e) + 1/2)
    F t = convert<F, I>(truncate<I, F>(fx));
    t = t > fx ? t - 1.0f : t;
    x = x - t * 0.693359375f - t * -2.12194440e-4f;  // r = x - n ln2, in two parts
    F y = splat<F>(1.9875691500e-4f);
    y = y * x + 1.3981999507e-3f;
    y = y * x + 8.3334519073e-3f;
    y = y * x + 4.1665795894e-2f;
    y = y * x + 1.6666665459e-1f;
    y = y * x + 5.0000001201e-1f;
    y = y * (x * x) + x + 1.0f;
    return y * pow2<F, I>(truncate<I, F>(t));    // times 2^n
}
}  // namespace

void softmax_columns(Mat& z) {
    // Per column: subtract its max (so exp never overflows), exp, divide by the sum. Max and
    // sum are plain loops in order: the same bits in every build.
    const Eigen::Index R = z.rows(), R4 = R - R % 4;
    for (Eigen::Index j = 0; j < z.cols(); ++j) {
        float* c = z.col(j).data();
        float mx = c[0];
        for (Eigen::Index i = 1; i < R; ++i) mx = c[i] > mx ? c[i] : mx;
        for (Eigen::Index i = 0; i < R4; i += 4) {
            v4 v;
            std::memcpy(&v, c + i, sizeof v);
            v = exp_cephes<v4, v4i>(v - mx);
            std::memcpy(c + i, &v, sizeof v);
        }
        for (Eigen::Index i = R4; i < R; ++i) c[i] = exp_cephes<float, int>(c[i] - mx);
        float sum = 0.0f;
        for (Eigen::Index i = 0; i < R; ++i) sum += c[i];
        for (Eigen::Index i = 0; i < R; ++i) c[i] /= sum;
    }
}

void softmax_columns_backward(const Mat& y, const Mat& dy, Mat& dz) {
    // dz_i = y_i (dy_i - sum_j dy_j y_j), per column.
    for (Eigen::Index j = 0; j < y.cols(); ++j) {
        const float dot = y.col(j).dot(dy.col(j));
        dz.col(j).array() = y.col(j).array() * (dy.col(j).array() - dot);
    }
}

void activation_forward(Activation a, Mat& z) {
    switch (a) {
        case Activation::linear: break;
        case Activation::relu: z = z.cwiseMax(0.0f); break;
        case Activation::tanh: z.array() = z.array().tanh(); break;
        case Activation::sigmoid: z.array() = z.array().logistic(); break;
        case Activation::softmax: softmax_columns(z); break;
    }
}

void activation_backward(Activation a, const Mat& y, const Mat& dy, Mat& dz) {
    switch (a) {
        case Activation::linear: dz = dy; break;
        case Activation::relu: dz.array() = (y.array() > 0.0f).select(dy.array(), 0.0f); break;
        case Activation::tanh: dz.array() = dy.array() * (1.0f - y.array().square()); break;
        case Activation::sigmoid: dz.array() = dy.array() * y.array() * (1.0f - y.array()); break;
        case Activation::softmax: softmax_columns_backward(y, dy, dz); break;
    }
}

}  // namespace attn
