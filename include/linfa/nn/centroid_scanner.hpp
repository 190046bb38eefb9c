// One row against every centroid, vectorised across centroids: its nearest and second-nearest
// centroid by squared distance computed in F, exactly as the assignment kernels compute it
// (same operations per distance, ties to the lowest index). Hamerly's iteration scans the rows
// whose bounds fail with it, and the mixed-precision kernel settles near ties with it.
#pragma once

#include <algorithm>
#include <cstdint>
#include <limits>
#include <vector>

#include "../core/matrix.hpp"
#include "../simd/reg.hpp"

namespace linfa::nn {

/// Squared distance accumulated in F, as the assignment kernels compute it: candidates are
/// compared exactly as Lloyd compares them, so both pick the same labels.
template <Float F>
F squared_distance_in(const F* a, const F* b, std::size_t d) {
    F sum = 0;
    for (std::size_t f = 0; f < d; ++f) {
        const F diff = a[f] - b[f];
        sum += diff * diff;
    }
    return sum;
}

/// Nearest and second-nearest centroid of one row, by squared distance computed in F.
template <Float F>
struct NearestTwo {
    /// Index of the nearest centroid (the lowest of tied ones).
    std::int32_t label;
    /// Its squared distance, computed in F (`second`: the runner-up's).
    F best;
    F second;  ///< +inf when there is a single centroid
};

/// All k squared distances of one row at a time, vectorised across centroids: the
/// centroids are stored feature-major (d x k_padded), padding centroids at +infinity.
template <Float F>
class CentroidScanner {
    using R = simd::Reg<F>;
    static constexpr std::size_t sets = 4;  // independent register sets: breaks the min chains

public:
    /// Centroids compared per pass (k is padded to a multiple of it).
    static constexpr std::size_t step = sets * R::lanes;

    /// Copies `centroids` (k x d) feature-major, padded with centroids at +infinity.
    explicit CentroidScanner(const Matrix<F>& centroids)
        : k_(std::size_t(centroids.rows())),
          d_(std::size_t(centroids.cols())),
          k_padded_((k_ + step - 1) / step * step),
          transposed_(d_ * k_padded_, std::numeric_limits<F>::infinity()) {
        for (std::size_t j = 0; j < k_; ++j)
            for (std::size_t f = 0; f < d_; ++f) transposed_[f * k_padded_ + j] = centroids(Eigen::Index(j), Eigen::Index(f));
    }

    /// D > 0: d fixed at compile time. Ties go to the lowest centroid index.
    template <std::size_t D>
    NearestTwo<F> nearest_two(const F* x) const {
        using V = typename R::type;
        using M = typename R::mask;
        const std::size_t d = D ? D : d_;
        const F inf = std::numeric_limits<F>::infinity();
        V best[sets], second[sets];
        M best_index[sets], index[sets];
        for (std::size_t s = 0; s < sets; ++s) {
            best[s] = second[s] = R::splat(inf);
            best_index[s] = R::splat_int(0);
            for (std::size_t l = 0; l < R::lanes; ++l) index[s][l] = simd::lane_int<F>(s * R::lanes + l);
        }
        const M advance = R::splat_int(simd::lane_int<F>(step));
        for (std::size_t j = 0; j < k_padded_; j += step) {
            V dist[sets];
            for (std::size_t s = 0; s < sets; ++s) dist[s] = R::splat(F(0));
            for (std::size_t f = 0; f < d; ++f) {
                const V xf = R::splat(x[f]);
                const F* row = transposed_.data() + f * k_padded_ + j;
                for (std::size_t s = 0; s < sets; ++s) {
                    const V diff = R::load(row + s * R::lanes) - xf;
                    dist[s] += diff * diff;
                }
            }
            for (std::size_t s = 0; s < sets; ++s) {
                const M closer = dist[s] < best[s];
                const V loser = closer ? best[s] : dist[s];
                second[s] = loser < second[s] ? loser : second[s];
                best[s] = closer ? dist[s] : best[s];
                best_index[s] = closer ? index[s] : best_index[s];
                index[s] += advance;
            }
        }
        return reduce(best, second, best_index);
    }

private:
    using V = typename R::type;
    using M = typename R::mask;

    static NearestTwo<F> reduce(const V* best, const V* second, const M* best_index) {
        NearestTwo<F> out{0, std::numeric_limits<F>::infinity(), std::numeric_limits<F>::infinity()};
        for (std::size_t s = 0; s < sets; ++s) {
            for (std::size_t l = 0; l < R::lanes; ++l) {
                const F value = best[s][l];
                const auto at = static_cast<std::int32_t>(best_index[s][l]);
                if (value < out.best || (value == out.best && at < out.label)) {
                    out.second = std::min(out.second, out.best);
                    out.best = value, out.label = at;
                } else {
                    out.second = std::min(out.second, value);
                }
                out.second = std::min(out.second, F(second[s][l]));
            }
        }
        return out;
    }

    std::size_t k_, d_, k_padded_;
    std::vector<F> transposed_;
};

}  // namespace linfa::nn
