// Seq2Seq: an encoder-decoder with attention, the translation tasks' model up to its softmax
// (TF.js's date-conversion example, with a choice of cell and score):
//   x (1, (Ts+Tt)*B): token ids as floats, the source's Ts steps (columns t*B+b), then the
//                     decoder's Tt inputs (columns (Ts+t)*B+b): the start token 0, then the
//                     target shifted by one (teacher forcing) or the model's own predictions
//                     so far (greedy decoding, core/trainer.cpp)
//   encoder_embedding  Embedding(V, U) on the source          (U, Ts*B)
//   encoder            LSTM|GRU(U, return_sequences)          h_s (U, Ts*B)
//   decoder_embedding  Embedding(V, U) on the decoder inputs  (U, Tt*B)
//   decoder            LSTM|GRU(U, return_sequences), starting from the encoder's last state
//                      (an LSTM: h = c = h_s at Ts-1, as TF.js's initialState [h, h])  h_t (U, Tt*B)
//   attention          SeqAttention(score) of every h_t over h_s (core/seq_attention.hpp)
//   y (A, Tt*B): the attentional states tanh(Wc [context; h_t]); the model's TokenOutput
//                turns them into a softmax over the V tokens at every output step.
// Each part is a layer of its own, with its own Keras names; this one routes the data
// between them and back, and lists them in the summary.
// Decoder step t reads only the decoder inputs 0..t (the cells are causal, the attention reads
// h_t alone), so output t of a forward is final once inputs 0..t are. Greedy decoding uses
// that: after a whole forward, resume_decoding(t) makes the next forward keep the encoder's
// states and the decoder's steps before t (same sources, same weights: inference only), so
// decoding Tt steps runs the encoder once and each decoder step once; the attention and the
// head still run on every step each time. The results are the same bits as whole forwards.
#pragma once

#include "layer.hpp"
#include "seq_attention.hpp"

namespace attn {

class Embedding;
class Recurrent;

class Seq2Seq : public Layer {
public:
    // gru: the cells are GRUs (reset_after as given), else LSTMs.
    Seq2Seq(const std::string& name, int source_steps, int target_steps, int vocab, int units, int attention_units,
            bool gru, bool reset_after, Seq2SeqScore score, int batch, ParamStore& ps);
    ~Seq2Seq() override;
    void init(Rng& rng) override;
    void allocate() override;
    long long buffer_floats() const override;
    double macs() const override;
    double init_flops() const override;
    const Mat* named_output(const std::string& name, Shape* shape) const override;
    std::vector<SummaryRow> summary() const override;
    std::vector<std::string> output_names() const override;
    const char* attention_output() const override { return "attention_weight"; }
    const Mat& output() const override { return attention_->output(); }
    const SeqAttention& attention() const { return *attention_; }
    int source_steps() const { return Ts_; }
    void resume_decoding(int step) { resume_ = step; }  // the next forward only (see above)

protected:
    const Mat& run_forward(const Mat& x, bool training) override;
    const Mat& run_backward(const Mat& dy) override;

private:
    int Ts_, Tt_;
    std::unique_ptr<Embedding> source_embedding_, target_embedding_;
    std::unique_ptr<Recurrent> encoder_, decoder_;
    std::unique_ptr<SeqAttention> attention_;
    std::vector<Layer*> parts_;  // in the order they run (and declare their parameters)
    Mat source_, target_;        // (1, Ts*B), (1, Tt*B): x's two parts
    Mat dHs_;                    // (U, Ts*B) dL/dh_s: from the attention and the decoder's start
    int resume_ = 0;             // > 0: the next forward resumes decoding at this step
};

}  // namespace attn
