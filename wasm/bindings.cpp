// The JavaScript face of the training core: type translation and error translation only.
// Configs come in as plain objects and are read through core's config_fields() table;
// arrays go out as fresh Float32Array copies (never views into the wasm heap, which memory
// growth would detach); every C++ exception becomes a JS Error carrying its message (and, for
// bad input, the field it names as error.field).
//
// wasm/attention.mjs wraps this module for users: it copies and checks every argument into
// plain values before calling in, so no user code (a getter, a valueOf) runs while C++ state
// is in use. The checks here stay as the second line.
#include <emscripten/bind.h>
#include <emscripten/heap.h>
#include <emscripten/val.h>
#include <malloc.h>

#include <cmath>
#include <new>
#include <string>

#include "config_values.hpp"
#include "preset.hpp"
#include "task.hpp"
#include "trainer.hpp"

using emscripten::val;
using namespace attn;

namespace {

// Run f, turning any C++ exception into a JS Error (the module stays usable). The JS Error
// is thrown only after the catch block has ended: a JS throw unwinds wasm frames without
// running C++ cleanups, so throwing inside the catch would leak the exception object.
template <class F>
auto guarded(F&& f) -> decltype(f()) {
    val error = val::undefined();
    try {
        return f();
    } catch (const ConfigError& e) {
        error = val::global("Error").new_(std::string(e.what()));
        error.set("field", e.field);
    } catch (const std::bad_alloc&) {
        error = val::global("Error").new_(std::string(
            "memory: the WebAssembly heap is full (delete trainers you no longer use, or lower the sizes)"));
    } catch (const std::exception& e) {
        error = val::global("Error").new_(std::string(e.what()));
    }
    error.throw_();
    __builtin_unreachable();
}

std::string type_of(const val& v) { return v.typeOf().as<std::string>(); }

// A JS value -> core's loosely typed Value (core/config_values.hpp checks it by field).
Value value_from(const val& v) {
    const std::string type = type_of(v);
    if (type == "number") return Value::of(v.as<double>());
    if (type == "string") return Value::of(v.as<std::string>());
    if (type == "boolean") return Value::of_bool(v.as<bool>());
    if (type == "undefined") return Value{};
    Value other;
    other.type = v.isNull() ? Value::Type::null : Value::Type::other;
    other.text = type;
    return other;
}

std::string describe(const val& v) { return attn::describe(value_from(v)); }

double integer_field(const std::string& name, const val& v, double lo, double hi) {
    return integer_value(name, value_from(v), lo, hi);
}

// A plain JS object -> Config: its own keys, in order, as core's (name, Value) list.
Config config_from(const val& js) {
    if (js.isUndefined() || js.isNull()) return defaults_for("dense");
    if (type_of(js) != "object" || js.isArray())
        throw ConfigError("config", "expected an object (got " + describe(js) + ")");
    std::vector<std::pair<std::string, Value>> entries;
    const val keys = val::global("Object").call<val>("keys", js);
    const int n = keys["length"].as<int>();
    for (int k = 0; k < n; ++k) {
        std::string key = keys[k].as<std::string>();
        Value v = value_from(js[key]);
        entries.emplace_back(std::move(key), std::move(v));
    }
    return attn::config_from(entries);
}

val config_to(const Config& c) {
    val o = val::object();
    for (const auto& f : config_fields()) {
        switch (f.kind) {
            case ConfigField::integer: o.set(f.name, c.*f.i); break;
            case ConfigField::number: o.set(f.name, c.*f.d); break;
            case ConfigField::text: o.set(f.name, c.*f.s); break;
            case ConfigField::boolean: o.set(f.name, c.*f.b); break;
            case ConfigField::seed: o.set(f.name, double(c.*f.u)); break;
        }
    }
    return o;
}

val float32_copy(const float* data, size_t n) {
    return val::global("Float32Array").new_(val(emscripten::typed_memory_view(n, data)));
}

val int_array(const std::vector<int>& v) {
    val a = val::array();
    for (size_t i = 0; i < v.size(); ++i) a.set(i, v[i]);
    return a;
}

template <class T>
val string_array(const std::vector<T>& v) {
    val a = val::array();
    for (size_t i = 0; i < v.size(); ++i) a.set(i, std::string(v[i]));
    return a;
}

val tensor_to(const Tensor& t) {
    val o = val::object();
    o.set("data", float32_copy(t.data.data(), t.data.size()));
    o.set("shape", int_array(t.shape));
    return o;
}

// {data: Float32Array | number[], shape: number[]} -> Tensor (shape checks happen in core).
Tensor tensor_from(const std::string& field, const val& js) {
    if (type_of(js) != "object" || js.isNull() || !js.hasOwnProperty("data") || !js.hasOwnProperty("shape") ||
        !js["shape"].isArray())
        throw ConfigError(field, "expected {data, shape} (got " + describe(js) + ")");
    Tensor t;
    const val shape = js["shape"];
    for (int i = 0, n = shape["length"].as<int>(); i < n; ++i)
        t.shape.push_back(int(integer_field(field + ".shape[" + std::to_string(i) + "]", shape[i], 0, 2147483647.0)));
    const val data = js["data"];
    if (!data.instanceof(val::global("Float32Array")))
        throw ConfigError(field + ".data", "expected a Float32Array (got " + describe(data) + ")");
    t.data = emscripten::convertJSArrayToNumberVector<float>(data);
    return t;
}

val scores_to(const Scores& s, const std::string& prefix = "") {
    val o = val::object();
    o.set(prefix + "loss", s.loss);
    o.set(prefix + "metric", s.metric);
    o.set(prefix + "attention_on_target", s.attention_on_target);
    o.set(prefix + "hit_rate", s.hit_rate);
    return o;
}

void assign(val& to, const val& from) { val::global("Object").call<void>("assign", to, from); }

val metrics_to(const Metrics& m) {
    val o = val::object();
    o.set("epoch", m.epoch);
    o.set("step", double(m.step));
    o.set("batch_loss", m.batch_loss);
    assign(o, scores_to(m.train));
    assign(o, scores_to(m.val, "val_"));
    assign(o, scores_to(m.recent, "recent_"));
    o.set("samples_per_second", m.samples_per_second);
    o.set("status", std::string(status_name(m.status)));
    o.set("message", m.message);
    return o;
}

val footprint_to(const Footprint& f) {
    val o = val::object();
    o.set("data", double(f.data));
    o.set("parameters", double(f.parameters));
    o.set("activations", double(f.activations));
    o.set("total", double(f.total()));
    o.set("limit", double(kMemoryBudget));
    o.set("parameter_count", double(f.parameter_count));
    o.set("flops_per_sample", f.flops_per_sample);
    o.set("run_flops", f.run_flops);
    o.set("batch_flops", f.batch_flops);
    o.set("init_flops", f.init_flops);
    o.set("data_values", double(f.data_values));
    o.set("setup_seconds", f.setup_seconds());
    o.set("setup_limit", kMaxSetupSeconds);
    return o;
}

int count_arg(const char* name, const val& v) { return int(integer_field(name, v, 0, 2147483647.0)); }

// The bound class: one Trainer, methods converting types around core's API. Tensor
// arguments given as undefined/null are absent (the optional mask).
class JsTrainer {
public:
    explicit JsTrainer(const Config& c) : t_(c) {}
    explicit JsTrainer(Trainer&& t) : t_(std::move(t)) {}

