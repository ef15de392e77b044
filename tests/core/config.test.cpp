// Config: bad input is rejected before anything runs, with a message naming the field and
// the value; defaults_for() gives the seed's values; the validation split follows Keras.
#include <catch2/catch.hpp>

#include <cmath>
#include <initializer_list>
#include <limits>
#include <string>

#include "config.hpp"
#include "preset.hpp"
#include "trainer.hpp"

using attn::Config;
using attn::ConfigError;
using attn::defaults_for;
using attn::validate;

namespace {

// validate(c) must throw a ConfigError whose field is `field` and whose message names the
// field and contains every one of `parts` (the offending value, as the user would read it).
void expect_rejected(const Config& c, const std::string& field, std::initializer_list<std::string> parts) {
    bool threw = false;
    try {
        validate(c);
    } catch (const ConfigError& e) {
        threw = true;
        const std::string what = e.what();
        INFO("what(): " << what);
        CHECK(e.field == field);
        CHECK_THAT(what, Catch::Matchers::StartsWith(field + ": "));
        for (const auto& p : parts) CHECK_THAT(what, Catch::Matchers::Contains(p));
    }
    INFO("expected validate() to reject field " << field);
    CHECK(threw);
}

// The same, and the Trainer constructor refuses the config too (before drawing any data).
void expect_trainer_rejects(const Config& c, const std::string& field, std::initializer_list<std::string> parts) {
    expect_rejected(c, field, parts);
    bool threw = false;
    try {
        attn::Trainer t(c);
    } catch (const ConfigError& e) {
        threw = true;
        CHECK(e.field == field);
    }
    INFO("expected Trainer(c) to throw ConfigError for field " << field);
    CHECK(threw);
}

Config dense() { return defaults_for("dense"); }
Config lstm() { return defaults_for("lstm_after"); }

constexpr float kInf = std::numeric_limits<float>::infinity();

}  // namespace

TEST_CASE("config: the seed's defaults validate for every preset", "[config]") {
    for (const auto& p : attn::presets()) {
        INFO("preset " << p.name);
        Config c = defaults_for(p.name);
        CHECK(c.preset == p.name);
        CHECK_NOTHROW(validate(c));
        CHECK_NOTHROW(attn::estimate(c));  // and fit the memory budget
    }
    CHECK(attn::presets().size() >= 8);
}

TEST_CASE("config: defaults_for(dense) is the dense example", "[config]") {
    const Config c = defaults_for("dense");
    CHECK(c.preset == "dense");
    CHECK_FALSE(c.recurrent());
    CHECK(c.samples == 10000);
    CHECK(c.epochs == 20);
    CHECK(c.batch_size == 64);
    CHECK(c.validation_split == 0.5);
    CHECK(c.input_dim == 32);
    CHECK(c.attention_column == 1);
    CHECK(c.units == 64);
    CHECK(c.optimizer == "adam");
    CHECK(c.learning_rate == 0.001);
    CHECK(c.loss == "binary_crossentropy");
    CHECK(c.dropout == 0.0f);
}

TEST_CASE("config: defaults_for(recurrent presets) is the recurrent example", "[config]") {
    for (const char* p : {"lstm_after", "lstm_before", "gru_after", "gru_before"}) {
        INFO("preset " << p);
        const Config c = defaults_for(p);
        CHECK(c.preset == p);
        CHECK(c.recurrent());
        CHECK(c.samples == 300000);
        CHECK(c.epochs == 1);
        CHECK(c.batch_size == 64);
        CHECK(c.validation_split == 0.1);
        CHECK(c.input_dim == 2);
        CHECK(c.time_steps == 20);
        CHECK(c.attention_column == 10);
        CHECK(c.units == 32);
        CHECK(c.test_samples == 300);
        CHECK(c.optimizer == "adam");
        CHECK(c.loss == "binary_crossentropy");
        CHECK(c.learning_rate == 0.001);
    }
    CHECK(defaults_for("gru_before").gru());
    CHECK(defaults_for("gru_before").attention_before());
    CHECK_FALSE(defaults_for("lstm_after").gru());
    CHECK_FALSE(defaults_for("lstm_after").attention_before());
    CHECK(defaults_for("lstm_before").attention_before());
    CHECK_FALSE(defaults_for("gru_after").attention_before());
}

TEST_CASE("config: defaults_for an unknown preset names it", "[config]") {
    try {
        defaults_for("transformer");
        FAIL("defaults_for accepted an unknown preset");
    } catch (const ConfigError& e) {
        CHECK(e.field == "preset");
        CHECK_THAT(e.what(), Catch::Matchers::Contains("transformer"));
        CHECK_THAT(e.what(), Catch::Matchers::Contains("lstm_before"));  // lists the valid ones
    }
}

