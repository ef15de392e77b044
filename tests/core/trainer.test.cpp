// Trainer: determinism, Keras fit() loop semantics, model structure, attention, activations,
// weights and divergence. Every config here is small, so each case runs in well under a
// second natively.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "preset.hpp"
#include "task.hpp"
#include "trainer.hpp"
#include "expect.hpp"

using attn::Config;
using attn::ConfigError;
using attn::Status;
using attn::Tensor;
using attn::Trainer;
using attn::Weight;
using attn::test::config_error;

namespace {

const char* const kRecurrent[] = {"lstm_after", "lstm_before", "gru_after", "gru_before"};
const char* const kAll[] = {"dense", "lstm_after", "lstm_before", "gru_after", "gru_before"};

// Dense: 512 samples, half validation -> 256 training samples = 8 batches of 32.
Config small_dense() {
    Config c = attn::defaults_for("dense");
    c.samples = 512;
    c.batch_size = 32;
    c.units = 16;
    c.test_samples = 64;
    c.epochs = 20;
    return c;
}

// Recurrent: T = 8, D = 2, H = 6 (all distinct where it matters, so a transposed shape
// cannot pass), 256 samples with split 0.1 -> 230 training samples = 8 batches (7 x 32 + 6).
Config small_rec(const std::string& preset, bool single = false) {
    Config c = attn::defaults_for(preset);
    c.samples = 256;
    c.time_steps = 8;
    c.attention_column = 3;
    c.units = 6;
    c.batch_size = 32;
    c.test_samples = 64;
    c.epochs = 10;
    c.single_attention_vector = single;
    return c;
}

Config small(const std::string& preset) { return preset == "dense" ? small_dense() : small_rec(preset); }

bool bit_equal(const std::vector<float>& a, const std::vector<float>& b) {
    return a.size() == b.size() && (a.empty() || std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0);
}

bool same_weights(const std::vector<Weight>& a, const std::vector<Weight>& b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i)
        if (a[i].name != b[i].name || a[i].shape != b[i].shape || !bit_equal(a[i].data, b[i].data)) return false;
    return true;
}

bool all_finite(const std::vector<Weight>& w) {
    for (const auto& x : w)
        for (float v : x.data)
            if (!std::isfinite(v)) return false;
    return true;
}

const Weight& find_weight(const std::vector<Weight>& w, const std::string& name) {
    for (const auto& x : w)
        if (x.name == name) return x;
    FAIL("no weight named " << name);
    return w.front();
}

std::vector<float> loss_sequence(Trainer& t, int steps) {
    std::vector<float> out;
    for (int i = 0; i < steps; ++i) {
        t.step(1);
        out.push_back(t.metrics().train.loss);
    }
    return out;
}

long long product(const std::vector<int>& s) {
    long long p = 1;
    for (int v : s) p *= v;
    return p;
}

int row_index(const std::vector<attn::SummaryRow>& rows, const std::string& name) {
    for (size_t i = 0; i < rows.size(); ++i)
        if (rows[i].name == name) return int(i);
    return -1;
}

const attn::SummaryRow& row(const std::vector<attn::SummaryRow>& rows, const std::string& name) {
    const int i = row_index(rows, name);
    REQUIRE(i >= 0);
    return rows[size_t(i)];
}

// "(None, 8, 2)" for a tensor of shape {n, 8, 2}.
std::string keras_shape(const std::vector<int>& shape) {
    std::string s = "(None";
    for (size_t i = 1; i < shape.size(); ++i) s += ", " + std::to_string(shape[i]);
    return s + ")";
}

}  // namespace

// ---- determinism ----------------------------------------------------------------------

TEST_CASE("trainer: same config and seed give bit-identical weights", "[trainer][determinism]") {
    for (const char* p : kAll) {
        for (float dropout : {0.0f, 0.3f}) {
            Config c = small(p);
            c.dropout = dropout;
            INFO("preset " << p << ", dropout " << dropout);
            Trainer a(c), b(c);
            REQUIRE(same_weights(a.weights(), b.weights()));
            a.step(30);
            b.step(30);
            REQUIRE(a.metrics().step == 30);
            CHECK(same_weights(a.weights(), b.weights()));
            CHECK(std::memcmp(&a.metrics().train.loss, &b.metrics().train.loss, sizeof(float)) == 0);
            // Training actually moved the weights.
            CHECK_FALSE(same_weights(a.weights(), Trainer(c).weights()));
        }
    }
}

TEST_CASE("trainer: reading activations, attention and predictions does not perturb training",
          "[trainer][determinism]") {
    for (const char* p : {"dense", "lstm_after", "gru_before"}) {
        Config c = small(p);
        c.dropout = 0.3f;  // dropout draws from the run's stream: inference must not
        INFO("preset " << p);
        Trainer a(c), b(c);
        a.step(30);
        for (int i = 0; i < 30; ++i) {
            b.step(1);
            b.attention();
            b.activations("output");
            const Tensor x = b.test_inputs();
            b.predict(x);
        }
        CHECK(same_weights(a.weights(), b.weights()));
    }
}

TEST_CASE("trainer: different seeds give different data and weights", "[trainer][determinism]") {
    for (const char* p : kAll) {
        INFO("preset " << p);
        Config c = small(p);
        Config d = c;
        d.seed = c.seed + 1;
        Trainer a(c), b(d);
        CHECK_FALSE(same_weights(a.weights(), b.weights()));
        CHECK_FALSE(bit_equal(a.test_inputs().data, b.test_inputs().data));
        a.step(10);
        b.step(10);
        CHECK_FALSE(same_weights(a.weights(), b.weights()));
    }
}

