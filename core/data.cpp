#include "data.hpp"

#include <algorithm>
#include <string>
#include <utility>

namespace attn {

namespace {
// n samples of (time, dim), with a ground-truth mask over the positions or none.
Dataset sized(int n, int time, int dim, bool truth) {
    Dataset d;
    d.n = n;
    d.time = time;
    d.dim = dim;
    d.positions = truth ? (time > 0 ? time : dim) : 0;
    d.x.resize(size_t(n) * d.sample_size());
    d.y.resize(size_t(n));
    d.mask.assign(size_t(n) * d.positions, 0);
    return d;
}

// Draw x then y, as NumPy does in the seed, then write the target into x.
Dataset draw(int n, int time, int dim, int column, Rng& rng) {
    Dataset d = sized(n, time, dim, true);
    for (float& v : d.x) v = float(rng.normal());
    for (float& v : d.y) v = float(rng.below(2));
    for (int i = 0; i < n; ++i) d.mask[size_t(i) * d.positions + column] = 1;
    return d;
}
}  // namespace

Dataset get_data(int n, int input_dim, int attention_column, Rng& rng) {
    Dataset d = draw(n, 0, input_dim, attention_column, rng);
    for (int i = 0; i < n; ++i) d.x[size_t(i) * input_dim + attention_column] = d.y[i];
    return d;
}

Dataset get_data_recurrent(int n, int time_steps, int input_dim, int attention_column, Rng& rng) {
    Dataset d = draw(n, time_steps, input_dim, attention_column, rng);
    for (int i = 0; i < n; ++i)
        for (int k = 0; k < input_dim; ++k)
            d.x[(size_t(i) * time_steps + attention_column) * input_dim + k] = d.y[i];
    return d;
}

Dataset find_max(int n, int time_steps, Rng& rng) {
    Dataset d = sized(n, time_steps, 1, true);
    for (int i = 0; i < n; ++i) {
        float* x = d.x.data() + size_t(i) * time_steps;
        int at = 0;
        for (int t = 0; t < time_steps; ++t) {
            // Beta(a, 1) is U^(1/a): U^10 for a = 1/10, by multiplication (no pow: libm differs).
            const double u = rng.uniform01(), u2 = u * u, u4 = u2 * u2, u5 = u4 * u;
            x[t] = float(u5 * u5);
            if (x[t] > x[at]) at = t;  // the first of equal maxima
        }
        d.y[size_t(i)] = x[at];
        d.mask[size_t(i) * time_steps + at] = 1;
    }
    return d;
}

Dataset add_two_numbers(int n, int time_steps, Rng& rng) {
    Dataset d = sized(n, time_steps, 1, true);
    const uint32_t steps = uint32_t(time_steps - 1);  // summands at 1 .. T-1
    for (int i = 0; i < n; ++i) {
        float* x = d.x.data() + size_t(i) * time_steps;
        for (int t = 0; t < time_steps; ++t) x[t] = float(rng.uniform01());
        // Two steps at least 2 apart, uniform over such pairs: neither delimiter is a summand.
        int a, b;
        do {
            a = 1 + int(rng.below(steps));
            b = 1 + int(rng.below(steps));
        } while (a - b < 2 && b - a < 2);
        if (a > b) std::swap(a, b);
        x[a - 1] = 0.0f;
        x[b - 1] = 0.0f;
        d.y[size_t(i)] = x[a] + x[b];
        d.mask[size_t(i) * time_steps + a] = 1;
        d.mask[size_t(i) * time_steps + b] = 1;
    }
    return d;
}

Dataset noise(int n, int time_steps, int input_dim, Rng& rng) {
    Dataset d = sized(n, time_steps, input_dim, false);
    for (float& v : d.x) v = float(rng.uniform01());
    for (float& v : d.y) v = float(rng.uniform01());
    return d;
}

namespace {
// n token sequences of T steps: x (n, T, 1), y (n, T), mask (n, T, T).
Dataset tokens(int n, int T) {
    Dataset d;
    d.n = n;
    d.time = T;
    d.dim = 1;
    d.outputs = T;
    d.positions = T * T;
    d.x.resize(size_t(n) * T);
    d.y.resize(size_t(n) * T);
    d.mask.assign(size_t(n) * d.positions, 0);
    return d;
}
// Sample i's x and y from its T + 1 tokens s.
void next_token(Dataset& d, int i, const std::vector<int>& s) {
    const int T = d.time;
    for (int t = 0; t < T; ++t) {
        d.x[size_t(i) * T + t] = float(s[size_t(t)]);
        d.y[size_t(i) * T + t] = float(s[size_t(t) + 1]);
    }
}
uint8_t* row(Dataset& d, int i, int t) { return d.mask.data() + size_t(i) * d.positions + size_t(t) * d.time; }
}  // namespace

Dataset previous_token(int n, int T, int V, Rng& rng) {
    Dataset d = tokens(n, T);
    for (int i = 0; i < n; ++i) {
        float *x = d.x.data() + size_t(i) * T, *y = d.y.data() + size_t(i) * T;
        for (int t = 0; t < T; ++t) x[t] = float(rng.below(uint32_t(V)));
        y[0] = x[0];
        for (int t = 1; t < T; ++t) {
            y[t] = x[t - 1];
            row(d, i, t)[t - 1] = 1;
        }
    }
    return d;
}

Dataset induction(int n, int T, int V, Rng& rng) {
    Dataset d = tokens(n, T);
    const int most = (T + 1) / 2, least = std::max(2, (most + 1) / 2);
    std::vector<int> p(static_cast<size_t>(most)), s(static_cast<size_t>(T) + 1);
    for (int i = 0; i < n; ++i) {
        // The prefix's length varies, so where the answer sits is not a fixed offset: only
        // "find the previous occurrence, read the token after it" works.
        const int L = least + int(rng.below(uint32_t(most - least + 1)));
        for (int k = 0; k < L; ++k) p[size_t(k)] = int(rng.below(uint32_t(V)));
        for (int k = 0; k <= T; ++k) s[size_t(k)] = p[size_t(k % L)];
        next_token(d, i, s);
        for (int t = L; t < T; ++t) row(d, i, t)[t - L + 1] = 1;
    }
    return d;
}

Dataset sort_tokens(int n, int T, int V, Rng& rng) {
    Dataset d = tokens(n, T);
    const int m = T / 2, sep = V - 1;
    std::vector<int> s(size_t(T) + 1, sep), count(size_t(V), 0);
    for (int i = 0; i < n; ++i) {
        std::fill(count.begin(), count.end(), 0);
        for (int k = 0; k < m; ++k) {
            s[size_t(k)] = int(rng.below(uint32_t(V - 1)));
            ++count[size_t(s[size_t(k)])];
        }
        int at = m + 1;  // after the separator at m: the same tokens in order (a counting sort)
        for (int v = 0; v < V - 1; ++v)
            for (int c = 0; c < count[size_t(v)]; ++c) s[size_t(at++)] = v;
        next_token(d, i, s);
        for (int k = 0; k < m; ++k) {  // y_t = b_k at t = m + k: the a_i holding b_k
            uint8_t* r = row(d, i, m + k);
            for (int j = 0; j < m; ++j) r[j] = s[size_t(j)] == s[size_t(m + 1 + k)];
        }
    }
    return d;
}

}  // namespace attn

