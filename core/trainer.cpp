#include "trainer.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <map>
#include <numeric>

#include "archive.hpp"
#include "loss.hpp"
#include "model.hpp"
#include "optimizer.hpp"
#include "self_attention.hpp"
#include "seq2seq.hpp"
#include "task.hpp"

namespace attn {

const char* status_name(Status s) {
    switch (s) {
        case Status::ready: return "ready";
        case Status::training: return "training";
        case Status::done: return "done";
        case Status::diverged: return "diverged";
    }
    return "?";
}

namespace {

// A model for one batch size with its input, target and loss-gradient buffers.
struct Slot {
    std::unique_ptr<Model> model;
    Mat x;    // (D, steps*B) input batch; a translation's (1, (Ts+Tt)*B): sources, then the decoder's inputs
    Mat y;    // (1, B) targets; a token task's (1, T*B), column t*B+b = step t of sample b (translation: Tt)
    Mat dp;   // as the model's output: dL/dp, (1, B); a token task's (V, T*B) dL/dlogits
    Mat pos;  // (P, B) the attention per position, for the attention metrics (none for self_attention)
};

Shape input_shape(const Config& c) {
    return find_task(c.task).sequence ? Shape{c.time_steps, c.input_dim} : Shape{0, c.input_dim};
}
// Positions a sample's attention (and ground-truth mask) spans: time steps, or vector entries.
int positions(Shape in) { return in.is_sequence() ? in.time : in.features; }
// Targets per sample (T for a token task, else 1) and ground-truth mask entries per sample.
int targets(const Config& c) { return outputs_per_sample(find_task(c.task), c); }
int mask_size(const Config& c) { return mask_positions(find_task(c.task), c); }
// Rows of Slot::pos: the attention per position, read through position_attention() (the
// self-attention and seq2seq models' metrics read their attention matrices in place instead).
int pos_rows(const Config& c, Shape in) { return c.self_attention() || c.seq2seq() ? 0 : positions(in); }

std::string shape_str(const std::vector<int>& s) {
    std::string r = "(";
    for (size_t i = 0; i < s.size(); ++i) r += (i ? ", " : "") + std::to_string(s[i]);
    return r + (s.size() == 1 ? ",)" : ")");
}

std::string bytes_str(long long b) {
    char s[32];
    if (b >= 1'000'000'000) std::snprintf(s, sizeof s, "%.1f GB", double(b) / 1e9);
    else std::snprintf(s, sizeof s, "%.0f MB", std::ceil(double(b) / 1e6));
    return s;
}

// The run's models, one per batch size it uses (the full batch, the last partial training
// and validation batches, the held-out batch), laid out: the first declares the parameters.
std::map<int, Slot> lay_out(const Config& c, int n_train, int n_val, int n_test, ParamStore& ps, Rng& dropout_rng) {
    std::vector<int> sizes{c.batch_size, n_test};
    if (n_train % c.batch_size) sizes.push_back(n_train % c.batch_size);
    if (n_val % c.batch_size) sizes.push_back(n_val % c.batch_size);
    std::map<int, Slot> slots;
    for (int B : sizes) {
        if (slots.count(B)) continue;
        slots[B].model = std::make_unique<Model>(c, B, ps, dropout_rng);
        ps.seal();
    }
    return slots;
}

long long slot_floats(const Config& c, const Model& m) {
    const Shape in = m.input_shape(), out = m.layers().back()->output_shape();
    const long long B = m.batch();
    return m.floats() + B * in.size() + B * targets(c) + B * out.size() + B * pos_rows(c, in);
}

// drawn: whether the task's generator draws the data (false for the caller's, set_data).
Footprint footprint_of(const Config& c, int n_data, int n_test, bool drawn, const ParamStore& ps,
                       const std::map<int, Slot>& slots) {
    Footprint f;
    const Shape in = input_shape(c);
    const long long samples = (long long)n_data + n_test;
    f.data = samples * (4LL * in.size() + 4LL * targets(c) + mask_size(c)) + 4LL * samples;  // x, y, mask; row indices
    const int states = c.optimizer == "adam" ? 2 : 1;  // m and v; s; u
    f.parameter_count = (long long)ps.size();
    f.parameters = 4LL * f.parameter_count * (3 + states);  // values, gradients, backup
    for (const auto& [B, s] : slots) f.activations += 4 * slot_floats(c, *s.model);
    // Work: forward 2 flops per multiply-add, training 3 times that (backward: two products
    // per forward product), validation forward only; init once, on the first model.
    // A translation's inference decodes greedily: at most a forward per output step (each
    // resumes at its new input, so the encoder and each decoder step run once; the attention
    // and the head run every time).
    const Model& model = *slots.at(c.batch_size).model;
    const double forward = 2.0 * model.macs();
    const double inference = find_task(c.task).head == Head::translation ? forward * targets(c) : forward;
    f.flops_per_sample = 3.0 * forward;
    f.run_flops = double(c.epochs) * (double(c.train_samples()) * f.flops_per_sample +
                                      double(c.validation_samples()) * inference);
    f.batch_flops = std::max(double(c.batch_size) * f.flops_per_sample, double(n_test) * inference);
    f.init_flops = model.init_flops();
    f.data_values = drawn ? samples * (in.size() + (long long)targets(c)) : 0;  // x and y
    return f;
}

// Refuses a footprint over the budget, naming the field that weighs most.
void check_budget(const Config& c, const Footprint& f, const std::map<int, Slot>& slots) {
    if (f.total() <= kMemoryBudget) return;
    std::string field = "samples";
    if (f.parameters >= f.data && f.parameters >= f.activations) field = "units";
    else if (f.activations >= f.data) {
        long long test = 0;
        for (const auto& [B, s] : slots)
            if (B == c.test_samples) test = 4 * slot_floats(c, *s.model);
        field = 2 * test > f.activations ? "test_samples" : "batch_size";
    } else if (c.test_samples > c.samples) {
        field = "test_samples";
    }
    throw ConfigError(field, "this run needs " + bytes_str(f.total()) + " (data " + bytes_str(f.data) +
                                 ", parameters " + bytes_str(f.parameters) + ", activations " +
                                 bytes_str(f.activations) + "), more than the " + bytes_str(kMemoryBudget) +
                                 " a trainer may use: lower " + field);
}

// Refuses a config that would take more than kMaxSetupSeconds to build, naming the field
// that weighs most: units for the initialiser, else samples or test_samples for the data.
void check_setup(const Config& c, const Footprint& f) {
    const double seconds = f.setup_seconds();
    if (seconds <= kMaxSetupSeconds) return;
    const double init = f.init_flops / Footprint::kInitFlopsPerSecond;
    const char* field = init >= seconds - init ? "units" : c.test_samples > c.samples ? "test_samples" : "samples";
    char msg[400];
    std::snprintf(msg, sizeof msg,
                  "building this run takes about %.0f s at a conservative rate (initialising the weights: %.2g "
                  "flops at %.2g GFLOP/s; drawing the data: %.2g values at %.2g M/s), more than the %.0f s a "
                  "trainer may take to build: lower %s",
                  seconds, f.init_flops, Footprint::kInitFlopsPerSecond / 1e9, double(f.data_values),
                  Footprint::kValuesPerSecond / 1e6, kMaxSetupSeconds, field);
    throw ConfigError(field, msg);
}

// Samples [first, first + n) of d.
Dataset subset(const Dataset& d, int first, int n) {
    Dataset s = d;
    s.n = n;
    const size_t size = size_t(d.sample_size()), P = size_t(d.positions), Y = size_t(d.outputs);
    s.x.assign(d.x.begin() + first * size, d.x.begin() + (first + n) * size);
    s.y.assign(d.y.begin() + first * Y, d.y.begin() + (first + n) * Y);
    s.mask.assign(d.mask.begin() + first * P, d.mask.begin() + (first + n) * P);
    return s;
}

// Running sums of Scores over samples.
struct Sums {
    double loss = 0, metric = 0, on_target = 0, hits = 0;
    long long n = 0, n_attention = 0;  // samples; samples with attention metrics
    void add(const Scores& s, int B) {
        loss += double(s.loss) * B;
        metric += double(s.metric) * B;
        if (!std::isnan(s.attention_on_target)) {
            on_target += double(s.attention_on_target) * B;
            hits += double(s.hit_rate) * B;
            n_attention += B;
        }
        n += B;
    }
    Scores mean() const {
        Scores s;
        if (n == 0) return s;
        s.loss = float(loss / double(n));
        s.metric = float(metric / double(n));
        if (n_attention) {
            s.attention_on_target = float(on_target / double(n_attention));
            s.hit_rate = float(hits / double(n_attention));
        }
        return s;
    }
};

void io(Archive& a, Scores& s) {
    a.io(s.loss);
    a.io(s.metric);
    a.io(s.attention_on_target);
    a.io(s.hit_rate);
}

void io(Archive& a, Sums& s) {
    a.io(s.loss);
    a.io(s.metric);
    a.io(s.on_target);
    a.io(s.hits);
    a.io(s.n);
    a.io(s.n_attention);
}

const Config& checked(const Config& c) {
    validate(c);
    return c;
}

}  // namespace

struct Trainer::State {
    Config cfg;
    const Task& task;
    Shape in;
    Rng data_rng, init_rng, shuffle_rng, dropout_rng, test_rng;
    std::shared_ptr<const Dataset> data;  // the run's samples: drawn, or the caller's
    bool user_data;                       // the caller's (set_data): reset keeps them
    Dataset test;                         // the held-out batch the attention is read on
    ParamStore ps;
    std::map<int, Slot> slots;  // by batch size
    std::unique_ptr<Optimizer> opt;
    Loss loss;
    Footprint foot;
    Vec backup;                 // parameters before the last update (restored on divergence)
    std::vector<int> order;     // this epoch's shuffled training indices
    std::vector<int> val_rows, test_rows;
    int pos = 0;                // next index into order
    Sums epoch;                 // this epoch's batches
    Metrics m;
    History history;

