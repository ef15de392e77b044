// What every fuzz target checks beyond "no crash, no sanitizer report": bad input is a
// ConfigError whose message starts with the field it names and stays short (echoed values are
// quoted and cut, core/config.hpp). A violated check aborts, so libFuzzer keeps the input.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <string>

#include "config.hpp"
#include "trainer.hpp"

namespace fuzz {

[[noreturn]] inline void fail(const std::string& why) {
    std::fprintf(stderr, "fuzz check failed: %s\n", why.c_str());
    std::abort();
}

inline void check(bool ok, const std::string& why) {
    if (!ok) fail(why);
}

// A ConfigError's what() is "<field>: <message>", the field non-empty, the whole short.
inline void check_error(const attn::ConfigError& e) {
    const std::string what = e.what();
    check(!e.field.empty(), "ConfigError without a field: " + what);
    check(what.rfind(e.field + ": ", 0) == 0, "message does not start with its field: " + what);
    check(what.size() < 1200, "message of " + std::to_string(what.size()) + " characters");
}

// Small enough to build and step many times a second under the sanitizers.
inline bool small(const attn::Footprint& f) {
    return f.total() < 8'000'000 && f.batch_flops < 2e7 && f.init_flops < 2e7 && f.data_values < 200'000;
}

}  // namespace fuzz
