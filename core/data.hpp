// The tasks' data, drawn from the project's Rng. Every generator fills a Dataset: x sample
// after sample in Keras's row-major order, y one target per sample, and the ground truth of
// where the answer sits: a 0/1 mask over each sample's positions (its time steps, or a
// vector's entries), 1 where the task wants the attention.
//   get_data(n, D, col):              x (n, D) ~ N(0, 1), y in {0, 1}; x[:, col] = y
//   get_data_recurrent(n, T, D, col): x (n, T, D) ~ N(0, 1), y in {0, 1}; x[:, col, :] = y
//   find_max(n, T):                   x (n, T, 1) ~ Beta(1/10, 1) (max ~ U(0, 1)); y = max over t
//   add_two_numbers(n, T):            x (n, T, 1) ~ U(0, 1); two steps a < b, 1 <= a, b - a >= 2,
//                                     each preceded by a delimiter 0; y = x[a] + x[b] (the sum)
//   noise(n, T, D):                   x ~ U(0, 1), y ~ U(0, 1): nothing to learn, no ground truth
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "rng.hpp"

namespace attn {

struct Dataset {
    int n = 0, time = 0, dim = 0;  // time == 0: vectors
    int positions = 0;             // mask entries per sample: time, or dim for vectors; 0: no ground truth
    std::vector<float> x;          // n * max(time,1) * dim
    std::vector<float> y;          // n
    std::vector<uint8_t> mask;     // n * positions: sample i's at [i*positions, (i+1)*positions)
    int sample_size() const { return (time > 0 ? time : 1) * dim; }
    const uint8_t* mask_of(int i) const { return mask.data() + size_t(i) * positions; }
};

Dataset get_data(int n, int input_dim, int attention_column, Rng& rng);
Dataset get_data_recurrent(int n, int time_steps, int input_dim, int attention_column, Rng& rng);
Dataset find_max(int n, int time_steps, Rng& rng);
Dataset add_two_numbers(int n, int time_steps, Rng& rng);
Dataset noise(int n, int time_steps, int input_dim, Rng& rng);

}  // namespace attn
