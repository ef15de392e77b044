// The JavaScript face of the training core: type translation and error translation only.
// Configs come in as plain objects and are read through core's config_fields() table;
// arrays go out as fresh Float32Array copies (never views into the wasm heap, which memory
// growth would detach); every C++ exception becomes a JS Error carrying its message.
#include <emscripten/bind.h>
#include <emscripten/val.h>
#include <malloc.h>

#include <cmath>
#include <string>

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
    } catch (const std::exception& e) {
        error = val::global("Error").new_(std::string(e.what()));
    }
    error.throw_();
    __builtin_unreachable();
}

std::string describe(const val& v) {
    const std::string type = v.typeOf().as<std::string>();
    if (type == "string") return "'" + v.as<std::string>() + "'";
    if (type == "number" || type == "boolean") return val::global("String")(v).as<std::string>();
    return type == "object" && v.isNull() ? "null" : type;
}

double number_field(const char* name, const val& v) {
    if (v.typeOf().as<std::string>() != "number") throw ConfigError(name, "expected a number (got " + describe(v) + ")");
    return v.as<double>();
}

double integer_field(const char* name, const val& v, double lo, double hi) {
    const double d = number_field(name, v);
    if (!std::isfinite(d) || std::floor(d) != d || d < lo || d > hi)
        throw ConfigError(name, "expected an integer (got " + describe(v) + ")");
    return d;
}

// A plain JS object -> Config: the preset's defaults, then every given field.
Config config_from(const val& js) {
    if (js.isUndefined() || js.isNull()) return defaults_for("dense");
    if (js.typeOf().as<std::string>() != "object" || js.isArray())
        throw ConfigError("config", "expected an object (got " + describe(js) + ")");
    std::string preset = "dense";
    if (js.hasOwnProperty("preset")) {
        if (!js["preset"].isString()) throw ConfigError("preset", "expected a string (got " + describe(js["preset"]) + ")");
        preset = js["preset"].as<std::string>();
    }
    Config c = defaults_for(preset);
    const val keys = val::global("Object").call<val>("keys", js);
    const int n = keys["length"].as<int>();
    for (int k = 0; k < n; ++k) {
        const std::string key = keys[k].as<std::string>();
        const ConfigField* field = nullptr;
        for (const auto& f : config_fields())
            if (key == f.name) field = &f;
        if (!field) {
            std::string names;
            for (const auto& f : config_fields()) names += (names.empty() ? "" : ", ") + std::string(f.name);
            throw ConfigError(key, "unknown config field (expected one of " + names + ")");
        }
        const val v = js[key];
        if (field->integer) c.*field->integer = int(integer_field(field->name, v, -2147483648.0, 2147483647.0));
        else if (field->number) c.*field->number = number_field(field->name, v);
        else if (field->seed) c.*field->seed = uint32_t(integer_field(field->name, v, 0, 4294967295.0));
        else if (field->boolean) {
            if (v.typeOf().as<std::string>() != "boolean")
                throw ConfigError(field->name, "expected true or false (got " + describe(v) + ")");
            c.*field->boolean = v.as<bool>();
        } else if (field->text != &Config::preset) {
            if (!v.isString()) throw ConfigError(field->name, "expected a string (got " + describe(v) + ")");
            c.*field->text = v.as<std::string>();
        }
    }
    return c;
}

