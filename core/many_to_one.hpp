// The later examples' many-to-one Attention(units, score) layer: it reads the hidden states of
// an RNN with return_sequences and returns one attention vector per sample.
//   x = h_s (D, T*B) (column s*B+b = step s of sample b);  h_t = h_s at s = T-1, (D, B).
//   Luong:     score_s = h_t . (W h_s),                  W  (D, D) [Keras luong_w/kernel (D, D)]
//   Bahdanau:  score_s = v . tanh(W1 h_t + W2 h_s),      W1, W2 (D, D) [Keras (D, D)],
//                                                        v (1, D) [Keras bahdanau_v/kernel (D, 1)]
//   alpha = softmax over s of score                      (T, B)  "attention_weight"
//   context = sum_s alpha_s h_s                          (D, B)  "context_vector"
//   y = tanh(Wc [context; h_t])                          (U, B), Wc (U, 2D) [Keras
//                                                        attention_vector/kernel (2D, U)]
// No biases. Keras's x @ K form reads the same weights: our W = K^T (params.hpp).
// Parameter names get `suffix` after each sublayer's name ("luong_w_1/kernel"), so two
// instances in one store never share weights.
// Per sample b, h_s as a (D, T) matrix is x + b*D with leading dimension D*B: the scores, the
// context and their gradients are small products on that view (no gathers).
// Init: glorot_uniform for every kernel, with the fans of its Keras shape.
#pragma once

#include "layer.hpp"

namespace attn {

enum class Score { luong, bahdanau };

class ManyToOneAttention : public Layer {
public:
    ManyToOneAttention(const std::string& name, Shape in, int units, Score score, int batch, ParamStore& ps,
                       const std::string& suffix = "");
    void init(Rng& rng) override;
    double macs() const override;
    // "attention_weight" (T, B) as Shape{0, T}, "context_vector" (D, B) as Shape{0, D}.
    const Mat* named_output(const std::string& name, Shape* shape) const override;
    std::vector<SummaryRow> summary() const override;
    const Mat& weights() const { return alpha_; }  // (T, B) attention weights of the last forward
    Score score() const { return score_; }
    bool position_attention(Mat& out) const override;  // alpha
    const char* attention_output() const override { return "attention_weight"; }
    std::vector<std::string> output_names() const override { return {name_, "attention_weight", "context_vector"}; }

protected:
    const Mat& run_forward(const Mat& x, bool training) override;
    const Mat& run_backward(const Mat& dy) override;

private:
    ParamStore& ps_;
    Score score_;
    int U_;
    int iW_ = -1;                        // Luong: W (D, D)
    int iW1_ = -1, iW2_ = -1, iv_ = -1;  // Bahdanau: W1, W2 (D, D), v (1, D)
    int iWc_ = -1;                       // Wc (U, 2D): columns 0..D on context, D..2D on h_t
    // kept for backward
    Mat q_;      // (D, B) Luong: W^T h_t, so score_s = q . h_s
    Mat E_;      // (D, T*B) Bahdanau: tanh(W1 h_t + W2 h_s), laid out like x
    Mat a1_;     // (D, B) Bahdanau: W1 h_t (forward only)
    Mat alpha_;  // (T, B) softmax of the scores
    Mat ctx_;    // (D, B) context
    // backward scratch
    Mat dz_;     // (U, B) dL/d(Wc [context; h_t])
    Mat dctx_;   // (D, B) dL/dcontext
    Mat dS_;     // (T, B) dL/dalpha, then dL/dscore in place
    Mat dq_;     // (D, B) Luong: dL/dq
    Mat dE_;     // (D, T*B) Bahdanau: dL/dE, then dL/d(W1 h_t + W2 h_s) in place
    Mat da1_;    // (D, B) Bahdanau: dL/d(W1 h_t) = sum over s of dE's pre-activation
    Mat dht_;    // (D, B) dL/dh_t through every term that reads h_t
};

}  // namespace attn
