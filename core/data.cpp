#include "data.hpp"

namespace attn {

namespace {
// Draw x then y, as NumPy does in the seed, then write the target into x.
Dataset draw(int n, int time, int dim, Rng& rng) {
    Dataset d;
    d.n = n;
    d.time = time;
    d.dim = dim;
    d.x.resize(size_t(n) * d.sample_size());
    d.y.resize(size_t(n));
    for (float& v : d.x) v = float(rng.normal());
    for (float& v : d.y) v = float(rng.below(2));
    return d;
}
}  // namespace

Dataset get_data(int n, int input_dim, int attention_column, Rng& rng) {
    Dataset d = draw(n, 0, input_dim, rng);
    for (int i = 0; i < n; ++i) d.x[size_t(i) * input_dim + attention_column] = d.y[i];
    return d;
}

Dataset get_data_recurrent(int n, int time_steps, int input_dim, int attention_column, Rng& rng) {
    Dataset d = draw(n, time_steps, input_dim, rng);
    for (int i = 0; i < n; ++i)
        for (int k = 0; k < input_dim; ++k)
            d.x[(size_t(i) * time_steps + attention_column) * input_dim + k] = d.y[i];
    return d;
}

}  // namespace attn
