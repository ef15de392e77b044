// The cost model (Footprint's work fields, estimate()) and the limit on building a trainer:
// the layers' multiply-adds against hand counts, the orthogonal initialiser's operations, the
// whole run's total, and the refusal of a config whose initialisation or data would take more
// than kMaxSetupSeconds to build (naming the field), before anything is drawn or allocated.
#include <catch2/catch.hpp>

#include <string>

#include "init.hpp"
#include "preset.hpp"
#include "task.hpp"
#include "trainer.hpp"

using attn::Config;
using attn::ConfigError;
using attn::Footprint;

namespace {

// The forward pass's multiply-adds per sample, counted by hand from core/model.hpp's layer list.
double hand_macs(const Config& c) {
    const double D = c.input_dim, T = c.time_steps, H = c.units, U = c.attention_units;
    if (c.self_attention())  // per layer Wq, Wk, Wv, Wo on every step, K^T Q and V A; the head per step
        return c.layers * (4 * H * H * T + 2 * H * T * T) + T * H * c.vocab_size;
    if (c.seq2seq()) {  // encoder and decoder on embeddings of H; scores, context, Wc; the head per step
        const double Tt = attn::outputs_per_sample(attn::find_task(c.task), c), G = c.gru() ? 3 : 4;
        const double score = c.score == "luong" ? Tt * H * H : c.score == "bahdanau" ? (Tt + T) * H * H : 0;
        return (T + Tt) * G * H * 2 * H + 2 * Tt * T * H + score + Tt * 2 * H * U + Tt * U * c.vocab_size;
    }
    if (!c.recurrent()) return (c.block() ? D * D : 0) + D * H + H;
    const double G = c.gru() ? 3 : 4;
    const double cell = T * G * H * (D + H);
    if (c.block()) {
        const bool after = c.placement == "after";
        return cell + T * T * (after ? H : D) + (after ? T * H : H);
    }
    if (c.attention == "many_to_one") {
        const double score = c.score == "luong" ? H * H + T * H : H * H + T * H * H + T * H;
        return cell + score + T * H + 2 * H * U + U;
    }
    return cell + H;
}

}  // namespace

TEST_CASE("cost: flops per sample are 6 x the layers' multiply-adds, for every preset", "[cost]") {
    for (const auto& p : attn::presets()) {
        for (const char* score : {"luong", "bahdanau", "dot"}) {
            Config c = p.config;
            c.score = score;
            if (c.score == "dot" && !c.seq2seq()) continue;
            INFO(p.name << " " << score);
            const Footprint f = attn::estimate(c);
            CHECK(f.flops_per_sample == 6 * hand_macs(c));
            // inference: a forward pass (a third of training's), one per output step for seq2seq
            const double decode = c.seq2seq() ? attn::outputs_per_sample(attn::find_task(c.task), c) : 1;
            CHECK(f.run_flops == c.epochs * (c.train_samples() * f.flops_per_sample +
                                             c.validation_samples() * (f.flops_per_sample / 3 * decode)));
            CHECK(f.batch_flops >= c.batch_size * f.flops_per_sample);
            CHECK(f.batch_flops >= c.test_samples * f.flops_per_sample / 3 * decode);
        }
    }
    // The seed's dense model: attention Dense(32 -> 32), Dense(32 -> 64), Dense(64 -> 1).
    CHECK(attn::estimate(attn::defaults_for("dense")).flops_per_sample == 6.0 * (32 * 32 + 32 * 64 + 64));
}