val config_to(const Config& c) {
    val o = val::object();
    for (const auto& f : config_fields()) {
        if (f.integer) o.set(f.name, c.*f.integer);
        else if (f.number) o.set(f.name, c.*f.number);
        else if (f.text) o.set(f.name, c.*f.text);
        else if (f.boolean) o.set(f.name, c.*f.boolean);
        else o.set(f.name, double(c.*f.seed));
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

val tensor_to(const Tensor& t) {
    val o = val::object();
    o.set("data", float32_copy(t.data.data(), t.data.size()));
    o.set("shape", int_array(t.shape));
    return o;
}

// {data: Float32Array | number[], shape: number[]} -> Tensor (shape checks happen in core).
Tensor tensor_from(const char* field, const val& js) {
    if (js.typeOf().as<std::string>() != "object" || js.isNull() || !js.hasOwnProperty("data") ||
        !js.hasOwnProperty("shape") || !js["shape"].isArray())
        throw ConfigError(field, "expected {data, shape} (got " + describe(js) + ")");
    Tensor t;
    const val shape = js["shape"];
    for (int i = 0, n = shape["length"].as<int>(); i < n; ++i)
        t.shape.push_back(int(integer_field(field, shape[i], 0, 2147483647.0)));
    const val data = js["data"];
    if (!data.isArray() && !data.instanceof(val::global("Float32Array")) && !data.instanceof(val::global("Float64Array")))
        throw ConfigError(field, "data must be an Array or Float32Array (got " + describe(data) + ")");
    t.data = emscripten::convertJSArrayToNumberVector<float>(data);
    return t;
}

val metrics_to(const Metrics& m) {
    val o = val::object();
    o.set("epoch", m.epoch);
    o.set("step", double(m.step));
    o.set("batch_loss", m.batch_loss);
    o.set("recent_loss", m.recent_loss);
    o.set("recent_accuracy", m.recent_accuracy);
    o.set("loss", m.loss);
    o.set("accuracy", m.accuracy);
    o.set("val_loss", m.val_loss);
    o.set("val_accuracy", m.val_accuracy);
    o.set("samples_per_second", m.samples_per_second);
    o.set("status", std::string(status_name(m.status)));
    o.set("message", m.message);
    return o;
}

val floats(const std::vector<float>& v) { return float32_copy(v.data(), v.size()); }

int count_arg(const char* name, const val& v) {
    return int(integer_field(name, v, 0, 2147483647.0));
}

// The bound class: one Trainer, methods converting types around core's API.
class JsTrainer {
public:
    explicit JsTrainer(const Config& c) : t_(c) {}

    val step(val batches) {
        return guarded([&] { return metrics_to(t_.step(count_arg("batches", batches))); });
    }
    val train(val epochs) {
        return guarded([&] { return metrics_to(t_.train(count_arg("epochs", epochs))); });
    }
    val metrics() { return metrics_to(t_.metrics()); }
    val attention() { return guarded([&] { return tensor_to(t_.attention()); }); }
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
    val history() {
        const History& h = t_.history();
        val o = val::object();
        o.set("loss", floats(h.loss));
        o.set("accuracy", floats(h.accuracy));
        o.set("val_loss", floats(h.val_loss));
        o.set("val_accuracy", floats(h.val_accuracy));
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
            o.set("data", floats(w.data));
            list.set(i++, o);
        }
        return list;
    }
    void set_weights(val list) {
        guarded([&] {
            if (!list.isArray()) throw ConfigError("weights", "expected an array (got " + describe(list) + ")");
            std::vector<Weight> ws;
            for (int i = 0, n = list["length"].as<int>(); i < n; ++i) {
                const std::string field = "weights[" + std::to_string(i) + "]";
                const Tensor t = tensor_from(field.c_str(), list[i]);
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
    double parameter_count() { return double(t_.parameter_count()); }

private:
    static std::string layer_name(const val& v) {
        if (!v.isString()) throw ConfigError("layer", "expected a layer name (got " + describe(v) + ")");
        return v.as<std::string>();
    }
    Trainer t_;
};

JsTrainer* make_trainer(val config) {
    return guarded([&] { return new JsTrainer(config_from(config)); });
}

val defaults(val preset) {
    return guarded([&] {
        if (!preset.isString()) throw ConfigError("preset", "expected a string (got " + describe(preset) + ")");
        return config_to(defaults_for(preset.as<std::string>()));
    });
}

val presets() {
    val a = val::array();
    int i = 0;
    for (const auto& p : preset_names()) a.set(i++, p);
    return a;
}

val config_fields_js() {
    val a = val::array();
    int i = 0;
    for (const auto& f : config_fields()) {
        val o = val::object();
        o.set("name", std::string(f.name));
        o.set("help", std::string(f.help));
        o.set("type", std::string(f.integer ? "integer" : f.number ? "number" : f.text ? "string" : f.boolean ? "boolean" : "seed"));
        a.set(i++, o);
    }
    return a;
}

// Bytes malloc has handed out and not taken back: what the memory tests watch.
double heap_in_use() { return double(mallinfo().uordblks); }

}  // namespace

EMSCRIPTEN_BINDINGS(attention) {
    using namespace emscripten;
    class_<JsTrainer>("Trainer")
        .constructor(&make_trainer, allow_raw_pointers())
        .function("step", &JsTrainer::step)
        .function("train", &JsTrainer::train)
        .function("metrics", &JsTrainer::metrics)
        .function("getAttention", &JsTrainer::attention)
        .function("getActivations", &JsTrainer::activations)
        .function("getActivations", &JsTrainer::activations_for)
        .function("predict", &JsTrainer::predict)
        .function("testInputs", &JsTrainer::test_inputs)
        .function("getHistory", &JsTrainer::history)
        .function("summary", &JsTrainer::summary)
        .function("getWeights", &JsTrainer::weights)
        .function("setWeights", &JsTrainer::set_weights)
        .function("reset", select_overload<void()>(&JsTrainer::reset))
        .function("reset", &JsTrainer::reset_seed)
        .function("config", &JsTrainer::config)
        .function("parameterCount", &JsTrainer::parameter_count);
    function("defaults", &defaults);
    function("presets", &presets);
    function("configFields", &config_fields_js);
    function("heapInUse", &heap_in_use);
}
