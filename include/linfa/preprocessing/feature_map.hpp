// The map every scaler applies to each feature j: y = (x - centre_j) / divisor_j * multiplier_j
// + offset_j, then optionally clipped. Written in the order scikit-learn's scalers compute it
// (StandardScaler: subtract the mean, divide by the scale; MaxAbsScaler: divide; MinMaxScaler:
// multiply, add), so float64 results agree with scikit-learn's, and float data are mapped in
// double and rounded once. One pass over the records: the finiteness check rides on it.
#pragma once

#include <algorithm>
#include <cmath>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <Eigen/Core>

#include "../core/dataset.hpp"
#include "../core/parallel.hpp"
#include "../core/sparse.hpp"
#include "../core/validation.hpp"
#include "errors.hpp"

namespace linfa::preprocessing {

/// A per-feature affine map and its inverse (see the file comment).
struct FeatureMap {
    Eigen::VectorXd centre;      ///< subtracted first
    Eigen::VectorXd divisor;     ///< then divided by (never 0)
    Eigen::VectorXd multiplier;  ///< then multiplied by (never 0)
    Eigen::VectorXd offset;      ///< then added
    /// Bounds the output is clipped to, if any (MinMaxScaler's `clip`).
    std::optional<std::pair<double, double>> clip;

    /// The identity on `d` features.
    static FeatureMap identity(std::size_t d) {
        const auto n = Eigen::Index(d);
        return {Eigen::VectorXd::Zero(n), Eigen::VectorXd::Ones(n), Eigen::VectorXd::Ones(n), Eigen::VectorXd::Zero(n), {}};
    }

    /// Number of features mapped.
    std::size_t n_features() const { return std::size_t(centre.size()); }

    /// `data`'s records mapped. Throws ScalerInputError naming `who` for a wrong feature
    /// count, InvalidInput for NaN or infinity, or for values whose image overflows F.
    template <Float F>
    Matrix<F> apply(const DatasetView<F>& data, const char* who) const {
        return map_rows(data, who, [&](std::size_t j, double x) {
            const double y = (x - centre[Eigen::Index(j)]) / divisor[Eigen::Index(j)] * multiplier[Eigen::Index(j)] +
                             offset[Eigen::Index(j)];
            return clip ? std::clamp(y, clip->first, clip->second) : y;
        });
    }

    /// `data`'s records mapped back (the inverse of `apply`, without clipping). Throws as
    /// `apply`.
    template <Float F>
    Matrix<F> invert(const DatasetView<F>& data, const char* who) const {
        return map_rows(data, who, [&](std::size_t j, double y) {
            return (y - offset[Eigen::Index(j)]) / multiplier[Eigen::Index(j)] * divisor[Eigen::Index(j)] +
                   centre[Eigen::Index(j)];
        });
    }

    /// Whether the map sends 0 to 0 (no centre, no offset): what a sparse transform needs, to
    /// keep the zeros not stored.
    bool keeps_zeros() const { return centre.isZero() && offset.isZero(); }

    /// Sparse records mapped: the same structure, each stored value mapped (zeros not stored
    /// stay zeros). Throws ScalerInputError naming `who` for a wrong feature count or a map
    /// that moves zeros, InvalidInput for values whose image overflows F.
    template <Float F, SparseIndex I>
    CsrMatrix<F, I> apply(const CsrView<F, I>& x, const char* who) const {
        return map_values(x, who, [&](std::size_t j, double v) {
            const double y = v / divisor[Eigen::Index(j)] * multiplier[Eigen::Index(j)];
            return clip ? std::clamp(y, clip->first, clip->second) : y;
        });
    }

    /// Sparse records mapped back (the inverse of the sparse `apply`). Throws as it.
    template <Float F, SparseIndex I>
    CsrMatrix<F, I> invert(const CsrView<F, I>& x, const char* who) const {
        return map_values(x, who, [&](std::size_t j, double y) { return y / multiplier[Eigen::Index(j)] * divisor[Eigen::Index(j)]; });
    }

private:
    template <Float F, SparseIndex I, class Fn>
    CsrMatrix<F, I> map_values(const CsrView<F, I>& x, const char* who, Fn&& fn) const {
        if (x.cols() != n_features()) {
            throw ScalerInputError(std::string(who) + ": expected " + std::to_string(n_features()) +
                                   " features per sample (as in training), found " + std::to_string(x.cols()));
        }
        if (!keeps_zeros()) {
            throw ScalerInputError(std::string(who) + ": this transform moves zeros, so it cannot keep sparse input sparse");
        }
        std::vector<F> values(x.nnz());
        for (std::size_t e = 0; e < values.size(); ++e) {
            values[e] = F(fn(std::size_t(x.indices()[e]), double(x.data()[e])));
            if (!std::isfinite(values[e])) {
                throw InvalidInput(std::string(who) + ": the scaled records (values too large for the scale) contain infinity");
            }
        }
        return CsrMatrix<F, I>(x.rows(), x.cols(), {x.indptr().begin(), x.indptr().end()}, {x.indices().begin(), x.indices().end()},
                               std::move(values));
    }

    template <Float F, class Fn>
    Matrix<F> map_rows(const DatasetView<F>& data, const char* who, Fn&& fn) const {
        const std::size_t d = n_features();
        if (data.n_features() != d) {
            throw ScalerInputError(std::string(who) + ": expected " + std::to_string(d) +
                                   " features per sample (as in training), found " + std::to_string(data.n_features()));
        }
        Matrix<F> out = output_matrix<F>(Eigen::Index(data.n_samples()), Eigen::Index(d));
        const ChunkPlan plan = plan_chunks(data.n_samples());
        std::vector<char> non_finite(plan.n_chunks, 0);
        for_each_chunk(plan, [&](std::size_t chunk, std::size_t begin, std::size_t end) {
            F poison = 0;  // v * 0 is NaN exactly when v is NaN or infinite: inputs (which
                           // clipping could hide) and outputs (which may overflow F)
            for (std::size_t i = begin; i < end; ++i) {
                const F* x = data.records().data() + i * d;
                F* y = out.data() + i * d;
                for (std::size_t j = 0; j < d; ++j) {
                    y[j] = F(fn(j, double(x[j])));
                    poison += x[j] * F(0) + y[j] * F(0);
                }
            }
            non_finite[chunk] = poison != F(0);
        });
        if (std::find(non_finite.begin(), non_finite.end(), 1) != non_finite.end()) {
            require_finite<F>(data.records(), "records");  // names a NaN or infinite input
            require_finite<F>(MatrixView<F>(out.data(), out.rows(), out.cols()),
                              std::string(who) + ": the scaled records (values too large for the scale)");
        }
        return out;
    }
};

}  // namespace linfa::preprocessing
