// The training API every front end uses (the CLI natively, Embind in wasm): build from a
// Config, step batches or run epochs with per-epoch validation, read history, activations,
// attention, weights and a summary; or train on arrays the caller brings. Everything random
// comes from the config's one seed.
//
// Training follows Keras's fit(): the last validation_split of the samples is held out,
// the rest is shuffled every epoch, the last batch of an epoch may be smaller, and the
// reported epoch values are sample-weighted means over that epoch's batches.
//
// Every batch also measures the attention against the task's ground truth (where the answer
// sits): "attention on target", the mean attention mass on the ground-truth positions, and
// "hit rate", the share of samples whose attention peaks on one of them. Both are NaN for a
// model without attention or data without ground truth.
//
// Memory and time: a config's footprint (data, parameters and optimizer state, every batch
// size's buffers) and the work of building it (drawing the data, the orthogonal initialiser)
// are computed before anything is allocated; above kMemoryBudget or kMaxSetupSeconds it is
// refused.
#pragma once

#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "config.hpp"
#include "data.hpp"
#include "layer.hpp"

namespace attn {

enum class Status { ready, training, done, diverged };
const char* status_name(Status s);

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();

// Loss, the task's metric and the attention metrics, over some batches or a data set.
struct Scores {
    float loss = kNaN;
    float metric = kNaN;               // the task's: binary accuracy, or mean absolute error
    float attention_on_target = kNaN;  // mean attention mass on the ground-truth positions
    float hit_rate = kNaN;             // share of samples whose attention peaks on one
};

struct Metrics {
    int epoch = 0;             // completed epochs
    long long step = 0;        // batches trained in total
    float batch_loss = kNaN;   // loss of the last batch
    Scores recent;             // means over the last kWindow batches (fewer at first): smooth curves
    Scores train;              // means over the current epoch so far (or the last one, at its end)
    Scores val;                // the last validation; NaN if none yet
    double samples_per_second = 0.0;  // over the last step()/train() call
    Status status = Status::ready;
    std::string message;              // why training stopped, when it did
    // Diverged: the loss or a weight became non-finite (the weights of the last finite loss
    // are restored); or, over the last kWindow batches, the mean loss rose above 4x the first
    // batch's, or a sigmoid head sat saturated on the wrong side for a quarter of the samples.
};
constexpr int kWindow = 20;  // batches in Metrics::recent

struct History {  // one entry per completed epoch
    std::vector<Scores> train, val;
};

struct Weight {
    std::string name;
    std::vector<int> shape;  // Keras's shape
    std::vector<float> data; // Keras's row-major order
};

// One self-attention head's attention metrics (over the query steps that have ground truth).
struct HeadScores {
    int layer = 0, head = 0;           // layer 0 is "self_attention", 1 "self_attention_1", ...
    float attention_on_target = kNaN;  // mean attention mass on the ideal positions per step
    float hit_rate = kNaN;             // share of steps whose attention peaks on one of them
};

// A translation model's reading of one source text (Trainer::translate).
struct Translation {
    std::vector<int> source;  // the text's token ids, padded to time_steps (0 on the left) where the task pads
    std::vector<int> tokens;  // the greedy decoding's token ids, one per output step
    std::string text;         // those tokens as characters; the start token 0, if predicted, as "\u00b7"
    Tensor attention;         // (Tt, Ts): output step t's attention over the source positions
};

// Per-sample attention of held-out samples beside where it should be.
struct AttentionMaps {
    Tensor attention;  // (n, P), or (n, T, F) for the block's per-feature attention (as attention())
    Tensor mask;       // (n, P): 1 at the ground-truth positions (empty without ground truth)
};

// What a config needs before anything is allocated: bytes, and work. The work is in
// floating-point operations (a multiply-add counts 2), from the layers' matrix products
// (Layer::macs(), Layer::init_flops()): an estimate a front end turns into time at a rate of
// its own ("this run will take about N minutes").
struct Footprint {
    long long data = 0;         // samples and held-out samples, targets and masks
    long long parameters = 0;   // values, gradients, a backup and the optimizer's state
    long long activations = 0;  // every batch size's layer buffers and batch copies
    long long total() const { return data + parameters + activations; }
    long long parameter_count = 0;

    double flops_per_sample = 0;  // training one sample: 6 x its forward multiply-adds (2 per
                                  // multiply-add; the backward pass has two products per forward one)
    double run_flops = 0;         // the whole run: every epoch's training and validation samples
    double batch_flops = 0;       // the largest single batch: a training batch (forward and
                                  // backward) or the held-out batch (forward; a translation's:
                                  // at most one per output step); no call is shorter
    double init_flops = 0;        // initialising the weights: the orthogonal initialiser, cubic in units
    long long data_values = 0;    // values the task's generator draws (none for the caller's data)
    // Building a trainer (drawing the data, initialising the weights) at the slow rates below.
    double setup_seconds() const { return init_flops / kInitFlopsPerSecond + double(data_values) / kValuesPerSecond; }

