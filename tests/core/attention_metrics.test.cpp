// The attention metrics (attention on target, hit rate) and the per-sample maps: their values
// against an independent computation from the maps, their shapes per model, the ground truth
// each task's data carries, and the task generators themselves.
#include <catch2/catch.hpp>

#include <cmath>
#include <numeric>
#include <set>
#include <vector>

#include "preset.hpp"
#include "task.hpp"
#include "trainer.hpp"

using namespace attn;

namespace {

Config small_metrics(const char* preset) {
    Config c = defaults_for(preset);
    c.samples = 512;
    c.batch_size = 32;
    c.test_samples = 40;
    c.validation_split = 0.25;
    c.epochs = 50;
    if (c.recurrent()) c.units = 8;
    c.attention_units = 6;
    if (c.task == "answer_in_sequence") {
        c.time_steps = 9;
        c.attention_column = 4;
    }
    return c;
}

// Attention on target and hit rate of maps (averaged over features), computed here.
Scores from_maps(const AttentionMaps& m) {
    const int n = m.attention.shape[0], P = m.attention.shape[1];
    const int F = m.attention.shape.size() > 2 ? m.attention.shape[2] : 1;
    double on = 0, hits = 0;
    for (int b = 0; b < n; ++b) {
        std::vector<double> a(static_cast<size_t>(P), 0.0);
        for (int p = 0; p < P; ++p)
            for (int f = 0; f < F; ++f) a[size_t(p)] += m.attention.data[(size_t(b) * P + p) * F + f] / F;
        int peak = 0;
        for (int p = 0; p < P; ++p) {
            if (m.mask.data[size_t(b) * P + p] != 0.0f) on += a[size_t(p)];
            if (a[size_t(p)] > a[size_t(peak)]) peak = p;
        }
        hits += m.mask.data[size_t(b) * P + peak];
    }
    Scores s;
    s.attention_on_target = float(on / n);
    s.hit_rate = float(hits / n);
    return s;
}

}  // namespace

TEST_CASE("attention metrics: evaluate() agrees with a computation from the maps", "[metrics]") {
    for (const char* preset : {"dense", "lstm_after", "lstm_before", "gru_after", "find_max", "add_two_numbers"}) {
        for (bool single : {false, true}) {
            Config c = small_metrics(preset);
            c.single_attention_vector = single;
            INFO(preset << ", single " << single);
            Trainer t(c);
            t.step(12);  // some training, so the attention is not uniform
            const AttentionMaps maps = t.attention_maps(c.test_samples);
            const Scores want = from_maps(maps);
            const Scores got = t.evaluate(t.test_inputs(), t.test_targets(), &maps.mask);
            CHECK(got.attention_on_target == Approx(want.attention_on_target).epsilon(1e-5));
            CHECK(got.hit_rate == Approx(want.hit_rate).epsilon(1e-6));
            CHECK(got.hit_rate >= 0.0f);
            CHECK(got.hit_rate <= 1.0f);
            // Without a mask, evaluate has no ground truth to compare with.
            CHECK(std::isnan(t.evaluate(t.test_inputs(), t.test_targets()).attention_on_target));
        }
    }
}

TEST_CASE("attention metrics: uniform attention scores the ground truth's share", "[metrics]") {
    // Zero attention weights (and biases) give the softmax's uniform 1/P everywhere: attention
    // on target is then (positions in the mask) / P exactly, and the peak is position 0.
    for (const char* preset : {"dense", "lstm_before", "find_max", "add_two_numbers"}) {
        Config c = small_metrics(preset);
        INFO(preset);
        Trainer t(c);
        auto w = t.weights();
        for (auto& x : w)
            if (x.name.rfind("attention_probs", 0) == 0 || x.name.rfind("luong_w", 0) == 0 ||
                x.name.rfind("bahdanau_v", 0) == 0)
                std::fill(x.data.begin(), x.data.end(), 0.0f);
        t.set_weights(w);
        const AttentionMaps maps = t.attention_maps(c.test_samples);
        const int P = maps.mask.shape[1];
        const float targets = std::string(preset) == "add_two_numbers" ? 2.0f : 1.0f;
        const Scores s = t.evaluate(t.test_inputs(), t.test_targets(), &maps.mask);
        CHECK(s.attention_on_target == Approx(targets / float(P)).epsilon(1e-5));
    }
}

TEST_CASE("attention metrics: reported for training, validation and the recent window", "[metrics]") {
    Trainer t(small_metrics("find_max"));
    Metrics m = t.step(3);
    CHECK(std::isfinite(m.train.attention_on_target));
    CHECK(std::isfinite(m.recent.hit_rate));
    CHECK(std::isnan(m.val.attention_on_target));  // no validation yet
    m = t.train(1);
    CHECK(std::isfinite(m.val.attention_on_target));
    CHECK(std::isfinite(m.val.hit_rate));
    REQUIRE(t.history().val.size() == 1);
    CHECK(t.history().val[0].hit_rate == m.val.hit_rate);
    CHECK(t.history().train[0].attention_on_target == m.train.attention_on_target);
    // The noise task has no ground truth.
    Config c = small_metrics("attention_example");
    c.samples = 100;
    c.validation_split = 0.2;
    Trainer n(c);
    m = n.train(1);
    CHECK(std::isfinite(m.val.loss));
    CHECK(std::isnan(m.val.attention_on_target));
    CHECK(n.attention_maps(3).mask.shape.empty());
}

