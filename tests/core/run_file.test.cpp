// Saving and loading a run: the continued run equals an uninterrupted one bit for bit, for
// every preset (dropout and the caller's data included); a damaged file, one cut short, one of
// another format or one that is not a run at all is refused by name and builds nothing.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstring>

#include "archive.hpp"
#include "preset.hpp"
#include "task.hpp"
#include "trainer.hpp"

using namespace attn;

namespace {
Config small(const char* preset) {
    Config c = defaults_for(preset);
    c.samples = 300;
    c.batch_size = 32;
    c.test_samples = 16;
    c.validation_split = 0.2;
    c.epochs = 4;
    if (c.recurrent()) {
        c.units = 8;
        c.time_steps = std::max(find_task_or_null(c.task)->min_time_steps, 6);
        c.attention_column = std::min(c.attention_column, 3);
    }
    c.attention_units = 6;
    return c;
}

std::vector<float> losses(Trainer& t, int steps) {
    std::vector<float> out;
    for (int i = 0; i < steps; ++i) out.push_back(t.step(1).batch_loss);
    return out;
}

bool same_bits(const std::vector<float>& a, const std::vector<float>& b) {
    return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

// A changed payload under a header with the right length and checksum.
std::vector<uint8_t> resealed(std::vector<uint8_t> f) {
    const uint32_t crc = crc32(f.data() + 24, f.size() - 24);
    for (int i = 0; i < 4; ++i) f[size_t(20 + i)] = uint8_t(crc >> (8 * i));
    return f;
}

ConfigError refused(const std::vector<uint8_t>& file) {
    try {
        Trainer::load_run(file);
    } catch (const ConfigError& e) {
        return e;
    }
    FAIL("the file was loaded");
    return ConfigError("", "");
}
}  // namespace

TEST_CASE("run file: a continued run equals an uninterrupted one, bit for bit", "[run_file]") {
    for (const auto& p : presets()) {
        for (double dropout : {0.0, 0.3}) {
            Config c = small(p.name);
            c.dropout = dropout;
            INFO(p.name << ", dropout " << dropout);
            Trainer straight(c), stopped(c);
            const auto want = losses(straight, 25);  // across epoch ends (8 steps per epoch)
            const auto first = losses(stopped, 11);  // part-way through an epoch
            const auto file = stopped.save_run();
            Trainer resumed = Trainer::load_run(file);
            CHECK(resumed.metrics().step == 11);
            CHECK(resumed.history().train.size() == stopped.history().train.size());
            auto rest = losses(resumed, 14);
            std::vector<float> got = first;
            got.insert(got.end(), rest.begin(), rest.end());
            CHECK(same_bits(got, want));
            CHECK(resumed.save_run() != file);  // it moved on
            const Tensor x = straight.test_inputs();
            CHECK(same_bits(resumed.predict(x).data, straight.predict(x).data));
        }
    }
}

TEST_CASE("run file: the caller's data and a finished run come back too", "[run_file]") {
    Config c = small("find_max");
    Config more = c;
    more.test_samples = 100;
    Trainer source(more);
    const Tensor x = source.test_inputs(), y = source.test_targets();
    Trainer t(c);
    t.set_data(x, y);
    t.train(c.epochs);
    REQUIRE(t.metrics().status == Status::done);
    Trainer back = Trainer::load_run(t.save_run());
    CHECK(back.metrics().status == Status::done);
    CHECK(back.config().samples == 100);
    CHECK(back.history().val.size() == size_t(c.epochs));
    CHECK(same_bits(back.predict(x).data, t.predict(x).data));
    CHECK(same_bits(back.test_inputs().data, t.test_inputs().data));
}

TEST_CASE("run file: damaged, cut short, another format or not a run: refused by name", "[run_file]") {
    Trainer t(small("lstm_after"));
    t.step(5);
    const auto file = t.save_run();
    auto flipped = file;
    flipped[flipped.size() / 2] ^= 0x40;
    CHECK_THAT(refused(flipped).what(), Catch::Matchers::StartsWith("run: ") && Catch::Matchers::Contains("checksum"));
    auto cut = file;
    cut.resize(cut.size() - 100);
    CHECK_THAT(refused(cut).what(), Catch::Matchers::Contains("cut short"));
    auto other = file;
    other[8] = 99;  // the format version
    CHECK_THAT(refused(other).what(), Catch::Matchers::Contains("format 99") && Catch::Matchers::Contains("reads format 1"));
    CHECK_THAT(refused({'{', '"', 'a', '"', '}'}).what(), Catch::Matchers::Contains("does not start as a saved run"));
    CHECK(refused({}).field == "run");
}

// A file made by hand passes the checksum: what it holds must still fit the run's buffers.
// (tests/fuzz/fuzz_run_file.cpp found the first: an index past the training samples in the
// epoch's order read past the data.)
TEST_CASE("run file: a well-formed file whose state does not fit the run is refused by name", "[run_file]") {
    Trainer t(small("gru_after"));
    t.step(3);
    const auto file = t.save_run();
    const int n = t.config().train_samples();
    // The order: its length (8 bytes, n) then n ints that are a permutation of 0..n-1.
    size_t order = 0;
    for (size_t at = 24; at + 8 + 4 * size_t(n) <= file.size() && !order; ++at) {
        uint64_t len;
        std::memcpy(&len, &file[at], 8);
        if (len != uint64_t(n)) continue;
        std::vector<int> v(static_cast<size_t>(n), 0);
        std::memcpy(v.data(), &file[at + 8], 4 * size_t(n));
        std::vector<int> sorted = v;
        std::sort(sorted.begin(), sorted.end());
        bool perm = true;
        for (int i = 0; i < n; ++i) perm = perm && sorted[size_t(i)] == i;
        if (perm) order = at + 8;
    }
    REQUIRE(order);
    auto past = file;
    const int outside = n + 1000;
    std::memcpy(&past[order], &outside, 4);
    CHECK_THAT(refused(resealed(past)).what(), Catch::Matchers::StartsWith("run: ") && Catch::Matchers::Contains("permutation"));
    auto twice = file;
    std::memcpy(&twice[order], &twice[order + 4], 4);
    CHECK_THAT(refused(resealed(twice)).what(), Catch::Matchers::Contains("permutation"));
    // A weight: the first weight's bytes, made NaN.
    const float w0 = t.weights()[0].data[0];
    auto nan = file;
    for (size_t at = 24; at + 4 <= nan.size(); ++at)
        if (std::memcmp(&nan[at], &w0, 4) == 0) {
            const float q = std::nanf("");
            std::memcpy(&nan[at], &q, 4);
            break;
        }
    CHECK_THAT(refused(resealed(nan)).what(), Catch::Matchers::Contains("is not finite"));
    CHECK_NOTHROW(Trainer::load_run(resealed(file)));
}

// The caller's data in a hand-made file: sizes whose product passes 2^31 (found by
// tests/fuzz/fuzz_run_file.cpp: an int overflow), sizes that do not fit the config's model,
// and values set_data would refuse.
TEST_CASE("run file: the caller's data in a file is checked as set_data checks it", "[run_file]") {
    Config c = small("lstm_before");
    Config more = c;
    more.test_samples = 60;
    Trainer source(more);
    Trainer t(c);
    t.set_data(source.test_inputs(), source.test_targets());
    t.step(2);
    const auto file = t.save_run();
    // The data's sizes: n, time, dim, positions as four ints, in that order.
    const int want[4] = {60, c.time_steps, c.input_dim, 0};  // no mask given
    size_t at = 24;
    while (at + 16 <= file.size() && std::memcmp(&file[at], want, 16) != 0) ++at;
    REQUIRE(at + 16 <= file.size());
    const auto with = [&](int time, int dim) {
        auto f = file;
        std::memcpy(&f[at + 4], &time, 4);
        std::memcpy(&f[at + 8], &dim, 4);
        return resealed(f);
    };
    CHECK_THAT(refused(with(1946157060, 6647145)).what(), Catch::Matchers::Contains("sizes do not agree"));
    CHECK_THAT(refused(with(c.time_steps * c.input_dim, 1)).what(), Catch::Matchers::StartsWith("run: ") && Catch::Matchers::Contains("its data"));
    // A NaN among the inputs: the first input value's bytes, after the sizes and x's length.
    auto nan = file;
    const float q = std::nanf("");
    std::memcpy(&nan[at + 16 + 8], &q, 4);
    CHECK_THAT(refused(resealed(nan)).what(), Catch::Matchers::Contains("its data") && Catch::Matchers::Contains("x.data[0]"));
    CHECK_NOTHROW(Trainer::load_run(resealed(file)));
}
