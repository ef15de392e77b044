#include "trainer.hpp"

#include <chrono>
#include <cstdio>
#include <cmath>
#include <algorithm>
#include <numeric>

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
    Mat x;   // (D, steps*B) input batch
    Mat y;   // (1, B) targets
    Mat dp;  // (1, B) dL/dp
};
}  // namespace

struct Trainer::State {
    Config cfg;
    Shape in;
    Rng data_rng, init_rng, shuffle_rng, dropout_rng, test_rng;
    Dataset data, test;
    ParamStore ps;
    std::map<int, Slot> slots;  // by batch size
    std::unique_ptr<Optimizer> opt;
    Loss loss;
    Vec backup;                 // parameters before the last update (restored on divergence)
    std::vector<int> order;     // this epoch's shuffled training indices
    std::vector<int> val_rows, test_rows;
    int pos = 0;                // next index into order
    double epoch_loss = 0, epoch_acc = 0;  // sample-weighted sums over this epoch
    int epoch_seen = 0;
    Metrics m;
    History history;

    explicit State(const Config& c)
        : cfg(c),
          in(c.recurrent() ? Shape{c.time_steps, c.input_dim} : Shape{0, c.input_dim}),
          data_rng(c.seed, Stream::data), init_rng(c.seed, Stream::init),
          shuffle_rng(c.seed, Stream::shuffle), dropout_rng(c.seed, Stream::dropout),
          test_rng(c.seed, Stream::test_data), loss(parse_loss(c.loss)) {
        auto draw = [&](int n, Rng& r) {
            return c.recurrent() ? get_data_recurrent(n, c.time_steps, c.input_dim, c.attention_column, r)
                                 : get_data(n, c.input_dim, c.attention_column, r);
        };
        data = draw(c.samples, data_rng);
        test = draw(c.test_samples, test_rng);
        Slot& first = slot(c.batch_size);  // declares every parameter
        ps.allocate();
        first.model->init(ps, init_rng);
        opt = make_optimizer({c.optimizer, float(c.learning_rate), float(c.momentum)}, ps.size());
        backup = ps.values();
        order.resize(size_t(c.train_samples()));
        std::iota(order.begin(), order.end(), 0);
        val_rows.resize(size_t(c.validation_samples()));
        std::iota(val_rows.begin(), val_rows.end(), c.train_samples());
        test_rows.resize(size_t(c.test_samples));
        std::iota(test_rows.begin(), test_rows.end(), 0);
        for (auto* h : {&history.loss, &history.accuracy, &history.val_loss, &history.val_accuracy})
            h->reserve(size_t(c.epochs));  // no allocation at epoch ends
    }

    Slot& slot(int B) {
        auto it = slots.find(B);
        if (it != slots.end()) return it->second;
        Slot& s = slots[B];
        s.model = std::make_unique<Model>(cfg, B, ps, dropout_rng);
        s.x.resize(in.features, in.steps() * B);
        s.y.resize(1, B);
        s.dp.resize(1, B);
        return s;
    }

    void load(Slot& s, const Dataset& d, const int* rows) {
        const int B = s.model->batch();
        gather(d.x.data(), rows, B, in, s.x);
        for (int b = 0; b < B; ++b) s.y(0, b) = d.y[size_t(rows[b])];
    }

    void diverge(const std::string& why) {
        m.status = Status::diverged;
        m.message = "diverged: " + why + " at step " + std::to_string(m.step + 1) +
                    "; training stopped (the weights are kept, all finite). Lower the learning rate and start again.";
    }

    // The last kWindow batches' loss and accuracy, and their means in m (a smooth curve).
    static constexpr int kWindow = 20;
    float recent_loss[kWindow] = {}, recent_acc[kWindow] = {};
    float first_loss = 0.0f;
    void remember(float l, float acc) {
        if (m.step == 0) first_loss = l;
        recent_loss[m.step % kWindow] = l;
        recent_acc[m.step % kWindow] = acc;
        const int n = int(std::min<long long>(m.step + 1, kWindow));
        float rl = 0.0f, ra = 0.0f;
        for (int i = 0; i < n; ++i) {
            rl += recent_loss[i];
            ra += recent_acc[i];
        }
        m.batch_loss = l;
        m.recent_loss = rl / float(n);
        m.recent_accuracy = ra / float(n);
    }

