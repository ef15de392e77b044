// The tasks, as one table: what a task's data is (its generator), what the model's head is,
// its default loss, its metric, and where its ground truth puts the attention. A config names
// its task; the model (core/model.cpp) builds the head the task asks for, and the trainer
// reports the task's metric and the attention metrics against its ground truth.
//
// A later task plugs in as a row: a generator filling a Dataset, a head, a loss, a metric.
// Sequence outputs (the self-attention tasks) are rows with Head::tokens: inputs are token
// ids (input_dim 1, ids stored as floats), y holds one target token per step (T values per
// sample), the head is a softmax per step, the loss sparse_categorical_crossentropy and the
// metric token accuracy. Their ground truth is one alignment per output step: a (T, T) 0/1
// mask per sample, row t (the query step) over the input positions s <= t it should attend
// to (positions = T*T; a row of zeros: no ground truth at that step). The attention metrics
// are computed per head over the rows that have one (core/trainer.cpp).
// The translation tasks (the seq2seq model) are rows with Head::translation: x (n, Ts, 1) the
// source's token ids (Ts = time_steps), y (n, Tt) the target's (Tt = target_steps(c)), the
// mask (n, Tt, Ts) one alignment per output step (row t: the source positions output t is
// read from; zeros where no source position says it, as for a date's "-"). Their tokens are
// characters: id 0 is the start (and padding) token, id i the alphabet's (i-1)th character.
#pragma once

#include <string>
#include <vector>

#include "config.hpp"
#include "data.hpp"

namespace attn {

// Dense(1, sigmoid) for 0/1 targets, Dense(1) for values, Dense(vocab_size, softmax) per step
// for the next token
enum class Head { sigmoid, linear, tokens, translation };
enum class Metric { accuracy, mae, token_accuracy };  // binary accuracy; mean absolute error; tokens right

struct Task {
    const char* name;
    const char* label;
    const char* description;  // one line
    const char* answer;       // what its target is, in words ("the answer, 0 or 1")
    bool sequence;            // inputs (T, D) per sample, else vectors (D)
    Head head;
    const char* loss;         // the default loss
    Metric metric;
    bool answer_position;     // uses Config::attention_column (the 2017 tasks)
    bool ground_truth;        // its data says where the attention should be
    int fixed_input_dim;      // > 0: the task's features per step (input_dim must equal it)
    int min_time_steps;       // the shortest sequence the generator can fill
    Dataset (*generate)(const Config& c, int n, Rng& rng);
    int min_vocab = 0;        // Head::tokens, translation: the fewest token ids (vocab_size) it can use
    // Head::translation:
    const char* alphabet = nullptr;          // token id i+1 is alphabet[i]; vocab_size <= 1 + its length
    int fixed_vocab = 0;                     // > 0: vocab_size must equal it (the task's own alphabet)
    int (*target_steps)(const Config&) = nullptr;  // Tt: output tokens per sample
    bool padded = false;                     // sources shorter than time_steps, padded with 0 on the left
};

const std::vector<Task>& tasks();
const Task& find_task(const std::string& name);  // throws ConfigError("task", ...)
const Task* find_task_or_null(const std::string& name);
const char* metric_name(Metric m);               // Keras's: "accuracy", "mae" (tokens: "accuracy" too)
const char* head_name(Head h);                   // "sigmoid", "linear", "tokens"
// Targets per sample: time_steps for a token task, target_steps for a translation task, else 1.
int outputs_per_sample(const Task& t, const Config& c);
// Ground-truth mask entries per sample: time_steps^2 for a token task, target_steps *
// time_steps for a translation task, time_steps for the other sequence tasks, input_dim for
// vectors.
int mask_positions(const Task& t, const Config& c);
// Whether the task's outputs are tokens, one per step (Head::tokens or translation).
inline bool token_outputs(const Task& t) { return t.head == Head::tokens || t.head == Head::translation; }

}  // namespace attn