namespace attn {

namespace {
// n translation samples: x (n, Ts, 1), y (n, Tt), mask (n, Tt, Ts).
Dataset translation_data(int n, int Ts, int Tt) {
    Dataset d;
    d.n = n;
    d.time = Ts;
    d.dim = 1;
    d.outputs = Tt;
    d.positions = Tt * Ts;
    d.x.resize(size_t(n) * Ts);
    d.y.resize(size_t(n) * Tt);
    d.mask.assign(size_t(n) * d.positions, 0);
    return d;
}
uint8_t* alignment(Dataset& d, int i, int t) { return d.mask.data() + size_t(i) * d.positions + size_t(t) * d.time; }
}  // namespace

Dataset reverse_sequence(int n, int Ts, int V, Rng& rng) {
    Dataset d = translation_data(n, Ts, Ts);
    for (int i = 0; i < n; ++i) {
        float *x = d.x.data() + size_t(i) * Ts, *y = d.y.data() + size_t(i) * Ts;
        for (int s = 0; s < Ts; ++s) x[s] = float(1 + rng.below(uint32_t(V - 1)));
        for (int t = 0; t < Ts; ++t) {
            y[t] = x[Ts - 1 - t];
            alignment(d, i, t)[Ts - 1 - t] = 1;
        }
    }
    return d;
}

Dataset sort_digits(int n, int Ts, int V, Rng& rng) {
    Dataset d = translation_data(n, Ts, Ts);
    std::vector<int> count(size_t(V), 0);
    for (int i = 0; i < n; ++i) {
        float *x = d.x.data() + size_t(i) * Ts, *y = d.y.data() + size_t(i) * Ts;
        std::fill(count.begin(), count.end(), 0);
        for (int s = 0; s < Ts; ++s) {
            const int v = 1 + int(rng.below(uint32_t(V - 1)));
            x[s] = float(v);
            ++count[size_t(v)];
        }
        int t = 0;  // a counting sort
        for (int v = 1; v < V; ++v)
            for (int k = 0; k < count[size_t(v)]; ++k, ++t) {
                y[t] = float(v);
                uint8_t* row = alignment(d, i, t);
                for (int s = 0; s < Ts; ++s) row[s] = x[s] == float(v);
            }
    }
    return d;
}

namespace {
bool leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }
int days_in(int y, int m) {
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && leap(y) ? 29 : days[m - 1];
}
int date_id(char c) {
    for (int k = 0; kDateAlphabet[k]; ++k)
        if (kDateAlphabet[k] == c) return k + 1;
    return 0;  // not reached: every character written below is in the alphabet
}

}  // namespace

