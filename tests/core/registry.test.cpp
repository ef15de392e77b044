// Models and tasks as data: the preset and task tables, every combination of task, cell and
// attention that makes sense builds and trains, every one that does not is refused naming the
// field, and the models the fields describe have the layers, weights and heads they should.
#include <catch2/catch.hpp>

#include <cmath>
#include <set>
#include <string>
#include <vector>

#include "model.hpp"
#include "preset.hpp"
#include "task.hpp"
#include "trainer.hpp"
#include "expect.hpp"

using namespace attn;
using attn::test::config_error;

namespace {

// A config small enough to build and step in milliseconds.
Config small(Config c) {
    c.samples = 96;
    c.batch_size = 16;
    c.test_samples = 8;
    c.validation_split = 0.25;
    c.units = 6;
    c.attention_units = 5;
    if (find_task(c.task).sequence) c.time_steps = std::max(6, find_task(c.task).min_time_steps);
    c.attention_column = std::min(c.attention_column, 3);
    if (find_task(c.task).fixed_input_dim == 0) c.input_dim = find_task(c.task).sequence ? 3 : 7;
    return c;
}

std::vector<std::string> names(const std::vector<Weight>& w) {
    std::vector<std::string> n;
    for (const auto& x : w) n.push_back(x.name);
    return n;
}

std::vector<std::string> rows(const Trainer& t) {
    std::vector<std::string> n;
    for (const auto& r : t.summary()) n.push_back(r.name);
    return n;
}

}  // namespace

TEST_CASE("registry: presets are one table with unique names, words and valid defaults", "[registry]") {
    std::set<std::string> seen;
    for (const auto& p : presets()) {
        INFO("preset " << p.name);
        CHECK(seen.insert(p.name).second);
        CHECK(std::string(p.label).size() > 2);
        CHECK(std::string(p.description).size() > 20);
        CHECK(std::string(p.attention).size() > 20);
        CHECK(p.config.preset == p.name);
        CHECK_NOTHROW(validate(p.config));
        CHECK(defaults_for(p.name).task == p.config.task);
    }
    for (const char* name : {"dense", "lstm_after", "lstm_before", "gru_after", "gru_before", "find_max",
                             "add_two_numbers", "attention_example"})
        CHECK(seen.count(name) == 1);
}

TEST_CASE("registry: the later presets are the seed's settings (SPEC's table)", "[registry]") {
    const Config m = defaults_for("find_max");
    CHECK(m.task == "find_max");
    CHECK(m.cell == "lstm");
    CHECK(m.units == 128);
    CHECK(m.attention == "many_to_one");
    CHECK(m.score == "luong");
    CHECK(m.attention_units == 128);
    CHECK(m.time_steps == 10);
    CHECK(m.input_dim == 1);
    CHECK(m.samples == 100000);
    CHECK(m.validation_split == 0.2);
    CHECK(m.loss == "mae");
    CHECK(m.optimizer == "rmsprop");
    CHECK(m.learning_rate == 0.001);
    CHECK(m.batch_size == 32);
    CHECK(m.epochs == 100);

    const Config a = defaults_for("add_two_numbers");
    CHECK(a.task == "add_two_numbers");
    CHECK(a.cell == "lstm");
    CHECK(a.units == 100);
    CHECK(a.attention == "many_to_one");
    CHECK(a.score == "bahdanau");
    CHECK(a.attention_units == 128);
    CHECK(a.dropout == 0.2);
    CHECK(a.time_steps == 20);
    CHECK(a.train_samples() == 20000);
    CHECK(a.validation_samples() == 4000);
    CHECK(a.loss == "mae");
    CHECK(a.optimizer == "adam");
    CHECK(a.batch_size == 64);
    CHECK(a.epochs == 150);

    const Config e = defaults_for("attention_example");
    CHECK(e.task == "noise");
    CHECK(e.cell == "lstm");
    CHECK(e.units == 64);
    CHECK(e.attention_units == 32);
    CHECK(e.samples == 100);
    CHECK(e.time_steps == 10);
    CHECK(e.input_dim == 1);
    CHECK(e.loss == "mae");
    CHECK(e.optimizer == "adam");
    CHECK(e.epochs == 30);
}