    // user: the caller's samples (set_data), or null to draw them from the task.
    State(const Config& c, std::shared_ptr<const Dataset> user)
        : cfg(checked(c)), task(find_task(c.task)), in(input_shape(c)), data_rng(c.seed, Stream::data),
          init_rng(c.seed, Stream::init), shuffle_rng(c.seed, Stream::shuffle), dropout_rng(c.seed, Stream::dropout),
          test_rng(c.seed, Stream::test_data), user_data(user != nullptr), loss(parse_loss(c.loss)) {
        // The caller's samples are held out from the first validation sample on (or, without
        // validation, from the first sample): their first test_samples are the test batch.
        const int first_test = user && cfg.validation_samples() ? cfg.train_samples() : 0;
        const int n_test = user ? std::min(cfg.test_samples, cfg.samples - first_test) : cfg.test_samples;
        slots = lay_out(cfg, cfg.train_samples(), cfg.validation_samples(), n_test, ps, dropout_rng);
        foot = footprint_of(cfg, cfg.samples, n_test, !user, ps, slots);
        check_budget(cfg, foot, slots);
        check_setup(cfg, foot);
        if (user) {
            data = std::move(user);
            test = subset(*data, first_test, n_test);
        } else {
            data = std::make_shared<const Dataset>(task.generate(cfg, cfg.samples, data_rng));
            test = task.generate(cfg, n_test, test_rng);
        }
        ps.allocate();
        for (auto& [B, s] : slots) allocate(s);
        slots.at(cfg.batch_size).model->init(init_rng);
        opt = make_optimizer({cfg.optimizer, float(cfg.learning_rate), float(cfg.momentum)}, ps.size());
        backup = ps.values();
        order.resize(size_t(cfg.train_samples()));
        std::iota(order.begin(), order.end(), 0);
        val_rows.resize(size_t(cfg.validation_samples()));
        std::iota(val_rows.begin(), val_rows.end(), cfg.train_samples());
        test_rows.resize(size_t(test.n));
        std::iota(test_rows.begin(), test_rows.end(), 0);
        history.train.reserve(size_t(cfg.epochs));  // no allocation at epoch ends
        history.val.reserve(size_t(cfg.epochs));
    }

    void allocate(Slot& s) {
        const int B = s.model->batch();
        s.model->allocate();
        const Shape model_in = s.model->input_shape();  // a translation's: sources and decoder inputs
        s.x.resize(model_in.features, model_in.steps() * B);
        const Shape out = s.model->layers().back()->output_shape();
        s.y.resize(1, targets(cfg) * B);
        s.dp.resize(out.features, out.steps() * B);
        s.pos.resize(pos_rows(cfg, in), B);
    }

    // The model for batch size B; a size the run did not lay out (a caller's batch) is laid
    // out now, checked against the budget, then allocated.
    Slot& slot(int B, const char* field) {
        auto it = slots.find(B);
        if (it != slots.end()) return it->second;
        Slot s;
        s.model = std::make_unique<Model>(cfg, B, ps, dropout_rng);
        const long long more = 4 * slot_floats(cfg, *s.model);
        if (foot.total() + more > kMemoryBudget)
            throw ConfigError(field, std::to_string(B) + " samples at once need " + bytes_str(more) +
                                         " more, past the " + bytes_str(kMemoryBudget) + " a trainer may use");
        allocate(s);
        foot.activations += more;
        return slots[B] = std::move(s);
    }

    bool translation() const { return task.head == Head::translation; }