Dataset date_conversion(int n, int Ts, Rng& rng) {
    static const char* kMonths[12] = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN",
                                      "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};
    Dataset d = translation_data(n, Ts, kIsoDateLength);
    for (int i = 0; i < n; ++i) {
        const int year = 1950 + int(rng.below(100)), month = 1 + int(rng.below(12));
        const int day = 1 + int(rng.below(uint32_t(days_in(year, month))));
        const int format = int(rng.below(5));
        // The text, part by part, each part's characters' positions noted.
        std::string text;
        int year_at[4], month_at[3], day_at[2], month_chars = 2;
        auto number = [&](int value, int count, int* at) {
            for (int k = 0, scale = count == 4 ? 1000 : 10; k < count; ++k, scale /= 10) {  // zero-padded
                at[k] = int(text.size());
                text += char('0' + value / scale % 10);
            }
        };
        auto name = [&] {
            month_chars = 3;
            for (int k = 0; k < 3; ++k) {
                month_at[k] = int(text.size());
                text += kMonths[month - 1][k];
            }
        };
        switch (format) {
            case 0: number(day, 2, day_at); text += ' '; name(); text += ' '; number(year, 4, year_at); break;  // 07 SEP 2017
            case 1: name(); text += ' '; number(day, 2, day_at); text += ", "; number(year, 4, year_at); break;  // SEP 07, 2017
            case 2: number(month, 2, month_at); text += '/'; number(day, 2, day_at); text += '/'; number(year, 4, year_at); break;
            case 3: number(day, 2, day_at); text += '.'; number(month, 2, month_at); text += '.'; number(year, 4, year_at); break;
            default: number(year, 4, year_at); number(month, 2, month_at); number(day, 2, day_at); break;  // 20170907
        }
        const int pad = Ts - int(text.size());
        float* x = d.x.data() + size_t(i) * Ts;
        for (int s = 0; s < Ts; ++s) x[s] = s < pad ? 0.0f : float(date_id(text[size_t(s - pad)]));
        const char iso[kIsoDateLength] = {char('0' + year / 1000), char('0' + year / 100 % 10), char('0' + year / 10 % 10),
                                          char('0' + year % 10), '-', char('0' + month / 10), char('0' + month % 10),
                                          '-', char('0' + day / 10), char('0' + day % 10)};
        float* y = d.y.data() + size_t(i) * kIsoDateLength;
        for (int t = 0; t < kIsoDateLength; ++t) y[t] = float(date_id(iso[t]));
        for (int t = 0; t < 4; ++t) alignment(d, i, t)[pad + year_at[t]] = 1;
        for (int t = 5; t < 7; ++t) {
            uint8_t* row = alignment(d, i, t);
            if (month_chars == 3)
                for (int k = 0; k < 3; ++k) row[pad + month_at[k]] = 1;
            else
                row[pad + month_at[t - 5]] = 1;
        }
        for (int t = 8; t < 10; ++t) alignment(d, i, t)[pad + day_at[t - 8]] = 1;
    }
    return d;
}

}  // namespace attn
