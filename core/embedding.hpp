// Embedding: token and learned position embeddings, summed into the residual stream of the
// self-attention model (Keras: Embedding(V, C) on the tokens + Embedding(T, C) on the
// positions 0 .. T-1, then Add); or, with positions false, the token embedding alone (Keras's
// Embedding(V, C) named `name`: the seq2seq model's, whose recurrent layers know the order).
//   x (1, T*B): token ids 0 .. V-1 stored as floats (column t*B+b = step t of sample b);
//   E (C, V) [Keras token_embedding/embeddings (V, C)]: column v is token v's vector;
//     (without positions: E [Keras <name>/embeddings (V, C)]);
//   P (C, T) [Keras position_embedding/embeddings (T, C)]: column t is position t's;
//   y (C, T*B): y[:, t*B+b] = E[:, x_tb] + P[:, t]   (without positions: E[:, x_tb]).
// Backward: dE[:, x_tb] += dy[:, t*B+b], dP[:, t] += sum_b dy[:, t*B+b]. Token ids have no
// gradient: dx is not computed (the model's first layer). A self-attention layer that folds
// its projections into E and P adds its part of dE and dP itself and hands back only the
// residual's dy (core/self_attention.hpp).
// The ids are checked where they enter (the generators, Trainer's dataset_from): forward
// reads them as they are, truncated to int.
// Init: Keras's Embedding default, uniform(-0.05, 0.05), for both tables.
#pragma once

#include "layer.hpp"

namespace attn {

class Embedding : public Layer {
public:
    Embedding(const std::string& name, int time_steps, int vocab, int width, int batch, ParamStore& ps,
              bool positions = true);
    void init(Rng& rng) override;
    std::vector<SummaryRow> summary() const override;
    // A table lookup: no multiply-adds (macs() is 0).

    // What the first self-attention layer reads to fold its projections into the tables
    // (core/self_attention.hpp): the tables' indices in the store, and the token ids of the last
    // forward (1, T*B).
    int vocab() const { return V_; }
    bool positions() const { return iP_ >= 0; }
    int token_table() const { return iE_; }
    int position_table() const { return iP_; }
    const Mat& ids() const { return *x_; }

protected:
    const Mat& run_forward(const Mat& x, bool training) override;
    const Mat& run_backward(const Mat& dy) override;

private:
    ParamStore& ps_;
    int V_;
    int iE_ = -1, iP_ = -1;
};

}  // namespace attn