TEST_CASE("registry: tasks are one table: generator, head, loss, metric", "[registry]") {
    std::set<std::string> seen;
    for (const auto& t : tasks()) {
        INFO("task " << t.name);
        CHECK(seen.insert(t.name).second);
        CHECK(t.generate != nullptr);
        CHECK((t.head == Head::sigmoid) == (t.metric == Metric::accuracy));
        CHECK((std::string(t.loss) == "binary_crossentropy") == (t.head == Head::sigmoid));
        CHECK(&find_task(t.name) == &t);
        Config c = defaults_for(t.sequence ? "lstm_after" : "dense");
        c.input_dim = t.fixed_input_dim ? t.fixed_input_dim : c.input_dim;
        Rng rng(1, Stream::data);
        const Dataset d = t.generate(c, 4, rng);  // its data carries the ground truth it claims
        CHECK((d.positions > 0) == t.ground_truth);
    }
    const ConfigError e = config_error([] { find_task("translate"); });
    CHECK(e.field == "task");
    CHECK_THAT(e.what(), Catch::Matchers::Contains("'translate'") && Catch::Matchers::Contains("find_max"));
}

TEST_CASE("registry: every combination that makes sense builds and trains", "[registry]") {
    int built = 0;
    for (const auto& task : tasks()) {
        if (token_outputs(task)) continue;  // the self-attention and seq2seq models' own: below
        const std::vector<std::string> cells = task.sequence ? std::vector<std::string>{"lstm", "gru"}
                                                             : std::vector<std::string>{"none"};
        for (const auto& cell : cells)
            for (const char* attention : {"block", "many_to_one", "none"})
                for (const char* placement : {"before", "after"})
                    for (bool single : {false, true})
                        for (const char* score : {"luong", "bahdanau"}) {
                            Config c = small(defaults_for(task.sequence ? "lstm_after" : "dense"));
                            c.task = task.name;
                            c.loss = task.loss;
                            c.cell = cell;
                            c.attention = attention;
                            c.placement = placement;
                            c.single_attention_vector = single;
                            c.score = score;
                            c.input_dim = task.fixed_input_dim ? task.fixed_input_dim : c.input_dim;
                            c = small(c);
                            if (std::string(attention) == "many_to_one" && !c.recurrent()) continue;
                            INFO(task.name << " " << cell << " " << attention << " " << placement << " single "
                                           << single << " " << score);
                            Trainer t(c);
                            const Metrics m = t.step(3);
                            CHECK(m.status == Status::training);
                            CHECK(std::isfinite(m.train.loss));
                            CHECK(t.parameter_count() > 0);
                            ++built;
                        }
    }
    CHECK(built >= 5 * 2 * 2 * 2 * 2);
    int tokens = 0;  // the token tasks: self_attention, 1-2 layers of 1-2 heads, dropout or none
    for (const auto& task : tasks()) {
        if (task.head != Head::tokens) continue;
        for (int layers : {1, 2})
            for (int heads : {1, 2})
                for (double dropout : {0.0, 0.2}) {
                    Config c = small(defaults_for("previous_token"));
                    c.task = task.name;
                    c.layers = layers;
                    c.heads = heads;
                    c.dropout = dropout;
                    c.units = 8;
                    c.time_steps = 6;
                    INFO(task.name << " layers " << layers << " heads " << heads << " dropout " << dropout);
                    Trainer t(c);
                    const Metrics m = t.step(3);
                    CHECK(m.status == Status::training);
                    CHECK(std::isfinite(m.train.loss));
                    CHECK(m.train.attention_on_target >= 0.0f);
                    CHECK(t.head_scores().size() == size_t(layers * heads));
                    ++tokens;
                }
    }
    CHECK(tokens == 3 * 8);
    int translations = 0;  // the translation tasks: seq2seq of either cell, each score, dropout or none
    for (const auto& task : tasks()) {
        if (task.head != Head::translation) continue;
        for (const char* cell : {"lstm", "gru"})
            for (const char* score : {"dot", "luong", "bahdanau"})
                for (double dropout : {0.0, 0.2}) {
                    Config c = small(defaults_for("reverse"));
                    c.task = task.name;
                    c.cell = cell;
                    c.score = score;
                    c.dropout = dropout;
                    if (task.fixed_vocab) c.vocab_size = task.fixed_vocab;
                    c = small(c);
                    INFO(task.name << " " << cell << " " << score << " dropout " << dropout);
                    Trainer t(c);
                    const Metrics m = t.step(3);
                    CHECK(m.status == Status::training);
                    CHECK(std::isfinite(m.train.loss));
                    CHECK(m.train.attention_on_target >= 0.0f);
                    CHECK(t.validate().attention_on_target >= 0.0f);  // greedy decoding
                    ++translations;
                }
    }
    CHECK(translations == 3 * 12);
}

