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
Dataset previous(const Config& c, int n, Rng& r) { return previous_token(n, c.time_steps, c.vocab_size, r); }
Dataset repeat(const Config& c, int n, Rng& r) { return induction(n, c.time_steps, c.vocab_size, r); }
Dataset sorted(const Config& c, int n, Rng& r) { return sort_tokens(n, c.time_steps, c.vocab_size, r); }
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
        {"previous_token", "Previous token",
         "Random tokens; at every step the target is the token one step back.",
         "the previous token, at every step", true, Head::tokens, "sparse_categorical_crossentropy",
         Metric::token_accuracy, false, true, 1, 2, previous, 2},
        {"induction", "Induction (copy a prefix)",
         "A random prefix, then the same prefix again; the target is the next token (predictable in the repeat).",
         "the next token, at every step", true, Head::tokens, "sparse_categorical_crossentropy",
         Metric::token_accuracy, false, true, 1, 3, repeat, 2},
        {"sort", "Sort",
         "Random tokens, a separator, then the same tokens sorted; the target is the next token.",
         "the next token, at every step", true, Head::tokens, "sparse_categorical_crossentropy",
         Metric::token_accuracy, false, true, 1, 4, sorted, 3},
    };
    return table;
}

const Task& find_task(const std::string& name) { return find_row(tasks(), name, "task"); }
const Task* find_task_or_null(const std::string& name) { return find_row(tasks(), name); }

const char* metric_name(Metric m) { return m == Metric::mae ? "mae" : "accuracy"; }
const char* head_name(Head h) { return h == Head::sigmoid ? "sigmoid" : h == Head::linear ? "linear" : "tokens"; }

int outputs_per_sample(const Task& t, const Config& c) { return t.head == Head::tokens ? c.time_steps : 1; }
int mask_positions(const Task& t, const Config& c) {
    if (t.head == Head::tokens) return c.time_steps * c.time_steps;
    return t.sequence ? c.time_steps : c.input_dim;
}

}  // namespace attn
