// The fused EM pass of a fit: for each block of rows, the E-step (weighted log-probabilities,
// log-sum-exp, responsibilities) and at once the M-step sums, so one pass over the data makes
// one iteration and no n x k responsibilities are stored.
//
// Rows are taken in blocks of 64, transposed (feature-major), so the inner loops run along
// rows: the E-step's sums over features keep each row's order of the row kernel
// (components.hpp: the same log-probabilities), and the M-step's sums over rows go through
// eight fixed lanes (row i adds into lane i mod 8, lanes added in order when a chunk ends),
// never over the build's register width: the same totals on every build and thread count.
// Everything is in double, also for float records.
#pragma once

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <numbers>
#include <vector>

#include "../../simd/lanes.hpp"
#include "components.hpp"

namespace linfa::clustering::gmm_detail {

/// exp(x) for x <= 0 (NaN stays NaN), within 2 ulp, in plain arithmetic that compilers
/// vectorise (libm's exp is a call per value): x = n ln 2 + r with |r| <= ln 2 / 2, a degree-13
/// Taylor polynomial of exp(r) (remainder below 1e-17), scaled by 2^n built in the exponent
/// bits. Values below -708.39 (results under the smallest normal double) give 0.
inline double exp_nonpositive(double x) {
    constexpr double log2e = 1.4426950408889634, ln2_hi = 6.93147180369123816490e-01, ln2_lo = 1.90821492927058770002e-10;  // n * ln2_hi exact
    constexpr double magic = 6755399441055744.0;  // 1.5 * 2^52: adding it rounds to an integer
    const double shifted = x * log2e + magic;
    const double n = shifted - magic;
    const double r = (x - n * ln2_hi) - n * ln2_lo;
    double p = 1.0 / 6227020800.0;  // 1/13!
    p = p * r + 1.0 / 479001600.0;
    p = p * r + 1.0 / 39916800.0;
    p = p * r + 1.0 / 3628800.0;
    p = p * r + 1.0 / 362880.0;
    p = p * r + 1.0 / 40320.0;
    p = p * r + 1.0 / 5040.0;
    p = p * r + 1.0 / 720.0;
    p = p * r + 1.0 / 120.0;
    p = p * r + 1.0 / 24.0;
    p = p * r + 1.0 / 6.0;
    p = p * r + 0.5;
    p = p * r + 1.0;
    p = p * r + 1.0;
    const std::int64_t exponent = std::bit_cast<std::int64_t>(shifted) - std::bit_cast<std::int64_t>(magic);
    const double scale = std::bit_cast<double>(static_cast<std::uint64_t>(exponent + 1023) << 52);
    return x < -708.39 ? 0.0 : p * scale;
}

/// Per-chunk state of the fused pass: block buffers and the lane accumulators.
class EmBlocks {
public:
    /// Rows per block (a multiple of `groups` x `lanes`).
    static constexpr std::size_t block = 64;
    /// Fixed lanes of the M-step sums over rows.
    static constexpr std::size_t lanes = 8;
    /// Groups of `lanes` rows whose triangular products (full, tied) run side by side.
    static constexpr std::size_t groups = 4;

    /// State for a pass under parameters `c`.
    explicit EmBlocks(const Components& c)
        : c_(c),
          k_(c.k),
          d_(c.d),
          square_(c.type == CovarianceType::Full || c.type == CovarianceType::Tied),
          pairs_(square_ ? d_ * (d_ + 1) / 2 : d_),
          per_component_(1 + d_ + pairs_),
          xt_(d_ * block),
          diffs_(k_ * d_ * block),
          values_(k_ * block),
          t_(d_ * block),
          acc_(k_ * per_component_ * lanes, 0.0) {}

    /// The E-step and the M-step sums of rows [begin, begin + rows) (rows <= block), weights
    /// `weight(i)`.
    template <Float F, class Weight>
    void add_block(const F* records, std::size_t begin, std::size_t rows, Weight&& weight) {
        load(records, begin, rows);
        for (std::size_t j = 0; j < k_; ++j) log_prob(j);
        responsibilities(begin, rows, weight);
        for (std::size_t j = 0; j < k_; ++j) accumulate(j);
    }

    /// Adds this chunk's totals to `sums` (SumsLayout order), lanes in order.
    void fold(const SumsLayout& L, double* sums) const {
        sums[0] += log_likelihood_;
        sums[1] += weight_;
        for (std::size_t j = 0; j < k_; ++j) {
            const double* acc = acc_.data() + j * per_component_ * lanes;
            sums[L.nk() + j] += lane_total(acc);
            for (std::size_t a = 0; a < d_; ++a) sums[L.first() + j * d_ + a] += lane_total(acc + (1 + a) * lanes);
            const double* second = acc + (1 + d_) * lanes;
            if (square_) {
                std::size_t p = 0;
                for (std::size_t a = 0; a < d_; ++a) {
                    for (std::size_t b = a; b < d_; ++b, ++p) sums[L.second() + (j * d_ + a) * d_ + b] += lane_total(second + p * lanes);
                }
            } else {
                for (std::size_t a = 0; a < d_; ++a) sums[L.second() + j * d_ + a] += lane_total(second + a * lanes);
            }
        }
    }

private:
    static double lane_total(const double* lane) {
        double total = 0;
        for (std::size_t l = 0; l < lanes; ++l) total += lane[l];
        return total;
    }

