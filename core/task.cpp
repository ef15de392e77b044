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
Dataset reversed(const Config& c, int n, Rng& r) { return reverse_sequence(n, c.time_steps, c.vocab_size, r); }
Dataset digits_sorted(const Config& c, int n, Rng& r) { return sort_digits(n, c.time_steps, c.vocab_size, r); }
Dataset dates(const Config& c, int n, Rng& r) { return date_conversion(n, c.time_steps, r); }
int same_length(const Config& c) { return c.time_steps; }
int iso_date(const Config&) { return kIsoDateLength; }

// Task rows with Head::translation: x (n, Ts, 1) source ids, y (n, Tt) target ids.
Task translation(const char* name, const char* label, const char* description, const char* answer,
                 int min_time_steps, Dataset (*generate)(const Config&, int, Rng&), const char* alphabet,
                 int fixed_vocab, int (*target_steps)(const Config&), bool padded) {
    Task t{name, label, description, answer, true, Head::translation, "sparse_categorical_crossentropy",
           Metric::token_accuracy, false, true, 1, min_time_steps, generate, 3};
    t.alphabet = alphabet;
    t.fixed_vocab = fixed_vocab;
    t.target_steps = target_steps;
    t.padded = padded;
    return t;
}
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
        translation("reverse", "Reverse a sequence",
                    "Random characters; the target is the same characters in reverse order.",
                    "the source reversed, one character per step", 2, reversed, kSymbols, 0, same_length, false),
        translation("sort_digits", "Sort digits",
                    "Random characters; the target is the same characters sorted.",
                    "the source sorted, one character per step", 2, digits_sorted, kSymbols, 0, same_length, false),
        translation("date", "Date conversion",
                    "Dates from 1950 to 2049 in five human formats (\"07 SEP 2017\", \"SEP 07, 2017\", 09/07/2017, "
                    "07.09.2017, 20170907); the target is the ISO date 2017-09-07.",
                    "the ISO date YYYY-MM-DD, one character per step", kLongestDate, dates, kDateAlphabet,
                    1 + int(sizeof kDateAlphabet) - 1, iso_date, true),
    };
    return table;
}

const Task& find_task(const std::string& name) { return find_row(tasks(), name, "task"); }
const Task* find_task_or_null(const std::string& name) { return find_row(tasks(), name); }

const char* metric_name(Metric m) { return m == Metric::mae ? "mae" : "accuracy"; }
const char* head_name(Head h) {
    switch (h) {
        case Head::sigmoid: return "sigmoid";
        case Head::linear: return "linear";
        case Head::tokens: return "tokens";
        case Head::translation: return "translation";
    }
    return "?";
}

int outputs_per_sample(const Task& t, const Config& c) {
    if (t.head == Head::translation) return t.target_steps(c);
    return t.head == Head::tokens ? c.time_steps : 1;
}
int mask_positions(const Task& t, const Config& c) {
    if (t.head == Head::translation) return t.target_steps(c) * c.time_steps;
    if (t.head == Head::tokens) return c.time_steps * c.time_steps;
    return t.sequence ? c.time_steps : c.input_dim;
}

}  // namespace attn
