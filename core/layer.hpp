// The interface every layer implements. A layer is built for a fixed input shape and a fixed
// batch size B, so its buffers are sized once and the training loop never allocates.
//
//   forward(x):  reads x (input_shape, B), writes and returns y (output_shape, B); keeps
//                what backward needs as named members (and a pointer to x, which the caller
//                keeps alive and unchanged until backward).
//   backward(dy): returns dx = dL/dx and ACCUMULATES (+=) dL/dparams into the gradient
//                buffer; zeroing gradients is the model's one explicit call. A layer told
//                that nothing reads its dx (the model's first layer) may skip computing it.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "params.hpp"
#include "rng.hpp"
#include "tensor.hpp"

namespace attn {

// One row of a Keras-style model summary.
struct SummaryRow {
    std::string name, kind, output_shape;
    long long params = 0;
};

class Layer {
public:
    Layer(std::string name, Shape in, Shape out, int batch)
        : name_(std::move(name)), in_(in), out_(out), B_(batch) {}
    virtual ~Layer() = default;

    virtual const Mat& forward(const Mat& x, bool training) = 0;
    virtual const Mat& backward(const Mat& dy) = 0;

    // Keras initialisers (glorot_uniform, orthogonal, zeros, ...); no-op without parameters.
    virtual void init(ParamStore&, Rng&) {}
    // Named intermediate results besides the output (e.g. "attention_probs"); nullptr if none.
    virtual const Mat* named_output(const std::string&, Shape* shape) const {
        (void)shape;
        return nullptr;
    }
    virtual std::vector<SummaryRow> summary() const = 0;

    const std::string& name() const { return name_; }
    Shape input_shape() const { return in_; }
    Shape output_shape() const { return out_; }
    virtual const Mat& output() const { return y_; }  // the last forward's output, laid out as output_shape()
    int batch() const { return B_; }
    void skip_input_grad() { input_grad_ = false; }  // backward need not compute dx

protected:
    std::string name_;
    Shape in_, out_;
    int B_;
    bool input_grad_ = true;
    const Mat* x_ = nullptr;  // cached for backward: the input of the last forward
    Mat y_;                   // (out, B) output
    Mat dx_;                  // (in, B) gradient w.r.t. the input
};

using LayerPtr = std::unique_ptr<Layer>;

}  // namespace attn