    template <Float F>
    void load(const F* records, std::size_t begin, std::size_t rows) {
        for (std::size_t i = 0; i < rows; ++i) {
            const F* x = records + (begin + i) * d_;
            for (std::size_t a = 0; a < d_; ++a) xt_[a * block + i] = double(x[a]);
        }
        for (std::size_t i = rows; i < block; ++i) {
            for (std::size_t a = 0; a < d_; ++a) xt_[a * block + i] = 0.0;
        }
    }

    /// Component j's weighted log-probability of every row of the block, into values_[j]; its
    /// deviations stay in diffs_[j] for the M-step. The same sums, in the same order, as
    /// weighted_log_prob.
    void log_prob(std::size_t j) {
        const double* mu = c_.means.data() + j * d_;
        double* diff = diffs_.data() + j * d_ * block;
        for (std::size_t a = 0; a < d_; ++a) {
            const double m = mu[a];
            const double* x = xt_.data() + a * block;
            double* out = diff + a * block;
            for (std::size_t i = 0; i < block; ++i) out[i] = x[i] - m;
        }
        double sq[block] = {};
        switch (c_.type) {
            case CovarianceType::Full:
            case CovarianceType::Tied: {
                // `groups` x eight rows at a time, so y and the squared norms stay in registers
                // and the groups' chains of additions overlap instead of waiting on each other
                // (each row's sums keep the row kernel's order)
                const double* p = c_.factor(j);
                using simd::lanes::Doubles;
                for (std::size_t g = 0; g < block; g += groups * lanes) {
                    Doubles norm[groups] = {};
                    for (std::size_t b = 0; b < d_; ++b) {
                        Doubles y[groups] = {};
                        for (std::size_t a = 0; a <= b; ++a) {
                            const double pab = p[a * d_ + b];
                            for (std::size_t r = 0; r < groups; ++r) {
                                Doubles da;
                                std::memcpy(&da, diff + a * block + g + r * lanes, sizeof(Doubles));
                                y[r] += da * pab;
                            }
                        }
                        for (std::size_t r = 0; r < groups; ++r) norm[r] += y[r] * y[r];
                    }
                    for (std::size_t r = 0; r < groups; ++r) std::memcpy(sq + g + r * lanes, &norm[r], sizeof(Doubles));
                }
                break;
            }
            case CovarianceType::Diag: {
                const double* p = c_.precisions_chol.data() + j * d_;
                for (std::size_t a = 0; a < d_; ++a) {
                    const double pa = p[a];
                    const double* da = diff + a * block;
                    for (std::size_t i = 0; i < block; ++i) {
                        const double t = da[i] * pa;
                        sq[i] += t * t;
                    }
                }
                break;
            }
            case CovarianceType::Spherical: {
                const double p = c_.precisions_chol(Eigen::Index(j), 0);
                for (std::size_t a = 0; a < d_; ++a) {
                    const double* da = diff + a * block;
                    for (std::size_t i = 0; i < block; ++i) sq[i] += da[i] * da[i];
                }
                for (std::size_t i = 0; i < block; ++i) sq[i] *= p * p;
                break;
            }
        }
        const double constant = double(d_) * std::log(2 * std::numbers::pi);
        const double shift = c_.log_det[j] + c_.log_weights[j];
        double* out = values_.data() + j * block;
        for (std::size_t i = 0; i < block; ++i) out[i] = -0.5 * (constant + sq[i]) + shift;
    }

    /// Log-sum-exp per row; values_ becomes responsibility x weight (0 past the rows). Each
    /// exponential is taken once, exp(v - max), vectorised along the rows (exp_nonpositive).
    template <class Weight>
    void responsibilities(std::size_t begin, std::size_t rows, Weight& weight) {
        double top[block], sum[block] = {}, scale[block];
        for (std::size_t i = 0; i < block; ++i) top[i] = -std::numeric_limits<double>::infinity();
        for (std::size_t j = 0; j < k_; ++j) {
            const double* v = values_.data() + j * block;
            for (std::size_t i = 0; i < block; ++i) top[i] = v[i] > top[i] ? v[i] : top[i];
        }
        for (std::size_t j = 0; j < k_; ++j) {
            double* v = values_.data() + j * block;
            for (std::size_t i = 0; i < block; ++i) {
                v[i] = exp_nonpositive(v[i] - top[i]);
                sum[i] += v[i];
            }
        }
        for (std::size_t i = 0; i < block; ++i) {
            if (i >= rows) {
                scale[i] = 0;
                continue;
            }
            const double w = weight(begin + i);
            log_likelihood_ += w * (top[i] + std::log(sum[i]));
            weight_ += w;
            scale[i] = w / sum[i];
        }
        for (std::size_t j = 0; j < k_; ++j) {
            double* v = values_.data() + j * block;
            for (std::size_t i = 0; i < block; ++i) v[i] *= scale[i];
        }
    }

