// libFuzzer target: the caller's arrays (Keras's fit / train_on_batch / evaluate / predict,
// activations on given inputs, set_weights) on a small trainer. The input's bytes choose the
// model (a preset at tiny sizes), then one call and its arguments: each array's shape (any
// rank, any int, near or at the model's own), its data (any length, any float: NaN,
// infinities, subnormals) and an optional mask.
//
// Checks: nothing but ConfigError escapes, and it starts with the argument it names; a refused
// call changes nothing (the weights are the same bits); an accepted one leaves the trainer
// usable and its weights finite.
#include <fuzzer/FuzzedDataProvider.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "fuzz_common.hpp"
#include "preset.hpp"
#include "trainer.hpp"

using namespace attn;

namespace {

Config tiny(FuzzedDataProvider& in) {
    const auto& table = presets();
    Config c = table[in.ConsumeIntegralInRange<size_t>(0, table.size() - 1)].config;
    c.samples = in.ConsumeIntegralInRange<int>(8, 64);
    c.batch_size = in.ConsumeIntegralInRange<int>(1, 8);
    c.validation_split = in.ConsumeBool() ? 0.0 : 0.25;
    c.test_samples = in.ConsumeIntegralInRange<int>(1, 8);
    c.units = in.ConsumeIntegralInRange<int>(1, 6);
    c.attention_units = in.ConsumeIntegralInRange<int>(1, 6);
    c.dropout = in.ConsumeBool() ? 0.0 : 0.25;
    if (c.recurrent()) {
        c.time_steps = in.ConsumeIntegralInRange<int>(4, 7);
        if (c.task == "answer_in_sequence") {
            c.input_dim = in.ConsumeIntegralInRange<int>(1, 3);
            c.attention_column = in.ConsumeIntegralInRange<int>(0, c.time_steps - 1);
        }
        if (c.task == "noise") c.input_dim = in.ConsumeIntegralInRange<int>(1, 3);
    } else {
        c.input_dim = in.ConsumeIntegralInRange<int>(2, 8);
        c.attention_column = in.ConsumeIntegralInRange<int>(0, c.input_dim - 1);
    }
    return c;
}

float any_float(FuzzedDataProvider& in) {
    switch (in.ConsumeIntegralInRange<int>(0, 7)) {
        case 0: {
            const float e[] = {std::numeric_limits<float>::quiet_NaN(), std::numeric_limits<float>::infinity(),
                               -std::numeric_limits<float>::infinity(), -0.0f, 1e-45f, 3.4e38f, -3.4e38f, 2.0f, 0.5f};
            return e[in.ConsumeIntegralInRange<size_t>(0, sizeof e / sizeof e[0] - 1)];
        }
        case 1: {
            const uint32_t bits = in.ConsumeIntegral<uint32_t>();
            float f;
            std::memcpy(&f, &bits, sizeof f);
            return f;
        }
        case 2:
        case 3: return float(in.ConsumeIntegralInRange<int>(0, 1));  // a valid 0/1 target or mask entry
        default: return in.ConsumeFloatingPointInRange<float>(-4.0f, 4.0f);
    }
}

int any_dim(FuzzedDataProvider& in, int near) {
    switch (in.ConsumeIntegralInRange<int>(0, 7)) {
        case 0: return in.ConsumeIntegral<int>();
        case 1: return in.ConsumeIntegralInRange<int>(-1, 1);
        case 2: return near + in.ConsumeIntegralInRange<int>(-1, 1);
        default: return near;
    }
}

// An array of the wanted shape, or near it: a dimension off, a rank off, the data too long or short.
Tensor array(FuzzedDataProvider& in, std::vector<int> want) {
    Tensor t;
    const bool exact = in.ConsumeIntegralInRange<int>(0, 3) != 0;
    if (exact) {
        t.shape = want;
    } else {
        const size_t rank = in.ConsumeIntegralInRange<size_t>(0, 4);
        for (size_t i = 0; i < rank; ++i) t.shape.push_back(any_dim(in, i < want.size() ? want[i] : 1));
    }
    long long n = 1;
    for (int d : t.shape) n = d > 0 && n < 4096 ? n * d : (d > 0 ? n : 0);
    if (n > 4096) n = 4096;
    if (!exact || in.ConsumeIntegralInRange<int>(0, 7) == 0) n += in.ConsumeIntegralInRange<int>(-2, 2);
    if (n < 0) n = 0;
    t.data.resize(size_t(n));
    for (float& v : t.data) v = in.remaining_bytes() ? any_float(in) : 0.5f;
    return t;
}

std::vector<int> with_n(int n, Shape s) {
    return s.is_sequence() ? std::vector<int>{n, s.time, s.features} : std::vector<int>{n, s.features};
}

bool same_bits(const std::vector<Weight>& a, const std::vector<Weight>& b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i)
        if (a[i].data.size() != b[i].data.size() ||
            std::memcmp(a[i].data.data(), b[i].data.data(), a[i].data.size() * sizeof(float)) != 0)
            return false;
    return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    FuzzedDataProvider in(data, size);
    Config c = tiny(in);
    try {
        validate(c);
    } catch (const ConfigError&) {
        return 0;  // a combination the tiny sizes cannot make (e.g. add_two_numbers' time steps)
    }
    Trainer t(c);
    const Tensor x0 = t.test_inputs();
    const Shape in_shape = x0.shape.size() == 3 ? Shape{x0.shape[1], x0.shape[2]} : Shape{0, x0.shape[1]};
    const int positions = in_shape.is_sequence() ? in_shape.time : in_shape.features;
    const int n = in.ConsumeIntegralInRange<int>(1, 24);
    const auto before = t.weights();
    const int call = in.ConsumeIntegralInRange<int>(0, 6);
    bool changes = false;  // whether an accepted call may change the weights
    try {
        const Tensor x = array(in, with_n(n, in_shape));
        const Tensor y = array(in, in.ConsumeBool() ? std::vector<int>{n} : std::vector<int>{n, 1});
        const bool has_mask = in.ConsumeBool();
        const Tensor mask = array(in, {n, positions});
        const Tensor* m = has_mask ? &mask : nullptr;
        switch (call) {
            case 0: t.set_data(x, y, m); break;
            case 1: changes = true; t.train_on_batch(x, y, m); break;
            case 2: t.evaluate(x, y, m); break;
            case 3: t.predict(x); break;
            case 4: {
                const auto names = t.summary();
                const std::string layer = in.ConsumeBool() && !names.empty()
                                              ? names[in.ConsumeIntegralInRange<size_t>(0, names.size() - 1)].name
                                              : in.ConsumeRandomLengthString(24);
                t.activations(layer, &x);
                break;
            }
            case 5: {
                auto w = t.weights();
                if (!w.empty()) {
                    const size_t i = in.ConsumeIntegralInRange<size_t>(0, w.size() - 1);
                    const Tensor bad = array(in, w[i].shape);
                    w[i].shape = bad.shape;
                    w[i].data = bad.data;
                }
                if (in.ConsumeBool() && !w.empty()) w.pop_back();
                changes = true;
                t.set_weights(w);
                break;
            }
            default: {  // set_data, then train on it
                t.set_data(x, y, m);
                changes = true;
                t.step(in.ConsumeIntegralInRange<int>(1, 3));
                break;
            }
        }
    } catch (const ConfigError& e) {
        fuzz::check_error(e);
        fuzz::check(same_bits(t.weights(), before), "a refused call changed the weights");
    }
    for (const auto& w : t.weights())
        for (float v : w.data) fuzz::check(std::isfinite(v), "a non-finite weight");
    if (!changes) fuzz::check(same_bits(t.weights(), before), "a read-only call changed the weights");
    // Still usable.
    t.step(1);
    t.predict(t.test_inputs());
    return 0;
}
