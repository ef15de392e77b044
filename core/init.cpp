#include "init.hpp"

#include <cmath>
#include <vector>

namespace attn {

void glorot_uniform(MatMap w, int fan_in, int fan_out, Rng& rng) {
    const float limit = float(std::sqrt(6.0 / double(fan_in + fan_out)));
    float* p = w.data();
    for (Eigen::Index i = 0; i < w.size(); ++i) p[i] = rng.uniform(-limit, limit);
}

double orthogonal_flops(double m, double n) { return 4.0 * m * n * (n - 1.0) + 3.0 * m * n; }

void orthogonal(MatMap w, Rng& rng) {
    // w is (m, n) with m >= n. Modified Gram-Schmidt in double, twice for accuracy, gives the
    // QR factor whose R has a positive diagonal: exactly Keras's "q *= sign(diag(r))".
    // Plain loops keep the arithmetic identical on every platform.
    const int m = int(w.rows()), n = int(w.cols());
    // Keras draws the (n, m) kernel row-major and transposes it: that is column-major (m, n).
    std::vector<double> a(size_t(m) * n);
    for (double& v : a) v = rng.normal();
    for (int c = 0; c < n; ++c) {
        double* q = &a[size_t(c) * m];
        for (int pass = 0; pass < 2; ++pass)
            for (int k = 0; k < c; ++k) {
                const double* p = &a[size_t(k) * m];
                double dot = 0.0;
                for (int r = 0; r < m; ++r) dot += p[r] * q[r];
                for (int r = 0; r < m; ++r) q[r] -= dot * p[r];
            }
        double norm = 0.0;
        for (int r = 0; r < m; ++r) norm += q[r] * q[r];
        norm = std::sqrt(norm);
        for (int r = 0; r < m; ++r) q[r] /= norm;
    }
    for (int c = 0; c < n; ++c)
        for (int r = 0; r < m; ++r) w(r, c) = float(a[size_t(c) * m + r]);
}

}  // namespace attn
