// The tasks, as one table: what a task's data is (its generator), what the model's head is,
// its default loss, its metric, and where its ground truth puts the attention. A config names
// its task; the model (core/model.cpp) builds the head the task asks for, and the trainer
// reports the task's metric and the attention metrics against its ground truth.
//
// A later task plugs in as a row: a generator filling a Dataset, a head, a loss, a metric.
// A sequence output (seq2seq) would add a Head kind (a softmax per output step), y of several
// values per sample and one ground-truth alignment per output step; the trainer's metrics
// already loop over a sample's ground-truth positions (see README, "The registry").
#pragma once

#include <string>
#include <vector>

#include "config.hpp"
#include "data.hpp"

namespace attn {

enum class Head { sigmoid, linear };  // Dense(1, sigmoid) for 0/1 targets, Dense(1) for values
enum class Metric { accuracy, mae };  // binary accuracy; mean absolute error

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
};

const std::vector<Task>& tasks();
const Task& find_task(const std::string& name);  // throws ConfigError("task", ...)
const Task* find_task_or_null(const std::string& name);
const char* metric_name(Metric m);               // Keras's: "accuracy", "mae"
const char* head_name(Head h);                   // "sigmoid", "linear"

}  // namespace attn
