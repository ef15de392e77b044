// GRU with Keras's conventions, so weights interoperate, in both of Keras's variants:
//   x (D, T*B), kernel Wx (3H, D) [Keras (D, 3H)], recurrent Wh (3H, H) [Keras (H, 3H)];
//   gate blocks of H rows in Keras order z, r, h.
// reset_after = true (Keras 2's default, TF 2's and cuDNN's; PyTorch's equations): the reset
// gate scales the candidate's recurrent product, bias included.
//   bias (3H, 2) [Keras (2, 3H): row 0 input bias bx, row 1 recurrent bias bh]
//   xz, xr, xh = Wx x_t + bx          hz, hr, hh = Wh h_{t-1} + bh
//   z = sigmoid(xz + hz), r = sigmoid(xr + hr), n = tanh(xh + r * hh)
// reset_after = false (Keras's reset_after=False, the GRU TF.js has): the reset gate scales
// h_{t-1} before the candidate's recurrent product; one bias.
//   bias (3H, 1) [Keras (3H,)]
//   xz, xr, xh = Wx x_t + b
//   z = sigmoid(xz + Wh_z h_{t-1}), r = sigmoid(xr + Wh_r h_{t-1}),
//   n = tanh(xh + Wh_h (r * h_{t-1}))
// Both: h_t = z * h_{t-1} + (1 - z) * n,   h_{-1} = 0.
// Init: glorot_uniform kernel, orthogonal recurrent kernel, zero biases.
#pragma once

#include "recurrent.hpp"

namespace attn {

class GRU : public Recurrent {
public:
    GRU(const std::string& name, Shape in, int units, bool return_sequences, int batch,
        ParamStore& ps, bool reset_after = true);
    void init(Rng& rng) override;

protected:
    const Mat& run_forward(const Mat& x, bool training) override;
    const Mat& run_backward(const Mat& dy) override;

private:
    // The two variants, each forward beside its backward (gru.cpp).
    const Mat& forward_reset_after(const Mat& x);
    const Mat& backward_reset_after(const Mat& dy);
    const Mat& forward_reset_before(const Mat& x);
    const Mat& backward_reset_before(const Mat& dy);

    bool reset_after_;
    // kept for backward (and G_: z, r, n after their nonlinearity)
    Mat HH_;  // (H, T*B) reset_after: hh = recurrent part of the candidate, Wh_h h_{t-1} + bh_h
    Mat RH_;  // (H, T*B) reset before: r * h_{t-1}, the candidate's recurrent input
    // scratch
    Mat hw_;   // (H, B) Wh_h h_{t-1} (reset_after; the cell adds bh_h) or Wh_h (r * h_{t-1})
    Mat bx_;   // (3H, 1) reset_after: the input product's bias, bx + bh for z and r, bx for h
    Mat dX_;   // (3H, B) dL/d(Wx x_t + bx) of the current step
    Mat dHW_;  // (3H, B) reset_after: dL/d(Wh h_{t-1} + bh) of the current step
    Mat dRH_;  // (H, B) reset before: dL/d(r * h_{t-1}) of the current step
};

}  // namespace attn
