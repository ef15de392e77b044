// libFuzzer target: a config from loosely typed values (core/config_values: what the wasm
// binding reads from a JS object), then validate(), estimate(), and for the small ones a
// Trainer that is built, stepped, read and reset. The input's bytes choose the entries: a
// field name (or another name), a value's type (number, string, true/false, null, undefined,
// an object) and the value, with the fields' limits, choices and the usual edge cases
// (NaN, infinities, -0, 2^31, 2^32) more likely than raw bytes would make them.
//
// Checks: nothing but ConfigError escapes, and it starts with the field it names; estimate()
// equals the built trainer's footprint; a small trainer steps, reads its attention, weights
// and predictions with finite results (or diverges with finite weights), and reset() replays
// its first step exactly.
#include <fuzzer/FuzzedDataProvider.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "config_values.hpp"
#include "fuzz_common.hpp"
#include "trainer.hpp"

using namespace attn;

namespace {

double edge_number(FuzzedDataProvider& in, const ConfigField* f) {
    const double inf = std::numeric_limits<double>::infinity();
    switch (in.ConsumeIntegralInRange<int>(0, 9)) {
        case 0: return in.ConsumeFloatingPoint<double>();  // any double, NaN and infinities included
        case 1: return double(in.ConsumeIntegralInRange<int>(-2, 40));
        case 2: return f ? f->min + in.ConsumeIntegralInRange<int>(-1, 1) : 0.0;
        case 3: return f ? f->max + in.ConsumeIntegralInRange<int>(-1, 1) : 1.0;
        case 4: {
            const double e[] = {std::nan(""), inf, -inf, -0.0, 0.5, 1e-300, 1e300, 2147483648.0, 4294967296.0, -2147483649.0,
                                9007199254740993.0, 3.4e38, 3.5e38};
            return e[in.ConsumeIntegralInRange<size_t>(0, sizeof e / sizeof e[0] - 1)];
        }
        case 5: return in.ConsumeProbability<double>();
        default: return double(in.ConsumeIntegralInRange<int>(1, 300));
    }
}

Value value_for(FuzzedDataProvider& in, const ConfigField* f) {
    const int kind = in.ConsumeIntegralInRange<int>(0, 15);
    if (kind == 0) return Value{};
    if (kind == 1) {
        Value v;
        v.type = Value::Type::null;
        return v;
    }
    if (kind == 2) {
        Value v;
        v.type = Value::Type::other;
        const char* types[] = {"object", "function", "symbol", "bigint"};
        v.text = types[in.ConsumeIntegralInRange<int>(0, 3)];
        return v;
    }
    if (kind == 3) return Value::of_bool(in.ConsumeBool());
    if (kind == 4) return Value::of(in.ConsumeRandomLengthString(64));
    // Mostly the kind the field wants.
    if (f && f->kind == ConfigField::text) {
        if (!f->choices.empty() && kind < 13) return Value::of(f->choices[in.ConsumeIntegralInRange<size_t>(0, f->choices.size() - 1)]);
        return Value::of(in.ConsumeRandomLengthString(64));
    }
    if (f && f->kind == ConfigField::boolean) return Value::of_bool(in.ConsumeBool());
    return Value::of(edge_number(in, f));
}

bool finite(const Tensor& t) {
    for (float v : t.data)
        if (!std::isfinite(v)) return false;
    return true;
}

void exercise(const Config& c, const Footprint& f, FuzzedDataProvider& in) {
    Trainer t(c);
    const Footprint& g = t.footprint();
    fuzz::check(g.total() == f.total() && g.parameter_count == f.parameter_count, "estimate() and the trainer disagree on bytes");
    fuzz::check(g.flops_per_sample == f.flops_per_sample && g.init_flops == f.init_flops &&
                    g.data_values == f.data_values && g.run_flops == f.run_flops,
                "estimate() and the trainer disagree on the cost");
    fuzz::check(t.parameter_count() == f.parameter_count, "parameter_count");
    const int steps = in.ConsumeIntegralInRange<int>(0, 3);
    const Metrics m = t.step(steps);
    fuzz::check(m.step <= steps, "step() trained more batches than asked");
    for (const auto& w : t.weights())
        for (float v : w.data) fuzz::check(std::isfinite(v), "a non-finite weight after step()");
    if (m.status != Status::diverged) {
        if (c.attention != "none") fuzz::check(finite(t.attention()), "non-finite attention");
        fuzz::check(finite(t.predict(t.test_inputs())), "non-finite predictions");
    }
    t.set_weights(t.weights());
    // reset() replays the run: the first step's loss is the same bits.
    if (in.ConsumeBool()) {
        t.reset();
        const float a = t.step(1).batch_loss;
        t.reset();
        const float b = t.step(1).batch_loss;
        fuzz::check(std::memcmp(&a, &b, sizeof a) == 0, "reset() does not replay the first step");
    } else {
        t.reset(in.ConsumeIntegral<uint32_t>());
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    FuzzedDataProvider in(data, size);
    const auto& fields = config_fields();
    std::vector<std::pair<std::string, Value>> entries;
    const int n = in.ConsumeIntegralInRange<int>(0, 12);
    for (int k = 0; k < n; ++k) {
        const bool known = in.ConsumeIntegralInRange<int>(0, 15) != 0;
        const ConfigField* f = known ? &fields[in.ConsumeIntegralInRange<size_t>(0, fields.size() - 1)] : nullptr;
        std::string name = f ? f->name : in.ConsumeRandomLengthString(32);
        entries.emplace_back(std::move(name), value_for(in, f));
    }
    try {
        const Config c = config_from(entries);
        validate(c);
        const Footprint f = estimate(c);
        if (f.total() <= kMemoryBudget && f.setup_seconds() <= kMaxSetupSeconds && fuzz::small(f)) exercise(c, f, in);
    } catch (const ConfigError& e) {
        fuzz::check_error(e);
    }
    return 0;
}
