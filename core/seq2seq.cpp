#include "seq2seq.hpp"

#include "embedding.hpp"
#include "gru.hpp"
#include "lstm.hpp"

namespace attn {

Seq2Seq::Seq2Seq(const std::string& name, int Ts, int Tt, int V, int U, int A, bool gru, bool reset_after,
                 Seq2SeqScore score, int batch, ParamStore& ps)
    : Layer(name, Shape{Ts + Tt, 1}, Shape{Tt, A}, batch), Ts_(Ts), Tt_(Tt) {
    const int B = batch;
    auto cell = [&](const char* cell_name, int T) -> std::unique_ptr<Recurrent> {
        if (gru) return std::make_unique<GRU>(cell_name, Shape{T, U}, U, true, B, ps, reset_after);
        return std::make_unique<LSTM>(cell_name, Shape{T, U}, U, true, B, ps);
    };
    source_embedding_ = std::make_unique<Embedding>("encoder_embedding", Ts, V, U, B, ps, false);
    encoder_ = cell("encoder", Ts);
    target_embedding_ = std::make_unique<Embedding>("decoder_embedding", Tt, V, U, B, ps, false);
    decoder_ = cell("decoder", Tt);
    decoder_->take_initial_state();
    attention_ = std::make_unique<SeqAttention>("attention", Tt, Ts, U, A, score, B, ps);
    parts_ = {source_embedding_.get(), encoder_.get(), target_embedding_.get(), decoder_.get(), attention_.get()};
    buffer(source_, 1, Ts * B);
    buffer(target_, 1, Tt * B);
    buffer(dHs_, U, Ts * B);
    skip_input_grad();  // token ids
}

Seq2Seq::~Seq2Seq() = default;

void Seq2Seq::init(Rng& rng) {
    for (Layer* p : parts_) p->init(rng);
}

void Seq2Seq::allocate() {
    Layer::allocate();
    for (Layer* p : parts_) p->allocate();
}

long long Seq2Seq::buffer_floats() const {
    long long n = Layer::buffer_floats();
    for (const Layer* p : parts_) n += p->buffer_floats();
    return n;
}

double Seq2Seq::macs() const {
    double n = 0;
    for (const Layer* p : parts_) n += p->macs();
    return n;
}

double Seq2Seq::init_flops() const {
    double n = 0;
    for (const Layer* p : parts_) n += p->init_flops();
    return n;
}

const Mat& Seq2Seq::run_forward(const Mat& x, bool training) {
    x_ = &x;
    const int B = B_, resume = training ? 0 : resume_;
    resume_ = 0;
    target_ = x.rightCols(Tt_ * B);
    if (resume == 0) {
        source_ = x.leftCols(Ts_ * B);
        const Mat& hs = encoder_->forward(source_embedding_->forward(source_, training), training);
        decoder_->initial_state() = hs.rightCols(B);  // h_s at Ts-1
        attention_->set_keys(hs);
    } else {
        decoder_->resume_from(resume);  // the encoder's states and the decoder's first steps stand
    }
    const Mat& ht = decoder_->forward(target_embedding_->forward(target_, training), training);
    return attention_->forward(ht, training);
}

const Mat& Seq2Seq::run_backward(const Mat& dy) {
    target_embedding_->backward(decoder_->backward(attention_->backward(dy)));
    dHs_ = attention_->keys_grad();
    dHs_.rightCols(B_) += decoder_->initial_state_grad();  // the decoder started from h_s at Ts-1
    source_embedding_->backward(encoder_->backward(dHs_));
    return dx_;  // empty: token ids have no gradient
}

const Mat* Seq2Seq::named_output(const std::string& name, Shape* shape) const {
    for (const Layer* p : parts_) {
        if (p->name() == name) {
            if (shape) *shape = p->output_shape();
            return &p->output();
        }
    }
    return attention_->named_output(name, shape);
}

std::vector<SummaryRow> Seq2Seq::summary() const {
    std::vector<SummaryRow> rows;
    for (const Layer* p : parts_)
        for (auto& r : p->summary()) rows.push_back(std::move(r));
    return rows;
}

std::vector<std::string> Seq2Seq::output_names() const {
    std::vector<std::string> names;
    for (const Layer* p : parts_)
        for (auto& n : p->output_names()) names.push_back(std::move(n));
    return names;
}

}  // namespace attn
