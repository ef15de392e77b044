// The seed's toy data, drawn from the project's Rng.
//   get_data(n, D, col):             x (n, D) ~ N(0, 1), y (n) in {0, 1}; x[:, col] = y
//   get_data_recurrent(n, T, D, col): x (n, T, D) ~ N(0, 1), y in {0, 1}; x[:, col, :] = y
// x is stored sample after sample in Keras's row-major order; y one value per sample.
#pragma once

#include <cstddef>
#include <vector>

#include "rng.hpp"

namespace attn {

struct Dataset {
    int n = 0, time = 0, dim = 0;  // time == 0: vectors
    std::vector<float> x;          // n * max(time,1) * dim
    std::vector<float> y;          // n
    int sample_size() const { return (time > 0 ? time : 1) * dim; }
};

Dataset get_data(int n, int input_dim, int attention_column, Rng& rng);
Dataset get_data_recurrent(int n, int time_steps, int input_dim, int attention_column, Rng& rng);

}  // namespace attn
