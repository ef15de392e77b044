#include "config_values.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace attn {

std::string js_number_text(double x) {
    if (std::isnan(x)) return "NaN";
    if (std::isinf(x)) return x < 0 ? "-Infinity" : "Infinity";
    if (x == 0) return "0";
    // ECMAScript's Number::toString: the fewest significant digits k that read back as x (the
    // closest such: printf's correctly rounded %.*e), then laid out by the decimal exponent n.
    char buf[40];
    for (int k = 1; k <= 17; ++k) {
        std::snprintf(buf, sizeof buf, "%.*e", k - 1, std::fabs(x));
        if (std::strtod(buf, nullptr) == std::fabs(x)) break;
    }
    std::string digits;
    const char* p = buf;
    for (; *p && *p != 'e'; ++p)
        if (*p != '.') digits += *p;
    const int n = std::atoi(p + 1) + 1;  // x = 0.d1d2... x 10^n
    const int k = int(digits.size());
    std::string s;
    if (k <= n && n <= 21) s = digits + std::string(size_t(n - k), '0');
    else if (0 < n && n <= 21) s = digits.substr(0, size_t(n)) + "." + digits.substr(size_t(n));
    else if (-6 < n && n <= 0) s = "0." + std::string(size_t(-n), '0') + digits;
    else {
        const int e = n - 1;
        s = digits.substr(0, 1) + (k > 1 ? "." + digits.substr(1) : "") + "e" + (e < 0 ? "-" : "+") +
            std::to_string(std::abs(e));
    }
    return x < 0 ? "-" + s : s;
}

std::string describe(const Value& v) {
    switch (v.type) {
        case Value::Type::undefined: return "undefined";
        case Value::Type::null: return "null";
        case Value::Type::number: return js_number_text(v.number);
        case Value::Type::string: return quoted(v.text);
        case Value::Type::boolean: return v.boolean ? "true" : "false";
        case Value::Type::other: return v.text;
    }
    return "?";
}

namespace {
double number_value(const std::string& name, const Value& v) {
    if (v.type != Value::Type::number) throw ConfigError(name, "expected a number (got " + describe(v) + ")");
    return v.number;
}

// One config field from a value, by the field's kind (its range is validate()'s).
void set_field(Config& c, const ConfigField& f, const Value& v) {
    switch (f.kind) {
        case ConfigField::integer: c.*f.i = int(integer_value(f.name, v, -2147483648.0, 2147483647.0)); break;
        case ConfigField::number: c.*f.d = number_value(f.name, v); break;
        case ConfigField::seed: c.*f.u = uint32_t(integer_value(f.name, v, 0, 4294967295.0)); break;
        case ConfigField::boolean:
            if (v.type != Value::Type::boolean) throw ConfigError(f.name, "expected true or false (got " + describe(v) + ")");
            c.*f.b = v.boolean;
            break;
        case ConfigField::text:
            if (v.type != Value::Type::string) throw ConfigError(f.name, "expected a string (got " + describe(v) + ")");
            c.*f.s = v.text;
            break;
    }
}
}  // namespace

double integer_value(const std::string& name, const Value& v, double lo, double hi) {
    const double d = number_value(name, v);
    if (!std::isfinite(d) || std::floor(d) != d) throw ConfigError(name, "expected an integer (got " + describe(v) + ")");
    if (d < lo || d > hi) {
        char range[96];
        std::snprintf(range, sizeof range, "expected an integer in [%.0f, %.0f]", lo, hi);
        throw ConfigError(name, std::string(range) + " (got " + describe(v) + ")");
    }
    return d;
}

Config config_from(const std::vector<std::pair<std::string, Value>>& entries) {
    std::string preset = "dense";
    for (const auto& [key, v] : entries)
        if (key == "preset") {
            if (v.type != Value::Type::string) throw ConfigError("preset", "expected a string (got " + describe(v) + ")");
            preset = v.text;
        }
    Config c = defaults_for(preset);
    for (const auto& [key, v] : entries) {
        const ConfigField* field = find_field(key);
        if (!field) {
            std::string names;
            for (const auto& f : config_fields()) names += (names.empty() ? "" : ", ") + std::string(f.name);
            // The unknown name is the field the message starts with; an empty one cannot be,
            // so the whole config is ("config: unknown config field '' ...").
            if (key.empty()) throw ConfigError("config", "unknown config field '' (expected one of " + names + ")");
            const std::string shown = quoted(key);
            throw ConfigError(shown.substr(1, shown.size() - 2), "unknown config field (expected one of " + names + ")");
        }
        if (field->s != &Config::preset) set_field(c, *field, v);
    }
    return c;
}

}  // namespace attn