TEST_CASE("config: validation split is Keras's floor split (last fraction held out)", "[config]") {
    // Keras: split_at = floor(n * (1 - validation_split)) computed with Python floats;
    // train = x[:split_at], validation = x[split_at:]. Expected values worked out by hand.
    struct Case { int n; double split; int train, val; };
    const Case cases[] = {
        {10000, 0.5, 5000, 5000},  // the dense example
        {101, 0.1, 90, 11},        // floor(90.9) = 90
        {7, 0.5, 3, 4},            // floor(3.5) = 3
        {100, 0.0, 100, 0},        // no validation
        {300000, 0.1, 270000, 30000},  // the recurrent example: 0.9 * 300000 is exactly 270000
        {10, 0.1, 9, 1},           // 10 * 0.9 = 9 in Keras
        {100, 0.3, 70, 30},        // 100 * 0.7 = 70 in Keras
    };
    for (const auto& k : cases) {
        Config c = dense();
        c.samples = k.n;
        c.validation_split = k.split;
        INFO("samples " << k.n << ", validation_split " << k.split);
        CHECK(c.validation_samples() == k.val);
        CHECK(c.train_samples() == k.train);
        CHECK(c.train_samples() + c.validation_samples() == k.n);
    }
    const Config r = defaults_for("lstm_before");
    CHECK(r.validation_samples() == 30000);
    CHECK(r.train_samples() == 270000);
}

TEST_CASE("config: samples must be positive", "[config]") {
    Config c = dense();
    c.samples = 0;
    expect_trainer_rejects(c, "samples", {"(got 0)"});
    c.samples = -5;
    expect_trainer_rejects(c, "samples", {"(got -5)"});
    // Above the upper bound (10'000'000): the value is named exactly, not as "1e+07".
    c.samples = 10'000'001;
    expect_rejected(c, "samples", {"(got 10000001)"});
}

TEST_CASE("config: epochs must be positive", "[config]") {
    Config c = dense();
    c.epochs = 0;
    expect_trainer_rejects(c, "epochs", {"(got 0)"});
}

TEST_CASE("config: batch_size must be positive and fit the training set", "[config]") {
    Config c = dense();
    c.batch_size = 0;
    expect_trainer_rejects(c, "batch_size", {"(got 0)"});

    c = dense();
    c.samples = 100;
    c.validation_split = 0.5f;  // 50 training samples
    c.batch_size = 60;
    expect_trainer_rejects(c, "batch_size", {"(got 60)", "50"});
    c.batch_size = 50;  // exactly the training set is fine
    CHECK_NOTHROW(validate(c));
}

TEST_CASE("config: input_dim and units must be positive", "[config]") {
    Config c = dense();
    c.input_dim = 0;
    expect_trainer_rejects(c, "input_dim", {"(got 0)"});
    c = lstm();
    c.units = -1;
    expect_trainer_rejects(c, "units", {"(got -1)"});
    c = dense();
    c.input_dim = attn::kMaxSize + 1;
    expect_rejected(c, "input_dim", {"(got " + std::to_string(attn::kMaxSize + 1) + ")"});
}

TEST_CASE("config: time_steps must be positive for a recurrent preset", "[config]") {
    Config c = lstm();
    c.time_steps = 0;
    expect_trainer_rejects(c, "time_steps", {"(got 0)"});
    c = defaults_for("gru_before");
    c.time_steps = -3;
    expect_trainer_rejects(c, "time_steps", {"(got -3)"});
}

TEST_CASE("config: attention_column must index the input (dense) or the time steps (recurrent)", "[config]") {
    Config c = dense();
    c.attention_column = -1;
    expect_trainer_rejects(c, "attention_column", {"(got -1)"});
    c.attention_column = c.input_dim;  // 32: one past the last column
    expect_trainer_rejects(c, "attention_column", {"(got 32)"});
    c.attention_column = c.input_dim - 1;
    CHECK_NOTHROW(validate(c));

    c = defaults_for("lstm_before");
    c.attention_column = c.time_steps;  // 20: one past the last step
    expect_trainer_rejects(c, "attention_column", {"(got 20)"});
    c.attention_column = -1;
    expect_trainer_rejects(c, "attention_column", {"(got -1)"});
    c.attention_column = c.time_steps - 1;
    CHECK_NOTHROW(validate(c));
    // For recurrent presets the column is a time step, not a feature: 10 > input_dim 2 is fine.
    c.attention_column = 10;
    CHECK_NOTHROW(validate(c));
}

TEST_CASE("config: learning_rate must be finite and positive", "[config]") {
    Config c = dense();
    c.learning_rate = attn::kNaN;
    expect_trainer_rejects(c, "learning_rate", {"nan"});
    c.learning_rate = kInf;
    expect_trainer_rejects(c, "learning_rate", {"inf"});
    c.learning_rate = -kInf;
    expect_trainer_rejects(c, "learning_rate", {"-inf"});
    c.learning_rate = 0.0f;
    expect_trainer_rejects(c, "learning_rate", {"(got 0)"});
    c.learning_rate = -1.0f;
    expect_trainer_rejects(c, "learning_rate", {"(got -1)"});
}

