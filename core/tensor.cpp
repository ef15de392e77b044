#include "tensor.hpp"

#include "simd.hpp"

namespace attn {

std::string Shape::keras() const {
    if (is_sequence()) return "(None, " + std::to_string(time) + ", " + std::to_string(features) + ")";
    return "(None, " + std::to_string(features) + ")";
}

Tensor to_tensor(const Mat& m, Shape s, int batch) {
    Tensor t;
    t.shape = s.is_sequence() ? std::vector<int>{batch, s.time, s.features}
                              : std::vector<int>{batch, s.features};
    t.data.resize(size_t(batch) * s.size());
    const int T = s.steps(), F = s.features;
    for (int b = 0; b < batch; ++b)
        for (int step = 0; step < T; ++step)
            for (int f = 0; f < F; ++f)
                t.data[(size_t(b) * T + step) * F + f] = m(f, step * batch + b);
    return t;
}

namespace {
volatile float touch_sink;
}

void gather(const float* samples, const int* rows, int B, Shape s, Mat& out) {
    const int T = s.steps(), F = s.features;
    out.resize(F, T * B);
    // The batch's samples sit at random places in a data set of megabytes: first one load per
    // 64-byte line of each, independent of each other, so that their cache misses overlap (the
    // copy below keeps only about one sample's in flight; see docs/performance.md).
    float touched = 0.0f;
    for (int b = 0; b < B; ++b) {
        const float* x = samples + size_t(rows[b]) * s.size();
        for (int i = 0; i < s.size(); i += 16) touched += x[i];
        touched += x[s.size() - 1];
    }
    touch_sink = touched;
    for (int b = 0; b < B; ++b) {
        const float* x = samples + size_t(rows[b]) * s.size();
        for (int t = 0; t < T; ++t)
            for (int f = 0; f < F; ++f) out(f, t * B + b) = x[t * F + f];
    }
}

namespace {
// sums[0 .. V*W) += the columns' entries, column after column, in V registers of W floats.
template <class F, int V = 1>
inline void add_row_sums(const float* m, int ld, int cols, float* sums) {
    constexpr int W = sizeof(F) / sizeof(float);
    F acc[V];
    for (int v = 0; v < V; ++v) acc[v] = simd::load<F>(sums + W * v);
    for (int j = 0; j < cols; ++j)
        for (int v = 0; v < V; ++v) acc[v] = acc[v] + simd::load<F>(m + size_t(j) * ld + W * v);
    for (int v = 0; v < V; ++v) simd::store(sums + W * v, acc[v]);
}
}  // namespace

void add_row_sums(const Mat& m, float* sums) {
    const int R = int(m.rows()), N = int(m.cols());
    int i = 0;
    for (; i + 16 <= R; i += 16) add_row_sums<simd::v4, 4>(m.data() + i, R, N, sums + i);
    simd::by_lanes(R - i, [&](int r, auto lane) { add_row_sums<decltype(lane)>(m.data() + i + r, R, N, sums + i + r); });
}

}  // namespace attn
