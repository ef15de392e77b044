// LSTM with Keras's conventions, so weights interoperate:
//   x (D, T*B), kernel Wx (4H, D) [Keras (D, 4H)], recurrent Wh (4H, H) [Keras (H, 4H)],
//   bias b (4H); gate blocks of H rows in Keras order i, f, c, o.
//   z_t = Wx x_t + Wh h_{t-1} + b
//   i = sigmoid(z_i), f = sigmoid(z_f), g = tanh(z_c), o = sigmoid(z_o)
//   c_t = f * c_{t-1} + i * g,   h_t = o * tanh(c_t),   h_{-1} = c_{-1} = 0
//   y = h_t for all t (H, T*B) with return_sequences, else h_{T-1} (H, B).
// Init: glorot_uniform kernel, orthogonal recurrent kernel, zero bias with unit_forget_bias
// (the f block starts at 1).
#pragma once

#include "layer.hpp"

namespace attn {

class LSTM : public Layer {
public:
    LSTM(const std::string& name, Shape in, int units, bool return_sequences, int batch,
         ParamStore& ps);
    void init(Rng& rng) override;
    double macs() const override;        // per step: Wx x_t and Wh h_{t-1}
    double init_flops() const override;  // the orthogonal recurrent kernel (4H, H)
    std::vector<SummaryRow> summary() const override;

protected:
    const Mat& run_forward(const Mat& x, bool training) override;
    const Mat& run_backward(const Mat& dy) override;

private:
    ParamStore& ps_;
    int H_;
    bool return_sequences_;
    int iWx_, iWh_, ib_;
    // kept for backward
    Mat G_;   // (4H, T*B) gate values i, f, g, o after their nonlinearity
    Mat C_;   // (H, T*B) cell states c_t
    Mat TC_;  // (H, T*B) tanh(c_t)
    Mat hs_own_;  // the hidden states when the layer returns only the last one
    Mat& Hs_;     // (H, T*B) hidden states h_t: y_ itself when it returns sequences
    // backward scratch
    Mat dZ_;       // (4H, B) dL/dz of the current step
    Mat dh_, dc_;  // (H, B) gradient flowing into h_t, c_t from step t+1 (and from dy)
    Mat zero_;     // (H, B) zeros: c_{-1}
    Mat WhT_;      // (H, 4H) Wh transposed, for the per-step dh_prev = Wh^T dz
};

}  // namespace attn
