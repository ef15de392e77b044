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

}  // namespace attn