    void load(Slot& s, const Dataset& d, const int* rows) {
        const int B = s.model->batch();
        if (translation()) sources(s, d.x.data(), rows);
        else gather(d.x.data(), rows, B, in, s.x);
        const int Y = d.outputs;  // a token task's step t of sample b in column t*B+b
        for (int t = 0; t < Y; ++t)
            for (int b = 0; b < B; ++b) s.y(0, t * B + b) = d.y[size_t(rows[b]) * Y + t];
        if (translation())  // teacher forcing: the decoder reads the start token, then the target so far
            for (int t = 0; t < Y; ++t)
                for (int b = 0; b < B; ++b)
                    s.x(0, (in.time + t) * B + b) = t ? d.y[size_t(rows[b]) * Y + t - 1] : 0.0f;
    }

    // A translation's sources: samples rows of x (each Ts ids) into the first Ts*B columns.
    void sources(Slot& s, const float* x, const int* rows) {
        const int B = s.model->batch(), Ts = in.time;
        for (int t = 0; t < Ts; ++t)
            for (int b = 0; b < B; ++b) s.x(0, t * B + b) = x[size_t(rows[b]) * Ts + t];
    }

    // The model's outputs in inference mode for the batch in s.x. A translation decodes
    // greedily: the decoder reads the start token, then its own most likely token of each step
    // (the first of equal ones), one forward per output step, each resuming where the last
    // one's new input enters; output t is final once inputs 0..t are (core/seq2seq.hpp), so
    // the last forward's outputs are the decoding's.
    const Mat& infer(Slot& s) {
        if (!translation()) return s.model->forward(s.x, false);
        const int B = s.model->batch(), Ts = in.time, Tt = targets(cfg);
        auto& seq2seq = static_cast<Seq2Seq&>(*s.model->layers().front());
        s.x.rightCols(Tt * B).setZero();
        for (int t = 0;; ++t) {
            if (t) seq2seq.resume_decoding(t);  // input t changed: steps before t stand
            const Mat& p = s.model->forward(s.x, false);
            if (t + 1 == Tt) return p;
            for (int b = 0; b < B; ++b) {
                Eigen::Index best = 0;
                p.col(t * B + b).maxCoeff(&best);
                s.x(0, (Ts + t + 1) * B + b) = float(best);
            }
        }
    }

    // Head h of an attention A (K, H*Q*B) of Q query steps over K positions, column
    // (h*Q + t)*B + b for query t of sample b (a self-attention layer's, causal, Q = K = T; a
    // seq2seq model's, H = 1, Q = Tt, K = Ts), on samples rows[0..B) of d: adds, over the query
    // steps that have ground truth, the attention mass on it (on), how many peak on it (hits;
    // the first of equal maxima over the positions a step sees) and how many steps (n).
    static void head_score(const Mat& A, int Q, int K, bool causal, int B, int h, const Dataset& d, const int* rows,
                           double& on, long long& hits, long long& n) {
        for (int b = 0; b < B; ++b) {
            const uint8_t* mask = d.mask_of(rows[b]);
            for (int t = 0; t < Q; ++t) {
                const uint8_t* want = mask + size_t(t) * K;
                const int last = causal ? t : K - 1;
                bool any = false;
                for (int s = 0; s <= last; ++s) any = any || want[s];
                if (!any) continue;
                const float* a = A.data() + (size_t(h * Q + t) * B + b) * K;
                int peak = 0;
                float mass = 0.0f;
                for (int s = 0; s <= last; ++s) {
                    if (want[s]) mass += a[s];
                    if (a[s] > a[peak]) peak = s;
                }
                on += mass;
                hits += want[peak];
                ++n;
            }
        }
    }

    // The attention metrics of a self-attention model: those of its best head (the most mass
    // on the ground truth), over every layer; NaN without ground truth.
    void self_attention_scores(Slot& s, const Dataset& d, const int* rows, Scores& r) const {
        const int B = s.model->batch(), T = in.time;
        float best = -1.0f;
        for (const Layer* l : s.model->self_attention()) {
            const auto& layer = static_cast<const CausalSelfAttention&>(*l);
            for (int h = 0; h < layer.heads(); ++h) {
                double on = 0;
                long long hits = 0, n = 0;
                head_score(layer.attention(), T, T, true, B, h, d, rows, on, hits, n);
                if (n == 0) return;
                if (float(on / double(n)) > best) {
                    best = float(on / double(n));
                    r.attention_on_target = best;
                    r.hit_rate = float(double(hits) / double(n));
                }
            }
        }
    }

    // Loss, metric and attention metrics of the slot's last forward on rows of d.
    Scores score(Slot& s, const Mat& p, const Dataset& d, const int* rows) {
        Scores r;
        r.loss = loss_forward(loss, p, s.y);
        r.metric = task.metric == Metric::accuracy         ? binary_accuracy(p, s.y)
                   : task.metric == Metric::token_accuracy ? token_accuracy(p, s.y)
                                                           : loss_forward(Loss::mae, p, s.y);
        const Layer* attention = s.model->attention();
        if (!attention || d.positions == 0) return r;
        if (cfg.self_attention()) {
            self_attention_scores(s, d, rows, r);
            return r;
        }
        if (cfg.seq2seq()) {
            const auto& layer = static_cast<const Seq2Seq&>(*attention).attention();
            double on = 0;
            long long hits = 0, n = 0;
            head_score(layer.weights(), targets(cfg), in.time, false, s.model->batch(), 0, d, rows, on, hits, n);
            if (n) {
                r.attention_on_target = float(on / double(n));
                r.hit_rate = float(double(hits) / double(n));
            }
            return r;
        }
        attention->position_attention(s.pos);
        const int B = s.model->batch(), P = int(s.pos.rows());
        double on = 0;
        int hits = 0;
        for (int b = 0; b < B; ++b) {
            const uint8_t* mask = d.mask_of(rows[b]);
            const float* a = s.pos.col(b).data();
            int peak = 0;
            float mass = 0.0f;
            for (int q = 0; q < P; ++q) {
                if (mask[q]) mass += a[q];
                if (a[q] > a[peak]) peak = q;
            }
            on += mass;
            hits += mask[peak];
        }
        r.attention_on_target = float(on / B);
        r.hit_rate = float(hits) / float(B);
        return r;
    }

    void diverge(const std::string& why) {
        m.status = Status::diverged;
        m.message = "diverged: " + why + " at step " + std::to_string(m.step + 1) +
                    "; training stopped (the weights are kept, all finite). Lower the learning rate and start again.";
    }

    // The last kWindow batches' scores, and their means in m.recent (smooth curves); and
    // each batch's share of outputs stuck on the wrong side (stuck_share()).
    Scores recent[kWindow];
    float stuck[kWindow] = {};
    float first_loss = 0.0f;
    void remember(const Scores& s, float stuck_share) {
        if (m.step == 0) first_loss = s.loss;
        recent[m.step % kWindow] = s;
        stuck[m.step % kWindow] = stuck_share;
        const int n = int(std::min<long long>(m.step + 1, kWindow));
        Sums sums;
        for (int i = 0; i < n; ++i) sums.add(recent[i], 1);
        m.batch_loss = s.loss;
        m.recent = sums.mean();
    }

