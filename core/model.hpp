// The seed's models as a sequence of layers, built from a Config for one batch size. Several
// Model instances (one per batch size in use) share one ParamStore, so training, the last
// partial batch and inference each keep their own buffers and none of them reallocates.
//
//   dense        x (D)    -> Attention2D -> Dense(units) -> [Dropout] -> Dense(1, sigmoid)
//   *_after      x (T, D) -> LSTM|GRU(units, seq) -> Attention3D -> Flatten -> [Dropout] -> Dense(1, sigmoid)
//   *_before     x (T, D) -> Attention3D -> LSTM|GRU(units) -> [Dropout] -> Dense(1, sigmoid)
#pragma once

#include <vector>

#include "config.hpp"
#include "layer.hpp"

namespace attn {

class Model {
public:
    Model(const Config& c, int batch, ParamStore& ps, Rng& dropout_rng);

    void init(ParamStore& ps, Rng& rng);  // Keras initialisers, layer by layer
    const Mat& forward(const Mat& x, bool training);
    void backward(const Mat& dy);         // accumulates into the store's gradients

    int batch() const { return B_; }
    Shape input_shape() const { return in_; }
    const std::vector<LayerPtr>& layers() const { return layers_; }
    // Output of the layer (or named intermediate, e.g. "attention_vec") of the last forward.
    // Returns nullptr for an unknown name.
    const Mat* activation(const std::string& name, Shape* shape) const;
    std::vector<SummaryRow> summary() const;

private:
    int B_;
    Shape in_;
    std::vector<LayerPtr> layers_;
};

}  // namespace attn