TEST_CASE("trainer: reset() replays exactly the same run", "[trainer][determinism]") {
    for (const char* p : {"dense", "lstm_before", "gru_after"}) {
        Config c = small(p);
        c.dropout = 0.3f;
        INFO("preset " << p);
        Trainer t(c);
        const auto initial = t.weights();
        const auto first = loss_sequence(t, 20);
        const auto trained = t.weights();
        t.reset();
        CHECK(t.metrics().step == 0);
        CHECK(t.metrics().epoch == 0);
        CHECK(t.metrics().status == Status::ready);
        CHECK(t.history().train.empty());
        CHECK(same_weights(t.weights(), initial));
        const auto second = loss_sequence(t, 20);
        CHECK(bit_equal(first, second));
        CHECK(same_weights(t.weights(), trained));
        // Loss actually changes from step to step (the comparison above is not vacuous).
        CHECK(std::any_of(first.begin(), first.end(), [&](float l) { return l != first[0]; }));
    }
}

TEST_CASE("trainer: reset(seed) equals a fresh trainer with that seed", "[trainer][determinism]") {
    for (const char* p : {"dense", "gru_before"}) {
        INFO("preset " << p);
        Config c = small(p);
        Trainer t(c);
        t.step(12);
        t.reset(77);
        CHECK(t.config().seed == 77u);
        Config d = c;
        d.seed = 77;
        Trainer fresh(d);
        CHECK(same_weights(t.weights(), fresh.weights()));
        CHECK(bit_equal(t.test_inputs().data, fresh.test_inputs().data));
        CHECK(t.metrics().step == 0);
        CHECK(bit_equal(loss_sequence(t, 10), loss_sequence(fresh, 10)));
        CHECK(same_weights(t.weights(), fresh.weights()));
    }
}

// ---- the training loop ----------------------------------------------------------------

TEST_CASE("trainer: step(k) trains k batches", "[trainer][loop]") {
    Trainer t(small_dense());
    CHECK(t.metrics().step == 0);
    CHECK(t.metrics().status == Status::ready);
    auto m = t.step(3);
    CHECK(m.step == 3);
    CHECK(t.metrics().step == 3);
    CHECK(t.metrics().status == Status::training);
    CHECK(std::isfinite(t.metrics().train.loss));
    CHECK(t.metrics().train.metric >= 0.0f);
    CHECK(t.metrics().train.metric <= 1.0f);
    t.step(1);
    CHECK(t.metrics().step == 4);
    t.step(0);
    CHECK(t.metrics().step == 4);
    CHECK_THROWS_AS(t.step(-1), ConfigError);
}

TEST_CASE("trainer: an epoch is ceil(train_samples / batch) steps, then history grows", "[trainer][loop]") {
    // 500 samples, split 0.5 -> 250 training samples; batch 32 -> 7 full batches + one of 26.
    Config c = small_dense();
    c.samples = 500;
    REQUIRE(c.train_samples() == 250);
    Trainer t(c);
    t.step(7);
    CHECK(t.metrics().epoch == 0);
    CHECK(t.history().train.empty());
    CHECK(t.history().val.empty());
    CHECK(std::isnan(t.metrics().val.loss));
    t.step(1);  // the partial batch ends the epoch
    CHECK(t.metrics().step == 8);
    CHECK(t.metrics().epoch == 1);
    const auto& h = t.history();
    REQUIRE(h.train.size() == 1);
    REQUIRE(h.val.size() == 1);
    CHECK(h.train[0].loss == t.metrics().train.loss);
    CHECK(h.train[0].metric == t.metrics().train.metric);
    CHECK(h.val[0].loss == t.metrics().val.loss);
    CHECK(h.val[0].metric == t.metrics().val.metric);
    CHECK(std::isfinite(h.val[0].loss));
    CHECK(h.val[0].metric >= 0.0f);
    CHECK(h.val[0].metric <= 1.0f);
    // The next epoch is 8 steps again.
    t.step(7);
    CHECK(t.metrics().epoch == 1);
    t.step(1);
    CHECK(t.metrics().epoch == 2);
    CHECK(t.history().train.size() == 2);
    CHECK(t.history().val.size() == 2);
}

TEST_CASE("trainer: recurrent epoch with a partial last batch", "[trainer][loop]") {
    Config c = small_rec("lstm_before");
    // 256 samples with Keras's split 0.1: floor(256 * 0.9) = floor(230.4) = 230 training.
    REQUIRE(c.train_samples() == 230);
    Trainer t(c);
    t.step(7);
    CHECK(t.metrics().epoch == 0);
    t.step(1);
    CHECK(t.metrics().epoch == 1);
    CHECK(t.history().train.size() == 1);
    CHECK(t.history().val.size() == 1);
}

TEST_CASE("trainer: no validation entries when validation_split is 0", "[trainer][loop]") {
    Config c = small_dense();
    c.samples = 256;
    c.validation_split = 0.0f;
    Trainer t(c);
    t.train(2);
    CHECK(t.metrics().epoch == 2);
    CHECK(t.metrics().step == 16);
    CHECK(t.history().train.size() == 2);
    CHECK(t.history().val.empty());
    CHECK(std::isnan(t.metrics().val.loss));
}

