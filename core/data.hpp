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
// The token tasks (self-attention): x (n, T, 1) holds token ids 0 .. V-1 as floats, y (n, T)
// the target token of every step (outputs = T), and the mask (n, T, T) one alignment per
// output step: mask[t][s] = 1 where query step t should attend to position s (s <= t); a row
// of zeros where the step has no ideal pattern. Each draws a sequence s of T + 1 tokens and
// takes x = s[0, T), y = s[1, T] (next-token prediction), except previous_token:
//   previous_token(n, T, V): x uniform tokens; y_t = x_{t-1} (y_0 = x_0); row t >= 1: s = t-1
//   induction(n, T, V):      a prefix p of L uniform tokens, L uniform in
//                            [max(2, ceil(M/2)), M] with M = (T+1)/2, then p again:
//                            s_i = p_{i mod L}; row t >= L (the token seen before, at t-L):
//                            s = t-L+1, the token after that previous occurrence
//   sort_tokens(n, T, V):    m = T/2 tokens a uniform in 0 .. V-2, the separator V-1, then a
//                            sorted (then separators, if T is odd); row t for the sorted
//                            part's tokens (y_t = b_k, k = t-m < m): every i < m with a_i = b_k
// The translation tasks (seq2seq): x (n, Ts, 1) the source's ids, y (n, Tt) the target's, the
// mask (n, Tt, Ts): row t the source positions output t comes from. Id 0 is the start and
// padding token; id i >= 1 the character kSymbols[i-1] (kDateAlphabet[i-1] for dates).
//   reverse_sequence(n, Ts, V): x uniform in 1 .. V-1; y_t = x_{Ts-1-t}; row t: s = Ts-1-t
//   sort_digits(n, Ts, V):      x uniform in 1 .. V-1; y = x sorted; row t: every s with x_s = y_t
//   date_conversion(n, Ts):     a date uniform over 1950-01-01 .. 2049-12-31 (Gregorian), in one
//                               of five formats chosen uniformly, left-padded with 0 to Ts
//                               (>= kLongestDate); y its ISO form YYYY-MM-DD (kIsoDateLength).
//                               Row t: the source digits output digit t copies (a month
//                               name's three letters for both month digits); none for "-".
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "rng.hpp"

namespace attn {

constexpr char kSymbols[] = "0123456789abcdefghijklmnopqrstuvwxyz";      // reverse, sort_digits
constexpr char kDateAlphabet[] = "0123456789-/., ABCDEFGJLMNOPRSTUVY";  // date: digits, marks, month letters
constexpr int kLongestDate = 12;    // "SEP 07, 2017"
constexpr int kIsoDateLength = 10;  // "2017-09-07"

struct Dataset {
    int n = 0, time = 0, dim = 0;  // time == 0: vectors
    int positions = 0;             // mask entries per sample: time, or dim for vectors; 0: no ground truth
    std::vector<float> x;          // n * max(time,1) * dim
    int outputs = 1;               // targets per sample: T for the token tasks, else 1
    std::vector<float> y;          // n * outputs
    std::vector<uint8_t> mask;     // n * positions: sample i's at [i*positions, (i+1)*positions)
    int sample_size() const { return (time > 0 ? time : 1) * dim; }
    const uint8_t* mask_of(int i) const { return mask.data() + size_t(i) * positions; }
};

Dataset get_data(int n, int input_dim, int attention_column, Rng& rng);
Dataset get_data_recurrent(int n, int time_steps, int input_dim, int attention_column, Rng& rng);
Dataset find_max(int n, int time_steps, Rng& rng);
Dataset add_two_numbers(int n, int time_steps, Rng& rng);
Dataset noise(int n, int time_steps, int input_dim, Rng& rng);
Dataset previous_token(int n, int time_steps, int vocab, Rng& rng);
Dataset induction(int n, int time_steps, int vocab, Rng& rng);
Dataset sort_tokens(int n, int time_steps, int vocab, Rng& rng);
Dataset reverse_sequence(int n, int time_steps, int vocab, Rng& rng);
Dataset sort_digits(int n, int time_steps, int vocab, Rng& rng);
Dataset date_conversion(int n, int time_steps, Rng& rng);

}  // namespace attn
