// ElasticNet (and Lasso, its l1_ratio = 1) on rows spread over the ranks of a Communicator:
// the model one process fits on the same rows in the same global order, bit for bit. The fit
// descends on the Gram matrix of the centred [X | Y] (ElasticNetValidParams::fit_moments),
// which is a sum over rows: ShardMoments (linear.hpp) forms it over every rank's rows, and the
// coordinate descent that follows (d x d, independent of n) runs identically on every rank.
// The other descent, over the columns of a centred copy of X, reads every row at every
// coordinate step: over ranks it would need a collective per coordinate, so a distributed fit
// refuses parameters that choose it (precompute Never; Auto on fewer than 2 rows per feature or
// more than 4096 features) on every rank, before any row moves.
// Messages: linear.hpp's, one all-gather for the column sums and one for the Gram matrix.
#pragma once

#include <string>

#include "../linear/elastic_net.hpp"
#include "linear.hpp"

namespace linfa::distributed {

/// ElasticNet fitted on the rows every rank of `comm` holds (`data`: this rank's rows, with
/// their targets); every rank returns the model one process fits on all the rows. Throws
/// linear::LinearParamsError on every rank when `params` would descend on the columns.
/// Collective: every rank calls it with the same parameters.
template <Float F, Communicator C>
linear::ElasticNet<F> fit(const linear::ElasticNetValidParams<F>& params, const C& comm, const DatasetView<F>& data) {
    const auto [shape, given] = linear_shard_detail::checked_rows(comm, data, "ElasticNet");
    if (!params.gram_chosen(given.total(), shape.features)) {
        throw linear::LinearParamsError("ElasticNet: a distributed fit descends on the Gram matrix, and these parameters choose the "
                                        "columns for n_samples = " + std::to_string(given.total()) + ", n_features = " +
                                        std::to_string(shape.features) + ": set precompute to Always (Python: precompute=True; "
                                        "linfa-train: --precompute always)");
    }
    return params.fit_moments(ShardMoments<F, C>(comm, data, given, shape));
}

}  // namespace linfa::distributed
