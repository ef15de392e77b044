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

void gather(const float* samples, const int* rows, int B, Shape s, Mat& out) {
    const int T = s.steps(), F = s.features;
    out.resize(F, T * B);
    for (int b = 0; b < B; ++b) {
        const float* x = samples + size_t(rows[b]) * s.size();
        for (int t = 0; t < T; ++t)
            for (int f = 0; f < F; ++f) out(f, t * B + b) = x[t * F + f];
    }
}

void add_row_sums(const Mat& m, float* sums) {
    for (Eigen::Index j = 0; j < m.cols(); ++j) {
        const float* c = m.col(j).data();
        simd::by_lanes(int(m.rows()), [&](int i, auto lane) {
            using F = decltype(lane);
            simd::store(sums + i, simd::load<F>(sums + i) + simd::load<F>(c + i));
        });
    }
}

}  // namespace attn
