// libFuzzer target: the command line's CSV reader (core/cli/data_file, libcsv underneath) on
// arbitrary text, as `attention --data FILE` would read it.
//
// Checks: nothing but ConfigError("data", ...) escapes; a file it accepts has consistent
// shapes (x is n rows of T steps of D features, or n of D; y n values; the mask empty or n
// rows of one 0/1 per position), finite values, and a target that is not constant.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>

#include "data_file.hpp"
#include "fuzz_common.hpp"

using namespace attn;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    try {
        const DataFile f = parse_data(text, "fuzz.csv");
        fuzz::check(f.n > 0 && f.dim > 0 && f.time >= 0, "bad sizes");
        const size_t n = size_t(f.n), steps = size_t(f.time ? f.time : 1), positions = f.time ? steps : size_t(f.dim);
        fuzz::check(f.x.data.size() == n * steps * size_t(f.dim), "x has the wrong number of values");
        fuzz::check(f.x.shape.size() == (f.time ? 3u : 2u) && f.x.shape[0] == f.n, "x has the wrong shape");
        fuzz::check(f.y.data.size() == n && f.y.shape == std::vector<int>{f.n, 1}, "y has the wrong shape");
        fuzz::check(f.mask.data.empty() || f.mask.data.size() == n * positions, "the mask has the wrong size");
        for (float v : f.x.data) fuzz::check(std::isfinite(v), "x holds a value that is not finite");
        bool constant = true, binary = true;
        for (float v : f.y.data) {
            fuzz::check(std::isfinite(v), "y holds a value that is not finite");
            constant = constant && v == f.y.data[0];
            binary = binary && (v == 0.0f || v == 1.0f);
        }
        fuzz::check(!constant && binary == f.binary, "y is constant, or binary is wrong");
        for (float v : f.mask.data) fuzz::check(v == 0.0f || v == 1.0f, "a mask value is not 0 or 1");
    } catch (const ConfigError& e) {
        fuzz::check_error(e);
        fuzz::check(e.field == "data", "a ConfigError that does not name data: " + e.field);
    }
    return 0;
}
