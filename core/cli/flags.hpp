// The command line as data: argv -> the run's Config and the tool's own options, or an
// error. Nothing is printed and nothing runs here, so the parser is one function that the tool
// (core/cli/main.cpp) and its fuzz target (tests/fuzz/fuzz_flags.cpp) both call.
//
//   --preset NAME          a preset's defaults first, wherever the flag stands
//   --<field> V | --<field>=V
//                          any config field, snake_case with dashes (--batch-size 32)
//   --data FILE, --trace N, --quiet, --help (-h)
//
// The values are converted by the field's kind and checked for form only (an integer, a
// number, true/false); ranges and combinations are validate()'s (core/config.hpp).
#pragma once

#include <stdexcept>
#include <string>

#include "config.hpp"

namespace attn {

// A malformed command line (an unknown flag, a flag without its value, a stray argument):
// what() is the whole message, "unknown flag '--nope' (see --help)".
struct UsageError : std::invalid_argument {
    using std::invalid_argument::invalid_argument;
};

constexpr int kMaxTrace = 10'000'000;  // --trace N: at most this many steps

struct Flags {
    Config config;        // the preset's defaults with every given field applied (not validated)
    bool help = false;    // --help or -h: nothing after it is read
    bool quiet = false;   // --quiet: print only the final attention
    int trace_steps = 0;  // --trace N: train N single steps, print them as exact JSON
    std::string data_path;  // --data FILE: a CSV file to train on (core/cli/data_file.hpp)
};

// argv[1 .. argc) -> Flags. Throws UsageError, or ConfigError naming the field ("samples:
// expected an integer (got 'x')", "preset: unknown preset ...").
Flags parse_flags(int argc, const char* const* argv);

// "--batch-size" for the field "batch_size".
std::string flag_name(const char* field);

}  // namespace attn