    /// Component j's M-step sums over the block, into its lane accumulators.
    void accumulate(std::size_t j) {
        const double* rw = values_.data() + j * block;
        const double* diff = diffs_.data() + j * d_ * block;
        double* acc = acc_.data() + j * per_component_ * lanes;
        add_lanes(acc, rw);
        for (std::size_t a = 0; a < d_; ++a) {
            const double* da = diff + a * block;
            double* t = t_.data() + a * block;
            for (std::size_t i = 0; i < block; ++i) t[i] = rw[i] * da[i];
            add_lanes(acc + (1 + a) * lanes, t);
        }
        double* second = acc + (1 + d_) * lanes;
        if (square_) {
            std::size_t p = 0;
            for (std::size_t a = 0; a < d_; ++a) {
                const double* t = t_.data() + a * block;
                for (std::size_t b = a; b < d_; b += 8) {
                    const std::size_t count = std::min<std::size_t>(8, d_ - b);
                    add_products_of(count, second + p * lanes, t, diff + b * block);
                    p += count;
                }
            }
        } else {
            for (std::size_t a = 0; a < d_; ++a) add_products(second + a * lanes, t_.data() + a * block, diff + a * block);
        }
    }

    /// lane[l] += v[i] for i = l mod 8, rows in order.
    static void add_lanes(double* lane, const double* v) {
        double sum[lanes];  // local, so the compiler keeps it in registers (no aliasing with v)
        for (std::size_t l = 0; l < lanes; ++l) sum[l] = lane[l];
        for (std::size_t g = 0; g < block; g += lanes) {
            for (std::size_t l = 0; l < lanes; ++l) sum[l] += v[g + l];
        }
        for (std::size_t l = 0; l < lanes; ++l) lane[l] = sum[l];
    }

    /// add_products for `count` (1 to 8) consecutive columns v, v + block, ... into consecutive
    /// lane groups: the same sums in the same order, but the columns' chains of additions are
    /// independent, so they overlap instead of waiting on each other.
    static void add_products_of(std::size_t count, double* lane, const double* u, const double* v) {
        switch (count) {
            case 1: return add_products_n<1>(lane, u, v);
            case 2: return add_products_n<2>(lane, u, v);
            case 3: return add_products_n<3>(lane, u, v);
            case 4: return add_products_n<4>(lane, u, v);
            case 5: return add_products_n<5>(lane, u, v);
            case 6: return add_products_n<6>(lane, u, v);
            case 7: return add_products_n<7>(lane, u, v);
            default: return add_products_n<8>(lane, u, v);
        }
    }

    template <std::size_t C>
    static void add_products_n(double* lane, const double* u, const double* v) {
        using simd::lanes::Doubles;  // eight doubles in a vector type: kept in registers
        Doubles sum[C];
        for (std::size_t c = 0; c < C; ++c) std::memcpy(&sum[c], lane + c * lanes, sizeof(Doubles));
        for (std::size_t g = 0; g < block; g += lanes) {
            Doubles left;
            std::memcpy(&left, u + g, sizeof(Doubles));
            for (std::size_t c = 0; c < C; ++c) {
                Doubles right;
                std::memcpy(&right, v + c * block + g, sizeof(Doubles));
                sum[c] += left * right;
            }
        }
        for (std::size_t c = 0; c < C; ++c) std::memcpy(lane + c * lanes, &sum[c], sizeof(Doubles));
    }

    /// lane[l] += u[i] v[i] for i = l mod 8, rows in order.
    static void add_products(double* lane, const double* u, const double* v) {
        double sum[lanes];
        for (std::size_t l = 0; l < lanes; ++l) sum[l] = lane[l];
        for (std::size_t g = 0; g < block; g += lanes) {
            for (std::size_t l = 0; l < lanes; ++l) sum[l] += u[g + l] * v[g + l];
        }
        for (std::size_t l = 0; l < lanes; ++l) lane[l] = sum[l];
    }

    const Components& c_;
    std::size_t k_, d_;
    bool square_;
    std::size_t pairs_, per_component_;
    std::vector<double> xt_, diffs_, values_, t_, acc_;
    double log_likelihood_ = 0, weight_ = 0;
};

}  // namespace linfa::clustering::gmm_detail
