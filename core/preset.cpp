#include "preset.hpp"

namespace attn {

namespace {
// The 2017 recurrent examples: INPUT_DIM 2, TIME_STEPS 20, 32 units, attention at step 10,
// 300000 samples, 1 epoch, validation split 0.1, 300 test samples.
Config recurrent_2017(const char* name, const char* cell, const char* placement) {
    Config c;
    c.preset = name;
    c.task = "answer_in_sequence";
    c.cell = cell;
    c.placement = placement;
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

// The later examples: an LSTM returning sequences, then the many-to-one Attention layer and
// a linear Dense(1) head trained on MAE (SPEC, "The tasks and their models").
Config later(const char* name, const char* task, int units, const char* score, int attention_units) {
    Config c;
    c.preset = name;
    c.task = task;
    c.cell = "lstm";
    c.attention = "many_to_one";
    c.score = score;
    c.attention_units = attention_units;
    c.units = units;
    c.input_dim = 1;
    c.loss = "mae";
    c.test_samples = 300;
    return c;
}

Config find_max_example() {  // LSTM(128) -> Attention(128, luong); RMSprop, batch 32, 100 epochs
    Config c = later("find_max", "find_max", 128, "luong", 128);
    c.time_steps = 10;
    c.samples = 100000;
    c.validation_split = 0.2;
    c.epochs = 100;
    c.batch_size = 32;
    c.optimizer = "rmsprop";
    return c;
}

Config add_two_numbers_example() {  // LSTM(100) -> Attention(128, bahdanau) -> Dropout(0.2)
    Config c = later("add_two_numbers", "add_two_numbers", 100, "bahdanau", 128);
    c.time_steps = 20;
    c.samples = 24000;             // 20,000 training and 4,000 validation samples:
    c.validation_split = 1.0 / 6;  // floor(24000 * (1 - 1/6)) = 20000
    c.epochs = 150;
    c.batch_size = 64;
    c.dropout = 0.2;
    return c;
}

Config attention_example() {  // the layer's own example: LSTM(64) -> Attention(32) -> Dense(1)
    Config c = later("attention_example", "noise", 64, "luong", 32);
    c.time_steps = 10;
    c.samples = 100;
    c.validation_split = 0.0;
    c.epochs = 30;
    c.batch_size = 32;  // Keras's default
    c.test_samples = 10;
    return c;
}

// The self-attention examples: a causal attention-only transformer (token and position
// embeddings, `layers` layers of `heads` heads on a residual stream of `units`, a softmax per
// step) trained with Adam on next-token prediction. Sizes that learn in seconds natively and
// well under a minute in the page (measured: tests/core/self_attention_outcomes.test.cpp).
Config transformer(const char* name, const char* task, int time_steps, int vocab, int units, int heads, int layers) {
    Config c;
    c.preset = name;
    c.task = task;
    c.cell = "none";
    c.attention = "self_attention";
    c.loss = "sparse_categorical_crossentropy";
    c.input_dim = 1;
    c.time_steps = time_steps;
    c.vocab_size = vocab;
    c.units = units;
    c.heads = heads;
    c.layers = layers;
    c.samples = 10000;
    c.validation_split = 0.1;
    c.epochs = 5;
    c.batch_size = 32;
    c.learning_rate = 0.003;
    c.test_samples = 200;
    return c;
}

// The seq2seq examples: an encoder-decoder of `cell` with attention (`score`) over the
// encoder's states at every output step, trained with Adam under teacher forcing and read by
// greedy decoding (measured: tests/core/seq2seq_outcomes.test.cpp).
Config seq2seq(const char* name, const char* task, const char* cell, const char* score, int time_steps, int vocab,
               int units) {
    Config c;
    c.preset = name;
    c.task = task;
    c.cell = cell;
    c.attention = "seq2seq";
    c.score = score;
    c.loss = "sparse_categorical_crossentropy";
    c.input_dim = 1;
    c.time_steps = time_steps;
    c.vocab_size = vocab;
    c.units = units;
    c.attention_units = units;
    c.samples = 10000;
    c.validation_split = 0.1;
    c.epochs = 5;
    c.batch_size = 64;
    c.learning_rate = 0.005;
    c.test_samples = 200;
    return c;
}
}  // namespace

const std::vector<Preset>& presets() {
    static const std::vector<Preset> table{
        {"dense", "Dense", "The 2017 dense example: attention over the 32 entries of a vector, then Dense(64).",
         "attention_probs: one weight per input entry (softmax over the entries); the answer sits at one entry.",
         Config{}},
        {"lstm_after", "LSTM, attention after it",
         "The 2017 recurrent example: LSTM(32) over 20 steps, the attention block on its outputs.",
         "attention_vec: (time steps, LSTM units) per sample, a softmax over the time steps for each unit.",
         recurrent_2017("lstm_after", "lstm", "after")},
        {"lstm_before", "LSTM, attention before it",
         "The 2017 recurrent example: the attention block on the inputs, then LSTM(32).",
         "attention_vec: (time steps, input features) per sample, a softmax over the time steps for each feature.",
         recurrent_2017("lstm_before", "lstm", "before")},
        {"gru_after", "GRU, attention after it", "As lstm_after, with a GRU(32).",
         "attention_vec: (time steps, GRU units) per sample, a softmax over the time steps for each unit.",
         recurrent_2017("gru_after", "gru", "after")},
        {"gru_before", "GRU, attention before it", "As lstm_before, with a GRU(32).",
         "attention_vec: (time steps, input features) per sample, a softmax over the time steps for each feature.",
         recurrent_2017("gru_before", "gru", "before")},
        {"find_max", "Find the max",
         "LSTM(128) then Luong attention: which of 10 Beta(1/10, 1) values is the largest.",
         "attention_weight: one weight per time step (softmax over the steps); the truth is the step of the max.",
         find_max_example()},
        {"add_two_numbers", "Add two numbers",
         "LSTM(100) then Bahdanau attention: the sum of the two values after the delimiters.",
         "attention_weight: one weight per time step (softmax over the steps); the truth is the two summands.",
         add_two_numbers_example()},
        {"attention_example", "The Attention layer's example",
         "LSTM(64) then Attention(32) on random data: nothing to learn (the layer's own test).",
         "attention_weight: one weight per time step (softmax over the steps); there is no ground truth.",
         attention_example()},
        {"previous_token", "Previous token",
         "A one-layer causal self-attention model: at every step, say the token one step back.",
         "self_attention_scores: (heads, steps, positions) per sample, a causal softmax over the positions up to "
         "each step; the truth is the position one step back.",
         transformer("previous_token", "previous_token", 16, 16, 32, 1, 1)},
        {"induction_head", "Induction head",
         "A two-layer causal self-attention model: a random prefix, then the same again; predict the next token.",
         "self_attention_1_scores: (heads, steps, positions) per sample; in the repeat, the truth is the position "
         "after the current token's previous occurrence.",
         [] {
             Config c = transformer("induction_head", "induction", 15, 16, 32, 2, 2);
             c.epochs = 18;  // about 5000 steps: the repeat is predicted on every seed by then
             return c;
         }()},
        {"sort_tokens", "Sort tokens",
         "A causal self-attention model: tokens, a separator, then the same tokens sorted; predict the next token.",
         "self_attention_scores: (heads, steps, positions) per sample; in the sorted part, the truth is where the "
         "next token to write sits in the input.",
         transformer("sort_tokens", "sort", 16, 16, 32, 1, 1)},
        {"reverse", "Reverse (seq2seq)",
         "An LSTM encoder-decoder with dot attention: read 8 digits, write them in reverse order.",
         "attention_weight: (output steps, source positions) per sample, a softmax over the source at every "
         "output step; the truth is the anti-diagonal (output t reads position 7 - t).",
         seq2seq("reverse", "reverse", "lstm", "dot", 8, 11, 32)},
        {"sort_digits", "Sort digits (seq2seq)",
         "A GRU encoder-decoder with Luong attention: read 8 digits, write them sorted.",
         "attention_weight: (output steps, source positions) per sample; the truth is where the digit each step "
         "writes sits in the source.",
         seq2seq("sort_digits", "sort_digits", "gru", "luong", 8, 11, 32)},
        {"date_conversion", "Date conversion (seq2seq)",
         "A GRU encoder-decoder with Bahdanau attention: dates in five human formats to ISO YYYY-MM-DD.",
         "attention_weight: (output steps, source positions) per sample; the truth is the source characters each "
         "output character copies (the month name's three letters for the month's digits).",
         seq2seq("date_conversion", "date", "gru", "bahdanau", 12, 35, 32)},
    };
    return table;
}

const Preset& find_preset(const std::string& name) { return find_row(presets(), name, "preset"); }

}  // namespace attn