    // A finite loss can still have diverged: with too large a step the sigmoid saturates and
    // Keras's clipped cross-entropy sits near 8 (from 0.69) with no gradient left. Training
    // stops when the mean of the last kWindow batch losses exceeds kFactor times the first.
    static constexpr float kFactor = 4.0f;
    bool exploded() {
        if (m.step + 1 < kWindow || !(first_loss > 0.0f) || m.recent_loss <= kFactor * first_loss) return false;
        char why[160];
        std::snprintf(why, sizeof why, "the loss rose from %.3g to %.3g (mean of the last %d batches)",
                      double(first_loss), double(m.recent_loss), kWindow);
        diverge(why);
        return true;
    }

    // One optimisation step on the next batch; false when training cannot go on.
    bool train_batch() {
        const int n_train = int(order.size());
        if (pos == 0) {
            shuffle_rng.shuffle(order);
            epoch_loss = epoch_acc = 0;
            epoch_seen = 0;
        }
        const int B = std::min(cfg.batch_size, n_train - pos);
        Slot& s = slot(B);
        load(s, data, order.data() + pos);
        ps.zero_grad();
        const Mat& p = s.model->forward(s.x, true);
        const float l = loss_forward(loss, p, s.y);
        if (!std::isfinite(l)) {  // back to the weights of the last finite loss
            ps.values() = backup;
            diverge("the loss became " + std::string(std::isnan(l) ? "NaN" : "infinite"));
            return false;
        }
        const float acc = binary_accuracy(p, s.y);
        remember(l, acc);
        if (exploded()) return false;
        epoch_loss += double(l) * B;
        epoch_acc += double(acc) * B;
        epoch_seen += B;
        loss_backward(loss, p, s.y, s.dp);
        s.model->backward(s.dp);
        backup = ps.values();
        opt->update(ps.values(), ps.grads());
        if (!ps.values().allFinite()) {
            ps.values() = backup;
            diverge("a weight became non-finite");
            return false;
        }
        pos += B;
        ++m.step;
        m.loss = float(epoch_loss / epoch_seen);
        m.accuracy = float(epoch_acc / epoch_seen);
        if (pos == n_train) end_epoch();
        return m.status == Status::training;
    }

    void end_epoch() {
        pos = 0;
        ++m.epoch;
        history.loss.push_back(m.loss);
        history.accuracy.push_back(m.accuracy);
        if (!val_rows.empty()) {
            evaluate(data, val_rows, m.val_loss, m.val_accuracy);
            history.val_loss.push_back(m.val_loss);
            history.val_accuracy.push_back(m.val_accuracy);
        }
        if (m.epoch >= cfg.epochs) {
            m.status = Status::done;
            m.message = "trained " + std::to_string(m.epoch) + (m.epoch == 1 ? " epoch" : " epochs");
        }
    }

    // Loss and accuracy over `rows` in inference mode, in batches of the training size.
    void evaluate(const Dataset& d, const std::vector<int>& rows, float& out_loss, float& out_acc) {
        double l = 0, a = 0;
        const int n = int(rows.size());
        for (int at = 0; at < n; at += cfg.batch_size) {
            const int B = std::min(cfg.batch_size, n - at);
            Slot& s = slot(B);
            load(s, d, rows.data() + at);
            const Mat& p = s.model->forward(s.x, false);
            l += double(loss_forward(loss, p, s.y)) * B;
            a += double(binary_accuracy(p, s.y)) * B;
        }
        out_loss = float(l / n);
        out_acc = float(a / n);
    }

