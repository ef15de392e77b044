// A model as a sequence of layers, built from a Config for one batch size. The config's task
// says whether inputs are vectors or sequences and what the head is; its cell, attention and
// placement say what comes between:
//
//   cell none      x (D)    -> [Attention2D] -> Dense(units) -> [Dropout] -> head
//   block, before  x (T, D) -> Attention3D -> LSTM|GRU(units) -> [Dropout] -> head
//   block, after   x (T, D) -> LSTM|GRU(units, seq) -> Attention3D -> Flatten -> [Dropout] -> head
//   many_to_one    x (T, D) -> LSTM|GRU(units, seq) -> Attention(attention_units, score) -> [Dropout] -> head
//   none           x (T, D) -> LSTM|GRU(units) -> [Dropout] -> head
//   head: Dense(1, sigmoid) or Dense(1, linear), as the task says ("output")
//   self_attention x (T, 1) token ids -> Embedding(vocab_size, units) + positions ("embedding")
//                  -> layers x CausalSelfAttention(heads) ("self_attention", "self_attention_1", ...;
//                     the first folds its projections into the embedding tables when
//                     vocab_size + T < T * batch_size: core/self_attention.hpp)
//                  -> [Dropout] -> Dense(vocab_size, softmax) on every step ("output")
//   seq2seq        x (Ts+Tt, 1) source ids, then the decoder's inputs -> Seq2Seq(cell, score)
//                  (core/seq2seq.hpp: embeddings, encoder, decoder, attention) -> [Dropout]
//                  -> Dense(vocab_size, softmax) on every output step ("output")
//
// Several Model instances (one per batch size in use) share one ParamStore: the first declares
// the parameters, the others find them. A model is laid out when built and takes its memory in
// allocate(), so floats() can be checked against a budget first.
#pragma once

#include <vector>

#include "config.hpp"
#include "layer.hpp"

namespace attn {

class Model {
public:
    Model(const Config& c, int batch, ParamStore& ps, Rng& dropout_rng);

    long long floats() const;  // what allocate() takes: every layer's buffers
    double macs() const;       // the layers' multiply-adds for one sample's forward pass
    double init_flops() const; // what init() takes beyond one draw per weight
    void allocate();
    void init(Rng& rng);  // Keras initialisers, layer by layer, into the store the layers hold
    const Mat& forward(const Mat& x, bool training);
    void backward(const Mat& dy);         // accumulates into the store's gradients

    int batch() const { return B_; }
    Shape input_shape() const { return in_; }
    const std::vector<LayerPtr>& layers() const { return layers_; }
    // The attention layer, or nullptr for a model without attention (self_attention: the last;
    // seq2seq: the Seq2Seq layer, which holds it).
    const Layer* attention() const { return attention_; }
    // Every self-attention layer, first to last (empty for the other models).
    const std::vector<const Layer*>& self_attention() const { return self_attention_; }
    // Output of the layer (or named intermediate, e.g. "attention_vec") of the last forward.
    // Returns nullptr for an unknown name.
    const Mat* activation(const std::string& name, Shape* shape) const;
    std::vector<SummaryRow> summary() const;

private:
    int B_;
    Shape in_;
    std::vector<LayerPtr> layers_;
    const Layer* attention_ = nullptr;
    std::vector<const Layer*> self_attention_;
};

}  // namespace attn
