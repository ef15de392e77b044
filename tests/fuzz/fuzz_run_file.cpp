// libFuzzer target: a saved run (core/archive, Trainer::load_run) from arbitrary bytes. The
// first byte chooses how the rest is used: 0, as the whole file, header and all; otherwise as
// the payload, under a header with the right length and checksum, so that mutations reach the
// config, the data and the state behind the checksum. tests/fuzz/corpus/fuzz_run_file/ holds
// payloads of small runs saved mid-epoch (with and without the caller's data).
//
// Checks: nothing but ConfigError escapes, and a damaged file's error names "run" (or the
// config field it breaks); a run that loads saves to bytes that load and save back the same,
// steps with finite weights, and its reloaded copy takes the same step, bit for bit.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "archive.hpp"
#include "fuzz_common.hpp"
#include "trainer.hpp"

using namespace attn;

namespace {

std::vector<uint8_t> with_header(const uint8_t* payload, size_t n) {
    std::vector<uint8_t> file = {'A', 'T', 'T', 'N', 'R', 'U', 'N', '\n'};
    auto put = [&](uint64_t v, int bytes) {
        for (int i = 0; i < bytes; ++i) file.push_back(uint8_t(v >> (8 * i)));
    };
    put(kRunFormat, 4);
    put(n, 8);
    put(crc32(payload, n), 4);
    file.insert(file.end(), payload, payload + n);
    return file;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size == 0) return 0;
    const std::vector<uint8_t> file = data[0] == 0 ? std::vector<uint8_t>(data + 1, data + size) : with_header(data + 1, size - 1);
    try {
        // Only what is small enough to build many times a second is loaded.
        const Config c = Trainer::run_config(file);
        validate(c);
        const Footprint f = estimate(c);
        if (!fuzz::small(f)) return 0;
        Trainer t = Trainer::load_run(file);
        // Saving writes every field in the table's order (a file may name them in another, or
        // lack a field a later build added): from then on, a load and a save change nothing.
        const std::vector<uint8_t> saved = t.save_run();
        fuzz::check(Trainer::load_run(saved).save_run() == saved, "a loaded run does not save back to the same bytes");
        Trainer u = Trainer::load_run(file);
        const Metrics a = t.step(1), b = u.step(1);
        fuzz::check(std::memcmp(&a.batch_loss, &b.batch_loss, sizeof(float)) == 0, "two loads of one run step differently");
        for (const auto& w : t.weights())
            for (float v : w.data) fuzz::check(std::isfinite(v), "a non-finite weight after a step");
    } catch (const ConfigError& e) {
        fuzz::check_error(e);
        fuzz::check(e.field == "run" || find_field(e.field) != nullptr, "ConfigError names no field: " + e.field);
    }
    return 0;
}
