// A config from loosely typed values (core/config_values: what the wasm binding reads from a
// JS object): each value checked against its field's kind and never coerced, messages that
// show the value as JavaScript would. tests/fuzz/fuzz_config.cpp fuzzes it; these are the
// cases by hand.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "config_values.hpp"
#include "expect.hpp"

using attn::Config;
using attn::ConfigError;
using attn::Value;
using attn::test::error_of;

TEST_CASE("values: a number as JavaScript's String() writes it", "[values]") {
    const double inf = std::numeric_limits<double>::infinity();
    const std::pair<double, const char*> cases[] = {
        {0.0, "0"}, {-0.0, "0"}, {1.0, "1"}, {-1.5, "-1.5"}, {2.5, "2.5"}, {0.1, "0.1"}, {1.0 / 3, "0.3333333333333333"},
        {100.0, "100"}, {1e20, "100000000000000000000"}, {1e21, "1e+21"}, {1.5e21, "1.5e+21"},
        {123456789012345680000.0, "123456789012345680000"}, {0.000001, "0.000001"}, {1e-7, "1e-7"},
        {1.5e-7, "1.5e-7"}, {5e-324, "5e-324"}, {1.7976931348623157e308, "1.7976931348623157e+308"},
        {4294967296.0, "4294967296"}, {9007199254740993.0, "9007199254740992"}, {0.1 + 0.2, "0.30000000000000004"},
        {std::nan(""), "NaN"}, {inf, "Infinity"}, {-inf, "-Infinity"}, {3.4e38, "3.4e+38"}};
    for (const auto& [x, text] : cases) {
        INFO(text);
        CHECK(attn::js_number_text(x) == text);
    }
}

TEST_CASE("values: a config from typed values, never coerced", "[values]") {
    using E = std::vector<std::pair<std::string, Value>>;
    const Config c = attn::config_from(E{{"samples", Value::of(500)}, {"preset", Value::of("lstm_before")},
                                         {"single_attention_vector", Value::of_bool(true)},
                                         {"learning_rate", Value::of(0.5)}, {"seed", Value::of(4294967295.0)}});
    CHECK(c.preset == "lstm_before");
    CHECK(c.samples == 500);
    CHECK(c.single_attention_vector);
    CHECK(c.learning_rate == 0.5);
    CHECK(c.seed == 4294967295u);
    CHECK(attn::config_from(E{}).preset == "dense");
    Value null_value, object;
    null_value.type = Value::Type::null;
    object.type = Value::Type::other;
    object.text = "object";
    const std::pair<E, std::pair<const char*, const char*>> bad[] = {
        {{{"samples", Value::of("100")}}, {"samples", "samples: expected a number (got '100')"}},
        {{{"samples", Value::of(2.5)}}, {"samples", "samples: expected an integer (got 2.5)"}},
        {{{"samples", Value::of(1e300)}}, {"samples", "samples: expected an integer in [-2147483648, 2147483647] (got 1e+300)"}},
        {{{"samples", Value{}}}, {"samples", "samples: expected a number (got undefined)"}},
        {{{"seed", Value::of(-1)}}, {"seed", "seed: expected an integer in [0, 4294967295] (got -1)"}},
        {{{"seed", Value::of(std::nan(""))}}, {"seed", "seed: expected an integer (got NaN)"}},
        {{{"single_attention_vector", Value::of("yes")}}, {"single_attention_vector", "single_attention_vector: expected true or false (got 'yes')"}},
        {{{"optimizer", null_value}}, {"optimizer", "optimizer: expected a string (got null)"}},
        {{{"learning_rate", object}}, {"learning_rate", "learning_rate: expected a number (got object)"}},
        {{{"preset", Value::of(3)}}, {"preset", "preset: expected a string (got 3)"}},
        {{{"epoch", Value::of(3)}}, {"epoch", "epoch: unknown config field (expected one of preset, task, "}},
        {{{"a\nb", Value::of(3)}}, {"a\\x0ab", "a\\x0ab: unknown config field"}},
        // Found by tests/fuzz/fuzz_config: an empty name made the message ": unknown config field".
        {{{"", Value::of(3)}}, {"config", "config: unknown config field '' (expected one of preset, "}},
    };
    for (const auto& one : bad) {
        const E& entries = one.first;
        INFO(one.second.second);
        const std::string what = error_of([&] { attn::config_from(entries); }, one.second.first);
        CHECK(what.rfind(one.second.second, 0) == 0);
    }
}
