// libFuzzer target: the command line's parser (core/cli/flags) on arbitrary arguments, then
// validate() and estimate() on every config it accepts. The input is argv[1..], the arguments
// separated by NUL bytes (tests/fuzz/corpus/fuzz_flags/ has real command lines).
//
// Checks: nothing but ConfigError or UsageError escapes; a ConfigError names a config field or
// "trace" or "data" and starts with it; estimate() of a valid config is consistent (parts add up, no
// negative or NaN cost).
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "flags.hpp"
#include "fuzz_common.hpp"
#include "trainer.hpp"

using namespace attn;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::vector<std::string> args{"attention"};
    std::string arg;
    for (size_t i = 0; i < size && args.size() < 64; ++i) {
        if (data[i] == 0) {
            args.push_back(arg);
            arg.clear();
        } else {
            arg += char(data[i]);
        }
    }
    if (!arg.empty() && args.size() < 64) args.push_back(arg);
    std::vector<const char*> argv;
    for (const auto& a : args) argv.push_back(a.c_str());
    try {
        const Flags flags = parse_flags(int(argv.size()), argv.data());
        if (flags.help) return 0;
        fuzz::check(flags.trace_steps >= 0 && flags.trace_steps <= kMaxTrace, "trace out of range");
        validate(flags.config);
        const Footprint f = estimate(flags.config);
        fuzz::check(f.data > 0 && f.parameters > 0 && f.activations > 0, "a footprint part is not positive");
        fuzz::check(f.total() == f.data + f.parameters + f.activations, "the footprint does not add up");
        for (double w : {f.flops_per_sample, f.run_flops, f.batch_flops, f.init_flops, f.setup_seconds()})
            fuzz::check(std::isfinite(w) && w >= 0, "a cost is negative or not finite");
        fuzz::check(f.data_values > 0, "no data values for a drawn data set");
    } catch (const ConfigError& e) {
        fuzz::check_error(e);
        fuzz::check(e.field == "trace" || e.field == "data" || find_field(e.field) != nullptr, "ConfigError names no field: " + e.field);
    } catch (const UsageError& e) {
        fuzz::check(std::string(e.what()).size() < 1200, "usage message too long");
    }
    return 0;
}