TEST_CASE("registry: a combination that makes no sense is refused, naming the field", "[registry]") {
    struct Case {
        const char* preset;
        void (*change)(Config&);
        const char* field;
        const char* words;
    };
    const Case cases[] = {
        {"dense", [](Config& c) { c.cell = "lstm"; }, "cell", "gives vectors"},
        {"find_max", [](Config& c) { c.cell = "none"; }, "cell", "gives sequences"},
        {"dense", [](Config& c) { c.attention = "many_to_one"; }, "attention", "needs cell lstm or gru"},
        {"find_max", [](Config& c) { c.loss = "binary_crossentropy"; }, "loss", "predicts values"},
        {"find_max", [](Config& c) { c.input_dim = 2; }, "input_dim", "(got 2)"},
        {"add_two_numbers", [](Config& c) { c.time_steps = 3; }, "time_steps", "at least 4"},
        {"find_max", [](Config& c) { c.score = "general"; }, "score", "'general'"},
        {"find_max", [](Config& c) { c.attention = "self"; }, "attention", "'self'"},
        {"lstm_after", [](Config& c) { c.placement = "inside"; }, "placement", "'inside'"},
        {"lstm_after", [](Config& c) { c.cell = "rnn"; }, "cell", "'rnn'"},
        {"lstm_after", [](Config& c) { c.task = "translate"; }, "task", "'translate'"},
        {"find_max", [](Config& c) { c.attention_units = 0; }, "attention_units", "(got 0)"},
        {"find_max", [](Config& c) { c.attention_units = kMaxSize + 1; }, "attention_units", "at most"},
        {"find_max", [](Config& c) { c.attention = "self_attention"; }, "attention", "needs a token task"},
        {"previous_token", [](Config& c) { c.attention = "many_to_one"; }, "attention", "choose self_attention"},
        {"previous_token", [](Config& c) { c.cell = "lstm"; }, "cell", "does not go with self_attention"},
        {"previous_token", [](Config& c) { c.loss = "mae"; }, "loss", "sparse_categorical_crossentropy"},
        {"find_max", [](Config& c) { c.loss = "sparse_categorical_crossentropy"; }, "loss", "token targets"},
        {"sort_tokens", [](Config& c) { c.vocab_size = 2; }, "vocab_size", "at least 3"},
        {"induction_head", [](Config& c) { c.heads = 3; }, "heads", "divide units (32)"},
        {"induction_head", [](Config& c) { c.heads = 0; }, "heads", "(got 0)"},
        {"induction_head", [](Config& c) { c.layers = 9; }, "layers", "at most 8"},
        {"previous_token", [](Config& c) { c.vocab_size = 1; }, "vocab_size", "at least 2"},
        {"previous_token", [](Config& c) { c.input_dim = 2; }, "input_dim", "(got 2)"},
        {"induction_head", [](Config& c) { c.time_steps = 2; }, "time_steps", "at least 3"},
    };
    for (const auto& k : cases) {
        Config c = defaults_for(k.preset);
        k.change(c);
        INFO(k.preset << " -> " << k.field);
        const ConfigError e = config_error([&] { validate(c); });
        CHECK(e.field == k.field);
        CHECK_THAT(e.what(), Catch::Matchers::StartsWith(std::string(k.field) + ": ") &&
                                 Catch::Matchers::Contains(k.words));
        CHECK(config_error([&] { Trainer t(c); }).field == k.field);
    }
}