TEST_CASE("trainer: done after the configured epochs, then further steps do nothing", "[trainer][loop]") {
    Config c = small_dense();
    c.epochs = 2;
    Trainer t(c);
    auto m = t.step(100);  // stops at the end of the last epoch
    CHECK(m.step == 16);
    CHECK(m.epoch == 2);
    CHECK(m.status == Status::done);
    CHECK_FALSE(m.message.empty());
    const auto w = t.weights();
    m = t.step(5);
    CHECK(m.step == 16);
    CHECK(m.status == Status::done);
    m = t.train(1);
    CHECK(m.step == 16);
    CHECK(m.epoch == 2);
    CHECK(t.history().train.size() == 2);
    CHECK(same_weights(t.weights(), w));
}

TEST_CASE("trainer: train(1) ends exactly one epoch", "[trainer][loop]") {
    Trainer t(small_dense());
    auto m = t.train(1);
    CHECK(m.epoch == 1);
    CHECK(m.step == 8);
    CHECK(t.history().train.size() == 1);
    // From the middle of an epoch, train(1) finishes that epoch.
    t.step(3);
    m = t.train(1);
    CHECK(m.epoch == 2);
    CHECK(m.step == 16);
    m = t.train(2);
    CHECK(m.epoch == 4);
    CHECK(m.step == 32);
    CHECK(m.status == Status::training);
    m = t.train(0);
    CHECK(m.step == 32);
}

TEST_CASE("trainer: a recurrent run with epochs 1 is done after one epoch", "[trainer][loop]") {
    Config c = small_rec("gru_after");
    c.epochs = 1;
    Trainer t(c);
    auto m = t.train(5);
    CHECK(m.epoch == 1);
    CHECK(m.step == 8);
    CHECK(m.status == Status::done);
}

// ---- model structure ------------------------------------------------------------------

TEST_CASE("trainer: *_before puts the attention before the recurrent layer", "[trainer][model]") {
    for (const char* p : {"lstm_before", "gru_before"}) {
        for (bool single : {false, true}) {
            INFO("preset " << p << ", single " << single);
            const Config c = small_rec(p, single);
            Trainer t(c);
            const auto rows = t.summary();
            const std::string rnn = c.gru() ? "gru" : "lstm";
            REQUIRE(rows.size() >= 4);
            CHECK(rows[0].name == "input");
            CHECK(rows[1].name == "attention_probs");  // first thing the input meets
            const int i_rnn = row_index(rows, rnn), i_mul = row_index(rows, "attention_mul");
            REQUIRE(i_rnn >= 0);
            REQUIRE(i_mul >= 0);
            CHECK(i_rnn > i_mul);
            CHECK(rows.back().name == "output");
            CHECK(row(rows, rnn).output_shape == "(None, 6)");  // return_sequences=False
            CHECK(row(rows, rnn).kind == (c.gru() ? "GRU" : "LSTM"));
            CHECK(row(rows, "attention_mul").output_shape == "(None, 8, 2)");  // on the input
            CHECK(row_index(rows, "flatten") < 0);
        }
    }
}

TEST_CASE("trainer: *_after puts the recurrent layer first", "[trainer][model]") {
    for (const char* p : {"lstm_after", "gru_after"}) {
        for (bool single : {false, true}) {
            INFO("preset " << p << ", single " << single);
            const Config c = small_rec(p, single);
            Trainer t(c);
            const auto rows = t.summary();
            const std::string rnn = c.gru() ? "gru" : "lstm";
            REQUIRE(rows.size() >= 4);
            CHECK(rows[0].name == "input");
            CHECK(rows[1].name == rnn);
            CHECK(row_index(rows, "attention_probs") > 1);
            CHECK(row_index(rows, "attention_mul") > 1);
            CHECK(row(rows, rnn).output_shape == "(None, 8, 6)");  // return_sequences=True
            CHECK(row(rows, "attention_mul").output_shape == "(None, 8, 6)");
            CHECK(row(rows, "flatten").output_shape == "(None, 48)");
            CHECK(rows.back().name == "output");
        }
    }
}

TEST_CASE("trainer: attention() shapes", "[trainer][model]") {
    {
        Trainer t(small_dense());
        CHECK(t.attention().shape == std::vector<int>{32});
    }
    for (const char* p : kRecurrent) {
        INFO("preset " << p);
        const Config c = small_rec(p);
        Trainer t(c);
        const std::vector<int> want = c.attention_before() ? std::vector<int>{8, 2} : std::vector<int>{8, 6};
        const Tensor a = t.attention();
        CHECK(a.shape == want);
        CHECK((long long)a.data.size() == product(a.shape));
        Trainer s(small_rec(p, true));
        const Tensor as = s.attention();
        CHECK(as.shape == std::vector<int>{8});
        CHECK(as.data.size() == 8u);
    }
}

TEST_CASE("trainer: summary parameter counts follow Keras's formulas", "[trainer][model]") {
    {
        const Config c = small_dense();  // D = 32, units = 16
        Trainer t(c);
        const auto rows = t.summary();
        CHECK(row(rows, "attention_probs").params == 32 * 32 + 32);
        CHECK(row(rows, "attention_mul").params == 0);
        CHECK(row(rows, "dense").params == 32 * 16 + 16);
        CHECK(row(rows, "output").params == 16 * 1 + 1);
        CHECK(t.parameter_count() == (32 * 32 + 32) + (32 * 16 + 16) + (16 + 1));
    }
    const int T = 8, D = 2, H = 6;
    for (const char* p : kRecurrent) {
        for (bool single : {false, true}) {
            INFO("preset " << p << ", single " << single);
            const Config c = small_rec(p, single);
            Trainer t(c);
            const auto rows = t.summary();
            const long long rnn = c.gru() ? 3LL * H * (D + H + 2) : 4LL * H * (D + H + 1);
            const long long att = 1LL * T * T + T;
            const long long out = c.attention_before() ? H + 1 : 1LL * T * H + 1;
            CHECK(row(rows, c.gru() ? "gru" : "lstm").params == rnn);
            CHECK(row(rows, "attention_probs").params == att);
            CHECK(row(rows, "output").params == out);
            long long sum = 0;
            for (const auto& r : rows) sum += r.params;
            CHECK(sum == rnn + att + out);
            CHECK(t.parameter_count() == rnn + att + out);
        }
    }
}