    // The share of a batch's outputs that a sigmoid head has saturated on the wrong side of
    // their 0/1 targets: p < kSaturated for y = 1, p > 1 - kSaturated for y = 0, a logit beyond
    // 9.2 in size. mse's and mae's gradients carry the sigmoid's p (1 - p) < 1e-4 there: such an
    // output hardly moves again. (0 for a linear head: its outputs do not saturate.)
    static constexpr float kSaturated = 1e-4f;
    float stuck_share(const Mat& p, const Mat& y) const {
        if (task.head != Head::sigmoid) return 0.0f;
        int n = 0;
        for (Eigen::Index b = 0; b < p.cols(); ++b)
            n += y(0, b) > 0.5f ? p(0, b) < kSaturated : p(0, b) > 1.0f - kSaturated;
        return float(n) / float(p.cols());
    }

    // A finite loss can still have diverged, over the last kWindow batches:
    // - with a linear head, outputs grow without bound: the mean loss rises above kFactor
    //   times the first batch's (binary cross-entropy's clipped loss also rises, from 0.69 to
    //   near 8, when a sigmoid head saturates);
    // - with a sigmoid head under mse or mae, the loss cannot rise (it is at most 1): the head
    //   saturates, at chance or worse, and its gradient vanishes. Training stops when on average
    //   kStuckShare of the outputs sit saturated on the wrong side. Normal runs stay far below:
    //   at most 8% (mae, some samples given up early) over every preset at small sizes, 4 seeds,
    //   three optimizers, at the default learning rate and 10 times it; tests/core/trainer.test.cpp
    //   checks both sides.
    static constexpr float kFactor = 4.0f;
    static constexpr float kStuckShare = 0.25f;
    bool exploded() {
        if (m.step + 1 < kWindow) return false;
        char why[200];
        if (first_loss > 0.0f && m.recent.loss > kFactor * first_loss) {
            std::snprintf(why, sizeof why, "the loss rose from %.3g to %.3g (mean of the last %d batches)",
                          double(first_loss), double(m.recent.loss), kWindow);
            diverge(why);
            return true;
        }
        float share = 0.0f;
        for (float s : stuck) share += s;
        share /= float(kWindow);
        if (share < kStuckShare) return false;
        std::snprintf(why, sizeof why,
                      "the output saturated on the wrong side for %.0f%% of the samples (mean of the last %d "
                      "batches), where the loss's gradient vanishes",
                      100.0 * double(share), kWindow);
        diverge(why);
        return true;
    }

    // One optimisation step on rows of d; false (with m.status diverged) when it cannot go on.
    bool fit_batch(Slot& s, const Dataset& d, const int* rows, Scores& out) {
        load(s, d, rows);
        ps.zero_grad();
        const Mat& p = s.model->forward(s.x, true);
        out = score(s, p, d, rows);
        if (!std::isfinite(out.loss)) {  // back to the weights of the last finite loss
            ps.values() = backup;
            diverge("the loss became " + std::string(std::isnan(out.loss) ? "NaN" : "infinite"));
            return false;
        }
        remember(out, stuck_share(p, s.y));
        if (exploded()) return false;
        loss_backward(loss, p, s.y, s.dp);
        s.model->backward(s.dp);
        backup = ps.values();
        opt->update(ps.values(), ps.grads());
        if (!ps.values().allFinite()) {
            ps.values() = backup;
            diverge("a weight became non-finite");
            return false;
        }
        ++m.step;
        return true;
    }

    // One optimisation step on the next batch; false when training cannot go on.
    bool train_batch() {
        const int n_train = int(order.size());
        if (pos == 0) {
            shuffle_rng.shuffle(order);
            epoch = Sums{};
        }
        const int B = std::min(cfg.batch_size, n_train - pos);
        Scores scores;
        if (!fit_batch(slots.at(B), *data, order.data() + pos, scores)) return false;
        epoch.add(scores, B);
        pos += B;
        m.train = epoch.mean();
        if (pos == n_train) end_epoch();
        return m.status == Status::training;
    }

    void end_epoch() {
        pos = 0;
        ++m.epoch;
        history.train.push_back(m.train);
        if (!val_rows.empty()) {
            m.val = evaluate(*data, val_rows.data(), int(val_rows.size()), "validation");
            history.val.push_back(m.val);
        }
        if (m.epoch >= cfg.epochs) {
            m.status = Status::done;
            m.message = "trained " + std::to_string(m.epoch) + (m.epoch == 1 ? " epoch" : " epochs");
        }
    }

    // Scores over n rows of d in inference mode, in batches of the training size.
    Scores evaluate(const Dataset& d, const int* rows, int n, const char* field) {
        Sums sums;
        for (int at = 0; at < n; at += cfg.batch_size) {
            const int B = std::min(cfg.batch_size, n - at);
            Slot& s = slot(B, field);
            load(s, d, rows + at);
            const Mat& p = infer(s);
            sums.add(score(s, p, d, rows + at), B);
        }
        return sums.mean();
    }

    // Forward the held-out test batch in inference mode.
    Slot& forward_test() {
        Slot& s = slots.at(test.n);
        load(s, test, test_rows.data());
        infer(s);
        return s;
    }

    Metrics run(int batches, int epochs) {
        if (m.status == Status::done || m.status == Status::diverged) {
            m.samples_per_second = 0;
            return m;
        }
        m.status = Status::training;
        const auto t0 = std::chrono::steady_clock::now();
        const long long step0 = m.step;
        const int epoch0 = m.epoch;
        long long samples = 0;
        for (int k = 0; batches < 0 || k < batches; ++k) {
            const int before = pos;
            const bool go_on = train_batch();
            samples += (pos == 0 ? int(order.size()) : pos) - before;
            if (!go_on || (epochs >= 0 && m.epoch - epoch0 >= epochs)) break;
        }
        const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        m.samples_per_second = secs > 0 && m.step > step0 ? double(samples) / secs : 0.0;
        return m;
    }

