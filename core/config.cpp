#include "config.hpp"

#include <cmath>
#include <cstdio>
#include <limits>
#include <sstream>

#include "loss.hpp"
#include "optimizer.hpp"
#include "preset.hpp"
#include "task.hpp"

namespace attn {

std::string quoted(const std::string& v) {
    constexpr size_t kShown = 40;
    std::string out = "'";
    size_t shown = 0;
    for (char ch : v) {
        if (shown == kShown) {
            out += "...";
            break;
        }
        const unsigned char c = static_cast<unsigned char>(ch);
        if (c < 0x20 || c == 0x7f) {
            char esc[8];
            std::snprintf(esc, sizeof esc, "\\x%02x", c);
            out += esc;
        } else {
            out += ch;
        }
        ++shown;
    }
    return out + "'";
}

namespace {
std::string num(double v) {
    std::ostringstream s;
    s << v;
    return s.str();
}

std::string list_of(const std::vector<std::string>& names) {
    std::string s;
    for (size_t i = 0; i < names.size(); ++i) s += (i ? (i + 1 == names.size() ? " or " : ", ") : "") + names[i];
    return s;
}

std::vector<std::string> names_of_tasks() {
    std::vector<std::string> v;
    for (const auto& t : tasks()) v.push_back(t.name);
    return v;
}
std::vector<std::string> names_of_presets() {
    std::vector<std::string> v;
    for (const auto& p : presets()) v.push_back(p.name);
    return v;
}

// When a field applies (see ConfigField::applies).
bool sequence_task(const Config& c) {
    const Task* t = find_task_or_null(c.task);
    return t && t->sequence;
}
bool block_on_sequence(const Config& c) { return c.block() && c.recurrent(); }
bool gru_cell(const Config& c) { return c.gru(); }
bool scored(const Config& c) { return c.attention == "many_to_one" || c.seq2seq(); }
bool self_attention(const Config& c) { return c.self_attention(); }
bool token_task(const Config& c) {
    const Task* t = find_task_or_null(c.task);
    return t && token_outputs(*t);
}
bool sgd(const Config& c) { return c.optimizer == "sgd"; }
bool answer_position(const Config& c) {
    const Task* t = find_task_or_null(c.task);
    return t && t->answer_position;
}
bool free_input_dim(const Config& c) {
    const Task* t = find_task_or_null(c.task);
    return t && t->fixed_input_dim == 0;
}

constexpr double kInfinity = std::numeric_limits<double>::infinity();

using F = ConfigField;
F field(const char* name, const char* label, const char* help, F::Kind kind) {
    F f{};
    f.name = name;
    f.label = label;
    f.help = help;
    f.kind = kind;
    return f;
}
F integer(const char* name, const char* label, const char* help, int Config::*m, double lo, double hi,
          bool (*applies)(const Config&) = nullptr) {
    F f = field(name, label, help, F::integer);
    f.i = m;
    f.min = lo;
    f.max = hi;
    f.applies = applies;
    return f;
}
F number(const char* name, const char* label, const char* help, double Config::*m, double lo, bool lo_open,
         double hi, bool hi_open, bool (*applies)(const Config&) = nullptr) {
    F f = field(name, label, help, F::number);
    f.d = m;
    f.min = lo;
    f.max = hi;
    f.min_open = lo_open;
    f.max_open = hi_open;
    f.applies = applies;
    return f;
}
F boolean(const char* name, const char* label, const char* help, bool Config::*m,
          bool (*applies)(const Config&) = nullptr) {
    F f = field(name, label, help, F::boolean);
    f.b = m;
    f.applies = applies;
    return f;
}
F seed_field() {
    F f = field("seed", "Seed", "fixes data, initial weights, shuffling and dropout (0 .. 4294967295)", F::seed);
    f.u = &Config::seed;
    f.max = 4294967295.0;
    return f;
}
F text(const char* name, const char* label, const char* help, std::string Config::*m, std::vector<std::string> choices,
       bool (*applies)(const Config&) = nullptr) {
    F f = field(name, label, help, F::text);
    f.s = m;
    f.choices = std::move(choices);
    f.applies = applies;
    return f;
}
}  // namespace

const std::vector<ConfigField>& config_fields() {
    static const std::vector<ConfigField> fields = [] {
        std::vector<ConfigField> f{
            text("preset", "Preset", "the named bundle of defaults the other fields start from", &Config::preset,
                 names_of_presets()),
            text("task", "Task", "the data, the model's head, loss and metric", &Config::task, names_of_tasks()),
            text("cell", "Recurrent layer", "lstm | gru | none (none: vector tasks)", &Config::cell, {"lstm", "gru", "none"}),
            boolean("reset_after", "GRU reset after",
                    "true: the GRU's reset gate scales its recurrent product (Keras's default, as PyTorch); "
                    "false: it scales the state before the product (Keras's reset_after=False, the GRU TF.js loads)",
                    &Config::reset_after, gru_cell),
            text("attention", "Attention",
                 "block: the 2017 attention block; many_to_one: the Luong/Bahdanau Attention layer; "
                 "self_attention: a causal attention-only transformer (the token tasks); seq2seq: an "
                 "encoder-decoder of the cell with attention over the encoder's states at every output step "
                 "(the translation tasks); none: no attention",
                 &Config::attention, {"block", "many_to_one", "self_attention", "seq2seq", "none"}),
            text("placement", "Attention placement", "the block before or after the recurrent layer",
                 &Config::placement, {"before", "after"}, block_on_sequence),
            boolean("single_attention_vector", "One attention vector",
                    "true: one attention vector shared by all features (the block on sequences)",
                    &Config::single_attention_vector, block_on_sequence),
            text("score", "Score",
                 "luong (multiplicative, h_t . W h_s) | bahdanau (additive) | dot (h_t . h_s, seq2seq only)",
                 &Config::score, {"luong", "bahdanau", "dot"}, scored),
            integer("attention_units", "Attention units",
                    "units of the Attention layer's output (seq2seq: of its attentional state per output step)",
                    &Config::attention_units, 1, kMaxSize, scored),
            integer("heads", "Heads", "attention heads per self-attention layer (units must be a multiple of it)",
                    &Config::heads, 1, 64, self_attention),
            integer("layers", "Layers", "self-attention layers, one after the other on the residual stream",
                    &Config::layers, 1, 8, self_attention),
            integer("vocab_size", "Vocabulary",
                    "token ids 0 .. vocab_size-1 (the token and translation tasks; translation: id 0 starts and pads)",
                    &Config::vocab_size, 2, kMaxSize, token_task),
            integer("samples", "Samples", "N samples drawn from the task's generator", &Config::samples, 1, 10'000'000),
            integer("epochs", "Epochs", "epochs to train", &Config::epochs, 1, 100'000),
            integer("batch_size", "Batch size", "samples per batch", &Config::batch_size, 1, kMaxSize),
            number("learning_rate", "Learning rate", "optimizer step size (> 0)", &Config::learning_rate, 0, true,
                   kInfinity, true),
            text("optimizer", "Optimizer", "adam | sgd | rmsprop (Keras's defaults)", &Config::optimizer,
                 optimizer_names()),
            number("momentum", "Momentum", "SGD momentum in [0, 1)", &Config::momentum, 0, false, 1, true, sgd),
            text("loss", "Loss", "binary_crossentropy | mse | mae | sparse_categorical_crossentropy (default: the task's)", &Config::loss, loss_names()),
            number("validation_split", "Validation split", "the last fraction held out for validation, in [0, 1)",
                   &Config::validation_split, 0, false, 1, true),
            integer("input_dim", "Input dimensions", "features per input (per time step for sequence tasks)",
                    &Config::input_dim, 1, kMaxSize, free_input_dim),
            integer("time_steps", "Time steps", "sequence length (sequence tasks; translation: the source's)",
                    &Config::time_steps, 1, 1000, sequence_task),
            integer("attention_column", "Answer position", "the position (entry or time step) that carries the answer",
                    &Config::attention_column, 0, kMaxSize, answer_position),
            integer("units", "Units",
                    "the recurrent layer's units, without one the hidden Dense layer's; with self_attention the "
                    "model's width (the residual stream); with seq2seq the embeddings', encoder's and decoder's",
                    &Config::units, 1, kMaxSize),
            number("dropout", "Dropout", "rate of a Dropout before the output layer, in [0, 1)", &Config::dropout, 0,
                   false, 1, true),
            integer("test_samples", "Test samples", "held-out samples the attention is read on", &Config::test_samples,
                    1, 100'000),
            seed_field(),
        };
        return f;
    }();
    return fields;
}

const ConfigField* find_field(const std::string& name) {
    for (const auto& f : config_fields())
        if (name == f.name) return &f;
    return nullptr;
}

std::string ConfigField::value_text(const Config& c) const {
    switch (kind) {
        case integer: return std::to_string(c.*i);
        case number: {
            char buf[32];
            std::snprintf(buf, sizeof buf, "%.17g", c.*d);
            return buf;
        }
        case text: return c.*s;
        case boolean: return c.*b ? "true" : "false";
        case seed: return std::to_string(c.*u);
    }
    return "";
}

int Config::validation_samples() const {
    // Keras: split_at = floor(n * (1 - validation_split)); validation is x[split_at:].
    return samples - int(std::floor(double(samples) * (1.0 - validation_split)));
}
int Config::train_samples() const { return samples - validation_samples(); }

Config defaults_for(const std::string& preset) { return find_preset(preset).config; }

namespace {
// One field's own range or choices.
void check_field(const ConfigField& f, const Config& c) {
    if (f.kind == ConfigField::text) {
        const std::string& v = c.*f.s;
        if (f.choices.empty()) return;
        for (const auto& choice : f.choices)
            if (v == choice) return;
        if (f.s == &Config::preset)
            throw ConfigError(f.name, "unknown preset " + quoted(v) + " (expected one of " + list_of(f.choices) + ")");
        throw ConfigError(f.name, "unknown " + std::string(f.name) + " " + quoted(v) + " (expected " +
                                      list_of(f.choices) + ")");
    }
    if (f.kind == ConfigField::integer) {
        const int v = c.*f.i;
        if (v < f.min || v > f.max) {
            const std::string got = " (got " + std::to_string(v) + ")";
            if (f.min == 1 && v < 1) throw ConfigError(f.name, "must be a positive integer" + got);
            if (v < f.min) throw ConfigError(f.name, "must be at least " + num(f.min) + got);
            throw ConfigError(f.name, "must be at most " + num(f.max) + got);
        }
    }
    if (f.kind == ConfigField::number) {
        const double v = c.*f.d;
        // Training uses it as a float: it must stay finite (and, with an open minimum, above
        // it) there too.
        const float vf = float(v);
        const bool ok = std::isfinite(v) && std::isfinite(vf) && (f.min_open ? vf > f.min : v >= f.min) &&
                        (f.max_open ? v < f.max : v <= f.max);
        if (!ok) {
            const std::string range = f.min_open && f.max == kInfinity ? "a finite number > " + num(f.min)
                                                                   : std::string("in ") + (f.min_open ? "(" : "[") +
                                                                         num(f.min) + ", " + num(f.max) +
                                                                         (f.max_open ? ")" : "]");
            throw ConfigError(f.name, "must be " + range + " (got " + num(v) + ")");
        }
    }
}
}  // namespace

void validate(const Config& c) {
    for (const auto& f : config_fields()) check_field(f, c);
    const Task& task = find_task(c.task);
    // The model's shape against the task's data.
    if (task.head == Head::tokens || c.self_attention()) {
        if (task.head != Head::tokens)
            throw ConfigError("attention", "self_attention predicts a token per step: it needs a token task "
                                           "(previous_token, induction or sort; got " + c.task + ")");
        if (!c.self_attention())
            throw ConfigError("attention", c.attention + " does not apply to task " + c.task +
                                               ", a token task: choose self_attention");
        if (c.recurrent())
            throw ConfigError("cell", c.cell + " does not go with self_attention, which reads the tokens itself: choose none");
        if (c.loss != "sparse_categorical_crossentropy")
            throw ConfigError("loss", c.loss + " does not apply to task " + c.task +
                                          ", which predicts tokens: choose sparse_categorical_crossentropy");
        if (c.vocab_size < task.min_vocab)
            throw ConfigError("vocab_size", "task " + c.task + " needs at least " + std::to_string(task.min_vocab) +
                                                " (got " + std::to_string(c.vocab_size) + ")");
        if (c.units % c.heads != 0)
            throw ConfigError("heads", "must divide units (" + std::to_string(c.units) + ") into equal heads (got " +
                                           std::to_string(c.heads) + ")");
    } else if (task.head == Head::translation || c.seq2seq()) {
        if (task.head != Head::translation)
            throw ConfigError("attention", "seq2seq translates a source into a target sequence: it needs a translation "
                                           "task (reverse, sort_digits or date; got " + c.task + ")");
        if (!c.seq2seq())
            throw ConfigError("attention", c.attention + " does not apply to task " + c.task +
                                               ", a translation task: choose seq2seq");
        if (!c.recurrent())
            throw ConfigError("cell", "seq2seq's encoder and decoder are recurrent: choose lstm or gru");
        if (c.loss != "sparse_categorical_crossentropy")
            throw ConfigError("loss", c.loss + " does not apply to task " + c.task +
                                          ", which predicts tokens: choose sparse_categorical_crossentropy");
        const int most = 1 + int(std::char_traits<char>::length(task.alphabet));
        if (task.fixed_vocab > 0 && c.vocab_size != task.fixed_vocab)
            throw ConfigError("vocab_size", "task " + c.task + " has its own alphabet: vocab_size must be " +
                                                std::to_string(task.fixed_vocab) + " (got " + std::to_string(c.vocab_size) + ")");
        if (c.vocab_size < task.min_vocab || c.vocab_size > most)
            throw ConfigError("vocab_size", "task " + c.task + " takes " + std::to_string(task.min_vocab) + " to " +
                                                std::to_string(most) + ": the start token and up to " +
                                                std::to_string(most - 1) + " characters (got " +
                                                std::to_string(c.vocab_size) + ")");
    } else if (c.loss == "sparse_categorical_crossentropy") {
        throw ConfigError("loss", "sparse_categorical_crossentropy needs token targets, but task " + c.task +
                                      " has one target per sample: choose " +
                                      (task.head == Head::sigmoid ? "binary_crossentropy, mse or mae" : "mae or mse"));
    }
    if (task.sequence && !c.recurrent() && !c.self_attention() && !c.seq2seq())
        throw ConfigError("cell", "none takes vectors, but task " + c.task + " gives sequences: choose lstm or gru");
    if (!task.sequence && c.recurrent())
        throw ConfigError("cell", c.cell + " needs sequences, but task " + c.task + " gives vectors: choose none");
    if (c.score == "dot" && c.attention == "many_to_one")
        throw ConfigError("score", "dot needs queries and keys of one size, which many_to_one's are not always: "
                                   "choose luong or bahdanau (dot is seq2seq's)");
    if (c.attention == "many_to_one" && !c.recurrent())
        throw ConfigError("attention", "many_to_one reads a recurrent layer's states: it needs cell lstm or gru");
    if (task.fixed_input_dim > 0 && c.input_dim != task.fixed_input_dim)
        throw ConfigError("input_dim", "task " + c.task + " has " + std::to_string(task.fixed_input_dim) +
                                           " feature per step (got " + std::to_string(c.input_dim) + ")");
    if (task.sequence && c.time_steps < task.min_time_steps)
        throw ConfigError("time_steps", "task " + c.task + " needs at least " + std::to_string(task.min_time_steps) +
                                            " (got " + std::to_string(c.time_steps) + ")");
    if (c.loss == "binary_crossentropy" && task.head != Head::sigmoid)
        throw ConfigError("loss", "binary_crossentropy needs 0/1 targets, but task " + c.task +
                                      " predicts values: choose mae or mse");
    if (task.answer_position) {
        const char* axis = task.sequence ? "time_steps" : "input_dim";
        const int range = task.sequence ? c.time_steps : c.input_dim;
        if (c.attention_column >= range)
            throw ConfigError("attention_column", std::string("must be below ") + axis + " (" + std::to_string(range) +
                                                      ") (got " + std::to_string(c.attention_column) + ")");
    }
    if (c.train_samples() < 1)
        throw ConfigError("validation_split", "leaves no training samples (got " + num(c.validation_split) + " of " +
                                                  std::to_string(c.samples) + " samples)");
    if (c.batch_size > c.train_samples())
        throw ConfigError("batch_size", "must not exceed the " + std::to_string(c.train_samples()) +
                                            " training samples (got " + std::to_string(c.batch_size) + ")");
}

}  // namespace attn
