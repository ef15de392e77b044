// A config from loosely typed values, as a JavaScript front end holds them: field names with a
// number, a string, true/false, null, undefined or something else. wasm/bindings.cpp turns a
// plain JS object into such a list (type translation only) and calls config_from(); the fuzz
// target tests/fuzz/fuzz_config.cpp feeds it arbitrary lists natively. Each value is checked
// against its field's kind, never coerced ('100' is not a number, 2.5 not an integer);
// validate() (core/config.hpp) then checks the ranges and combinations.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "config.hpp"

namespace attn {

struct Value {
    enum class Type { undefined, null, number, string, boolean, other };
    Type type = Type::undefined;
    double number = 0;   // number
    std::string text;    // string: the string; other: its typeof ("object", "function", "bigint", ...)
    bool boolean = false;

    static Value of(double v) { return {Type::number, v, {}, false}; }
    static Value of(std::string s) { return {Type::string, 0, std::move(s), false}; }
    static Value of_bool(bool b) { return {Type::boolean, 0, {}, b}; }
};

// The value as a message shows it: 'abc' (quoted()), 2.5 (as JavaScript's String() writes a
// number), true, null, undefined, or its typeof.
std::string describe(const Value& v);
// A double as JavaScript's String(x) writes it: the shortest digits that read back as x,
// "1e+21", "1.5e-7", "0.000001", "NaN", "-Infinity"; -0 is "0".
std::string js_number_text(double x);

// An integer in [lo, hi] (in double, as JS holds it), or ConfigError(name, "expected an integer ...").
double integer_value(const std::string& name, const Value& v, double lo, double hi);

// The preset's defaults (the "preset" entry, else dense), then every other entry in order.
// Throws ConfigError naming the first bad entry: an unknown name, or a value of the wrong kind.
Config config_from(const std::vector<std::pair<std::string, Value>>& entries);

}  // namespace attn
