// All trainable parameters live in one flat buffer, their gradients in another of the same
// layout; each layer keeps indices of its parameters and reads them through Eigen maps.
// The optimizer walks the flat buffers and knows nothing about layers.
//
// Each parameter is stored column-major as (rows, cols) = Keras's shape reversed, so its
// memory is exactly Keras's row-major array: a Dense kernel Keras calls (in, out) is our
// (out, in) matrix W with y = W x. get/set weights therefore copy buffers verbatim.
#pragma once

#include <string>
#include <vector>

#include "tensor.hpp"

namespace attn {

struct Param {
    std::string name;              // e.g. "lstm/kernel"
    std::vector<int> keras_shape;  // e.g. {2, 128}
    int rows = 0, cols = 0;        // our column-major view
    size_t offset = 0;             // into the flat buffers
};

class ParamStore {
public:
    // Before seal(): declare a new parameter; a name declared twice is an error (two layers
    // would silently share it). After seal(): find the parameter of that name and shape,
    // which is how the models for other batch sizes share the first model's.
    int declare(const std::string& name, int rows, int cols, std::vector<int> keras_shape);
    void seal() { sealed_ = true; }
    void allocate();  // seals; sizes value and grad, both zero

    MatMap value(int i) { return MatMap(value_.data() + list_[i].offset, list_[i].rows, list_[i].cols); }
    MatMap grad(int i) { return MatMap(grad_.data() + list_[i].offset, list_[i].rows, list_[i].cols); }
    void zero_grad() { grad_.setZero(); }

    const std::vector<Param>& list() const { return list_; }
    Vec& values() { return value_; }
    Vec& grads() { return grad_; }
    size_t size() const { return size_; }

private:
    std::vector<Param> list_;
    size_t size_ = 0;
    bool sealed_ = false;
    Vec value_, grad_;
};

}  // namespace attn
