// Bringing your own data (Keras's fit, train_on_batch, evaluate): the arrays are checked and
// refused naming the argument and the index, train_on_batch is one optimizer step on exactly
// those samples, set_data trains on them, and reset keeps them.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <limits>

#include "preset.hpp"
#include "trainer.hpp"
#include "expect.hpp"

using namespace attn;
using attn::test::config_error;

namespace {

Config small_own(const char* preset) {
    Config c = defaults_for(preset);
    c.samples = 256;
    c.batch_size = 32;
    c.test_samples = 16;
    c.validation_split = 0.25;
    c.epochs = 3;
    if (c.recurrent()) c.units = 8;
    c.attention_units = 6;
    return c;
}

// The first n samples of another seed's held-out batch, as the caller's arrays.
struct Arrays {
    Tensor x, y, mask;
};
Arrays arrays(const char* preset, int n, uint32_t seed = 99) {
    Config c = small_own(preset);
    c.test_samples = n;
    c.seed = seed;
    Trainer t(c);
    const AttentionMaps m = t.attention_maps(n);
    return {t.test_inputs(), t.test_targets(), m.mask};
}

bool same(const std::vector<Weight>& a, const std::vector<Weight>& b) {
    for (size_t i = 0; i < a.size(); ++i)
        if (a[i].data.size() != b[i].data.size() ||
            std::memcmp(a[i].data.data(), b[i].data.data(), a[i].data.size() * sizeof(float)) != 0)
            return false;
    return a.size() == b.size();
}

}  // namespace

TEST_CASE("own data: train_on_batch is one step on exactly those samples", "[own_data]") {
    for (const char* preset : {"dense", "lstm_after", "find_max"}) {
        INFO(preset);
        Trainer t(small_own(preset));
        const Arrays d = arrays(preset, 24);
        const Scores before = t.evaluate(d.x, d.y, &d.mask);
        const auto w0 = t.weights();
        // Without dropout, the training forward equals inference: the batch's scores before
        // the step are evaluate's.
        const Scores s = t.train_on_batch(d.x, d.y, &d.mask);
        CHECK(s.loss == before.loss);
        CHECK(s.metric == before.metric);
        CHECK(s.attention_on_target == before.attention_on_target);
        CHECK_FALSE(same(t.weights(), w0));
        CHECK(t.metrics().step == 1);
        for (int k = 0; k < 20; ++k) t.train_on_batch(d.x, d.y);
        CHECK(t.evaluate(d.x, d.y).loss < before.loss);  // it learns those samples
        // The same steps on another trainer of the same seed give the same weights.
        Trainer u(small_own(preset));
        u.train_on_batch(d.x, d.y, &d.mask);
        for (int k = 0; k < 20; ++k) u.train_on_batch(d.x, d.y);
        CHECK(same(u.weights(), t.weights()));
    }
}

TEST_CASE("own data: set_data trains and validates on the caller's samples", "[own_data]") {
    Config c = small_own("find_max");
    Trainer t(c);
    t.step(5);
    const auto w = t.weights();
    const Arrays d = arrays("find_max", 200);
    t.set_data(d.x, d.y, &d.mask);
    CHECK(t.config().samples == 200);
    CHECK(t.metrics().step == 0);
    CHECK(t.history().train.empty());
    CHECK(same(t.weights(), w));  // the weights are kept
    // The held-out batch is the first validation samples: 200 * 0.25 = 50 held out, from 150.
    const Tensor test = t.test_inputs();
    REQUIRE(test.shape == std::vector<int>{16, 10, 1});
    CHECK(std::memcmp(test.data.data(), d.x.data.data() + 150 * 10, 16 * 10 * sizeof(float)) == 0);
    const Metrics m = t.train(2);
    CHECK(m.epoch == 2);
    CHECK(m.step == 2 * 5);  // ceil(150 / 32)
    CHECK(std::isfinite(m.val.attention_on_target));
    // reset() replays the run on the same samples (fresh weights from the seed).
    t.reset();
    CHECK(t.config().samples == 200);
    CHECK(std::memcmp(t.test_inputs().data.data(), test.data.data(), test.data.size() * sizeof(float)) == 0);
    // Without a mask there are no attention metrics.
    t.set_data(d.x, d.y);
    CHECK(std::isnan(t.train(1).val.attention_on_target));
}

TEST_CASE("own data: bad arrays are refused naming the argument and the index", "[own_data]") {
    Trainer t(small_own("lstm_after"));
    const auto w = t.weights();
    const Arrays d = arrays("lstm_after", 40);
    const float nan = std::numeric_limits<float>::quiet_NaN();
    struct Case {
        const char* field;
        const char* words;
        void (*spoil)(Arrays&, float);
    };
    const Case cases[] = {
        {"x", "expected shape (n, 20, 2)", [](Arrays& a, float) { a.x.shape = {40, 2, 20}; }},
        {"x", "holds", [](Arrays& a, float) { a.x.data.pop_back(); }},
        {"x.data[17]", "finite", [](Arrays& a, float v) { a.x.data[17] = v; }},
        {"y", "one target per sample", [](Arrays& a, float) { a.y.shape = {39, 1}; }},
        {"y.data[3]", "finite", [](Arrays& a, float v) { a.y.data[3] = v; }},
        {"y.data[5]", "targets 0 or 1 (got 0.5", [](Arrays& a, float) { a.y.data[5] = 0.5f; }},
        {"mask", "expected shape (40, 20)", [](Arrays& a, float) { a.mask.shape = {40, 19}; }},
        {"mask.data[2]", "expected 0 or 1 (got 2", [](Arrays& a, float) { a.mask.data[2] = 2.0f; }},
    };
    for (const auto& k : cases) {
        Arrays bad = d;
        k.spoil(bad, nan);
        INFO(k.field);
        for (int call = 0; call < 3; ++call) {
            const ConfigError e = config_error([&] {
                if (call == 0) t.set_data(bad.x, bad.y, &bad.mask);
                else if (call == 1) t.train_on_batch(bad.x, bad.y, &bad.mask);
                else t.evaluate(bad.x, bad.y, &bad.mask);
            });
            CHECK(e.field == k.field);
            CHECK_THAT(e.what(), Catch::Matchers::StartsWith(std::string(k.field) + ": ") &&
                                     Catch::Matchers::Contains(k.words));
        }
    }
    CHECK(same(t.weights(), w));  // nothing changed
    CHECK(t.config().samples == 256);
    // Too few samples for the batch size after the split.
    Arrays few = arrays("lstm_after", 20);
    CHECK(config_error([&] { t.set_data(few.x, few.y); }).field == "batch_size");
}