    // The held-out batch's attention per sample in the API's shape: (n, D) on vectors, (n, T, F)
    // for the block's per-feature attention, (n, T) for one shared vector or the many-to-one
    // layer. Throws ConfigError("attention") for a model without attention.
    Tensor test_attention() {
        Slot& s = forward_test();
        const Layer* layer = s.model->attention();
        if (!layer) throw ConfigError("attention", "this model has no attention (attention none): there is none to read");
        Shape shape;
        Tensor t = to_tensor(*s.model->activation(layer->attention_output(), &shape), shape, s.model->batch());
        if (cfg.self_attention()) {  // (n, H*T, T) -> (n, H, T, T)
            const int T = in.time;
            t.shape = {t.shape[0], t.shape[1] / T, T, T};
        }
        if (cfg.recurrent() && cfg.block() && cfg.single_attention_vector) {  // one shared vector: (n, T)
            const int n = t.shape[0], T = t.shape[1], F = t.shape[2];
            for (size_t i = 0; i < size_t(n) * T; ++i) t.data[i] = t.data[i * F];
            t.data.resize(size_t(n) * T);
            t.shape = {n, T};
        }
        return t;
    }

    // What changes as the run goes on (the rest follows from the config and the data).
    void io(Archive& a) {
        a.io(ps.values());
        a.io(backup);
        opt->io(a);
        for (Rng* r : {&data_rng, &init_rng, &shuffle_rng, &dropout_rng, &test_rng}) r->io(a);
        a.io(order);
        a.io(pos);
        attn::io(a, epoch);
        a.io(m.epoch);
        a.io(m.step);
        a.io(m.batch_loss);
        for (Scores* sc : {&m.recent, &m.train, &m.val}) attn::io(a, *sc);
        a.io(m.samples_per_second);
        int status = int(m.status);
        a.io(status);
        if (status < 0 || status > int(Status::diverged)) throw ConfigError("run", "not a run this build can load: its status is " + std::to_string(status));
        m.status = Status(status);
        a.io(m.message);
        for (auto* h : {&history.train, &history.val}) {
            uint64_t n = h->size();
            a.io(n);
            if (a.loading()) {
                if (n > uint64_t(cfg.epochs)) throw ConfigError("run", "not a run this build can load: its history is longer than its epochs");
                h->resize(size_t(n));
            }
            for (auto& sc : *h) attn::io(a, sc);
        }
        for (auto& sc : recent) attn::io(a, sc);
        a.io(first_loss);
        if (a.loading()) check_loaded();
    }

    // What a loaded run's state must be for training to go on within its buffers: the epoch's
    // order a permutation of the training samples, the position in it and the epoch in range,
    // finite weights. (The checksum catches damage; this catches a file made by hand.)
    void check_loaded() {
        const auto bad = [](const std::string& why) { throw ConfigError("run", "not a run this build can load: " + why); };
        std::vector<bool> seen(order.size(), false);
        for (int i : order) {
            if (i < 0 || size_t(i) >= order.size() || seen[size_t(i)]) bad("its sample order is not a permutation of its training samples");
            seen[size_t(i)] = true;
        }
        if (pos < 0 || size_t(pos) > order.size()) bad("its position in the epoch is " + std::to_string(pos));
        if (m.epoch < 0 || m.epoch > cfg.epochs || m.step < 0) bad("its epoch or step is out of range");
        for (Vec* v : {&ps.values(), &backup})
            for (Eigen::Index i = 0; i < v->size(); ++i)
                if (!std::isfinite((*v)[i])) bad("weight " + std::to_string(i) + " is not finite");
    }