TEST_CASE("config: validation_split must be at least 0 and below 1", "[config]") {
    Config c = dense();
    c.validation_split = -0.1f;
    expect_trainer_rejects(c, "validation_split", {"-0.1"});
    c.validation_split = 1.0f;
    expect_trainer_rejects(c, "validation_split", {"(got 1)"});
    c.validation_split = attn::kNaN;
    expect_trainer_rejects(c, "validation_split", {"nan"});
    c.validation_split = 0.0f;
    CHECK_NOTHROW(validate(c));
    // A split that leaves no training sample at all.
    c.samples = 1;
    c.batch_size = 1;
    c.validation_split = 0.99f;
    expect_rejected(c, "validation_split", {"0.99"});
}

TEST_CASE("config: unknown preset, optimizer and loss are named", "[config]") {
    Config c = dense();
    c.preset = "transformer";
    expect_trainer_rejects(c, "preset", {"transformer"});
    c = dense();
    c.optimizer = "adagrad";
    expect_trainer_rejects(c, "optimizer", {"adagrad"});
    c = dense();
    c.loss = "hinge";
    expect_trainer_rejects(c, "loss", {"hinge"});
    for (const char* o : {"adam", "sgd", "rmsprop"}) {
        c = dense();
        c.optimizer = o;
        CHECK_NOTHROW(validate(c));
    }
    for (const char* l : {"binary_crossentropy", "mse", "mae"}) {
        c = dense();
        c.loss = l;
        CHECK_NOTHROW(validate(c));
    }
}

TEST_CASE("config: dropout and momentum must be at least 0 and below 1", "[config]") {
    Config c = dense();
    c.dropout = 1.0f;
    expect_trainer_rejects(c, "dropout", {"(got 1)"});
    c.dropout = -0.5f;
    expect_trainer_rejects(c, "dropout", {"-0.5"});
    c.dropout = 0.5f;
    CHECK_NOTHROW(validate(c));

    c = dense();
    c.optimizer = "sgd";
    c.momentum = 1.0f;
    expect_trainer_rejects(c, "momentum", {"(got 1)"});
    c.momentum = attn::kNaN;
    expect_trainer_rejects(c, "momentum", {"nan"});
    c.momentum = 0.9f;
    CHECK_NOTHROW(validate(c));
}

// The trainer (and estimate()) refuses a run whose data, parameters and activations would
// not fit kMemoryBudget, naming the field that weighs most, before anything is allocated.
void expect_over_budget(const Config& c, const std::string& field) {
    CHECK_NOTHROW(validate(c));  // every field is fine on its own
    CHECK(attn::estimate(c).total() > attn::kMemoryBudget);  // estimate() reports it
    bool threw = false;
    try {
        attn::Trainer t(c);
    } catch (const ConfigError& e) {
        threw = true;
        INFO("what(): " << e.what());
        CHECK(e.field == field);
        CHECK_THAT(e.what(), Catch::Matchers::Contains("this run needs") && Catch::Matchers::Contains("lower " + field));
    }
    INFO("the Trainer should refuse the config for " << field);
    CHECK(threw);
}

TEST_CASE("config: a run over the memory budget is refused before anything is allocated", "[config][memory]") {
    // Data: 3,000,000 samples x 20 steps x 100 features x 4 bytes = 24 GB.
    Config c = lstm();
    c.samples = 3'000'000;
    c.input_dim = 100;
    expect_over_budget(c, "samples");
    // Parameters: an LSTM of 4096 units has 4 * 4096 * (4096 + 2 + 1) floats = 268 MB, kept six
    // times (values, gradients, a backup, Adam's two moments).
    c = lstm();
    c.units = attn::kMaxSize;
    c.test_samples = 8;
    c.batch_size = 8;
    expect_over_budget(c, "units");
    // Activations: the held-out batch of 100,000 sequences of 1000 steps through 512 units.
    c = lstm();
    c.samples = 2000;
    c.time_steps = 1000;
    c.units = 512;
    c.test_samples = 100'000;
    expect_over_budget(c, "test_samples");
    // Within the budget: estimate() adds up the parts.
    const attn::Footprint f = attn::estimate(lstm());
    CHECK(f.data >= 300000LL * 20 * 2 * 4);
    CHECK(f.parameter_count == 4LL * 32 * (2 + 32 + 1) + 20 * 20 + 20 + 32 * 20 + 1);
    CHECK(f.total() < attn::kMemoryBudget);
}

TEST_CASE("config: size products that overflow 32 bits are refused, not wrapped", "[config][memory]") {
    // test_samples x time_steps x input_dim = 65536 x 256 x 256 = 2^32: wraps to 0 in 32 bits.
    Config c = defaults_for("lstm_before");
    c.time_steps = 256;
    c.input_dim = 256;
    c.samples = 900;
    c.test_samples = 65536;
    CHECK(attn::estimate(c).data > 65536LL * 256 * 256 * 4);
    CHECK_THROWS_AS(attn::Trainer(c), ConfigError);
}