    val step(val batches) {
        return guarded([&] { return metrics_to(t_.step(count_arg("batches", batches))); });
    }
    val train(val epochs) {
        return guarded([&] { return metrics_to(t_.train(count_arg("epochs", epochs))); });
    }
    val metrics() { return metrics_to(t_.metrics()); }
    val validate() { return guarded([&] { return scores_to(t_.validate()); }); }
    val attention() { return guarded([&] { return tensor_to(t_.attention()); }); }
    val attention_maps(val n) {
        return guarded([&] {
            const AttentionMaps maps = t_.attention_maps(count_arg("n", n));
            val o = val::object();
            o.set("attention", tensor_to(maps.attention));
            o.set("mask", maps.mask.shape.empty() ? val::null() : tensor_to(maps.mask));
            return o;
        });
    }
    val head_scores() {
        return guarded([&] {
            val rows = val::array();
            for (const HeadScores& h : t_.head_scores()) {
                val o = val::object();
                o.set("layer", h.layer);
                o.set("head", h.head);
                o.set("attention_on_target", h.attention_on_target);
                o.set("hit_rate", h.hit_rate);
                rows.call<void>("push", o);
            }
            return rows;
        });
    }
    val sequence_accuracy() { return guarded([&] { return val(t_.sequence_accuracy()); }); }
    val translate(val text) {
        return guarded([&] {
            const Translation tr = t_.translate(text.as<std::string>());
            val o = val::object();
            o.set("text", tr.text);
            o.set("tokens", val::array(tr.tokens));
            o.set("source", val::array(tr.source));
            o.set("attention", tensor_to(tr.attention));
            return o;
        });
    }
    val activations(val layer) {
        return guarded([&] { return tensor_to(t_.activations(layer_name(layer))); });
    }
    val activations_for(val layer, val inputs) {
        return guarded([&] {
            const std::string name = layer_name(layer);
            const Tensor in = tensor_from("inputs", inputs);
            return tensor_to(t_.activations(name, &in));
        });
    }
    val predict(val inputs) {
        return guarded([&] {
            const Tensor in = tensor_from("inputs", inputs);
            return tensor_to(t_.predict(in));
        });
    }
    val test_inputs() { return tensor_to(t_.test_inputs()); }
    val test_targets() { return tensor_to(t_.test_targets()); }
    void set_data(val x, val y, val mask) {
        guarded([&] {
            const Data d(x, y, mask);
            t_.set_data(d.x, d.y, d.mask_ptr());
        });
    }
    val train_on_batch(val x, val y, val mask) {
        return guarded([&] {
            const Data d(x, y, mask);
            return scores_to(t_.train_on_batch(d.x, d.y, d.mask_ptr()));
        });
    }
    val evaluate(val x, val y, val mask) {
        return guarded([&] {
            const Data d(x, y, mask);
            return scores_to(t_.evaluate(d.x, d.y, d.mask_ptr()));
        });
    }
    val history() {
        const History& h = t_.history();
        val o = val::object();
        auto column = [&](const std::string& key, const std::vector<Scores>& rows, float Scores::*f) {
            std::vector<float> v;
            for (const auto& r : rows) v.push_back(r.*f);
            o.set(key, float32_copy(v.data(), v.size()));
        };
        for (const auto& [prefix, rows] : {std::pair{std::string(), &h.train}, std::pair{std::string("val_"), &h.val}}) {
            column(prefix + "loss", *rows, &Scores::loss);
            column(prefix + "metric", *rows, &Scores::metric);
            column(prefix + "attention_on_target", *rows, &Scores::attention_on_target);
            column(prefix + "hit_rate", *rows, &Scores::hit_rate);
        }
        return o;
    }
    val summary() {
        val rows = val::array();
        int i = 0;
        for (const auto& r : t_.summary()) {
            val o = val::object();
            o.set("name", r.name);
            o.set("kind", r.kind);
            o.set("output_shape", r.output_shape);
            o.set("params", double(r.params));
            rows.set(i++, o);
        }
        return rows;
    }
    val weights() {
        val list = val::array();
        int i = 0;
        for (const auto& w : t_.weights()) {
            val o = val::object();
            o.set("name", w.name);
            o.set("shape", int_array(w.shape));
            o.set("data", float32_copy(w.data.data(), w.data.size()));
            list.set(i++, o);
        }
        return list;
    }
    void set_weights(val list) {
        guarded([&] {
            if (!list.isArray()) throw ConfigError("weights", "expected an array (got " + describe(list) + ")");
            std::vector<Weight> ws;
            for (int i = 0, n = list["length"].as<int>(); i < n; ++i) {
                const Tensor t = tensor_from("weights[" + std::to_string(i) + "]", list[i]);
                ws.push_back({"", t.shape, t.data});
            }
            t_.set_weights(ws);
        });
    }
    void reset() { guarded([&] { t_.reset(); }); }
    void reset_seed(val seed) {
        guarded([&] { t_.reset(uint32_t(integer_field("seed", seed, 0, 4294967295.0))); });
    }
    val config() { return config_to(t_.config()); }
    val save_run() {
        return guarded([&] {
            const std::vector<uint8_t> file = t_.save_run();
            return val::global("Uint8Array").new_(val(emscripten::typed_memory_view(file.size(), file.data())));
        });
    }
    val footprint() { return footprint_to(t_.footprint()); }
    double parameter_count() { return double(t_.parameter_count()); }
    int steps_per_epoch() { return t_.steps_per_epoch(); }

private:
    // x, y and an optional mask from JS.
    struct Data {
        Tensor x, y, mask;
        bool has_mask;
        Data(const val& jx, const val& jy, const val& jmask)
            : x(tensor_from("x", jx)), y(tensor_from("y", jy)), has_mask(!jmask.isUndefined() && !jmask.isNull()) {
            if (has_mask) mask = tensor_from("mask", jmask);
        }
        const Tensor* mask_ptr() const { return has_mask ? &mask : nullptr; }
    };
    static std::string layer_name(const val& v) {
        if (!v.isString()) throw ConfigError("layer", "expected a layer name (got " + describe(v) + ")");
        return v.as<std::string>();
    }
    Trainer t_;
};

JsTrainer* load_run(val bytes) {
    return guarded([&] {
        if (!bytes.instanceof(val::global("Uint8Array")))
            throw ConfigError("run", "expected the bytes of a saved run as a Uint8Array (got " + describe(bytes) + ")");
        return new JsTrainer(Trainer::load_run(emscripten::convertJSArrayToNumberVector<uint8_t>(bytes)));
    });
}

JsTrainer* make_trainer(val config) {
    return guarded([&] { return new JsTrainer(config_from(config)); });
}

val defaults(val preset) {
    return guarded([&] {
        if (!preset.isString()) throw ConfigError("preset", "expected a string (got " + describe(preset) + ")");
        return config_to(defaults_for(preset.as<std::string>()));
    });
}

val estimate_js(val config) { return guarded([&] { return footprint_to(estimate(config_from(config))); }); }

// The names of the fields that apply to a config (the others are validated but unused).
val applicable_fields(val config) {
    return guarded([&] {
        const Config c = config_from(config);
        std::vector<const char*> names;
        for (const auto& f : config_fields())
            if (f.applies_to(c)) names.push_back(f.name);
        return string_array(names);
    });
}

val presets_js() {
    val a = val::array();
    int i = 0;
    for (const auto& p : presets()) {
        val o = val::object();
        o.set("name", std::string(p.name));
        o.set("label", std::string(p.label));
        o.set("description", std::string(p.description));
        o.set("attention", std::string(p.attention));
        o.set("config", config_to(p.config));
        a.set(i++, o);
    }
    return a;
}

val tasks_js() {
    val a = val::array();
    int i = 0;
    for (const auto& t : tasks()) {
        val o = val::object();
        o.set("name", std::string(t.name));
        o.set("label", std::string(t.label));
        o.set("description", std::string(t.description));
        o.set("answer", std::string(t.answer));
        o.set("sequence", t.sequence);
        o.set("head", std::string(head_name(t.head)));
        o.set("loss", std::string(t.loss));
        o.set("metric", std::string(metric_name(t.metric)));
        o.set("answer_position", t.answer_position);
        o.set("fixed_input_dim", t.fixed_input_dim);
        o.set("min_time_steps", t.min_time_steps);
        o.set("ground_truth", t.ground_truth);
        o.set("alphabet", t.alphabet ? val(std::string(t.alphabet)) : val::null());
        o.set("fixed_vocab", t.fixed_vocab);
        o.set("padded", t.padded);
        a.set(i++, o);
    }
    return a;
}

val config_fields_js() {
    static const char* const kinds[] = {"integer", "number", "string", "boolean", "seed"};
    val a = val::array();
    int i = 0;
    for (const auto& f : config_fields()) {
        val o = val::object();
        o.set("name", std::string(f.name));
        o.set("label", std::string(f.label));
        o.set("help", std::string(f.help));
        o.set("type", std::string(kinds[f.kind]));
        if (f.kind == ConfigField::integer || f.kind == ConfigField::number || f.kind == ConfigField::seed) {
            o.set("min", f.min);
            o.set("max", f.max);
            o.set("min_exclusive", f.min_open);
            o.set("max_exclusive", f.max_open);
        }
        if (!f.choices.empty()) o.set("choices", string_array(f.choices));
        a.set(i++, o);
    }
    return a;
}

// Facts the core owns that front ends show: the recent window, the memory limit, the limit
// on building a trainer and the conservative rates it is priced at.
val constants() {
    val o = val::object();
    o.set("recent_window", kWindow);
    o.set("memory_limit", double(kMemoryBudget));
    o.set("setup_limit_seconds", kMaxSetupSeconds);
    o.set("init_flops_per_second", Footprint::kInitFlopsPerSecond);
    o.set("data_values_per_second", Footprint::kValuesPerSecond);
    return o;
}

// Bytes malloc has handed out and not taken back: what the memory tests watch.
double heap_in_use() { return double(mallinfo().uordblks); }

// Bytes of the wasm memory itself (its buffer's byteLength): what the tab pays for this
// module. It grows with the largest run so far and never shrinks.
double memory_bytes() { return double(emscripten_get_heap_size()); }

}  // namespace

