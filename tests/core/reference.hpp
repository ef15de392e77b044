// What the layers' plain-loop references (reference.test.cpp) share with the layer tests: the
// error measure a layer is held to, and inputs and weights drawn so that nothing saturates.
#pragma once

#include <algorithm>
#include <cmath>

#include "gradcheck.hpp"
#include "many_to_one.hpp"

namespace attn::test {

inline const char* score_name(Score s) { return s == Score::luong ? "luong" : "bahdanau"; }

// Largest |got - want| over a tensor, and largest |want|: the references hold a tensor's
// error to a tolerance relative to its largest value, not entry by entry (an entry that is a
// sum cancelling to near 0 keeps the float sum's absolute error).
struct Err {
    double err = 0, scale = 0;
    void add(double got, double want) {
        err = std::max(err, std::abs(got - want));
        scale = std::max(scale, std::abs(want));
    }
};

// Values as an RNN's hidden states are: uniform in (-1, 1).
inline Mat uniform_mat(int rows, int cols, Rng& rng) {
    Mat m(rows, cols);
    for (Eigen::Index i = 0; i < m.size(); ++i) m.data()[i] = rng.uniform(-1.0f, 1.0f);
    return m;
}

// Sample b of a (F, T*B) batch (step t of sample b in column t*B + b) as a (F, T) matrix in
// double.
inline Eigen::MatrixXd sample_of(const Mat& m, int T, int B, int b) {
    Eigen::MatrixXd s(m.rows(), T);
    for (int t = 0; t < T; ++t) s.col(t) = m.col(t * B + b).cast<double>();
    return s;
}

// ManyToOneAttention's weights, sized so that, for inputs of unit variance, the scores and the
// output's pre-activation have a standard deviation of about one: neither the softmax nor the
// tanh saturates, so the gradients stay well above float rounding. Luong's score h_t W h_s
// sums D^2 products (scale 1/D); Bahdanau's W1, W2, v and the output's Wc sum D or 2D
// (1/sqrt).
inline void randomize_many_to_one(ParamStore& ps, Rng& rng, int D) {
    for (const auto& p : ps.list()) {
        const bool luong = p.name.rfind("luong_w", 0) == 0, out = p.name.rfind("attention_vector", 0) == 0;
        const float scale = luong ? 1.0f / float(D) : 1.0f / std::sqrt(float(out ? 2 * D : D));
        float* w = ps.values().data() + p.offset;
        for (long i = 0; i < long(p.rows) * p.cols; ++i) w[i] = scale * float(rng.normal());
    }
}

}  // namespace attn::test
