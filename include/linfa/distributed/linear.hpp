// LinearRegression and Ridge on rows spread over the ranks of a Communicator: the model one
// process fits on the same rows in the same global order, bit for bit. Their fits are sums
// over rows (linalg/centred.hpp: weighted column sums, the centred Gram matrix, TSQR's
// per-chunk factors), so ShardMoments computes each over the chunks this rank holds and
// gathers every chunk's part to every rank, which combines them in chunk order as one
// process does; the solve that follows (a p x p problem) then runs identically everywhere.
// Messages: one all-gather for the sums, one for the Gram matrix (64 chunks x p x p doubles
// at most), and, when the Gram matrix is ill-conditioned or Ridge's SVD solver is chosen, one
// for the TSQR factors. Each pass needs its chunks whole on one rank; a pass whose plan
// differs from the rows' current one (a wide Gram matrix, TSQR over a million rows) first
// moves the boundary rows (shard.hpp).
#pragma once

#include <string>

#include "../linear/linear_regression.hpp"
#include "../linear/ridge.hpp"
#include "chunks.hpp"
#include "communicator.hpp"
#include "shard.hpp"

namespace linfa::distributed {

/// linalg::LocalMoments' contract over every rank's rows (see the top of this file).
template <Float F, Communicator C>
class ShardMoments {
public:
    /// This rank's `data` (held as `given` says), moved to the chunks of the plan the sums use.
    ShardMoments(const C& comm, const DatasetView<F>& data, const RowLayout& given, const RowShape& shape)
        : comm_(comm), rows_(comm, data, given, shape) {}

    /// Rows over all ranks.
    std::size_t n_samples() const { return rows_.n_samples(); }
    /// Features per row.
    std::size_t n_features() const { return rows_.n_features(); }
    /// Targets per row.
    std::size_t n_targets() const { return rows_.n_targets(); }

    /// linalg::weighted_means over every rank's rows (one all-gather).
    linalg::Centring centring(bool fit_intercept) const {
        const std::size_t d = n_features(), t = n_targets();
        const HeldChunks<F> held = rows_.held(plan_chunks(n_samples()));
        return linalg::centring_from_sums(rows_.total(linalg::weighted_sums(held.view, true, held.plan), d + t + 1), d, t, fit_intercept);
    }

    /// linalg::centred_gram over every rank's rows (one all-gather).
    linalg::MatrixD gram(const linalg::Centring& c) const {
        const std::size_t p = n_features() + n_targets();
        const HeldChunks<F> held = rows_.held(linalg::plan_for_width(n_samples(), p));
        const auto total = rows_.total(linalg::gram_partials(held.view, true, c, held.plan), p * p);
        return linalg::symmetric_gram(Eigen::Map<const linalg::MatrixD>(total.data(), Eigen::Index(p), Eigen::Index(p)));
    }

    /// linalg::centred_r_factor over every rank's rows (one all-gather of the chunks' factors).
    linalg::MatrixD r_factor(const linalg::Centring& c) const {
        const std::size_t p = n_features() + n_targets();
        const HeldChunks<F> held = rows_.held(linalg::tsqr_plan(n_samples()));
        std::vector<double> mine;  // per chunk: its factor's row count, then its rows
        for (const auto& factor : linalg::chunk_factors(held.view, true, c, held.plan)) {
            mine.push_back(double(factor.rows()));
            mine.insert(mine.end(), factor.data(), factor.data() + factor.size());
        }
        const auto all = all_gather_joined(comm_, std::span<const double>(mine));
        std::vector<linalg::MatrixD> factors;
        for (std::size_t at = 0; at < all.size();) {
            const auto rows = Eigen::Index(all[at++]);
            factors.push_back(Eigen::Map<const linalg::MatrixD>(all.data() + at, rows, Eigen::Index(p)));
            at += std::size_t(rows) * p;
        }
        return linalg::stacked_factor(factors, p);
    }

private:
    const C& comm_;
    ShardChunks<F, C> rows_;
};

namespace linear_shard_detail {

/// The checks of a dense least-squares fit (require_regression_data) over every rank: on
/// each rank's rows, then on their agreed shape. Returns the shape and the current layout.
template <Float F, Communicator C>
std::pair<RowShape, RowLayout> checked_rows(const C& comm, const DatasetView<F>& data, const std::string& model) {
    auto check_own = [&](const DatasetView<F>& own) { linear::require_regression_data(as_checked_alone(own), model); };
    // Every rank with rows has targets: checked by check_own.
    const auto [given, shape] = agreed_rows(comm, data, model, check_own, true, true);
    if (given.total() == 0) throw linear::LinearInputError(model + ": need at least one sample on some rank, found 0");
    return {shape, given};
}

}  // namespace linear_shard_detail

/// LinearRegression fitted on the rows every rank of `comm` holds (`data`: this rank's rows,
/// with their targets); every rank returns the model one process fits on all the rows.
/// Collective: every rank calls it with the same parameters.
template <Float F, Communicator C>
linear::LinearRegression<F> fit(const linear::LinearRegressionValidParams<F>& params, const C& comm, const DatasetView<F>& data) {
    const auto [shape, given] = linear_shard_detail::checked_rows(comm, data, "LinearRegression");
    return params.fit_moments(ShardMoments<F, C>(comm, data, given, shape));
}

/// Ridge fitted on the rows every rank of `comm` holds (see the LinearRegression overload).
template <Float F, Communicator C>
linear::Ridge<F> fit(const linear::RidgeValidParams<F>& params, const C& comm, const DatasetView<F>& data) {
    const auto [shape, given] = linear_shard_detail::checked_rows(comm, data, "Ridge");
    return params.fit_moments(ShardMoments<F, C>(comm, data, given, shape));
}

}  // namespace linfa::distributed
