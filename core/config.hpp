// A run's whole configuration, as data: the task (core/task.hpp), the model (recurrent cell,
// attention kind and placement), the sizes and the training settings. A preset
// (core/preset.hpp) is a named bundle of defaults for these fields; every field can be
// changed after it. validate() rejects anything that cannot run, naming the field and the
// value (never clamps); config_fields() is the one table of fields every front end reads.
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

// A value from the user, quoted for a message: control characters escaped, at most 40
// characters kept (a NUL would cut what() short; a 50 MB string would make a 50 MB message).
std::string quoted(const std::string& v);

// The row of a table (tasks, presets: rows with a `name`) called `name`, or nullptr.
template <class Row>
const Row* find_row(const std::vector<Row>& rows, const std::string& name) {
    for (const auto& r : rows)
        if (name == r.name) return &r;
    return nullptr;
}
// The same, or a ConfigError naming `field` and listing the names the table has.
template <class Row>
const Row& find_row(const std::vector<Row>& rows, const std::string& name, const char* field) {
    if (const Row* r = find_row(rows, name)) return *r;
    std::string list;
    for (const auto& r : rows) list += (list.empty() ? "" : ", ") + std::string(r.name);
    throw ConfigError(field, "unknown " + std::string(field) + " " + quoted(name) + " (expected one of " + list + ")");
}

// Real-valued settings are doubles, as JS and Python hold them (Keras's split is
// floor(n * (1 - 0.1)) in double); training narrows them to float where it uses them.
// The member defaults are the dense example's (preset "dense").
struct Config {
    std::string preset = "dense";          // the bundle of defaults the fields started from
    // The model (see core/model.hpp for how these build it).
    std::string task = "answer_in_vector"; // core/task.hpp: the data, the head, loss and metric
    std::string cell = "none";             // lstm, gru, none (vector tasks)
    bool reset_after = true;               // gru: Keras's reset_after (true: its default; false: TF.js's GRU)
    std::string attention = "block";       // block (2017), many_to_one (Luong/Bahdanau), self_attention, seq2seq, none
    std::string placement = "before";      // block with a cell: before or after it
    bool single_attention_vector = false;  // block on sequences: one vector shared by all features
    std::string score = "luong";           // many_to_one: luong or bahdanau; seq2seq: dot too
    int attention_units = 128;             // many_to_one, seq2seq: units of its output a_t
    int heads = 1;                         // self_attention: heads per layer (units must be a multiple)
    int layers = 1;                        // self_attention: attention layers
    int vocab_size = 16;                   // the token tasks: token ids 0 .. vocab_size-1
    // Sizes and training.
    int samples = 10000;           // N drawn from the task's generator
    int epochs = 20;
    int batch_size = 64;
    double learning_rate = 0.001;
    std::string optimizer = "adam";  // adam, sgd, rmsprop
    double momentum = 0.0;           // sgd only (Keras default 0)
    std::string loss = "binary_crossentropy";  // binary_crossentropy, mse, mae, sparse_categorical_crossentropy
    double validation_split = 0.5;   // Keras: the LAST fraction is validation
    int input_dim = 32;              // features per sample (per time step for sequence tasks)
    int time_steps = 20;             // sequence tasks only
    int attention_column = 1;        // the answer's position (the 2017 tasks)
    int units = 64;                  // the cell's units, without a cell the hidden Dense's; self_attention: the width
    double dropout = 0.0;            // rate of a Dropout before the output layer (0: none)
    int test_samples = 1000;         // held-out batch the attention is read on
    uint32_t seed = 1;               // fixes data, initial weights, shuffling and dropout

    bool recurrent() const { return cell != "none"; }
    bool gru() const { return cell == "gru"; }
    bool block() const { return attention == "block"; }
    bool attention_before() const { return block() && placement == "before"; }
    bool self_attention() const { return attention == "self_attention"; }
    bool seq2seq() const { return attention == "seq2seq"; }
    int train_samples() const;       // samples - validation_samples()
    int validation_samples() const;  // floor-split as Keras does
};

// One row per Config field: its name (snake_case in JS, with dashes on the command line),
// the label people read (the page's), a help line, its kind and limits, and whether it
// applies to a config (a field that does not apply is validated but unused). Front ends (the
// CLI, the wasm binding, the page through it) read and write configs only through this table.
struct ConfigField {
    enum Kind { integer, number, text, boolean, seed };
    const char* name;
    const char* label;
    const char* help;
    Kind kind;
    int Config::*i = nullptr;          // integer
    double Config::*d = nullptr;       // number
    std::string Config::*s = nullptr;  // text
    bool Config::*b = nullptr;         // boolean
    uint32_t Config::*u = nullptr;     // seed
    double min = 0, max = 0;           // integer, number: [min, max]; number with min_open: (min, max]
    bool min_open = false, max_open = false;
    std::vector<std::string> choices;  // text: the accepted values (empty: any)
    bool (*applies)(const Config&) = nullptr;  // nullptr: always

    bool applies_to(const Config& c) const { return !applies || applies(c); }
    std::string value_text(const Config& c) const;  // the value as the CLI takes it
};
const std::vector<ConfigField>& config_fields();
const ConfigField* find_field(const std::string& name);  // nullptr if unknown

// The defaults of a named preset (core/preset.hpp); throws ConfigError("preset", ...).
Config defaults_for(const std::string& preset);
// Throws ConfigError for the first bad field: each field's own range first, in table order,
// then the combinations (cell and task, attention and cell, loss and head, sizes).
void validate(const Config& c);

// Upper bounds that keep a run within a browser's memory; documented in --help and the README.
constexpr int kMaxSize = 4096;  // input_dim, units, attention_units, batch_size, vocab_size

}  // namespace attn