TEST_CASE("trainer: dropout adds a layer but no parameters", "[trainer][model]") {
    Config c = small_dense();
    const long long n = Trainer(c).parameter_count();
    c.dropout = 0.25f;
    Trainer t(c);
    CHECK(t.parameter_count() == n);
    const auto rows = t.summary();
    const int i = row_index(rows, "dropout");
    REQUIRE(i >= 0);
    CHECK(i == row_index(rows, "output") - 1);
}

// ---- attention sums to one ------------------------------------------------------------

TEST_CASE("trainer: dense attention_probs sum to 1 for every sample", "[trainer][attention]") {
    Trainer t(small_dense());
    t.step(20);  // trained weights, not just the initial ones
    const Tensor a = t.activations("attention_probs");
    REQUIRE(a.shape == std::vector<int>{64, 32});
    for (int b = 0; b < 64; ++b) {
        double sum = 0;
        for (int d = 0; d < 32; ++d) {
            const float v = a.data[size_t(b) * 32 + d];
            CHECK(v >= 0.0f);
            sum += v;
        }
        INFO("sample " << b << " sums to " << sum);
        CHECK(std::abs(sum - 1.0) < 1e-5);
    }
    const Tensor mean = t.attention();
    double s = 0;
    for (float v : mean.data) s += v;
    CHECK(std::abs(s - 1.0) < 1e-5);
}

TEST_CASE("trainer: recurrent attention_vec sums to 1 over time for every sample and feature",
          "[trainer][attention]") {
    for (const char* p : kRecurrent) {
        for (bool single : {false, true}) {
            INFO("preset " << p << ", single " << single);
            const Config c = small_rec(p, single);
            Trainer t(c);
            t.step(20);
            const Tensor a = t.activations("attention_vec");
            const int T = 8, F = c.attention_before() ? 2 : 6, n = 64;
            REQUIRE(a.shape == std::vector<int>{n, T, F});
            int bad = 0, unequal = 0;
            for (int b = 0; b < n; ++b)
                for (int f = 0; f < F; ++f) {
                    double sum = 0;
                    for (int s = 0; s < T; ++s) {
                        const float v = a.data[(size_t(b) * T + s) * F + f];
                        if (!(v >= 0.0f)) ++bad;
                        sum += v;
                        if (single && v != a.data[(size_t(b) * T + s) * F]) ++unequal;
                    }
                    if (!(std::abs(sum - 1.0) < 1e-5)) ++bad;
                }
            CHECK(bad == 0);
            CHECK(unequal == 0);
            // attention(): mean over samples, still a distribution over time per feature.
            const Tensor m = t.attention();
            const int cols = single ? 1 : F;
            for (int f = 0; f < cols; ++f) {
                double sum = 0;
                for (int s = 0; s < T; ++s) sum += m.data[size_t(s) * cols + f];
                CHECK(std::abs(sum - 1.0) < 1e-5);
            }
            // Without single_attention_vector the features get different attention.
            if (!single) {
                bool differ = false;
                for (size_t i = 0; i + 1 < a.data.size(); i += size_t(F)) differ = differ || a.data[i] != a.data[i + 1];
                CHECK(differ);
            }
        }
    }
}

// ---- activations ----------------------------------------------------------------------

TEST_CASE("trainer: activations() rejects an unknown layer, listing the valid names", "[trainer][activations]") {
    for (const char* p : {"dense", "lstm_after"}) {
        INFO("preset " << p);
        Trainer t(small(p));
        const ConfigError e = config_error([&] { t.activations("no_such_layer"); });
        CHECK(e.field == "layer");
        const std::string what = e.what();
        CHECK_THAT(what, Catch::Matchers::Contains("no_such_layer"));
        CHECK_THAT(what, Catch::Matchers::Contains("attention_mul"));
        CHECK_THAT(what, Catch::Matchers::Contains("output"));
        CHECK_THAT(what, Catch::Matchers::Contains("input"));
    }
}

TEST_CASE("trainer: activations() rejects custom inputs of the wrong shape", "[trainer][activations]") {
    {
        Trainer t(small_dense());
        Tensor x{{5, 31}, std::vector<float>(5 * 31, 0.0f)};
        ConfigError e = config_error([&] { t.activations("output", &x); });
        CHECK(e.field == "inputs");
        CHECK_THAT(e.what(), Catch::Matchers::Contains("(5, 31)"));
        Tensor y{{5, 32}, std::vector<float>(10, 0.0f)};  // shape right, data short
        e = config_error([&] { t.activations("output", &y); });
        CHECK(e.field == "inputs");
        Tensor z{{5, 32}, std::vector<float>(5 * 32, 0.0f)};
        z.data[7] = std::numeric_limits<float>::quiet_NaN();
        e = config_error([&] { t.predict(z); });
        CHECK(e.field == "inputs.data[7]");  // names the index
        CHECK_THAT(e.what(), Catch::Matchers::StartsWith("inputs.data[7]: expected a finite number"));
    }
    {
        Trainer t(small_rec("lstm_after"));
        Tensor x{{5, 8}, std::vector<float>(5 * 8, 0.0f)};  // missing the feature axis
        ConfigError e = config_error([&] { t.activations("attention_vec", &x); });
        CHECK(e.field == "inputs");
        CHECK_THAT(e.what(), Catch::Matchers::Contains("(5, 8)"));
        Tensor y{{5, 2, 8}, std::vector<float>(5 * 16, 0.0f)};  // time and features swapped
        e = config_error([&] { t.activations("attention_vec", &y); });
        CHECK(e.field == "inputs");
        CHECK_THAT(e.what(), Catch::Matchers::Contains("(5, 2, 8)"));
    }
}

