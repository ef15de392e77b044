// Types and memory layout shared by every layer.
//
// Eigen is column-major, so one sample is one column:
//   vector batch    (F, B)       column b      = sample b
//   sequence batch  (F, T*B)     column t*B+b  = time step t of sample b
// The B columns of one time step are contiguous (X.middleCols(t*B, B)), which is what the
// recurrent layers multiply per step. Letters used in shape comments throughout core/:
//   B batch, T time steps, D input features, F features of a layer's input, H units.
#pragma once

#include <Eigen/Core>
#include <string>
#include <vector>

namespace attn {

using Mat = Eigen::MatrixXf;
using Vec = Eigen::VectorXf;
using MatMap = Eigen::Map<Mat>;

// Shape of one sample, without the batch: time == 0 means a plain vector of `features`.
struct Shape {
    int time = 0;
    int features = 0;
    bool is_sequence() const { return time > 0; }
    int steps() const { return time > 0 ? time : 1; }  // columns per sample
    int size() const { return steps() * features; }
    bool operator==(const Shape& o) const { return time == o.time && features == o.features; }
    // Keras-style "(None, 20, 32)".
    std::string keras() const;
};

// A dense, row-major array in Keras's order and shape, e.g. (n, T, D): what the API hands out.
struct Tensor {
    std::vector<int> shape;
    std::vector<float> data;
};

// Batch matrix (F, steps*B) <-> Keras-ordered tensor (B, [T,] F).
Tensor to_tensor(const Mat& m, Shape s, int batch);
// sums[i] += m(i, j) for j = 0, 1, ... in order (bias gradients: a sum over the batch and time).
// Rows 16 at a time in registers, summed across the columns.
void add_row_sums(const Mat& m, float* sums);

// Gather samples rows[0..B) of `samples` (each s.size() floats in Keras order) into `out`.
void gather(const float* samples, const int* rows, int B, Shape s, Mat& out);

}  // namespace attn
