#include "activation.hpp"

#include "simd.hpp"

namespace attn {

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

void softmax_columns(Mat& z) {
    // Per column: subtract its max (so exp never overflows), exp, divide by the sum. Max and
    // sum are plain loops in order: the same bits in every build.
    const Eigen::Index R = z.rows(), R4 = R - R % 4;
    for (Eigen::Index j = 0; j < z.cols(); ++j) {
        float* c = z.col(j).data();
        float mx = c[0];
        for (Eigen::Index i = 1; i < R; ++i) mx = c[i] > mx ? c[i] : mx;
        for (Eigen::Index i = 0; i < R4; i += 4) simd::store(c + i, simd::exp(simd::load<simd::v4>(c + i) - mx));
        for (Eigen::Index i = R4; i < R; ++i) c[i] = simd::exp(c[i] - mx);
        float sum = 0.0f;
        for (Eigen::Index i = 0; i < R; ++i) sum += c[i];
        for (Eigen::Index i = 0; i < R; ++i) c[i] /= sum;
    }
}

namespace {
// softmax_rows for V groups of 4 rows at z, z + 4, ... (F = simd::v4), or one row (F = float,
// V = 1): V independent max / sum chains per column, so the pipeline overlaps them (the
// panels and their size: docs/performance.md).
template <class F, int V = 1>
inline void softmax_row(float* z, int C, int ld, const float* bias) {
    using simd::load;
    using simd::store;
    constexpr int W = sizeof(F) / sizeof(float);
    F mx[V], sum[V];
    for (int v = 0; v < V; ++v) {
        mx[v] = load<F>(z + W * v) + bias[0];
        store(z + W * v, mx[v]);
        sum[v] = simd::splat<F>(0.0f);
    }
    for (int c = 1; c < C; ++c)
        for (int v = 0; v < V; ++v) {
            float* p = z + size_t(c) * ld + W * v;
            const F x = load<F>(p) + bias[c];
            store(p, x);
            mx[v] = simd::max(mx[v], x);
        }
    for (int c = 0; c < C; ++c)
        for (int v = 0; v < V; ++v) {
            float* p = z + size_t(c) * ld + W * v;
            const F e = simd::exp(load<F>(p) - mx[v]);
            store(p, e);
            sum[v] = sum[v] + e;
        }
    F inv[V];  // one division per row instead of one per entry
    for (int v = 0; v < V; ++v) inv[v] = 1.0f / sum[v];
    for (int c = 0; c < C; ++c)
        for (int v = 0; v < V; ++v) {
            float* p = z + size_t(c) * ld + W * v;
            store(p, load<F>(p) * inv[v]);
        }
}

template <class F>
inline void softmax_row_backward(const float* y, float* d, int C, int ld) {
    using simd::load;
    using simd::store;
    F dot = simd::splat<F>(0.0f);
    for (int c = 0; c < C; ++c) dot = dot + load<F>(d + size_t(c) * ld) * load<F>(y + size_t(c) * ld);
    for (int c = 0; c < C; ++c)
        store(d + size_t(c) * ld, load<F>(y + size_t(c) * ld) * (load<F>(d + size_t(c) * ld) - dot));
}

// Rows r0 .. r0+n of an R x C block with leading dimension ld <-> a contiguous n x C panel.
void to_panel(const float* m, int ld, int C, int n, float* panel) {
    for (int c = 0; c < C; ++c) simd::copy(panel + size_t(c) * n, m + size_t(c) * ld, n);
}
void from_panel(const float* panel, int C, int n, float* m, int ld) {
    for (int c = 0; c < C; ++c) simd::copy(m + size_t(c) * ld, panel + size_t(c) * n, n);
}
}  // namespace

void softmax_rows(float* z, int R, int C, int ld, const float* bias, float* scratch) {
    int r = 0;
    for (; r + kSoftmaxPanelRows <= R; r += kSoftmaxPanelRows) {
        to_panel(z + r, ld, C, kSoftmaxPanelRows, scratch);
        softmax_row<simd::v4, kSoftmaxPanelRows / 4>(scratch, C, kSoftmaxPanelRows, bias);
        from_panel(scratch, C, kSoftmaxPanelRows, z + r, ld);
    }
    simd::by_lanes(R - r, [&](int i, auto lane) { softmax_row<decltype(lane)>(z + r + i, C, ld, bias); });
}

void softmax_rows_backward(const float* y, float* d, int R, int C, int ld, float* scratch) {
    const int n = kSoftmaxPanelRows;
    float *py = scratch, *pd = scratch + size_t(n) * C;
    int r = 0;
    for (; r + n <= R; r += n) {
        to_panel(y + r, ld, C, n, py);
        to_panel(d + r, ld, C, n, pd);
        for (int q = 0; q < n; q += 4) softmax_row_backward<simd::v4>(py + q, pd + q, C, n);
        from_panel(pd, C, n, d + r, ld);
    }
    simd::by_lanes(R - r, [&](int i, auto lane) { softmax_row_backward<decltype(lane)>(y + r + i, d + r + i, C, ld); });
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
        case Activation::sigmoid: {  // simd::logistic: accurate for small p too (numerics.md)
            float* p = z.data();
            simd::by_lanes(int(z.size()), [&](int i, auto lane) {
                simd::store(p + i, simd::logistic(simd::load<decltype(lane)>(p + i)));
            });
            break;
        }
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