EMSCRIPTEN_BINDINGS(attention) {
    using namespace emscripten;
    class_<JsTrainer>("Trainer")
        .constructor(&make_trainer, allow_raw_pointers())
        .function("step", &JsTrainer::step)
        .function("train", &JsTrainer::train)
        .function("metrics", &JsTrainer::metrics)
        .function("validate", &JsTrainer::validate)
        .function("getAttention", &JsTrainer::attention)
        .function("getAttentionMaps", &JsTrainer::attention_maps)
        .function("getHeadScores", &JsTrainer::head_scores)
        .function("sequenceAccuracy", &JsTrainer::sequence_accuracy)
        .function("translate", &JsTrainer::translate)
        .function("getActivations", &JsTrainer::activations)
        .function("getActivations", &JsTrainer::activations_for)
        .function("predict", &JsTrainer::predict)
        .function("testInputs", &JsTrainer::test_inputs)
        .function("testTargets", &JsTrainer::test_targets)
        .function("setData", &JsTrainer::set_data)
        .function("trainOnBatch", &JsTrainer::train_on_batch)
        .function("evaluate", &JsTrainer::evaluate)
        .function("getHistory", &JsTrainer::history)
        .function("summary", &JsTrainer::summary)
        .function("getWeights", &JsTrainer::weights)
        .function("setWeights", &JsTrainer::set_weights)
        .function("reset", select_overload<void()>(&JsTrainer::reset))
        .function("reset", &JsTrainer::reset_seed)
        .function("config", &JsTrainer::config)
        .function("saveRun", &JsTrainer::save_run)
        .function("footprint", &JsTrainer::footprint)
        .function("parameterCount", &JsTrainer::parameter_count)
        .function("stepsPerEpoch", &JsTrainer::steps_per_epoch);
    function("loadRun", &load_run, allow_raw_pointers());
    function("defaults", &defaults);
    function("estimate", &estimate_js);
    function("applicableFields", &applicable_fields);
    function("presets", &presets_js);
    function("tasks", &tasks_js);
    function("configFields", &config_fields_js);
    function("constants", &constants);
    function("heapInUse", &heap_in_use);
    function("memoryBytes", &memory_bytes);
}
