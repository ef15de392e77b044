// The training API every front end uses (the CLI natively, Embind in wasm): build from a
// Config, step batches or run epochs with per-epoch validation, read history, activations,
// attention, weights and a summary. Everything random comes from the config's one seed.
//
// Training follows Keras's fit(): the last validation_split of the samples is held out,
// the rest is shuffled every epoch, the last batch of an epoch may be smaller, and the
// reported epoch loss/accuracy is the sample-weighted mean over that epoch's batches.
#pragma once

#include <cstdint>
#include <limits>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "config.hpp"
#include "data.hpp"
#include "loss.hpp"
#include "model.hpp"
#include "optimizer.hpp"

namespace attn {

enum class Status { ready, training, done, diverged };
const char* status_name(Status s);

struct Metrics {
    int epoch = 0;             // completed epochs
    long long step = 0;        // batches trained in total
    float batch_loss = std::numeric_limits<float>::quiet_NaN();  // loss of the last batch
    float recent_loss = std::numeric_limits<float>::quiet_NaN();     // mean over the last 20
    float recent_accuracy = std::numeric_limits<float>::quiet_NaN(); //   batches (fewer at first)
    float loss = std::numeric_limits<float>::quiet_NaN();      // mean over the current epoch so far
    float accuracy = std::numeric_limits<float>::quiet_NaN();  //   (or the last one, at its end)
    float val_loss = std::numeric_limits<float>::quiet_NaN();  // last validation; NaN if none yet
    float val_accuracy = std::numeric_limits<float>::quiet_NaN();
    double samples_per_second = 0.0;  // over the last step()/train() call
    Status status = Status::ready;
    std::string message;              // why training stopped, when it did
    // Diverged: the loss or a weight became non-finite (the weights of the last finite loss
    // are restored), or the mean loss of the last 20 batches rose above 4x the first's.
};

struct History {  // one entry per completed epoch
    std::vector<float> loss, accuracy, val_loss, val_accuracy;
};

struct Weight {
    std::string name;
    std::vector<int> shape;  // Keras's shape
    std::vector<float> data; // Keras's row-major order
};

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

    // Output of a named layer (see summary()) in inference mode, for `inputs` of shape
    // (n, D) or (n, T, D), or for the held-out test batch when inputs is null.
    Tensor activations(const std::string& layer, const Tensor* inputs = nullptr);
    // Attention averaged over the held-out test batch, inference mode: dense (D); recurrent
    // (T, F) per dimension, or (T) with single_attention_vector.
    Tensor attention();
    Tensor predict(const Tensor& inputs);  // sigmoid outputs (n, 1)
    Tensor test_inputs() const;            // the held-out batch, (n, D) or (n, T, D)

    std::vector<Weight> weights() const;
    void set_weights(const std::vector<Weight>& w);  // throws ConfigError("weights", ...)
    std::vector<SummaryRow> summary() const;
    long long parameter_count() const;

    void reset();               // the same run again from the start, exactly
    void reset(uint32_t seed);  // a new run with another seed
    const Config& config() const;

private:
    struct State;
    std::unique_ptr<State> s_;
};

}  // namespace attn
