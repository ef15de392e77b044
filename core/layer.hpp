// The interface every layer implements. A layer is built for a fixed input shape and a fixed
// batch size B, so its buffers are sized once and the training loop never allocates. Its
// constructor only states each buffer's size (buffer()); allocate() takes the memory, so a
// model's whole footprint is known (buffer_floats()) before any of it is taken. forward()
// allocates first if that has not happened yet.
//
//   forward(x):  reads x (input_shape, B), writes and returns y (output_shape, B); keeps
//                what backward needs as named members (and a pointer to x, which the caller
//                keeps alive and unchanged until backward).
//   backward(dy): returns dx = dL/dx and ACCUMULATES (+=) dL/dparams into the gradient
//                buffer; zeroing gradients is the model's one explicit call. A layer told
//                that nothing reads its dx (the model's first layer) may skip computing it.
// Each layer implements them as run_forward / run_backward.
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

    const Mat& forward(const Mat& x, bool training) {
        if (!allocated_) allocate();
        return run_forward(x, training);
    }
    const Mat& backward(const Mat& dy) { return run_backward(dy); }

    // Takes the memory of every buffer the constructor sized (zero-filled); idempotent. A
    // layer made of layers (core/seq2seq) adds theirs.
    virtual void allocate();
    virtual long long buffer_floats() const;  // the floats allocate() takes

    // Attention layers: the attention each sample of the last forward gives each position of
    // the input (a time step, or a vector's entry), averaged over features where it has them,
    // into out (positions, B). False for other layers.
    virtual bool position_attention(Mat& out) const {
        (void)out;
        return false;
    }
    // The named output that holds the attention (e.g. "attention_vec"), or "" if none.
    virtual const char* attention_output() const { return ""; }

    // Keras initialisers (glorot_uniform, orthogonal, zeros, ...); no-op without parameters.
    virtual void init(Rng&) {}

    // The cost model (estimate()): the multiply-adds of the matrix products in ONE sample's
    // forward pass (elementwise work, activations and softmax not counted), and the
    // floating-point operations init() takes beyond drawing one number per weight (the
    // orthogonal initialiser's Gram-Schmidt). In double: they can pass 2^53 only as estimates.
    virtual double macs() const { return 0; }
    virtual double init_flops() const { return 0; }
    // Named intermediate results besides the output (e.g. "attention_probs"); nullptr if none.
    virtual const Mat* named_output(const std::string&, Shape* shape) const {
        (void)shape;
        return nullptr;
    }
    virtual std::vector<SummaryRow> summary() const = 0;
    // The names activation() reads from this layer: its summary rows' by default.
    virtual std::vector<std::string> output_names() const {
        std::vector<std::string> names;
        for (const auto& r : summary()) names.push_back(r.name);
        return names;
    }

    const std::string& name() const { return name_; }
    Shape input_shape() const { return in_; }
    Shape output_shape() const { return out_; }
    virtual const Mat& output() const { return y_; }  // the last forward's output, laid out as output_shape()
    int batch() const { return B_; }
    void skip_input_grad() {  // backward need not compute dx (nor keep a buffer for it)
        input_grad_ = false;
        buffer(dx_, 0, 0);
    }

protected:
    virtual const Mat& run_forward(const Mat& x, bool training) = 0;
    virtual const Mat& run_backward(const Mat& dy) = 0;
    // States that m is (rows, cols): the sizes are checked and kept, and allocate() sizes m.
    void buffer(Mat& m, long long rows, long long cols);

    std::string name_;
    Shape in_, out_;
    int B_;
    bool input_grad_ = true;
    const Mat* x_ = nullptr;  // cached for backward: the input of the last forward
    Mat y_;                   // (out, B) output
    Mat dx_;                  // (in, B) gradient w.r.t. the input

private:
    struct Buffer {
        Mat* m;
        long long rows, cols;
    };
    std::vector<Buffer> buffers_;
    bool allocated_ = false;
};

using LayerPtr = std::unique_ptr<Layer>;

}  // namespace attn
