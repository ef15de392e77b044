#include "flags.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <utility>
#include <vector>

namespace attn {

namespace {

long long to_integer(const std::string& field, const std::string& v, long long lo, long long hi) {
    char* end = nullptr;
    errno = 0;
    const long long r = std::strtoll(v.c_str(), &end, 10);
    // A NUL inside v would end strtoll early: the value must be all of v.
    if (v.empty() || end != v.c_str() + v.size() || std::isspace(static_cast<unsigned char>(v[0])))
        throw ConfigError(field, "expected an integer (got " + quoted(v) + ")");
    if (errno == ERANGE || r > hi) throw ConfigError(field, "must be at most " + std::to_string(hi) + " (got " + quoted(v) + ")");
    if (r < lo) throw ConfigError(field, "must be at least " + std::to_string(lo) + " (got " + quoted(v) + ")");
    return r;
}

// Set one field of c from its command-line text, by the field's kind.
void set_flag(Config& c, const ConfigField& f, const std::string& v) {
    switch (f.kind) {
        case ConfigField::integer: c.*f.i = int(to_integer(f.name, v, -2147483648LL, (long long)f.max)); break;
        case ConfigField::seed: c.*f.u = uint32_t(to_integer(f.name, v, 0, 4294967295LL)); break;
        case ConfigField::text: c.*f.s = v; break;
        case ConfigField::number: {
            char* end = nullptr;
            const double r = std::strtod(v.c_str(), &end);
            if (v.empty() || end != v.c_str() + v.size() || std::isspace(static_cast<unsigned char>(v[0])))
                throw ConfigError(f.name, "expected a number (got " + quoted(v) + ")");
            c.*f.d = r;
            break;
        }
        case ConfigField::boolean:
            if (v != "true" && v != "false") throw ConfigError(f.name, "expected true or false (got " + quoted(v) + ")");
            c.*f.b = v == "true";
            break;
    }
}

const ConfigField* find_flag(const std::string& flag) {
    for (const auto& f : config_fields())
        if (flag_name(f.name) == flag) return &f;
    return nullptr;
}

}  // namespace

std::string flag_name(const char* field) {
    std::string s = field;
    std::replace(s.begin(), s.end(), '_', '-');
    return "--" + s;
}

Flags parse_flags(int argc, const char* const* argv) {
    Flags flags;
    std::string preset = "dense";
    std::vector<std::pair<const ConfigField*, std::string>> given;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        if (a == "--help" || a == "-h") {
            flags.help = true;
            return flags;
        }
        if (a == "--quiet") {
            flags.quiet = true;
            continue;
        }
        if (a.rfind("--", 0) != 0) throw UsageError("unexpected argument " + quoted(a) + " (see --help)");
        // --flag=value or --flag value
        std::string value;
        bool inline_value = false;
        if (const size_t eq = a.find('='); eq != std::string::npos) {
            value = a.substr(eq + 1);
            a = a.substr(0, eq);
            inline_value = true;
        }
        const bool is_trace = a == "--trace", is_data = a == "--data";
        const ConfigField* f = is_trace || is_data ? nullptr : find_flag(a);
        if (!is_trace && !is_data && !f) throw UsageError("unknown flag " + quoted(a) + " (see --help)");
        if (!inline_value) {
            if (i + 1 >= argc) throw UsageError(a + " needs a value (see --help)");  // a is a known flag
            value = argv[++i];
        }
        if (is_trace) flags.trace_steps = int(to_integer("trace", value, 1, kMaxTrace));
        else if (is_data) {
            if (value.empty()) throw ConfigError("data", "expected a file name (got '')");
            flags.data_path = value;
        }
        else if (f->s == &Config::preset) preset = value;
        else given.emplace_back(f, value);
    }
    flags.config = defaults_for(preset);
    for (const auto& [f, value] : given) set_flag(flags.config, *f, value);
    return flags;
}

}  // namespace attn
