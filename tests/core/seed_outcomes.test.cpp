// The seed's results, asserted: where the trained attention peaks. Tagged [slow] (seconds each).
// Recurrent runs use 30000 samples instead of 300000 (1 epoch, otherwise the seed's settings):
// measured over 8 seeds, the "before" models peak at step 10 in every run either way.
#include <catch2/catch.hpp>
#include <algorithm>
#include <cmath>
#include <numeric>

#include "trainer.hpp"

using namespace attn;

namespace {
// Attention averaged over the held-out batch and, for per-dimension attention, over dimensions.
std::vector<float> per_position(const Tensor& a) {
    const int positions = a.shape[0], dims = a.shape.size() > 1 ? a.shape[1] : 1;
    std::vector<float> v(size_t(positions), 0.0f);
    for (int p = 0; p < positions; ++p)
        for (int d = 0; d < dims; ++d) v[size_t(p)] += a.data[size_t(p) * dims + d] / float(dims);
    return v;
}
int argmax(const std::vector<float>& v) { return int(std::max_element(v.begin(), v.end()) - v.begin()); }

// Every attention row of every held-out sample sums to one.
void check_rows_sum_to_one(Trainer& t) {
    const bool rec = t.config().recurrent();
    const Tensor a = t.activations(rec ? "attention_vec" : "attention_probs");
    const int n = a.shape[0], T = rec ? a.shape[1] : a.shape[1], F = rec ? a.shape[2] : 1;
    double worst = 0;
    for (int b = 0; b < n; ++b)
        for (int f = 0; f < F; ++f) {
            double s = 0;
            for (int k = 0; k < T; ++k) s += a.data[(size_t(b) * T + k) * F + f];
            worst = std::max(worst, std::abs(s - 1.0));
        }
    CHECK(worst < 1e-5);
}

Trainer trained(const std::string& preset, bool single, uint32_t seed = 1) {
    Config c = defaults_for(preset);
    c.samples = 30000;
    c.single_attention_vector = single;
    c.seed = seed;
    Trainer t(c);
    REQUIRE(t.train(c.epochs).status == Status::done);
    return t;
}
}  // namespace

TEST_CASE("dense, the seed's settings: attention peaks at index 1", "[slow][seed]") {
    Trainer t(defaults_for("dense"));  // N 10000, 20 epochs, batch 64, validation 0.5, 1000 test samples
    const Metrics m = t.train(20);
    REQUIRE(m.status == Status::done);
    const Tensor a = t.attention();
    REQUIRE(a.shape == std::vector<int>{32});
    INFO("attention at 1: " << a.data[1] << ", val_acc " << m.val.metric);
    CHECK(argmax(a.data) == 1);
    CHECK(a.data[1] >= 0.25f);  // other implementations reach 0.28-0.29
    CHECK(m.val.metric >= 0.99f);
    CHECK(t.history().train.front().loss > 2 * t.history().train.back().loss);
    check_rows_sum_to_one(t);
}

TEST_CASE("lstm_before and gru_before: a sharp spike at step 10", "[slow][seed]") {
    for (const char* preset : {"lstm_before", "gru_before"})
        for (bool single : {false, true}) {
            INFO(preset << " single_attention_vector " << single);
            Trainer t = trained(preset, single);
            const Tensor a = t.attention();
            CHECK(a.shape == (single ? std::vector<int>{20} : std::vector<int>{20, 2}));
            const auto v = per_position(a);
            CHECK(argmax(v) == 10);
            std::vector<float> others = v;
            others.erase(others.begin() + 10);
            CHECK(v[10] > 3 * *std::max_element(others.begin(), others.end()));
            CHECK(t.metrics().val.metric > 0.85f);
            check_rows_sum_to_one(t);
        }
}

TEST_CASE("lstm_after: attention over the LSTM's outputs peaks at step 10", "[slow][seed]") {
    // Blurrier than "before": every output from step 10 on carries the target, so some seeds
    // settle one or two steps later in per-dimension mode (2 of 8 measured); seed 1 does not.
    for (bool single : {false, true}) {
        INFO("single_attention_vector " << single);
        Trainer t = trained("lstm_after", single);
        const Tensor a = t.attention();
        CHECK(a.shape == (single ? std::vector<int>{20} : std::vector<int>{20, 32}));
        const auto v = per_position(a);
        CHECK(argmax(v) == 10);
        CHECK(t.metrics().val.metric > 0.95f);
        check_rows_sum_to_one(t);
    }
}