TEST_CASE("trainer: activations(\"input\") is the held-out test batch", "[trainer][activations]") {
    for (const char* p : {"dense", "gru_before"}) {
        INFO("preset " << p);
        const Config c = small(p);
        Trainer t(c);
        const Tensor x = t.test_inputs();
        const std::vector<int> want = c.recurrent() ? std::vector<int>{64, 8, 2} : std::vector<int>{64, 32};
        CHECK(x.shape == want);
        const Tensor a = t.activations("input");
        CHECK(a.shape == x.shape);
        CHECK(bit_equal(a.data, x.data));
        // The data carries the target where the config says: the attention column is 0 or 1.
        for (int b = 0; b < 64; ++b) {
            const float v = c.recurrent() ? x.data[(size_t(b) * 8 + 3) * 2] : x.data[size_t(b) * 32 + 1];
            CHECK((v == 0.0f || v == 1.0f));
            if (c.recurrent()) CHECK(x.data[(size_t(b) * 8 + 3) * 2 + 1] == v);
        }
    }
}

TEST_CASE("trainer: activations for custom inputs equal to the test batch match the default",
          "[trainer][activations]") {
    for (const char* p : kAll) {
        INFO("preset " << p);
        const Config c = small(p);
        Trainer t(c);
        t.step(10);
        const Tensor x = t.test_inputs();
        for (const char* layer : {c.recurrent() ? "attention_vec" : "attention_probs", "attention_mul", "output"}) {
            INFO("layer " << layer);
            const Tensor a = t.activations(layer);
            const Tensor b = t.activations(layer, &x);
            CHECK(a.shape == b.shape);
            CHECK(bit_equal(a.data, b.data));
        }
        const Tensor out = t.predict(x);
        CHECK(out.shape == std::vector<int>{64, 1});
        CHECK(bit_equal(out.data, t.activations("output").data));
        for (float v : out.data) CHECK((v >= 0.0f && v <= 1.0f));
        // A subset of the batch gives the same rows (samples are independent).
        Tensor head{x.shape, {}};
        head.shape[0] = 5;
        head.data.assign(x.data.begin(), x.data.begin() + long(x.data.size() / 64 * 5));
        const Tensor h = t.predict(head);
        REQUIRE(h.data.size() == 5u);
        for (int i = 0; i < 5; ++i) CHECK(std::abs(h.data[size_t(i)] - out.data[size_t(i)]) < 1e-6f);
    }
}

TEST_CASE("trainer: every layer activations() accepts has the summary's output shape",
          "[trainer][activations]") {
    for (const char* p : kAll) {
        for (bool single : {false, true}) {
            if (single && std::string(p) == "dense") continue;
            INFO("preset " << p << ", single " << single);
            Config c = small(p);
            c.single_attention_vector = single;
            c.dropout = 0.2f;
            Trainer t(c);
            for (const auto& r : t.summary()) {
                if (r.kind == "Lambda" || r.kind == "RepeatVector") continue;  // not exposed
                INFO("layer " << r.name << " (" << r.kind << ", " << r.output_shape << ")");
                Tensor a;
                REQUIRE_NOTHROW(a = t.activations(r.name));
                REQUIRE(a.shape.size() >= 2);
                CHECK(a.shape[0] == 64);
                CHECK(keras_shape(a.shape) == r.output_shape);
                CHECK((long long)a.data.size() == product(a.shape));
                CHECK_FALSE(a.data.empty());
            }
        }
    }
}

TEST_CASE("trainer: flatten's activations are the attention output in Keras's order, view or copy",
          "[trainer][activations]") {
    for (const char* p : {"lstm_after", "gru_after"})
        for (float dropout : {0.0f, 0.2f}) {  // without dropout Flatten is a view, copied when read
            INFO("preset " << p << ", dropout " << dropout);
            Config c = small(p);
            c.dropout = dropout;
            Trainer t(c);
            t.step(3);
            const Tensor a = t.activations("attention_mul"), f = t.activations("flatten");
            REQUIRE(a.shape.size() == 3u);
            CHECK(f.shape == std::vector<int>{a.shape[0], a.shape[1] * a.shape[2]});
            CHECK(bit_equal(a.data, f.data));
        }
}

TEST_CASE("trainer: activations are read in inference mode (dropout off)", "[trainer][activations]") {
    Config c = small_dense();
    c.dropout = 0.5f;
    Trainer t(c);
    t.step(5);
    const Tensor before = t.activations("dense");
    const Tensor dropped = t.activations("dropout");
    CHECK(before.shape == dropped.shape);
    CHECK(bit_equal(before.data, dropped.data));
    const Tensor x = t.test_inputs();
    CHECK(bit_equal(t.predict(x).data, t.predict(x).data));
}

// ---- weights --------------------------------------------------------------------------