    // Forward the held-out test batch in inference mode.
    Slot& forward_test() {
        Slot& s = slot(int(test_rows.size()));
        load(s, test, test_rows.data());
        s.model->forward(s.x, false);
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
};

Trainer::Trainer(const Config& c) {
    validate(c);
    s_ = std::make_unique<State>(c);
}
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
const History& Trainer::history() const { return s_->history; }
const Config& Trainer::config() const { return s_->cfg; }

std::vector<SummaryRow> Trainer::summary() const {
    return s_->slots.at(s_->cfg.batch_size).model->summary();
}

long long Trainer::parameter_count() const { return (long long)s_->ps.size(); }

namespace {
std::string shape_str(const std::vector<int>& s) {
    std::string r = "(";
    for (size_t i = 0; i < s.size(); ++i) r += (i ? ", " : "") + std::to_string(s[i]);
    return r + (s.size() == 1 ? ",)" : ")");
}
}  // namespace

Tensor Trainer::activations(const std::string& layer, const Tensor* inputs) {
    State& S = *s_;
    const Model& reference = *S.slots.at(S.cfg.batch_size).model;
    // Check the name before running anything.
    std::vector<std::string> names{"input"};
    bool found = layer == "input";
    for (const auto& r : reference.summary())
        if (r.name != "input" && (r.kind != "Lambda" && r.kind != "RepeatVector")) {
            names.push_back(r.name);
            found = found || r.name == layer;
        }
    if (!found) {
        std::string list;
        for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
        throw ConfigError("layer", "unknown layer '" + layer + "' (expected one of " + list + ")");
    }
    if (!inputs) {
        Slot& s = S.forward_test();
        Shape shape;
        const Mat* a = layer == "input" ? &s.x : s.model->activation(layer, &shape);
        if (layer == "input") shape = S.in;
        if (!a) throw std::logic_error("layer " + layer + " is listed but has no output");
        return to_tensor(*a, shape, s.model->batch());
    }
    // Custom inputs: validate the shape, then run a model built for their batch size.
    const std::vector<int> want = S.in.is_sequence() ? std::vector<int>{-1, S.in.time, S.in.features}
                                                     : std::vector<int>{-1, S.in.features};
    bool ok = inputs->shape.size() == want.size() && inputs->shape[0] >= 1 && inputs->shape[0] <= 100000;
    for (size_t i = 1; ok && i < want.size(); ++i) ok = inputs->shape[i] == want[i];
    std::string expected = shape_str(want);
    expected.replace(1, 2, "n");
    if (!ok)
        throw ConfigError("inputs", "expected shape " + expected + " with 1 <= n <= 100000 (got " +
                                        shape_str(inputs->shape) + ")");
    const int n = inputs->shape[0];
    if (inputs->data.size() != size_t(n) * S.in.size())
        throw ConfigError("inputs", "holds " + std::to_string(inputs->data.size()) + " values, expected " +
                                        std::to_string(size_t(n) * S.in.size()) + " for shape " +
                                        shape_str(inputs->shape));
    for (size_t i = 0; i < inputs->data.size(); ++i)
        if (!std::isfinite(inputs->data[i]))
            throw ConfigError("inputs", "value at index " + std::to_string(i) + " is not finite");
    if (layer == "input") return *inputs;
    Model model(S.cfg, n, S.ps, S.dropout_rng);
    std::vector<int> rows(static_cast<size_t>(n));
    std::iota(rows.begin(), rows.end(), 0);
    Mat x;
    gather(inputs->data.data(), rows.data(), n, S.in, x);
    model.forward(x, false);
    Shape shape;
    const Mat* a = model.activation(layer, &shape);
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

Tensor Trainer::attention() {
    State& S = *s_;
    Slot& s = S.forward_test();
    const int n = s.model->batch();
    const Mat* a = s.model->activation(S.cfg.recurrent() ? "attention_vec" : "attention_probs", nullptr);
    Tensor t;
    if (!S.cfg.recurrent()) {                       // a (D, n): mean over samples
        t.shape = {int(a->rows())};
        const Vec mean = a->rowwise().mean();
        t.data.assign(mean.data(), mean.data() + mean.size());
        return t;
    }
    const int T = S.in.time, F = int(a->rows());    // a (F, T*n): mean over samples per step
    const bool single = S.cfg.single_attention_vector;
    t.shape = single ? std::vector<int>{T} : std::vector<int>{T, F};
    t.data.resize(size_t(single ? T : T * F));
    for (int step = 0; step < T; ++step) {
        const Vec mean = a->middleCols(step * n, n).rowwise().mean();
        if (single) t.data[size_t(step)] = mean(0);
        else
            for (int f = 0; f < F; ++f) t.data[size_t(step) * F + f] = mean(f);
    }
    return t;
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

void Trainer::reset() { s_ = std::make_unique<State>(s_->cfg); }

void Trainer::reset(uint32_t seed) {
    Config c = s_->cfg;
    c.seed = seed;
    s_ = std::make_unique<State>(c);
}

}  // namespace attn