    // Names activations() accepts, in model order.
    std::vector<std::string> output_names() const {
        std::vector<std::string> names{"input"};
        for (const auto& l : slots.at(cfg.batch_size).model->layers())
            for (auto& n : l->output_names()) names.push_back(std::move(n));
        return names;
    }
};

Footprint estimate(const Config& c) {
    validate(c);
    ParamStore ps;
    Rng rng(c.seed, Stream::dropout);
    const auto slots = lay_out(c, c.train_samples(), c.validation_samples(), c.test_samples, ps, rng);
    return footprint_of(c, c.samples, c.test_samples, true, ps, slots);
}

Trainer::Trainer(const Config& c) : s_(std::make_unique<State>(c, nullptr)) {}
Trainer::Trainer(std::unique_ptr<State> s) : s_(std::move(s)) {}
Trainer::~Trainer() = default;
Trainer::Trainer(Trainer&&) noexcept = default;
Trainer& Trainer::operator=(Trainer&&) noexcept = default;

Metrics Trainer::step(int batches) {
    if (batches < 0) throw ConfigError("batches", "must be >= 0 (got " + std::to_string(batches) + ")");
    return s_->run(batches, -1);
}

Metrics Trainer::train(int epochs) {
    if (epochs < 0) throw ConfigError("epochs", "must be >= 0 (got " + std::to_string(epochs) + ")");
    if (epochs == 0) return s_->m;
    return s_->run(-1, epochs);
}

const Metrics& Trainer::metrics() const { return s_->m; }
int Trainer::steps_per_epoch() const {
    return (int(s_->order.size()) + s_->cfg.batch_size - 1) / s_->cfg.batch_size;
}

Scores Trainer::validate() {
    State& S = *s_;
    if (S.val_rows.empty()) return Scores{};
    return S.evaluate(*S.data, S.val_rows.data(), int(S.val_rows.size()), "validation");
}
const History& Trainer::history() const { return s_->history; }
const Config& Trainer::config() const { return s_->cfg; }
const Footprint& Trainer::footprint() const { return s_->foot; }

std::vector<SummaryRow> Trainer::summary() const { return s_->slots.at(s_->cfg.batch_size).model->summary(); }

long long Trainer::parameter_count() const { return (long long)s_->ps.size(); }

namespace {
// Checks a caller's inputs against the model's input shape; returns n.
// Every value a token id: an integer in [0, vocab).
void check_tokens(const char* field, const std::vector<float>& v, int vocab) {
    for (size_t i = 0; i < v.size(); ++i)
        if (!(v[i] >= 0.0f && v[i] < float(vocab) && v[i] == float(int(v[i]))))
            throw ConfigError(std::string(field) + ".data[" + std::to_string(i) + "]",
                              "expected a token id, an integer in [0, " + std::to_string(vocab) + ") (got " +
                                  std::to_string(v[i]) + ")");
}

// vocab > 0: a token task's inputs, each an id in 0 .. vocab-1 (an integer, as a float).
int check_inputs(const char* field, const Tensor& t, Shape in, int vocab = 0) {
    const std::vector<int> want = in.is_sequence() ? std::vector<int>{-1, in.time, in.features}
                                                   : std::vector<int>{-1, in.features};
    bool ok = t.shape.size() == want.size() && t.shape[0] >= 1 && t.shape[0] <= 100000;
    for (size_t i = 1; ok && i < want.size(); ++i) ok = t.shape[i] == want[i];
    std::string expected = shape_str(want);
    expected.replace(1, 2, "n");
    if (!ok)
        throw ConfigError(field, "expected shape " + expected + " with 1 <= n <= 100000 (got " + shape_str(t.shape) +
                                     ")");
    const int n = t.shape[0];
    if (t.data.size() != size_t(n) * in.size())
        throw ConfigError(field, "holds " + std::to_string(t.data.size()) + " values, expected " +
                                     std::to_string(size_t(n) * in.size()) + " for shape " + shape_str(t.shape));
    for (size_t i = 0; i < t.data.size(); ++i)
        if (!std::isfinite(t.data[i]))
            throw ConfigError(std::string(field) + ".data[" + std::to_string(i) + "]",
                              "expected a finite number (got " + std::to_string(t.data[i]) + ")");
    if (vocab > 0) check_tokens(field, t.data, vocab);
    return n;
}

// A mask's values as bytes: each must be 0 or 1 ("mask.data[17]: expected 0 or 1").
std::vector<uint8_t> mask_bytes(const Tensor& mask) {
    std::vector<uint8_t> m(mask.data.size());
    for (size_t i = 0; i < mask.data.size(); ++i) {
        const float v = mask.data[i];
        if (v != 0.0f && v != 1.0f)
            throw ConfigError("mask.data[" + std::to_string(i) + "]", "expected 0 or 1 (got " + std::to_string(v) + ")");
        m[i] = uint8_t(v);
    }
    return m;
}

// x, y and an optional mask -> a Dataset, each checked against the model and the task: a
// token task's (self_attention's) x (n, T, 1) of token ids, y (n, T) of token ids, mask
// (n, T, T); a translation task's x (n, Ts, 1), y (n, Tt), mask (n, Tt, Ts); the others' x
// (n, D) or (n, T, D), y (n,) or (n, 1), mask (n, positions).
Dataset token_dataset_from(const Tensor& x, const Tensor& y, const Tensor* mask, Shape in, const Task& task,
                           const Config& c) {
    Dataset d;
    const int T = in.time, Y = outputs_per_sample(task, c);
    d.n = check_inputs("x", x, in, c.vocab_size);
    d.time = T;
    d.dim = in.features;
    d.outputs = Y;
    d.x = x.data;
    const bool shaped = y.shape == std::vector<int>{d.n, Y} || y.shape == std::vector<int>{d.n, Y, 1};
    if (!shaped || y.data.size() != size_t(d.n) * Y)
        throw ConfigError("y", "expected shape (" + std::to_string(d.n) + ", " + std::to_string(Y) +
                                   "), one target token per output step of each sample of x (got " + shape_str(y.shape) + ")");
    check_tokens("y", y.data, c.vocab_size);
    d.y = y.data;
    if (mask) {
        const int P = Y * T;
        if (mask->shape != std::vector<int>{d.n, Y, T} || mask->data.size() != size_t(d.n) * P)
            throw ConfigError("mask", "expected shape " + shape_str({d.n, Y, T}) +
                                          ", one 0/1 per output step and position of each sample (got " +
                                          shape_str(mask->shape) + ")");
        d.positions = P;
        d.mask = mask_bytes(*mask);
    }
    return d;
}

Dataset dataset_from(const Tensor& x, const Tensor& y, const Tensor* mask, Shape in, const Task& task,
                     const Config& c) {
    if (token_outputs(task)) return token_dataset_from(x, y, mask, in, task, c);
    Dataset d;
    d.n = check_inputs("x", x, in);
    d.time = in.time;
    d.dim = in.features;
    d.x = x.data;
    const bool column = y.shape == std::vector<int>{d.n} || y.shape == std::vector<int>{d.n, 1};
    if (!column || y.data.size() != size_t(d.n))
        throw ConfigError("y", "expected shape (" + std::to_string(d.n) + ",) or (" + std::to_string(d.n) +
                                   ", 1), one target per sample of x (got " + shape_str(y.shape) + ")");
    for (size_t i = 0; i < y.data.size(); ++i) {
        const float v = y.data[i];
        const std::string at = "y.data[" + std::to_string(i) + "]";
        if (!std::isfinite(v)) throw ConfigError(at, "expected a finite number (got " + std::to_string(v) + ")");
        if (task.head == Head::sigmoid && v != 0.0f && v != 1.0f)
            throw ConfigError(at, "task " + std::string(task.name) + " takes targets 0 or 1 (got " +
                                      std::to_string(v) + ")");
    }
    d.y = y.data;
    if (mask) {
        const int P = positions(in);
        if (mask->shape != std::vector<int>{d.n, P} || mask->data.size() != size_t(d.n) * P)
            throw ConfigError("mask", "expected shape " + shape_str({d.n, P}) + ", one 0/1 per position of each sample (got " +
                                          shape_str(mask->shape) + ")");
        d.positions = P;
        d.mask = mask_bytes(*mask);
    }
    return d;
}

std::vector<int> all_rows(int n) {
    std::vector<int> rows(size_t(n), 0);
    std::iota(rows.begin(), rows.end(), 0);
    return rows;
}
}  // namespace

Tensor Trainer::activations(const std::string& layer, const Tensor* inputs) {
    State& S = *s_;
    const auto names = S.output_names();  // check the name before running anything
    if (std::find(names.begin(), names.end(), layer) == names.end()) {
        std::string list;
        for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
        throw ConfigError("layer", "unknown layer " + quoted(layer) + " (expected one of " + list + ")");
    }
    if (!inputs) {
        Slot& s = S.forward_test();
        Shape shape = S.in;
        const Mat* a = layer == "input" ? &s.x : s.model->activation(layer, &shape);
        if (!a) throw std::logic_error("layer " + layer + " is listed but has no output");
        return to_tensor(*a, shape, s.model->batch());
    }
    const int n = check_inputs("inputs", *inputs, S.in, token_outputs(S.task) ? S.cfg.vocab_size : 0);  // then a model for their batch size
    if (layer == "input") return *inputs;
    Slot& s = S.slot(n, "inputs");
    const auto rows = all_rows(n);
    if (S.translation()) S.sources(s, inputs->data.data(), rows.data());
    else gather(inputs->data.data(), rows.data(), n, S.in, s.x);
    S.infer(s);
    Shape shape;
    const Mat* a = s.model->activation(layer, &shape);
    if (!a) throw std::logic_error("layer " + layer + " is listed but has no output");
    return to_tensor(*a, shape, n);
}

Tensor Trainer::predict(const Tensor& inputs) { return activations("output", &inputs); }

Tensor Trainer::test_inputs() const {
    Tensor t;
    t.shape = s_->in.is_sequence() ? std::vector<int>{s_->test.n, s_->in.time, s_->in.features}
                                   : std::vector<int>{s_->test.n, s_->in.features};
    t.data = s_->test.x;
    return t;
}

Tensor Trainer::test_targets() const {
    const int Y = s_->test.outputs;
    return Tensor{{s_->test.n, Y}, s_->test.y};
}

std::vector<HeadScores> Trainer::head_scores() {
    State& S = *s_;
    std::vector<HeadScores> out;
    if (!S.cfg.self_attention()) return out;
    Slot& s = S.forward_test();
    const int T = S.in.time, B = s.model->batch();
    int index = 0;
    for (const Layer* l : s.model->self_attention()) {
        const auto& layer = static_cast<const CausalSelfAttention&>(*l);
        for (int h = 0; h < layer.heads(); ++h) {
            double on = 0;
            long long hits = 0, n = 0;
            if (S.test.positions) State::head_score(layer.attention(), T, T, true, B, h, S.test, S.test_rows.data(), on, hits, n);
            HeadScores hs;
            hs.layer = index;
            hs.head = h;
            if (n) {
                hs.attention_on_target = float(on / double(n));
                hs.hit_rate = float(double(hits) / double(n));
            }
            out.push_back(hs);
        }
        ++index;
    }
    return out;
}

float Trainer::sequence_accuracy() {
    State& S = *s_;
    if (!S.translation()) return kNaN;
    Slot& s = S.forward_test();
    const Mat& p = s.model->layers().back()->output();
    const int B = s.model->batch(), Tt = S.test.outputs;
    int right = 0;
    for (int b = 0; b < B; ++b) {
        bool all = true;
        for (int t = 0; t < Tt && all; ++t) {
            Eigen::Index best = 0;
            p.col(t * B + b).maxCoeff(&best);
            all = float(best) == s.y(0, t * B + b);
        }
        right += all;
    }
    return float(right) / float(B);
}

Translation Trainer::translate(const std::string& text) {
    State& S = *s_;
    const Task& task = S.task;
    if (!S.translation())
        throw ConfigError("text", "task " + std::string(task.name) +
                                      " does not translate text: the translation tasks (reverse, sort_digits, date) do");
    const int Ts = S.in.time, V = S.cfg.vocab_size, n = int(text.size());
    const std::string alphabet(task.alphabet, size_t(V - 1));
    if (task.padded ? n < 1 || n > Ts : n != Ts)
        throw ConfigError("text", (task.padded ? "expected 1 to " : "expected exactly ") + std::to_string(Ts) +
                                      " characters, the model's time_steps (got " + std::to_string(n) + ")");
    Translation out;
    out.source.assign(size_t(Ts - n), 0);
    for (int i = 0; i < n; ++i) {
        const size_t at = alphabet.find(text[size_t(i)]);
        if (at == std::string::npos)
            throw ConfigError("text[" + std::to_string(i) + "]", quoted(text.substr(size_t(i), 1)) +
                                                                     " is not one of task " + task.name +
                                                                     "'s characters: " + alphabet);
        out.source.push_back(int(at) + 1);
    }
    Slot& s = S.slot(1, "text");
    const std::vector<float> ids(out.source.begin(), out.source.end());
    const int row = 0;
    S.sources(s, ids.data(), &row);
    const Mat& p = S.infer(s);
    const int Tt = targets(S.cfg);
    for (int t = 0; t < Tt; ++t) {
        Eigen::Index best = 0;
        p.col(t).maxCoeff(&best);
        out.tokens.push_back(int(best));
        out.text += best == 0 ? std::string("\u00b7") : std::string(1, alphabet[size_t(best - 1)]);
    }
    Shape shape;
    out.attention = to_tensor(*s.model->activation("attention_weight", &shape), shape, 1);
    out.attention.shape.erase(out.attention.shape.begin());  // (1, Tt, Ts) -> (Tt, Ts)
    return out;
}

Tensor Trainer::attention() {
    const Tensor all = s_->test_attention();
    const int n = all.shape[0];
    const size_t size = all.data.size() / size_t(n);
    Tensor t;  // the mean over samples, summed in sample order
    t.shape.assign(all.shape.begin() + 1, all.shape.end());
    t.data.assign(size, 0.0f);
    for (int b = 0; b < n; ++b)
        for (size_t i = 0; i < size; ++i) t.data[i] += all.data[size_t(b) * size + i];
    for (float& v : t.data) v /= float(n);
    return t;
}

AttentionMaps Trainer::attention_maps(int n) {
    State& S = *s_;
    if (n < 1 || n > S.test.n)
        throw ConfigError("n", "must be in [1, " + std::to_string(S.test.n) + "], the held-out samples (got " +
                                   std::to_string(n) + ")");
    AttentionMaps maps;
    maps.attention = S.test_attention();
    maps.attention.shape[0] = n;
    maps.attention.data.resize(maps.attention.data.size() / size_t(S.test.n) * size_t(n));
    if (S.test.positions) {
        const int P = S.test.positions;
        maps.mask.shape = {n, P};
        if (token_outputs(S.task)) maps.mask.shape = {n, S.test.outputs, S.in.time};  // (output step, position)
        maps.mask.data.assign(S.test.mask.begin(), S.test.mask.begin() + size_t(n) * P);
    }
    return maps;
}

void Trainer::set_data(const Tensor& x, const Tensor& y, const Tensor* mask) {
    auto d = std::make_shared<Dataset>(dataset_from(x, y, mask, s_->in, s_->task, s_->cfg));
    Config c = s_->cfg;
    c.samples = d->n;
    auto next = std::make_unique<State>(c, std::move(d));  // throws before anything changes
    next->ps.values() = s_->ps.values();
    next->backup = s_->ps.values();
    next->opt = std::move(s_->opt);
    s_ = std::move(next);
}

Scores Trainer::train_on_batch(const Tensor& x, const Tensor& y, const Tensor* mask) {
    State& S = *s_;
    const Dataset d = dataset_from(x, y, mask, S.in, S.task, S.cfg);
    if (S.m.status == Status::diverged) throw ConfigError("x", "the run has diverged: reset it first");
    Slot& s = S.slot(d.n, "x");
    const auto rows = all_rows(d.n);
    Scores scores;
    S.fit_batch(s, d, rows.data(), scores);
    return scores;
}

Scores Trainer::evaluate(const Tensor& x, const Tensor& y, const Tensor* mask) {
    State& S = *s_;
    const Dataset d = dataset_from(x, y, mask, S.in, S.task, S.cfg);
    const auto rows = all_rows(d.n);
    return S.evaluate(d, rows.data(), d.n, "x");
}

std::vector<Weight> Trainer::weights() const {
    std::vector<Weight> out;
    const Vec& v = s_->ps.values();
    for (const auto& p : s_->ps.list()) {
        const float* d = v.data() + p.offset;
        out.push_back({p.name, p.keras_shape, std::vector<float>(d, d + size_t(p.rows) * p.cols)});
    }
    return out;
}

void Trainer::set_weights(const std::vector<Weight>& w) {
    const auto& list = s_->ps.list();
    if (w.size() != list.size())
        throw ConfigError("weights", "expected " + std::to_string(list.size()) + " arrays (got " +
                                         std::to_string(w.size()) + ")");
    for (size_t i = 0; i < w.size(); ++i) {  // check everything before changing anything
        const auto& p = list[i];
        const std::string where = "weights[" + std::to_string(i) + "] (" + p.name + ")";
        if (w[i].shape != p.keras_shape)
            throw ConfigError(where, "expected shape " + shape_str(p.keras_shape) + " (got " +
                                         shape_str(w[i].shape) + ")");
        if (w[i].data.size() != size_t(p.rows) * p.cols)
            throw ConfigError(where, "expected " + std::to_string(size_t(p.rows) * p.cols) +
                                         " values (got " + std::to_string(w[i].data.size()) + ")");
        for (size_t k = 0; k < w[i].data.size(); ++k)
            if (!std::isfinite(w[i].data[k]))
                throw ConfigError(where, "value at index " + std::to_string(k) + " is not finite");
    }
    Vec& v = s_->ps.values();
    for (size_t i = 0; i < w.size(); ++i)
        std::copy(w[i].data.begin(), w[i].data.end(), v.data() + list[i].offset);
    s_->backup = v;
}

void Trainer::reset() { s_ = std::make_unique<State>(s_->cfg, s_->user_data ? s_->data : nullptr); }

void Trainer::reset(uint32_t seed) {
    Config c = s_->cfg;
    c.seed = seed;
    s_ = std::make_unique<State>(c, s_->user_data ? s_->data : nullptr);
}

}  // namespace attn

namespace attn {

namespace {
// The config as (name, kind, value) per field, so a later build with more fields still reads it.
void io_config(Archive& a, Config& c) {
    uint32_t n = uint32_t(config_fields().size());
    a.io(n);
    if (!a.loading()) {
        for (const auto& f : config_fields()) {
            std::string name = f.name;
            a.io(name);
            switch (f.kind) {
                case ConfigField::integer: a.io(c.*f.i); break;
                case ConfigField::number: a.io(c.*f.d); break;
                case ConfigField::text: a.io(c.*f.s); break;
                case ConfigField::boolean: a.io(c.*f.b); break;
                case ConfigField::seed: a.io(c.*f.u); break;
            }
        }
        return;
    }
    std::vector<const ConfigField*> given;  // each read into `scratch`, then onto the preset's defaults
    Config scratch;
    for (uint32_t k = 0; k < n; ++k) {
        std::string name;
        a.io(name);
        const ConfigField* f = find_field(name);
        if (!f) throw ConfigError("run", "not a run this build can load: it has a config field " + quoted(name) + " this build does not know");
        switch (f->kind) {
            case ConfigField::integer: a.io(scratch.*f->i); break;
            case ConfigField::number: a.io(scratch.*f->d); break;
            case ConfigField::text: a.io(scratch.*f->s); break;
            case ConfigField::boolean: a.io(scratch.*f->b); break;
            case ConfigField::seed: a.io(scratch.*f->u); break;
        }
        given.push_back(f);
    }
    c = defaults_for(scratch.preset);  // fields this file predates keep their defaults
    for (const ConfigField* f : given) {
        switch (f->kind) {
            case ConfigField::integer: c.*f->i = scratch.*f->i; break;
            case ConfigField::number: c.*f->d = scratch.*f->d; break;
            case ConfigField::text: c.*f->s = scratch.*f->s; break;
            case ConfigField::boolean: c.*f->b = scratch.*f->b; break;
            case ConfigField::seed: c.*f->u = scratch.*f->u; break;
        }
    }
}

void io_data(Archive& a, Dataset& d) {
    a.io(d.n);
    a.io(d.time);
    a.io(d.dim);
    a.io(d.positions);
    a.io(d.x, false);
    a.io(d.y, false);
    a.io(d.mask, false);
    // In 64 bits: a hand-made file's sizes may be anything (the arrays are bounded by the file).
    if (a.loading() && d.n > 0) d.outputs = int(d.y.size() / size_t(d.n));  // T for a token task's data
    if (a.loading() && (d.n < 1 || d.dim < 1 || d.time < 0 || d.positions < 0 ||
                        d.x.size() / uint64_t(d.n) != uint64_t(d.time > 0 ? d.time : 1) * uint64_t(d.dim) ||
                        d.x.size() % uint64_t(d.n) || d.y.size() % uint64_t(d.n) ||
                        d.mask.size() / uint64_t(d.n) != uint64_t(d.positions) || d.mask.size() % uint64_t(d.n)))
        throw ConfigError("run", "not a run this build can load: its data's sizes do not agree");
}
}  // namespace

std::vector<uint8_t> Trainer::save_run() const {
    Archive a = Archive::writer();
    Config c = s_->cfg;
    io_config(a, c);
    bool user = s_->user_data;
    a.io(user);
    if (user) io_data(a, const_cast<Dataset&>(*s_->data));  // written, not changed
    s_->io(a);
    return a.file();
}

Config Trainer::run_config(const std::vector<uint8_t>& file) {
    Archive a = Archive::reader(file);
    Config c;
    io_config(a, c);
    return c;
}

Trainer Trainer::load_run(const std::vector<uint8_t>& file) {
    Archive a = Archive::reader(file);
    Config c;
    io_config(a, c);
    bool user = false;
    a.io(user);
    std::shared_ptr<Dataset> data;
    if (user) {
        Dataset raw;
        io_data(a, raw);
        if (raw.n != c.samples) throw ConfigError("run", "not a run this build can load: its data has " + std::to_string(raw.n) + " samples where its config says " + std::to_string(c.samples));
        // The checks set_data makes: the shapes the config's model takes, finite values (token
        // ids in range), the task's targets, a 0/1 mask.
        attn::validate(c);
        const Task& task = find_task(c.task);
        const Shape in = input_shape(c);
        const auto tensor = [](std::vector<int> shape, const auto& v) {
            Tensor t;
            t.shape = std::move(shape);
            t.data.assign(v.begin(), v.end());
            return t;
        };
        const bool tokens = token_outputs(task);
        const Tensor x = tensor(raw.time ? std::vector<int>{raw.n, raw.time, raw.dim} : std::vector<int>{raw.n, raw.dim}, raw.x);
        const Tensor y = tensor({raw.n, raw.outputs}, raw.y);
        const Tensor mask = tensor(tokens ? std::vector<int>{raw.n, outputs_per_sample(task, c), in.time} : std::vector<int>{raw.n, raw.positions}, raw.mask);
        try {
            data = std::make_shared<Dataset>(dataset_from(x, y, raw.positions ? &mask : nullptr, in, task, c));
        } catch (const ConfigError& e) {
            throw ConfigError("run", std::string("not a run this build can load: its data: ") + e.what());
        }
    }
    auto s = std::make_unique<State>(c, std::move(data));  // validates c, draws the data again
    s->io(a);
    a.expect_end();
    return Trainer(std::move(s));
}

}  // namespace attn
