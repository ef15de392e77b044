#include "model.hpp"

#include "attention.hpp"
#include "dense.hpp"
#include "dropout.hpp"
#include "embedding.hpp"
#include "flatten.hpp"
#include "gru.hpp"
#include "lstm.hpp"
#include "many_to_one.hpp"
#include "self_attention.hpp"
#include "seq2seq.hpp"
#include "task.hpp"
#include "token_output.hpp"

namespace attn {

Model::Model(const Config& c, int B, ParamStore& ps, Rng& dropout_rng) : B_(B) {
    const Task& task = find_task(c.task);
    auto add = [&](LayerPtr l) {
        layers_.push_back(std::move(l));
        return layers_.back().get();
    };
    auto out = [&] { return layers_.back()->output_shape(); };
    auto cell = [&](Shape in, bool seq) -> LayerPtr {
        if (c.gru()) return std::make_unique<GRU>("gru", in, c.units, seq, B, ps, c.reset_after);
        return std::make_unique<LSTM>("lstm", in, c.units, seq, B, ps);
    };
    const bool dropout = c.dropout > 0.0;
    bool flat_view = false;
    in_ = task.sequence ? Shape{c.time_steps, c.input_dim} : Shape{0, c.input_dim};
    if (c.self_attention()) {
        auto embedding = std::make_unique<Embedding>("embedding", c.time_steps, c.vocab_size, c.units, B, ps);
        // The first layer folds its projections into the tables when that takes fewer products,
        // 3C^2 (V + T) against 3C^2 T*B per batch, for the config's batch size: so the models of
        // every batch size round alike.
        const bool fold = c.vocab_size + c.time_steps < c.time_steps * c.batch_size;
        const Embedding* tables = fold ? embedding.get() : nullptr;
        add(std::move(embedding));
        for (int l = 0; l < c.layers; ++l) {  // Keras's names: self_attention, self_attention_1, ...
            const std::string name = l == 0 ? "self_attention" : "self_attention_" + std::to_string(l);
            attention_ = add(std::make_unique<CausalSelfAttention>(name, c.time_steps, c.units, c.heads, B, ps,
                                                                   l == 0 ? tables : nullptr));
            self_attention_.push_back(attention_);
        }
        if (dropout) add(std::make_unique<Dropout>("dropout", out(), float(c.dropout), B, dropout_rng));
        add(std::make_unique<TokenOutput>("output", out(), c.vocab_size, B, ps));
        layers_.front()->skip_input_grad();
        return;
    }
    if (c.seq2seq()) {
        const int Ts = c.time_steps, Tt = outputs_per_sample(task, c);
        in_ = Shape{Ts + Tt, 1};
        const Seq2SeqScore score = c.score == "dot"        ? Seq2SeqScore::dot
                                   : c.score == "bahdanau" ? Seq2SeqScore::bahdanau
                                                           : Seq2SeqScore::luong;
        attention_ = add(std::make_unique<Seq2Seq>("seq2seq", Ts, Tt, c.vocab_size, c.units, c.attention_units, c.gru(),
                                                   c.reset_after, score, B, ps));
        if (dropout) add(std::make_unique<Dropout>("dropout", out(), float(c.dropout), B, dropout_rng));
        add(std::make_unique<TokenOutput>("output", out(), c.vocab_size, B, ps));
        return;
    }
    if (!c.recurrent()) {
        if (c.block()) attention_ = add(std::make_unique<Attention2D>("attention_mul", in_, B, ps));
        add(std::make_unique<Dense>("dense", layers_.empty() ? in_ : out(), c.units, Activation::linear, true, B, ps));
    } else if (c.attention_before()) {
        attention_ = add(std::make_unique<Attention3D>("attention_mul", in_, c.single_attention_vector, B, ps));
        add(cell(out(), false));
    } else if (c.block()) {  // after the cell
        add(cell(in_, true));
        attention_ = add(std::make_unique<Attention3D>("attention_mul", out(), c.single_attention_vector, B, ps));
        // The output Dense reads the sequence in Keras's flatten order itself, so Flatten
        // is a view (no copy), unless Dropout sits between them.
        flat_view = !dropout;
        add(std::make_unique<Flatten>("flatten", out(), B, flat_view));
    } else if (c.attention == "many_to_one") {
        add(cell(in_, true));
        const Score score = c.score == "bahdanau" ? Score::bahdanau : Score::luong;
        attention_ = add(std::make_unique<ManyToOneAttention>("attention", out(), c.attention_units, score, B, ps));
    } else {  // no attention: the cell's last state
        add(cell(in_, false));
    }
    if (dropout) add(std::make_unique<Dropout>("dropout", out(), float(c.dropout), B, dropout_rng));
    const Shape head_in = flat_view ? layers_.back()->input_shape() : out();
    const Activation head = task.head == Head::sigmoid ? Activation::sigmoid : Activation::linear;
    add(std::make_unique<Dense>("output", head_in, 1, head, true, B, ps));
    layers_.front()->skip_input_grad();  // nothing reads dL/d(input)
}

long long Model::floats() const {
    long long n = 0;
    for (const auto& l : layers_) n += l->buffer_floats();
    return n;
}

double Model::macs() const {
    double n = 0;
    for (const auto& l : layers_) n += l->macs();
    return n;
}

double Model::init_flops() const {
    double n = 0;
    for (const auto& l : layers_) n += l->init_flops();
    return n;
}

void Model::allocate() {
    for (auto& l : layers_) l->allocate();
}

void Model::init(Rng& rng) {
    for (auto& l : layers_) l->init(rng);
}

const Mat& Model::forward(const Mat& x, bool training) {
    const Mat* h = &x;
    for (auto& l : layers_) h = &l->forward(*h, training);
    return *h;
}

void Model::backward(const Mat& dy) {
    const Mat* d = &dy;
    for (size_t i = layers_.size(); i-- > 0;) d = &layers_[i]->backward(*d);
}

const Mat* Model::activation(const std::string& name, Shape* shape) const {
    for (const auto& l : layers_) {
        if (l->name() == name) {
            if (shape) *shape = l->output_shape();
            return &l->output();
        }
        if (const Mat* m = l->named_output(name, shape)) return m;
    }
    return nullptr;
}

std::vector<SummaryRow> Model::summary() const {
    std::vector<SummaryRow> rows{{"input", "InputLayer", in_.keras(), 0}};
    for (const auto& l : layers_)
        for (auto& r : l->summary()) rows.push_back(std::move(r));
    return rows;
}

}  // namespace attn
