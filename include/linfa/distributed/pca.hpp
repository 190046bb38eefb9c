// PCA on rows spread over the ranks of a Communicator: the model one process fits on the same
// rows in the same global order (and seed), bit for bit, with either solver. PCA's fit is
// written over ChunkedRows (PcaValidParams::fit_rows), and ShardChunks gives it every rank's
// rows: the column sums, the sum of squares, the Gram matrix (full solver) and the products
// X_c^T Y (randomized solver) are per-chunk partials gathered to every rank and added in
// chunk order; the randomized sketch Y stays with its rows, orthonormalised by a TSQR whose
// per-chunk R factors travel; the sign convention gathers each chunk's largest score.
// Messages: all-gathers of at most 64 chunks x (d + 1), d x d or d x l doubles.
#pragma once

#include <string>

#include "../core/validation.hpp"
#include "../decomposition/pca.hpp"
#include "chunks.hpp"
#include "communicator.hpp"
#include "shard.hpp"

namespace linfa::distributed {

/// PCA fitted on the rows every rank of `comm` holds (`data`: this rank's rows, any number
/// including none); every rank returns the model one process fits on all the rows. Throws on
/// every rank when any rank's rows are bad (non-finite values, sample weights, another
/// feature count). Collective: every rank calls it with the same parameters.
template <Float F, Communicator C>
decomposition::Pca<F> fit(const decomposition::PcaValidParams<F>& params, const C& comm, const DatasetView<F>& data) {
    auto check_own = [](const DatasetView<F>& own) {
        if (own.has_weights()) throw decomposition::PcaInputError("PCA: sample weights are not supported");
        require_trainable(own);
    };
    const auto [given, shape] = agreed_rows(comm, data, "PCA", check_own, false);
    return params.fit_rows(ShardChunks<F, C>(comm, data, given, shape));
}

}  // namespace linfa::distributed
