// The seq2seq model's attention: every decoder step attends over the encoder's states, Luong
// style (the attention reads the decoder's state at its step, after the decoder RNN; TF.js's
// date-conversion example and Keras's Attention / AdditiveAttention layers do the same).
//   x = h_t (U, Tt*B): the decoder's states (the queries); keys() = h_s (U, Ts*B): the
//   encoder's states (keys and values), both with column step*B+b.
//   dot:       score(t, s) = h_t . h_s
//   luong:     score(t, s) = h_t . (W h_s),              W (U, U) [Keras luong_w/kernel (U, U)]
//              (Luong's "general"; computed as (W^T h_t) . h_s)
//   bahdanau:  score(t, s) = v . tanh(W1 h_t + W2 h_s),  W1, W2 (U, U) [Keras (U, U)],
//              v (1, U) [Keras bahdanau_v/kernel (U, 1)] (the additive score, Keras's
//              AdditiveAttention, on the decoder's current state)
//   alpha = softmax over s          (Ts, Tt*B)  "attention_weight": column t*B+b is step t's
//                                               distribution over the Ts source positions
//   context_t = sum_s alpha(s, t) h_s              (U, Tt*B)  "context_vector"
//   y = tanh(Wc [context; h_t])                    (A, Tt*B), Wc (A, 2U) [Keras
//                                                  attention_vector/kernel (2U, A)]
// No biases (Luong's attentional state). backward(dy) returns dL/dh_t and leaves dL/dh_s in
// keys_grad().
// Per sample b the blocks are views with leading dimension U*B (states) or Ts*B (alpha): the
// per-sample products are small gemms on them, no gathers.
// Init: glorot_uniform for every kernel, with the fans of its Keras shape.
#pragma once

#include "layer.hpp"

namespace attn {

enum class Seq2SeqScore { dot, luong, bahdanau };

class SeqAttention : public Layer {
public:
    SeqAttention(const std::string& name, int target_steps, int source_steps, int units, int attention_units,
                 Seq2SeqScore score, int batch, ParamStore& ps);
    void init(Rng& rng) override;
    double macs() const override;
    // "attention_weight" (Tt, Ts) per sample as Shape{Tt, Ts}; "context_vector" Shape{Tt, U}.
    const Mat* named_output(const std::string& name, Shape* shape) const override;
    std::vector<SummaryRow> summary() const override;
    std::vector<std::string> output_names() const override { return {name_, "attention_weight", "context_vector"}; }
    const char* attention_output() const override { return "attention_weight"; }

    void set_keys(const Mat& hs) { keys_ = &hs; }  // the encoder's states, before forward
    const Mat& keys_grad() const { return dK_; }   // dL/dh_s after backward (U, Ts*B)
    const Mat& weights() const { return alpha_; }  // (Ts, Tt*B)

protected:
    const Mat& run_forward(const Mat& x, bool training) override;
    const Mat& run_backward(const Mat& dy) override;

private:
    ParamStore& ps_;
    Seq2SeqScore score_;
    int Ts_, A_;
    int iW_ = -1;                        // luong: W (U, U)
    int iW1_ = -1, iW2_ = -1, iv_ = -1;  // bahdanau
    int iWc_ = -1;                       // Wc (A, 2U): columns 0..U on the context, U..2U on h_t
    const Mat* keys_ = nullptr;
    // kept for backward
    Mat Qw_;     // (U, Tt*B) luong: W^T h_t, so score = Qw . h_s
    Mat P1_;     // (U, Tt*B) bahdanau: W1 h_t
    Mat P2_;     // (U, Ts*B) bahdanau: W2 h_s
    Mat E_;      // (U, Ts*Tt*B) bahdanau: tanh(W1 h_t + W2 h_s), column (t*B+b)*Ts + s
    Mat alpha_;  // (Ts, Tt*B)
    Mat ctx_;    // (U, Tt*B)
    // backward scratch
    Mat dz_;     // (A, Tt*B) dL/d(Wc [context; h_t])
    Mat dctx_;   // (U, Tt*B)
    Mat dS_;     // (Ts, Tt*B) dL/dalpha, then dL/dscore in place
    Mat dQw_;    // (U, Tt*B) luong: dL/dQw
    Mat dP1_;    // (U, Tt*B) bahdanau: dL/d(W1 h_t)
    Mat dP2_;    // (U, Ts*B) bahdanau: dL/d(W2 h_s)
    Mat dE_;     // as E_: dL/dE, then dL/d(W1 h_t + W2 h_s) in place
    Mat dK_;     // (U, Ts*B) dL/dh_s
};

}  // namespace attn
