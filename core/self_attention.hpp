// CausalSelfAttention: H heads of scaled dot-product attention over a sequence, each position
// attending only to itself and the positions before it, with an output projection added to the
// residual stream (a transformer block without the MLP and without layer norm). Keras's
// MultiHeadAttention(num_heads=H, key_dim=C/H, use_bias=False) with use_causal_mask=True,
// plus the residual Add.
//   x (C, T*B) the residual stream (column t*B+b = step t of sample b); d = C/H per head.
//   [Q; K; V] = [Wq; Wk; Wv] x            (3C, T*B), one product over the batch (the three
//                                          kernels copied into one (3C, C) matrix each forward);
//                                          Wq, Wk, Wv (C, C) [Keras query|key|value/kernel (C, H, d)]
//   per sample b and head h (rows h*d .. h*d+d of the columns of sample b):
//     S = K_bh^T Q_bh / sqrt(d)           (T, T): column t = query step t, row s = key step s
//     A = causal softmax over s <= t      (T, T), A[s, t] = 0 exactly for s > t
//     O_bh = V_bh A                        (d, T)
//   y = x + Wo O                           (C, T*B), Wo (C, C) [Keras attention_output/kernel (H, d, C)]
// The attention A of every sample and head is one (T, H*T*B) matrix, "<name>_scores", whose
// column (h*T + t)*B + b is head h's query t of sample b: to_tensor gives (n, H*T, T), row-major
// (n, H, T, T) as Keras's attention_scores.
// Per (b, h) the blocks are views with leading dimensions 3C*B (Q, K, V), C*B (O) and T*B
// (S, A): the per-sample products are small gemms on them, no gathers, and they skip the
// blocks of 4 query steps that the mask makes 0 (see the .cpp). The input gradients go
// through gemm_nn with the kernels transposed once per batch.
// Folded into the embedding tables (the first layer only, when the Model asks: see
// core/model.hpp): its input is the Embedding's x = E[:, id] + P[:, t], so
//   [WE; WP] = W3 [E, P]                  WE (3C, V), WP (3C, T), once per batch
//   [Q; K; V][:, t*B+b] = WE[:, id_tb] + WP[:, t]
// and in backward, with G_tok (3C, V) the columns of d[Q; K; V] summed by token id and G_pos
// (3C, T) summed over the samples of each step:
//   d[Wq; Wk; Wv] = G_tok E^T + G_pos P^T,  dE += W3^T G_tok,  dP += W3^T G_pos
// straight into the store's gradients; dx is then only the residual's dy, which the Embedding
// scatters as usual. 3C^2 (V + T) multiply-adds per product instead of 3C^2 T*B. It rounds
// differently from W3 (E + P) (tests/core/self_attention.test.cpp holds the two together);
// macs() still counts the unfolded products, as Keras's layer does them.
// Init: glorot_uniform on fans (C, C) for each of the four kernels, as a Dense(C) per
// projection would have. This is not Keras's MultiHeadAttention: its kernels are 3-D, and
// Keras takes the fans of a shape (a, b, c) as (a*b, a*c), i.e. (C*H, C*d) for the query, key
// and value kernels (C, H, d) and (H*d, H*C) = (C, H*C) for the output kernel (H, d, C): a
// smaller limit. Changing it would shift every self-attention outcome.
#pragma once

#include "layer.hpp"

namespace attn {

class Embedding;

class CausalSelfAttention : public Layer {
public:
    // tables: the Embedding right before this layer, to fold the projections into (see above);
    // it must have positions and outlive this layer. nullptr: the plain layer.
    CausalSelfAttention(const std::string& name, int time_steps, int width, int heads, int batch, ParamStore& ps,
                        const Embedding* tables = nullptr);
    void init(Rng& rng) override;
    double macs() const override;  // 4 C^2 T (projections) + 2 C T^2 (scores, values)
    const Mat* named_output(const std::string& name, Shape* shape) const override;
    std::vector<SummaryRow> summary() const override;
    std::vector<std::string> output_names() const override { return {name_, scores_name_}; }
    const char* attention_output() const override { return scores_name_.c_str(); }
    int heads() const { return H_; }
    bool folded() const { return tables_ != nullptr; }
    const Mat& attention() const { return A_; }  // (T, H*T*B), see above

protected:
    const Mat& run_forward(const Mat& x, bool training) override;
    const Mat& run_backward(const Mat& dy) override;

private:
    ParamStore& ps_;
    int H_;
    std::string scores_name_;
    int iq_ = -1, ik_ = -1, iv_ = -1, io_ = -1;
    const Embedding* tables_ = nullptr;  // folded: E, P and the token ids come from here
    // kept for backward
    Mat W3_;         // (3C, C) [Wq; Wk; Wv], copied from the three kernels each forward
    Mat QKV_;        // (3C, T*B) [Q; K; V]: the projections of each step in one column
    Mat A_;          // (T, H*T*B) attention
    Mat O_;          // (C, T*B) heads' outputs, concatenated
    // backward scratch
    Mat WoT_, W3T_;  // (C, C) Wo^T, (C, 3C) [Wq; Wk; Wv]^T: the input gradients through gemm_nn
    Mat dO_;         // (C, T*B) dL/dO
    Mat dA_;         // (T, H*T*B) dL/dA, then dL/dS (scaled) in place
    Mat dQKV_;       // (3C, T*B) [dQ; dK; dV]
    Mat dW3_;        // (3C, C) d[Wq; Wk; Wv], then added to the three kernels' gradients
    // folded only (0 x 0 otherwise)
    Mat WE_, WP_;      // (3C, V) W3 E, (3C, T) W3 P: forward scratch
    Mat Gtok_, Gpos_;  // (3C, V) d[Q; K; V] summed by token id, (3C, T) summed over the samples per step
};

// Softmax of column t of a (T, T) block over rows 0 .. t, rows past t set to 0: the causal
// softmax, in place (ld: the block's leading dimension). Plain loops in order: the same bits
// in every build.
void causal_softmax(float* S, int T, int ld);

}  // namespace attn