TEST_CASE("registry: fields that do not apply to a config are marked so", "[registry]") {
    auto applies = [](const Config& c, const char* name) { return find_field(name)->applies_to(c); };
    const Config dense = defaults_for("dense"), after = defaults_for("lstm_after"), max = defaults_for("find_max");
    CHECK_FALSE(applies(dense, "time_steps"));
    CHECK_FALSE(applies(dense, "placement"));
    CHECK_FALSE(applies(dense, "score"));
    CHECK(applies(dense, "attention_column"));
    CHECK(applies(after, "placement"));
    CHECK(applies(after, "single_attention_vector"));
    CHECK_FALSE(applies(after, "score"));
    CHECK(applies(max, "score"));
    CHECK(applies(max, "attention_units"));
    CHECK_FALSE(applies(max, "attention_column"));
    CHECK_FALSE(applies(max, "input_dim"));
    CHECK_FALSE(applies(max, "momentum"));
    Config sgd = max;
    sgd.optimizer = "sgd";
    CHECK(applies(sgd, "momentum"));
    CHECK_FALSE(applies(after, "reset_after"));  // an LSTM
    CHECK_FALSE(applies(dense, "reset_after"));
    CHECK(applies(defaults_for("gru_after"), "reset_after"));
    for (const auto& f : config_fields()) {  // every field has words for people
        CHECK(std::string(f.label).size() > 2);
        CHECK(std::string(f.help).size() > 5);
    }
}

TEST_CASE("registry: the many-to-one models have Keras's layers, weights and parameter counts", "[registry]") {
    for (const char* score : {"luong", "bahdanau"}) {
        Config c = small(defaults_for("find_max"));
        c.score = score;
        INFO("score " << score);
        Trainer t(c);
        CHECK(rows(t) == std::vector<std::string>{"input", "lstm", "attention", "output"});
        const int D = c.units, U = c.attention_units;
        const std::vector<std::string> want =
            std::string(score) == "luong"
                ? std::vector<std::string>{"lstm/kernel", "lstm/recurrent_kernel", "lstm/bias", "luong_w/kernel",
                                           "attention_vector/kernel", "output/kernel", "output/bias"}
                : std::vector<std::string>{"lstm/kernel", "lstm/recurrent_kernel", "lstm/bias", "bahdanau_w1/kernel",
                                           "bahdanau_w2/kernel", "bahdanau_v/kernel", "attention_vector/kernel",
                                           "output/kernel", "output/bias"};
        CHECK(names(t.weights()) == want);
        const long long attention = std::string(score) == "luong" ? 1LL * D * D + 2LL * D * U
                                                                  : 2LL * D * D + D + 2LL * D * U;
        for (const auto& r : t.summary())
            if (r.name == "attention") CHECK(r.params == attention);
        CHECK(t.parameter_count() == 4LL * D * (1 + D + 1) + attention + U + 1);
        // The attention weights and the context are named outputs, in inference mode.
        const Tensor w = t.activations("attention_weight");
        CHECK(w.shape == std::vector<int>{c.test_samples, c.time_steps});
        for (int b = 0; b < c.test_samples; ++b) {
            double s = 0;
            for (int k = 0; k < c.time_steps; ++k) s += w.data[size_t(b) * c.time_steps + k];
            CHECK(std::abs(s - 1.0) < 1e-5);
        }
        CHECK(t.activations("context_vector").shape == std::vector<int>{c.test_samples, D});
        CHECK(t.activations("attention").shape == std::vector<int>{c.test_samples, U});
        CHECK(t.attention().shape == std::vector<int>{c.time_steps});
    }
}