TEST_CASE("trainer: weights follow Keras's names, shapes and order", "[trainer][weights]") {
    const int T = 8, D = 2, H = 6;
    using Spec = std::pair<std::string, std::vector<int>>;
    auto check = [](const std::vector<Weight>& w, const std::vector<Spec>& want) {
        REQUIRE(w.size() == want.size());
        for (size_t i = 0; i < w.size(); ++i) {
            INFO("weights[" << i << "]");
            CHECK(w[i].name == want[i].first);
            CHECK(w[i].shape == want[i].second);
            CHECK((long long)w[i].data.size() == product(w[i].shape));
        }
    };
    check(Trainer(small_dense()).weights(), {{"attention_probs/kernel", {32, 32}},
                                             {"attention_probs/bias", {32}},
                                             {"dense/kernel", {32, 16}},
                                             {"dense/bias", {16}},
                                             {"output/kernel", {16, 1}},
                                             {"output/bias", {1}}});
    check(Trainer(small_rec("lstm_after")).weights(), {{"lstm/kernel", {D, 4 * H}},
                                                       {"lstm/recurrent_kernel", {H, 4 * H}},
                                                       {"lstm/bias", {4 * H}},
                                                       {"attention_probs/kernel", {T, T}},
                                                       {"attention_probs/bias", {T}},
                                                       {"output/kernel", {T * H, 1}},
                                                       {"output/bias", {1}}});
    check(Trainer(small_rec("lstm_before", true)).weights(), {{"attention_probs/kernel", {T, T}},
                                                              {"attention_probs/bias", {T}},
                                                              {"lstm/kernel", {D, 4 * H}},
                                                              {"lstm/recurrent_kernel", {H, 4 * H}},
                                                              {"lstm/bias", {4 * H}},
                                                              {"output/kernel", {H, 1}},
                                                              {"output/bias", {1}}});
    check(Trainer(small_rec("gru_after")).weights(), {{"gru/kernel", {D, 3 * H}},
                                                      {"gru/recurrent_kernel", {H, 3 * H}},
                                                      {"gru/bias", {2, 3 * H}},
                                                      {"attention_probs/kernel", {T, T}},
                                                      {"attention_probs/bias", {T}},
                                                      {"output/kernel", {T * H, 1}},
                                                      {"output/bias", {1}}});
    check(Trainer(small_rec("gru_before")).weights(), {{"attention_probs/kernel", {T, T}},
                                                       {"attention_probs/bias", {T}},
                                                       {"gru/kernel", {D, 3 * H}},
                                                       {"gru/recurrent_kernel", {H, 3 * H}},
                                                       {"gru/bias", {2, 3 * H}},
                                                       {"output/kernel", {H, 1}},
                                                       {"output/bias", {1}}});
}

TEST_CASE("trainer: Keras initialisers (unit_forget_bias, orthogonal, glorot, zeros)", "[trainer][weights]") {
    const int H = 6;
    for (const char* p : kRecurrent) {
        INFO("preset " << p);
        const Config c = small_rec(p);
        const auto w = Trainer(c).weights();
        const std::string rnn = c.gru() ? "gru" : "lstm";
        const int G = c.gru() ? 3 : 4;
        // Biases: LSTM gates i, f, c, o with the forget gate's bias 1; GRU all zero.
        const Weight& b = find_weight(w, rnn + "/bias");
        for (size_t i = 0; i < b.data.size(); ++i) {
            const bool forget = !c.gru() && i >= size_t(H) && i < size_t(2 * H);
            INFO("bias[" << i << "]");
            CHECK(b.data[i] == (forget ? 1.0f : 0.0f));
        }
        // Recurrent kernel (H, G*H), row-major: orthonormal rows, R R^T = I.
        const Weight& r = find_weight(w, rnn + "/recurrent_kernel");
        const int cols = G * H;
        REQUIRE(r.data.size() == size_t(H) * cols);
        double worst = 0;
        for (int i = 0; i < H; ++i)
            for (int j = 0; j < H; ++j) {
                double dot = 0;
                for (int k = 0; k < cols; ++k) dot += double(r.data[size_t(i) * cols + k]) * r.data[size_t(j) * cols + k];
                worst = std::max(worst, std::abs(dot - (i == j ? 1.0 : 0.0)));
            }
        INFO("max |R R^T - I| = " << worst);
        CHECK(worst < 1e-5);
        // Glorot uniform kernels: within +-sqrt(6 / (fan_in + fan_out)) and not degenerate.
        auto glorot = [&](const std::string& name, int fan_in, int fan_out) {
            INFO("kernel " << name);
            const Weight& k = find_weight(w, name);
            const float limit = float(std::sqrt(6.0 / (fan_in + fan_out)));
            float lo = limit, hi = -limit;
            for (float v : k.data) {
                lo = std::min(lo, v);
                hi = std::max(hi, v);
            }
            CHECK(lo >= -limit);
            CHECK(hi <= limit);
            CHECK(hi - lo > limit);  // spread over the range, not all equal or zero
        };
        glorot(rnn + "/kernel", 2, G * H);
        glorot("attention_probs/kernel", 8, 8);
        for (float v : find_weight(w, "attention_probs/bias").data) CHECK(v == 0.0f);
        for (float v : find_weight(w, "output/bias").data) CHECK(v == 0.0f);
    }
}

TEST_CASE("trainer: weights round-trip through set_weights into another seed's trainer", "[trainer][weights]") {
    for (const char* p : kAll) {
        INFO("preset " << p);
        const Config c = small(p);
        Trainer a(c);
        a.step(20);
        Config d = c;
        d.seed = 12345;
        Trainer b(d);
        REQUIRE_FALSE(same_weights(a.weights(), b.weights()));
        b.set_weights(a.weights());
        CHECK(same_weights(a.weights(), b.weights()));
        const Tensor x = a.test_inputs();
        CHECK(bit_equal(a.predict(x).data, b.predict(x).data));
        CHECK(bit_equal(a.activations(c.recurrent() ? "attention_vec" : "attention_probs", &x).data,
                        b.activations(c.recurrent() ? "attention_vec" : "attention_probs", &x).data));
    }
}