    // Conservative rates for building a trainer, a few times below this project's 2-core VM
    // (measured there, natively, while other work kept it busy: the orthogonal initialiser at
    // 0.6-0.7 GFLOP/s, an LSTM of 1024 units in 27 s; normal draws at 5.7 M values/s, uniform
    // ones at 21-90 M/s), as a slower laptop or a phone's browser would give.
    static constexpr double kInitFlopsPerSecond = 0.5e9;
    static constexpr double kValuesPerSecond = 5e6;  // every value priced as a normal draw
};
constexpr long long kMemoryBudget = 1'000'000'000;  // 1 GB per trainer
// A trainer may take at most this long to build at Footprint's rates: a constructor must not
// freeze a page's worker (which can report nothing while it runs). Over it, the Trainer refuses
// the config naming the field that weighs most (units for the initialiser, else samples or
// test_samples for the data).
constexpr double kMaxSetupSeconds = 10.0;
// Validates c (throws ConfigError) and lays its models out, allocating nothing large: what a
// trainer for c would need. Over kMemoryBudget or kMaxSetupSeconds the Trainer refuses c; this
// only reports.
Footprint estimate(const Config& c);

class Trainer {
public:
    explicit Trainer(const Config& c);  // validates c (throws ConfigError), builds, draws data
    ~Trainer();
    Trainer(Trainer&&) noexcept;
    Trainer& operator=(Trainer&&) noexcept;

    Metrics step(int batches);  // train this many batches (stops early at the last epoch's end)
    Metrics train(int epochs);  // train until this many more epochs have ended
    const Metrics& metrics() const;
    const History& history() const;
    int steps_per_epoch() const;  // batches per epoch: the training samples (Keras's split) over the batch size
    // Scores on the validation samples now, in inference mode (NaN without validation). It
    // changes nothing: a caller can validate more often than once per epoch.
    Scores validate();

    // Output of a named layer (see summary()) in inference mode, for `inputs` of shape
    // (n, D) or (n, T, D), or for the held-out test batch when inputs is null.
    Tensor activations(const std::string& layer, const Tensor* inputs = nullptr);
    // Attention averaged over the held-out test batch, inference mode: the attention layer's
    // per-sample shape: (D) on vectors; (T, F) per feature or (T) with one shared vector for
    // the block; (T) for the many-to-one layer; (H, T, T) (head, query step, position) for the
    // last self-attention layer; (Tt, Ts) (output step, source position) for seq2seq.
    // Throws ConfigError("attention") without one.
    Tensor attention();
    // The first n held-out samples' attention and ground truth, inference mode.
    AttentionMaps attention_maps(int n);
    // Self-attention: every head's attention metrics on the held-out batch now, inference mode,
    // layer by layer (empty for the other models; NaN without ground truth). A batch's Scores
    // carry the best head's (the most mass on the ground truth).
    std::vector<HeadScores> head_scores();
    // Translation tasks: the share of held-out samples whose greedy decoding is right at every
    // output step, now (NaN for the other tasks). Held-out and validation scores of a
    // translation task are those of greedy decoding (the loss of its softmaxes, its tokens'
    // accuracy); a training batch's, of teacher forcing.
    float sequence_accuracy();
    // Translation tasks: the model's greedy decoding of `text` (characters of the task's
    // alphabet: time_steps of them, or 1 to time_steps where the task pads) and its attention.
    // Throws ConfigError("text", ...) naming the character's index for one not in the alphabet.
    Translation translate(const std::string& text);
    Tensor predict(const Tensor& inputs);  // the head's outputs (n, 1); a token task's (n, T, vocab_size), a translation's (n, Tt, vocab_size)
    Tensor test_inputs() const;            // the held-out batch, (n, D) or (n, T, D)
    Tensor test_targets() const;           // its targets (n, 1); a token task's (n, T), a translation's (n, Tt)

    // Bring your own data (Keras's fit / train_on_batch / evaluate). x (n, D) or (n, T, D),
    // y (n) or (n, 1), mask (n, P) of 0/1 or null: each validated (shape, finiteness, target
    // range) and refused naming the argument and the index. set_data replaces the samples the
    // run trains and validates on (the config's validation_split applies) and starts its epochs
    // again, keeping the weights and the optimizer's state.
    void set_data(const Tensor& x, const Tensor& y, const Tensor* mask = nullptr);
    Scores train_on_batch(const Tensor& x, const Tensor& y, const Tensor* mask = nullptr);
    Scores evaluate(const Tensor& x, const Tensor& y, const Tensor* mask = nullptr);

    std::vector<Weight> weights() const;
    void set_weights(const std::vector<Weight>& w);  // throws ConfigError("weights", ...)
    std::vector<SummaryRow> summary() const;
    long long parameter_count() const;
    const Footprint& footprint() const;

    void reset();               // the same run again from the start, exactly
    void reset(uint32_t seed);  // a new run with another seed
    const Config& config() const;

    // The whole run as bytes (core/archive.hpp): the config, the caller's data if any, the
    // weights, the optimizer's state, every random stream's position, the epoch in progress,
    // the metrics and the history. load_run continues it exactly: the same losses, bit for
    // bit, as if it had never stopped. A damaged file or another format throws
    // ConfigError("run", ...) before anything is built.
    std::vector<uint8_t> save_run() const;
    static Trainer load_run(const std::vector<uint8_t>& file);
    // A saved run's config alone (not validated), read without building anything: what
    // estimate() says loading it would take.
    static Config run_config(const std::vector<uint8_t>& file);

private:
    struct State;
    explicit Trainer(std::unique_ptr<State> s);
    std::unique_ptr<State> s_;
};

}  // namespace attn
