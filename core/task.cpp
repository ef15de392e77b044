#include "task.hpp"

namespace attn {

namespace {
Dataset answer_in_vector(const Config& c, int n, Rng& r) { return get_data(n, c.input_dim, c.attention_column, r); }
Dataset answer_in_sequence(const Config& c, int n, Rng& r) {
    return get_data_recurrent(n, c.time_steps, c.input_dim, c.attention_column, r);
}
Dataset max_of(const Config& c, int n, Rng& r) { return find_max(n, c.time_steps, r); }
Dataset two_numbers(const Config& c, int n, Rng& r) { return add_two_numbers(n, c.time_steps, r); }
Dataset uniform(const Config& c, int n, Rng& r) { return noise(n, c.time_steps, c.input_dim, r); }
}  // namespace

const std::vector<Task>& tasks() {
    static const std::vector<Task> table{
        {"answer_in_vector", "Answer in a vector",
         "Random normal vectors; one entry (the answer position) holds the 0/1 answer.",
         "the answer, 0 or 1", false, Head::sigmoid, "binary_crossentropy", Metric::accuracy, true, true, 0, 0,
         answer_in_vector},
        {"answer_in_sequence", "Answer in a sequence",
         "Random normal sequences; every feature of one time step (the answer position) holds the 0/1 answer.",
         "the answer, 0 or 1", true, Head::sigmoid, "binary_crossentropy", Metric::accuracy, true, true, 0, 1,
         answer_in_sequence},
        {"find_max", "Find the max",
         "Sequences of Beta(1/10, 1) values; the target is the largest value.",
         "the largest value", true, Head::linear, "mae", Metric::mae, false, true, 1, 1, max_of},
        {"add_two_numbers", "Add two numbers",
         "Sequences of U(0, 1) values; two values, each after a delimiter 0, are to be added.",
         "the sum of the two values after the delimiters", true, Head::linear, "mae", Metric::mae, false, true, 1, 4,
         two_numbers},
        {"noise", "Noise (nothing to learn)",
         "U(0, 1) sequences and U(0, 1) targets, independent: the Attention layer's own example.",
         "a random value", true, Head::linear, "mae", Metric::mae, false, false, 0, 1, uniform},
    };
    return table;
}

const Task& find_task(const std::string& name) { return find_row(tasks(), name, "task"); }
const Task* find_task_or_null(const std::string& name) { return find_row(tasks(), name); }

const char* metric_name(Metric m) { return m == Metric::accuracy ? "accuracy" : "mae"; }
const char* head_name(Head h) { return h == Head::sigmoid ? "sigmoid" : "linear"; }

}  // namespace attn
