// Keras's weight initialisers, drawn from the project's own Rng. Each fills a parameter in
// memory order, which is Keras's row-major order of its (fan_in, fan_out) kernel.
#pragma once

#include "rng.hpp"
#include "tensor.hpp"

namespace attn {

// U(-l, l) with l = sqrt(6 / (fan_in + fan_out)).
void glorot_uniform(MatMap w, int fan_in, int fan_out, Rng& rng);

// Keras's orthogonal(gain=1) for a kernel Keras shapes (rows_k, cols_k), rows_k <= cols_k:
// QR of a (cols_k x rows_k) standard-normal matrix, Q with sign(diag R) folded in, transposed.
// Our column-major (cols_k, rows_k) view of that kernel is Q itself: orthonormal columns.
void orthogonal(MatMap w, Rng& rng);
// The floating-point operations orthogonal() takes for an (m, n) matrix, counted from its loops:
// two Gram-Schmidt passes of a dot product and an update (4m each) per pair of columns, then a
// norm and a division per column: 4 m n (n - 1) + 3 m n. Cubic in n: 1.7e10 for an LSTM of
// 1024 units (m = 4096, n = 1024).
double orthogonal_flops(double m, double n);

}  // namespace attn