TEST_CASE("trainer: set_weights rejects bad input, naming the weight, and changes nothing", "[trainer][weights]") {
    Trainer t(small_rec("lstm_after"));
    t.step(3);
    const auto original = t.weights();
    REQUIRE(original.size() == 7);

    SECTION("wrong count") {
        auto w = original;
        w.pop_back();
        const ConfigError e = config_error([&] { t.set_weights(w); });
        CHECK_THAT(e.field, Catch::Matchers::StartsWith("weights"));
        CHECK_THAT(e.what(), Catch::Matchers::Contains("7"));
        CHECK_THAT(e.what(), Catch::Matchers::Contains("6"));
    }
    SECTION("wrong shape (transposed recurrent kernel), after a valid change to weights[0]") {
        auto w = original;
        for (float& v : w[0].data) v += 1.0f;
        w[1].shape = {24, 6};  // same number of values, Keras shape is (6, 24)
        const ConfigError e = config_error([&] { t.set_weights(w); });
        CHECK_THAT(e.field, Catch::Matchers::StartsWith("weights[1]"));
        CHECK_THAT(e.what(), Catch::Matchers::Contains("lstm/recurrent_kernel"));
        CHECK_THAT(e.what(), Catch::Matchers::Contains("(24, 6)"));
    }
    SECTION("right shape, wrong number of values") {
        auto w = original;
        w[3].data.pop_back();
        const ConfigError e = config_error([&] { t.set_weights(w); });
        CHECK_THAT(e.field, Catch::Matchers::StartsWith("weights[3]"));
        CHECK_THAT(e.what(), Catch::Matchers::Contains("attention_probs/kernel"));
    }
    SECTION("a NaN in the last weight, after valid changes to the others") {
        auto w = original;
        for (size_t i = 0; i + 1 < w.size(); ++i)
            for (float& v : w[i].data) v *= 0.5f;
        w[6].data[0] = std::numeric_limits<float>::quiet_NaN();
        const ConfigError e = config_error([&] { t.set_weights(w); });
        CHECK_THAT(e.field, Catch::Matchers::StartsWith("weights[6]"));
        CHECK_THAT(e.what(), Catch::Matchers::Contains("output/bias"));
    }
    SECTION("an infinity") {
        auto w = original;
        w[2].data[5] = std::numeric_limits<float>::infinity();
        const ConfigError e = config_error([&] { t.set_weights(w); });
        CHECK_THAT(e.field, Catch::Matchers::StartsWith("weights[2]"));
    }
    CHECK(same_weights(t.weights(), original));
    // And training continues from the unchanged weights exactly as an untouched twin does.
    Trainer twin(small_rec("lstm_after"));
    twin.step(3);
    t.step(2);
    twin.step(2);
    CHECK(same_weights(t.weights(), twin.weights()));
}

// ---- divergence -----------------------------------------------------------------------

TEST_CASE("trainer: a non-finite loss stops training as diverged with finite weights", "[trainer][divergence]") {
    // SGD with a learning rate of 1e30 sends the weights so far that the next loss is NaN.
    Config c = small_dense();
    c.optimizer = "sgd";
    c.loss = "mse";
    c.learning_rate = 1e30f;
    Trainer t(c);
    auto m = t.step(50);
    REQUIRE(m.status == Status::diverged);
    CHECK_FALSE(m.message.empty());
    CHECK(m.step < 50);
    CHECK(all_finite(t.weights()));
    const auto w = t.weights();
    const long long steps = m.step;
    m = t.step(10);
    CHECK(m.status == Status::diverged);
    CHECK(m.step == steps);
    m = t.train(1);
    CHECK(m.step == steps);
    CHECK(m.status == Status::diverged);
    CHECK(same_weights(t.weights(), w));
    // The last finite weights still give a finite attention and predictions.
    for (float v : t.attention().data) CHECK(std::isfinite(v));
    for (float v : t.predict(t.test_inputs()).data) CHECK(std::isfinite(v));
    // reset() starts over.
    t.reset();
    CHECK(t.metrics().status == Status::ready);
    CHECK(t.metrics().step == 0);
}

TEST_CASE("trainer: a non-finite weight update stops training with the weights before it",
          "[trainer][divergence]") {
    // RMSprop's first step moves each weight by about lr * sqrt(10): 3e38 overflows to inf.
    for (const char* p : {"dense", "lstm_after", "gru_before"}) {
        INFO("preset " << p);
        Config c = small(p);
        c.optimizer = "rmsprop";
        c.learning_rate = 3e38f;
        Trainer t(c);
        const auto initial = t.weights();
        auto m = t.step(5);
        REQUIRE(m.status == Status::diverged);
        CHECK_FALSE(m.message.empty());
        CHECK(m.step == 0);
        CHECK(all_finite(t.weights()));
        CHECK(same_weights(t.weights(), initial));
        m = t.step(5);
        CHECK(m.step == 0);
        CHECK(m.status == Status::diverged);
        CHECK(same_weights(t.weights(), initial));
    }
}