TEST_CASE("cost: the orthogonal initialiser's operations, counted from its loops", "[cost]") {
    CHECK(attn::orthogonal_flops(4, 1) == 3 * 4);  // one column: its norm and division only
    CHECK(attn::orthogonal_flops(8, 3) == 4.0 * 8 * 3 * 2 + 3.0 * 8 * 3);
    for (int H : {1, 32, 100}) {
        Config lstm = attn::defaults_for("lstm_after");
        lstm.units = H;
        CHECK(attn::estimate(lstm).init_flops == attn::orthogonal_flops(4.0 * H, H));
        Config gru = attn::defaults_for("gru_before");
        gru.units = H;
        CHECK(attn::estimate(gru).init_flops == attn::orthogonal_flops(3.0 * H, H));
    }
    CHECK(attn::estimate(attn::defaults_for("dense")).init_flops == 0);  // glorot and zeros only
    // Cubic: an LSTM of 1024 units takes 1.7e10 operations, 4096 units 64 times as many.
    CHECK(attn::orthogonal_flops(4096, 1024) == Approx(1.7e10).epsilon(0.02));
}

TEST_CASE("cost: the values the generator draws, and none for the caller's data", "[cost]") {
    const Config c = attn::defaults_for("lstm_after");  // 300,000 + 300 samples of (20, 2) and a target
    CHECK(attn::estimate(c).data_values == (300000LL + 300) * (20 * 2 + 1));
    Config small = c;
    small.samples = 200;
    small.test_samples = 10;
    small.units = 4;
    small.batch_size = 4;
    attn::Trainer t(small);
    CHECK(t.footprint().data_values == 210LL * 41);
    t.set_data(t.test_inputs(), t.test_targets());  // the caller's 10 samples: nothing drawn
    CHECK(t.footprint().data_values == 0);
}

TEST_CASE("cost: a trainer that would take more than 10 s to build is refused, naming the field", "[cost]") {
    // Every preset's own settings build well within the limit.
    for (const auto& p : attn::presets()) {
        INFO(p.name);
        CHECK(attn::estimate(p.config).setup_seconds() < attn::kMaxSetupSeconds / 2);
    }
    auto refused = [](const Config& c, const std::string& field) {
        const Footprint f = attn::estimate(c);  // reports, does not throw
        CHECK(f.total() <= attn::kMemoryBudget);
        CHECK(f.setup_seconds() > attn::kMaxSetupSeconds);
        try {
            attn::Trainer t(c);
            FAIL("the trainer was built");
        } catch (const ConfigError& e) {
            INFO(e.what());
            CHECK(e.field == field);
            CHECK_THAT(e.what(), Catch::Matchers::StartsWith(field + ": building this run takes about ") &&
                                     Catch::Matchers::EndsWith("lower " + field));
        }
    };
    // The orthogonal initialiser: an LSTM of 1024 units is 1.7e10 operations, 34 s at the
    // conservative 0.5 GFLOP/s (27 s measured natively on the project's busy VM); 512 is 4 s.
    Config lstm = attn::defaults_for("lstm_after");
    lstm.samples = 2000;
    lstm.units = 1024;
    refused(lstm, "units");
    lstm.preset = "gru_after";
    lstm.cell = "gru";
    refused(lstm, "units");
    lstm.cell = "lstm";
    lstm.units = 512;
    CHECK(attn::estimate(lstm).setup_seconds() < attn::kMaxSetupSeconds);
    // The data: 2,000,000 dense samples are 6.6e7 normal draws, 13 s at 5 M values/s.
    Config dense = attn::defaults_for("dense");
    dense.samples = 2'000'000;
    refused(dense, "samples");
    dense.samples = 1'000'000;  // the page's maximum
    CHECK(attn::estimate(dense).setup_seconds() < attn::kMaxSetupSeconds);
}

TEST_CASE("cost: memory is checked before time", "[cost]") {
    Config c = attn::defaults_for("lstm_after");
    c.units = attn::kMaxSize;  // 1.6 GB of parameters and 1.1e12 operations to initialise
    c.batch_size = 8;
    c.test_samples = 8;
    try {
        attn::Trainer t(c);
        FAIL("the trainer was built");
    } catch (const ConfigError& e) {
        CHECK(e.field == "units");
        CHECK_THAT(e.what(), Catch::Matchers::Contains("this run needs"));
    }
}