TEST_CASE("registry: reset_after picks Keras's GRU variant: its bias, its parameter count", "[registry]") {
    for (bool reset_after : {true, false}) {
        Config c = small(defaults_for("gru_after"));
        c.reset_after = reset_after;
        INFO("reset_after " << reset_after);
        Trainer t(c);
        const int D = c.input_dim, H = c.units;
        const std::vector<Weight> w = t.weights();
        CHECK(names(w) == std::vector<std::string>{"gru/kernel", "gru/recurrent_kernel", "gru/bias",
                                                   "attention_probs/kernel", "attention_probs/bias", "output/kernel",
                                                   "output/bias"});
        CHECK(w[2].shape == (reset_after ? std::vector<int>{2, 3 * H} : std::vector<int>{3 * H}));
        for (const auto& r : t.summary())
            if (r.name == "gru") CHECK(r.params == 3LL * H * (D + H + (reset_after ? 2 : 1)));
        const Metrics m = t.step(3);
        CHECK(std::isfinite(m.train.loss));
    }
}

TEST_CASE("registry: the regression head is linear, the 0/1 head a sigmoid", "[registry]") {
    for (const char* preset : {"dense", "find_max"}) {
        Trainer t(small(defaults_for(preset)));
        auto w = t.weights();
        for (auto& x : w)
            if (x.name == "output/kernel") std::fill(x.data.begin(), x.data.end(), 0.0f);
            else if (x.name == "output/bias") x.data[0] = 3.0f;
        t.set_weights(w);
        const Tensor p = t.predict(t.test_inputs());
        INFO("preset " << preset);
        const double want = std::string(preset) == "dense" ? 1.0 / (1.0 + std::exp(-3.0)) : 3.0;
        CHECK(p.data[0] == Approx(want).epsilon(1e-6));
    }
}

TEST_CASE("registry: a model without attention has no attention to read", "[registry]") {
    for (const char* preset : {"dense", "lstm_after", "find_max"}) {
        Config c = small(defaults_for(preset));
        c.attention = "none";
        INFO("preset " << preset);
        Trainer t(c);
        const std::vector<std::string> layers = rows(t);
        CHECK(layers.size() == 3);  // input, the cell or Dense, output
        CHECK(config_error([&] { t.attention(); }).field == "attention");
        CHECK(config_error([&] { t.attention_maps(2); }).field == "attention");
        const Metrics m = t.train(1);
        CHECK(std::isfinite(m.val.loss));
        CHECK(std::isnan(m.val.attention_on_target));
        CHECK(std::isnan(m.val.hit_rate));
    }
}

TEST_CASE("registry: parameter names are unique per layer, shared only through the sealed store", "[registry]") {
    ParamStore ps;
    ps.declare("attention_probs/kernel", 2, 2, {2, 2});
    CHECK_THROWS_AS(ps.declare("attention_probs/kernel", 2, 2, {2, 2}), std::logic_error);
    ps.seal();  // the models of other batch sizes find the same parameter
    CHECK(ps.declare("attention_probs/kernel", 2, 2, {2, 2}) == 0);
    CHECK_THROWS_AS(ps.declare("attention_probs/kernel", 3, 2, {3, 2}), std::logic_error);
    CHECK_THROWS_AS(ps.declare("other/kernel", 2, 2, {2, 2}), std::logic_error);
}
