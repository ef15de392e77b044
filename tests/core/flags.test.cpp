// The command line's parser (core/cli/flags: argv -> Config, no printing): a preset's
// defaults, then the fields in either GNU form; bad input refused by flag or field, never
// coerced. tests/fuzz/fuzz_flags.cpp fuzzes it; these are the cases by hand.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "expect.hpp"
#include "flags.hpp"
#include "preset.hpp"

using attn::ConfigError;
using attn::test::error_of;

namespace {

attn::Flags parse(std::vector<std::string> args) {
    std::vector<const char*> argv{"attention"};
    for (const auto& a : args) argv.push_back(a.c_str());
    return attn::parse_flags(int(argv.size()), argv.data());
}


}  // namespace

TEST_CASE("flags: a preset's defaults, then every field given, in either form", "[flags]") {
    const auto f = parse({"--samples", "500", "--preset=find_max", "--score=bahdanau", "--learning-rate", "0.003",
                          "--single-attention-vector", "true", "--seed", "4294967295", "--quiet"});
    CHECK(f.config.preset == "find_max");  // the preset first, wherever it stands
    CHECK(f.config.task == "find_max");
    CHECK(f.config.samples == 500);
    CHECK(f.config.score == "bahdanau");
    CHECK(f.config.learning_rate == 0.003);
    CHECK(f.config.single_attention_vector);
    CHECK(f.config.seed == 4294967295u);
    CHECK(f.quiet);
    CHECK_FALSE(f.help);
    CHECK(f.trace_steps == 0);
    CHECK(parse({"--trace=7"}).trace_steps == 7);
    CHECK_THROWS_AS(parse({"--nope", "--help"}), attn::UsageError);  // read in order: the unknown flag first
}

TEST_CASE("flags: --help stops reading, and every field's value text parses back to it", "[flags]") {
    CHECK(parse({"--help", "--nope"}).help);
    CHECK(parse({"-h"}).help);
    CHECK(attn::flag_name("batch_size") == "--batch-size");
    for (const auto& p : attn::presets())
        for (const auto& field : attn::config_fields()) {
            INFO(p.name << " " << field.name);
            const auto f = parse({"--preset", p.name, attn::flag_name(field.name), field.value_text(p.config)});
            CHECK(field.value_text(f.config) == field.value_text(p.config));
        }
}

TEST_CASE("flags: a malformed command line is refused by flag or field", "[flags]") {
    CHECK_THROWS_WITH(parse({"stray"}), "unexpected argument 'stray' (see --help)");
    CHECK_THROWS_WITH(parse({"--nope=1"}), "unknown flag '--nope' (see --help)");
    CHECK_THROWS_WITH(parse({"--samples"}), "--samples needs a value (see --help)");
    CHECK_THROWS_AS(parse({"--samples"}), attn::UsageError);
    CHECK(error_of([] { parse({"--samples="}); }, "samples") == "samples: expected an integer (got '')");
    CHECK(error_of([] { parse({"--samples", " 5"}); }, "samples") == "samples: expected an integer (got ' 5')");
    CHECK(error_of([] { parse({"--samples", "99999999999"}); }, "samples") ==
          "samples: must be at most 10000000 (got '99999999999')");
    CHECK(error_of([] { parse({"--seed", "-1"}); }, "seed") == "seed: must be at least 0 (got '-1')");
    CHECK(error_of([] { parse({"--learning-rate", "1e"}); }, "learning_rate") ==
          "learning_rate: expected a number (got '1e')");
    CHECK(error_of([] { parse({"--single-attention-vector", "1"}); }, "single_attention_vector") ==
          "single_attention_vector: expected true or false (got '1')");
    CHECK(error_of([] { parse({"--trace", "0"}); }, "trace") == "trace: must be at least 1 (got '0')");
    CHECK(error_of([] { parse({"--preset", "x\x01y"}); }, "preset").find("'x\\x01y'") != std::string::npos);
    // Ranges are validate()'s: parsing keeps the value.
    CHECK(parse({"--samples", "-5"}).config.samples == -5);
}
