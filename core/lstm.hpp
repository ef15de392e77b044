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

#include "recurrent.hpp"

namespace attn {

class LSTM : public Recurrent {
public:
    LSTM(const std::string& name, Shape in, int units, bool return_sequences, int batch,
         ParamStore& ps);
    void init(Rng& rng) override;

protected:
    const Mat& run_forward(const Mat& x, bool training) override;
    const Mat& run_backward(const Mat& dy) override;

private:
    // kept for backward (and G_: i, f, g, o after their nonlinearity)
    Mat C_;   // (H, T*B) cell states c_t
    Mat TC_;  // (H, T*B) tanh(c_t)
    // backward scratch
    Mat dZ_;  // (4H, B) dL/dz of the current step
    Mat dc_;  // (H, B) gradient flowing into c_t from step t+1
};

}  // namespace attn