TEST_CASE("gru_after: attention lands on step 10 or the step right after it", "[slow][seed]") {
    // A GRU's output at step 11 carries the target as well as step 10's does; over 8 seeds
    // the peak is at 10 in about half the runs and at 11 in the others, at every size tried
    // (30000, 100000, 300000 samples). What always holds: nothing before step 10 (where the
    // target cannot be known yet) draws attention, and steps 10-11 hold most of it.
    for (uint32_t seed : {1u, 2u}) {
        INFO("seed " << seed);
        Trainer t = trained("gru_after", false, seed);
        const auto v = per_position(t.attention());
        const int peak = argmax(v);
        CHECK((peak == 10 || peak == 11));
        CHECK(v[10] + v[11] > 0.5f);
        for (int k = 0; k < 10; ++k) CHECK(v[size_t(k)] < 1.5f / 20);
        CHECK(t.metrics().val.metric > 0.95f);
        check_rows_sum_to_one(t);
    }
}

// The later tasks at sizes the tests can afford (the presets' models, smaller: LSTM(32) and
// Attention(32)). Measured over seeds 1-8 (native, the numbers below); two seeds run here.

TEST_CASE("find_max: the attention peaks on the largest value far more often than chance", "[slow][seed]") {
    // 8000 samples, 8 epochs, T = 10. Over 8 seeds: hit rate 0.58-0.76 (chance 0.1); attention
    // on target 0.12-0.19 (uniform 0.1); val MAE 0.041-0.061. The peak finds the max, but the
    // mass stays spread: the LSTM carries the running max in its own state (the same model
    // without attention reaches the same MAE, 0.042-0.055 over seeds 1-3), so the loss never
    // asks the attention to concentrate.
    for (uint32_t seed : {1u, 2u}) {
        Config c = defaults_for("find_max");
        c.samples = 8000;
        c.epochs = 8;
        c.units = 32;
        c.attention_units = 32;
        c.seed = seed;
        INFO("seed " << seed);
        Trainer t(c);
        const Metrics m = t.train(c.epochs);
        REQUIRE(m.status == Status::done);
        INFO("val: mae " << m.val.metric << ", on target " << m.val.attention_on_target << ", hit rate "
                         << m.val.hit_rate);
        CHECK(m.val.hit_rate > 0.45f);
        CHECK(m.val.attention_on_target > 0.11f);
        CHECK(m.val.metric < 0.08f);  // predicting the mean would give 0.25
        CHECK(t.history().val.back().hit_rate > 3 * t.history().val.front().hit_rate / 2);
    }
}

TEST_CASE("add_two_numbers: the attention lands on the two summands", "[slow][seed]") {
    // 20000 samples, 6 epochs, T = 10, learning rate 0.003 (the seed's 0.001 needs more epochs:
    // its full run, 20000 samples and LSTM(100), reaches on-target 0.83 at epoch 4). Over 8
    // seeds: attention on target 0.942-0.949 (uniform 0.2), hit rate 0.991-0.999, val MAE
    // 0.048-0.064. Without attention the same LSTM reaches only MAE 0.20 (seeds 1-2).
    for (uint32_t seed : {1u, 2u}) {
        Config c = defaults_for("add_two_numbers");
        c.samples = 20000;
        c.epochs = 6;
        c.time_steps = 10;
        c.units = 32;
        c.attention_units = 32;
        c.learning_rate = 0.003;
        c.seed = seed;
        INFO("seed " << seed);
        Trainer t(c);
        const Metrics m = t.train(c.epochs);
        REQUIRE(m.status == Status::done);
        INFO("val: mae " << m.val.metric << ", on target " << m.val.attention_on_target << ", hit rate "
                         << m.val.hit_rate);
        CHECK(m.val.attention_on_target > 0.85f);
        CHECK(m.val.hit_rate > 0.95f);
        CHECK(m.val.metric < 0.1f);
        // The held-out maps put their peak on a summand (at a 0.99 hit rate, 11 or 12 of 12).
        const AttentionMaps maps = t.attention_maps(12);
        int on_summand = 0;
        for (int b = 0; b < 12; ++b) {
            const float* a = maps.attention.data.data() + size_t(b) * 10;
            const int peak = int(std::max_element(a, a + 10) - a);
            on_summand += maps.mask.data[size_t(b) * 10 + peak] == 1.0f;
        }
        CHECK(on_summand >= 11);
    }
}