TEST_CASE("attention maps: shapes per model, the first n held-out samples, the ground truth", "[metrics]") {
    struct Case {
        const char* preset;
        bool single;
        std::vector<int> shape;  // for n = 5
    };
    const Case cases[] = {
        {"dense", false, {5, 32}},       {"lstm_before", false, {5, 9, 2}}, {"lstm_before", true, {5, 9}},
        {"gru_after", false, {5, 9, 8}}, {"find_max", false, {5, 10}},     {"add_two_numbers", false, {5, 20}},
    };
    for (const auto& k : cases) {
        Config c = small_metrics(k.preset);
        c.single_attention_vector = k.single;
        INFO(k.preset << ", single " << k.single);
        Trainer t(c);
        const AttentionMaps m = t.attention_maps(5);
        CHECK(m.attention.shape == k.shape);
        const int P = k.shape[1];
        CHECK(m.mask.shape == std::vector<int>{5, P});
        // The first samples of the whole held-out batch's attention, in order.
        const AttentionMaps all = t.attention_maps(c.test_samples);
        CHECK(std::equal(m.attention.data.begin(), m.attention.data.end(), all.attention.data.begin()));
        // Each sample's attention is a distribution over positions (per feature).
        const int F = k.shape.size() > 2 ? k.shape[2] : 1;
        for (int b = 0; b < 5; ++b)
            for (int f = 0; f < F; ++f) {
                double s = 0;
                for (int p = 0; p < P; ++p) s += m.attention.data[(size_t(b) * P + p) * F + f];
                CHECK(std::abs(s - 1.0) < 1e-5);
            }
        // The mask marks where the task put the answer.
        const Tensor x = t.test_inputs(), y = t.test_targets();
        for (int b = 0; b < 5; ++b) {
            std::vector<int> marked;
            for (int p = 0; p < P; ++p)
                if (m.mask.data[size_t(b) * P + p] != 0.0f) marked.push_back(p);
            if (c.task == "answer_in_vector" || c.task == "answer_in_sequence") {
                CHECK(marked == std::vector<int>{c.attention_column});
            } else if (c.task == "find_max") {  // the step of the largest value, which is y
                REQUIRE(marked.size() == 1);
                CHECK(x.data[size_t(b) * P + marked[0]] == y.data[size_t(b)]);
            } else {  // the two summands
                REQUIRE(marked.size() == 2);
                CHECK(x.data[size_t(b) * P + marked[0]] + x.data[size_t(b) * P + marked[1]] == y.data[size_t(b)]);
            }
        }
    }
    Trainer t(small_metrics("find_max"));
    for (int n : {0, -1, 41}) {
        INFO("n " << n);
        try {
            t.attention_maps(n);
            FAIL("accepted n " << n);
        } catch (const ConfigError& e) {
            CHECK(e.field == "n");
            CHECK_THAT(e.what(), Catch::Matchers::Contains("[1, 40]"));
        }
    }
}

TEST_CASE("find_max: Beta(1/10, 1) values whose max is uniform, the target the max", "[data]") {
    Rng r(5, Stream::data);
    const int n = 20000, T = 10;
    const Dataset d = find_max(n, T, r);
    REQUIRE(d.x.size() == size_t(n) * T);
    REQUIRE(d.positions == T);
    double mean_x = 0, mean_y = 0;
    int below_half = 0;
    std::vector<int> argmax_counts(T, 0);
    for (int i = 0; i < n; ++i) {
        const float* x = d.x.data() + size_t(i) * T;
        const int at = int(std::max_element(x, x + T) - x);
        CHECK(d.y[size_t(i)] == x[at]);
        CHECK(d.mask_of(i)[at] == 1);
        CHECK(std::accumulate(d.mask_of(i), d.mask_of(i) + T, 0) == 1);
        ++argmax_counts[size_t(at)];
        for (int k = 0; k < T; ++k) mean_x += x[k];
        mean_y += d.y[size_t(i)];
        below_half += d.y[size_t(i)] < 0.5f;
    }
    CHECK(mean_x / (double(n) * T) == Approx(1.0 / 11.0).margin(0.005));  // Beta(a, 1) has mean a/(a+1)
    CHECK(mean_y / n == Approx(0.5).margin(0.01));                         // max of 10 is U(0, 1)
    CHECK(double(below_half) / n == Approx(0.5).margin(0.015));
    for (int c : argmax_counts) CHECK(c == Approx(n / T).epsilon(0.1));      // the max is anywhere
}

TEST_CASE("add_two_numbers: two summands after delimiters, never overwritten, the target their sum", "[data]") {
    Rng r(6, Stream::data);
    const int n = 20000, T = 6;
    const Dataset d = add_two_numbers(n, T, r);
    std::set<std::pair<int, int>> pairs;
    for (int i = 0; i < n; ++i) {
        const float* x = d.x.data() + size_t(i) * T;
        std::vector<int> at;
        for (int p = 0; p < T; ++p)
            if (d.mask_of(i)[p]) at.push_back(p);
        REQUIRE(at.size() == 2);
        const int a = at[0], b = at[1];
        CHECK(a >= 1);
        CHECK(b - a >= 2);              // so neither delimiter is the other summand
        CHECK(x[a - 1] == 0.0f);         // each preceded by a delimiter
        CHECK(x[b - 1] == 0.0f);
        CHECK(x[a] > 0.0f);              // and neither summand overwritten by one
        CHECK(x[b] > 0.0f);
        CHECK(d.y[size_t(i)] == x[a] + x[b]);  // the sum
        pairs.insert({a, b});
    }
    // T = 6: summands at 1..5, at least 2 apart: (1,3) (1,4) (1,5) (2,4) (2,5) (3,5), all drawn.
    CHECK(pairs.size() == 6);
}
