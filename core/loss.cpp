#include "loss.hpp"

#include "config.hpp"
#include "rng.hpp"

namespace attn {

const std::vector<std::string>& loss_names() {
    static const std::vector<std::string> names{"binary_crossentropy", "mse", "mae", "sparse_categorical_crossentropy"};
    return names;
}

Loss parse_loss(const std::string& n) {
    const auto& names = loss_names();
    for (size_t i = 0; i < names.size(); ++i)
        if (n == names[i]) return Loss(i);
    throw ConfigError("loss", "unknown loss " + quoted(n) + " (expected binary_crossentropy, mse, mae or sparse_categorical_crossentropy)");
}

const char* loss_name(Loss l) { return loss_names()[size_t(l)].c_str(); }

float loss_forward(Loss l, const Mat& p, const Mat& y) {
    const float n = float(p.size());
    switch (l) {
        case Loss::binary_crossentropy: {
            // L = -mean(y log q + (1 - y) log(1 - q)),  q = clip(p, eps, 1 - eps)
            const auto q = p.array().max(kKerasEpsilon).min(1.0f - kKerasEpsilon);
            return -(y.array() * q.log() + (1.0f - y.array()) * (1.0f - q).log()).sum() / n;
        }
        case Loss::mse: return (p - y).squaredNorm() / n;          // mean((p - y)^2)
        case Loss::mae: return (p - y).cwiseAbs().sum() / n;       // mean(|p - y|)
        case Loss::sparse_categorical_crossentropy: {
            // L = -mean_j log(max(p[y_j, j], eps)), summed in column order in double
            double sum = 0;
            for (Eigen::Index j = 0; j < p.cols(); ++j) {
                const float q = p(Eigen::Index(y(0, j)), j);
                sum -= portable_log(double(q > kKerasEpsilon ? q : kKerasEpsilon));
            }
            return float(sum / double(p.cols()));
        }
    }
    return 0.0f;
}

void loss_backward(Loss l, const Mat& p, const Mat& y, Mat& dp) {
    const float n = float(p.size());
    switch (l) {
        case Loss::binary_crossentropy: {
            // dL/dp = (q - y) / (q (1 - q)) / n inside the clip range, its bounds included, 0
            // outside: the clip's gradient passes where p is at a bound (tf.clip_by_value's
            // and TF.js's clipByValue's zero only x < min and x > max)
            const auto P = p.array(), Y = y.array();
            const auto inside = (P >= kKerasEpsilon) && (P <= 1.0f - kKerasEpsilon);
            dp.array() = inside.select((P - Y) / (P * (1.0f - P)) / n, 0.0f);
            break;
        }
        case Loss::mse: dp.array() = 2.0f * (p - y).array() / n; break;
        case Loss::mae:  // d|e|/de = sign(e), 0 at 0
            dp.array() = (p - y).array().sign() / n;
            break;
        case Loss::sparse_categorical_crossentropy: {  // fused: dL/dz = (p - onehot(y)) / N
            const float N = float(p.cols());
            dp.array() = p.array() / N;
            for (Eigen::Index j = 0; j < p.cols(); ++j) dp(Eigen::Index(y(0, j)), j) = (p(Eigen::Index(y(0, j)), j) - 1.0f) / N;
            break;
        }
    }
}

float binary_accuracy(const Mat& p, const Mat& y) {
    const auto hit = ((p.array() > 0.5f).cast<float>() == y.array()).cast<float>();
    return hit.sum() / float(p.size());
}

float token_accuracy(const Mat& p, const Mat& y) {
    int hits = 0;
    for (Eigen::Index j = 0; j < p.cols(); ++j) {
        Eigen::Index best = 0;
        for (Eigen::Index v = 1; v < p.rows(); ++v)
            if (p(v, j) > p(best, j)) best = v;
        hits += best == Eigen::Index(y(0, j));
    }
    return float(hits) / float(p.cols());
}

}  // namespace attn
