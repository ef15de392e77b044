// A run's whole configuration: the preset (which seed model) and every size and
// hyper-parameter. defaults_for() gives the seed's values; validate() rejects anything that
// cannot run, naming the field and the value (never clamps).
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace attn {

// Thrown for bad input: what() is "<field>: <what is wrong> (got <value>)".
struct ConfigError : std::invalid_argument {
    std::string field;
    ConfigError(std::string f, const std::string& msg)
        : std::invalid_argument(f + ": " + msg), field(std::move(f)) {}
};

// Real-valued settings are doubles, as JS and Python hold them (Keras's split is
// floor(n * (1 - 0.1)) in double); training narrows them to float where it uses them.
struct Config {
    std::string preset = "dense";  // dense, lstm_after, lstm_before, gru_after, gru_before
    int samples = 10000;           // N drawn from get_data / get_data_recurrent
    int epochs = 20;
    int batch_size = 64;
    double learning_rate = 0.001;
    std::string optimizer = "adam";  // adam, sgd, rmsprop
    double momentum = 0.0;           // sgd only (Keras default 0)
    std::string loss = "binary_crossentropy";  // binary_crossentropy, mse, mae
    double validation_split = 0.5;   // Keras: the LAST fraction is validation
    int input_dim = 32;
    int time_steps = 20;             // recurrent presets only
    int attention_column = 1;        // index in the vector (dense) or the time step (recurrent)
    int units = 64;                  // Dense(64) for dense; LSTM/GRU units otherwise
    bool single_attention_vector = false;  // recurrent presets only
    double dropout = 0.0;            // rate of a Dropout before the output layer (0: none)
    int test_samples = 1000;         // held-out batch the attention is averaged over
    uint32_t seed = 1;               // fixes data, initial weights, shuffling and dropout

    bool recurrent() const { return preset != "dense"; }
    bool gru() const { return preset.rfind("gru", 0) == 0; }
    bool attention_before() const { return preset.size() > 7 && preset.substr(preset.size() - 7) == "_before"; }
    int train_samples() const;       // samples - validation_samples()
    int validation_samples() const;  // floor-split as Keras does
};

// One row per Config field: its name (snake_case in JS, with dashes on the command line),
// a help line, and which member it is. Exactly one member pointer is set. Front ends (the
// CLI, the wasm binding) read and write configs only through this table.
struct ConfigField {
    const char* name;
    const char* help;
    int Config::*integer = nullptr;
    double Config::*number = nullptr;
    std::string Config::*text = nullptr;
    bool Config::*boolean = nullptr;
    uint32_t Config::*seed = nullptr;
};
const std::vector<ConfigField>& config_fields();

const std::vector<std::string>& preset_names();
// The seed's values for a preset; throws ConfigError("preset", ...) for an unknown name.
Config defaults_for(const std::string& preset);
// Throws ConfigError for the first bad field.
void validate(const Config& c);

// Upper bounds that keep a run within a browser's memory; documented in --help and the README.
constexpr int kMaxSize = 4096;              // input_dim, units, time_steps, batch_size
constexpr long long kMaxDataFloats = 60'000'000;  // samples * time_steps * input_dim

}  // namespace attn