TEST_CASE("trainer: a saturating run (learning rate 10) is reported as diverged", "[trainer][divergence]") {
    // Keras's clipped cross-entropy stays finite: the sigmoid saturates, the loss sits near 8
    // (from 0.69) and no gradient is left. That must stop training, not pass as a run.
    attn::Config c = attn::defaults_for("dense");
    c.learning_rate = 10.0;
    attn::Trainer t(c);
    const attn::Metrics m = t.train(1);
    REQUIRE(m.status == attn::Status::diverged);
    CHECK_THAT(m.message, Catch::Matchers::Contains("loss rose from"));
    CHECK(m.step < 79);  // stopped within the first epoch
    for (const auto& w : t.weights())
        for (float v : w.data) REQUIRE(std::isfinite(v));
    CHECK(t.step(5).step == m.step);  // no further steps
}

TEST_CASE("trainer: the seed's runs never trip the divergence rule", "[trainer][divergence]") {
    for (const char* preset : {"dense", "lstm_before"}) {
        INFO(preset);
        attn::Config c = attn::defaults_for(preset);
        c.samples = 4000;
        c.epochs = 3;
        c.dropout = 0.3;
        attn::Trainer t(c);
        CHECK(t.train(3).status == attn::Status::done);
    }
}

namespace {
// A registry preset at sizes that train in milliseconds: 512 samples, 384 of them for training
// (12 batches of 32 an epoch), 6 units (8 for dense), 8 time steps.
Config tiny(const attn::Preset& p) {
    Config c = p.config;
    c.samples = 512;
    c.validation_split = 0.25;
    c.batch_size = 32;
    c.test_samples = 16;
    c.epochs = 4;
    if (c.recurrent()) {
        c.time_steps = std::max(8, attn::find_task(c.task).min_time_steps);
        c.attention_column = 3;
        c.units = 6;
        c.attention_units = 6;
    } else {
        c.units = 8;
    }
    return c;
}
}  // namespace

TEST_CASE("trainer: learning rates of 10 to 1e6 diverge under every loss and preset", "[trainer][divergence]") {
    // Adam and RMSprop step every weight by about the learning rate whatever the gradient: at 10
    // and above, a sigmoid head saturates (binary cross-entropy's loss rises; mse's and mae's
    // cannot rise above 1, and the outputs sit saturated on the wrong side) and a linear head's
    // outputs grow until the loss rises. SGD steps by the learning rate times the gradient,
    // which mse and mae through a sigmoid keep small: at 10 it can still learn (gru_after at
    // these sizes reaches accuracy 1), at 100 some runs collapse to a constant output the rule
    // does not flag; from 1000 on every run blows up.
    int runs = 0;
    for (const auto& p : attn::presets())
        for (const char* optimizer : {"adam", "rmsprop", "sgd"})
            for (double lr : {10.0, 100.0, 1e3, 1e4, 1e5, 1e6})
                for (const char* loss : {"mse", "mae", "binary_crossentropy"}) {
                    Config c = tiny(p);
                    c.optimizer = optimizer;
                    c.learning_rate = lr;
                    c.loss = loss;
                    if (c.optimizer == "sgd" && lr < 1e3) continue;
                    try {
                        attn::validate(c);
                    } catch (const ConfigError&) {
                        continue;  // binary_crossentropy on a linear head's task
                    }
                    INFO(p.name << " " << optimizer << " lr " << lr << " " << loss);
                    Trainer t(c);
                    const attn::Metrics m = t.train(c.epochs);
                    CHECK(m.status == Status::diverged);
                    CHECK(all_finite(t.weights()));
                    ++runs;
                }
    CHECK(runs == 8 * 16 * 2 + 5 * 16);  // mse and mae everywhere, cross-entropy on the 0/1 tasks
}

TEST_CASE("trainer: a saturated sigmoid head under mse or mae is reported as diverged", "[trainer][divergence]") {
    // The loss cannot rise (at most 1): the rule reads the outputs stuck on the wrong side.
    for (const char* loss : {"mse", "mae"}) {
        INFO(loss);
        Config c = small_dense();
        c.loss = loss;
        c.learning_rate = 10.0;
        Trainer t(c);
        const attn::Metrics m = t.train(c.epochs);
        REQUIRE(m.status == Status::diverged);
        CHECK_THAT(m.message, Catch::Matchers::Contains("the output saturated on the wrong side for"));
        CHECK(m.step < 40);  // within the first 40 batches: the rule needs 20
        CHECK(all_finite(t.weights()));
    }
}

TEST_CASE("trainer: the registry's presets at small sizes never trip the divergence rule", "[trainer][divergence]") {
    // Every preset with its default loss, and the 0/1 tasks with mse and mae too, under each
    // optimizer at its usual learning rate, over 2 seeds. (At these and larger sizes, 4 seeds
    // and 10 times the learning rates, outputs stuck on the wrong side stayed at 8% at most;
    // the rule takes 25%.)
    for (const auto& p : attn::presets())
        for (const char* loss : {"", "mse", "mae"})
            for (const char* optimizer : {"adam", "rmsprop", "sgd"})
                for (uint32_t seed : {1u, 2u}) {
                    Config c = tiny(p);
                    if (*loss) c.loss = loss;
                    if (*loss && p.config.loss != "binary_crossentropy") continue;  // the default already
                    c.optimizer = optimizer;
                    if (c.optimizer == "sgd") {
                        c.learning_rate = 0.01;
                        c.momentum = 0.9;
                    }
                    c.seed = seed;
                    c.epochs = 8;
                    INFO(p.name << " " << (*loss ? loss : p.config.loss) << " " << optimizer << " seed " << seed);
                    Trainer t(c);
                    const attn::Metrics m = t.train(c.epochs);
                    CHECK(m.status == Status::done);
                    CHECK(m.message.find("diverged") == std::string::npos);
                }
}
