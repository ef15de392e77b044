#include "config.hpp"

#include <cmath>
#include <sstream>

namespace attn {

namespace {
std::string num(double v) {
    std::ostringstream s;
    s << v;
    return s.str();
}
void positive(const char* field, long long v, long long max = kMaxSize) {
    if (v <= 0) throw ConfigError(field, "must be a positive integer (got " + std::to_string(v) + ")");
    if (v > max)
        throw ConfigError(field, "must be at most " + std::to_string(max) + " (got " + std::to_string(v) + ")");
}
}  // namespace

const std::vector<ConfigField>& config_fields() {
    static const std::vector<ConfigField> fields{
        {"preset", "dense | lstm_after | lstm_before | gru_after | gru_before", nullptr, nullptr, &Config::preset},
        {"samples", "N samples drawn from the data generator", &Config::samples},
        {"epochs", "epochs to train", &Config::epochs},
        {"batch_size", "samples per batch", &Config::batch_size},
        {"learning_rate", "optimizer step size (> 0)", nullptr, &Config::learning_rate},
        {"optimizer", "adam | sgd | rmsprop", nullptr, nullptr, &Config::optimizer},
        {"momentum", "SGD momentum in [0, 1)", nullptr, &Config::momentum},
        {"loss", "binary_crossentropy | mse | mae", nullptr, nullptr, &Config::loss},
        {"validation_split", "last fraction held out for validation, in [0, 1)", nullptr, &Config::validation_split},
        {"input_dim", "features per input (per time step for recurrent presets)", &Config::input_dim},
        {"time_steps", "sequence length (recurrent presets)", &Config::time_steps},
        {"attention_column", "the position that carries the target", &Config::attention_column},
        {"units", "Dense units (dense) or LSTM/GRU units", &Config::units},
        {"single_attention_vector", "true: one attention vector shared by all dimensions (recurrent)",
         nullptr, nullptr, nullptr, &Config::single_attention_vector},
        {"dropout", "dropout rate before the output layer, in [0, 1)", nullptr, &Config::dropout},
        {"test_samples", "held-out samples the attention is averaged over", &Config::test_samples},
        {"seed", "fixes data, initial weights, shuffling and dropout (0 .. 4294967295)",
         nullptr, nullptr, nullptr, nullptr, &Config::seed},
    };
    return fields;
}

const std::vector<std::string>& preset_names() {
    static const std::vector<std::string> names{"dense", "lstm_after", "lstm_before", "gru_after",
                                                "gru_before"};
    return names;
}

int Config::validation_samples() const {
    // Keras: split_at = floor(n * (1 - validation_split)); validation is x[split_at:].
    return samples - int(std::floor(double(samples) * (1.0 - validation_split)));
}
int Config::train_samples() const { return samples - validation_samples(); }

Config defaults_for(const std::string& preset) {
    Config c;
    c.preset = preset;
    if (preset == "dense") return c;  // the struct's defaults are the dense example's
    bool known = false;
    for (const auto& n : preset_names()) known = known || n == preset;
    if (!known) {
        std::string list;
        for (const auto& n : preset_names()) list += (list.empty() ? "" : ", ") + n;
        throw ConfigError("preset", "unknown preset '" + preset + "' (expected one of " + list + ")");
    }
    // The recurrent examples: INPUT_DIM 2, TIME_STEPS 20, 32 units, attention at step 10,
    // 300000 samples, 1 epoch, validation split 0.1, 300 test samples.
    c.samples = 300000;
    c.epochs = 1;
    c.validation_split = 0.1;
    c.input_dim = 2;
    c.time_steps = 20;
    c.attention_column = 10;
    c.units = 32;
    c.test_samples = 300;
    return c;
}

void validate(const Config& c) {
    defaults_for(c.preset);  // unknown preset
    positive("samples", c.samples, 10'000'000);
    positive("epochs", c.epochs, 100'000);
    positive("batch_size", c.batch_size);
    positive("input_dim", c.input_dim);
    positive("units", c.units);
    positive("test_samples", c.test_samples, 100'000);
    if (c.recurrent()) positive("time_steps", c.time_steps, 1000);
    // Training uses it as a float: it must stay finite and non-zero there too.
    if (!std::isfinite(float(c.learning_rate)) || float(c.learning_rate) <= 0.0f)
        throw ConfigError("learning_rate", "must be a finite number > 0 (got " + num(c.learning_rate) + ")");
    if (c.optimizer != "adam" && c.optimizer != "sgd" && c.optimizer != "rmsprop")
        throw ConfigError("optimizer", "unknown optimizer '" + c.optimizer + "' (expected adam, sgd or rmsprop)");
    if (!std::isfinite(c.momentum) || c.momentum < 0.0 || c.momentum >= 1.0)
        throw ConfigError("momentum", "must be in [0, 1) (got " + num(c.momentum) + ")");
    if (c.loss != "binary_crossentropy" && c.loss != "mse" && c.loss != "mae")
        throw ConfigError("loss", "unknown loss '" + c.loss + "' (expected binary_crossentropy, mse or mae)");
    if (!std::isfinite(c.validation_split) || c.validation_split < 0.0 || c.validation_split >= 1.0)
        throw ConfigError("validation_split", "must be in [0, 1) (got " + num(c.validation_split) + ")");
    if (!std::isfinite(c.dropout) || c.dropout < 0.0 || c.dropout >= 1.0)
        throw ConfigError("dropout", "must be in [0, 1) (got " + num(c.dropout) + ")");
    const int range = c.recurrent() ? c.time_steps : c.input_dim;
    if (c.attention_column < 0 || c.attention_column >= range)
        throw ConfigError("attention_column",
                          std::string("must be in [0, ") + (c.recurrent() ? "time_steps" : "input_dim") +
                              " - 1] = [0, " + std::to_string(range - 1) + "] (got " +
                              std::to_string(c.attention_column) + ")");
    const long long floats = 1LL * c.samples * (c.recurrent() ? c.time_steps : 1) * c.input_dim;
    if (floats > kMaxDataFloats)
        throw ConfigError("samples", "data would hold " + std::to_string(floats) + " values, more than " +
                                         std::to_string(kMaxDataFloats) + " (got samples " +
                                         std::to_string(c.samples) + ")");
    if (c.train_samples() < 1)
        throw ConfigError("validation_split", "leaves no training samples (got " + num(c.validation_split) +
                                                  " of " + std::to_string(c.samples) + " samples)");
    if (c.batch_size > c.train_samples())
        throw ConfigError("batch_size", "must not exceed the " + std::to_string(c.train_samples()) +
                                            " training samples (got " + std::to_string(c.batch_size) + ")");
}

}  // namespace attn
