// The scalers on rows spread over the ranks of a Communicator: the model one process fits on
// the same rows in the same global order, bit for bit. Their fits are one pass of per-chunk
// summaries merged in chunk order (preprocessing/column_summaries.hpp: StandardScaler's
// weighted moments, MinMaxScaler's and MaxAbsScaler's extremes), written over ChunkedRows;
// ShardChunks gives them every rank's rows, and one all-gather brings every chunk's summary
// to every rank, which merges them in chunk order as one process does.
// Messages: the all-gathers of the checks and the agreed shape (a few bytes per rank), one
// all-to-all for the boundary rows, then one all-gather of at most 64 chunks x (2d + 5)
// doubles (moments) or (2d + 4) (extremes).
#pragma once

#include <string>

#include "../preprocessing.hpp"
#include "chunks.hpp"
#include "communicator.hpp"
#include "shard.hpp"

namespace linfa::distributed {

namespace scaler_shard_detail {

/// Every rank's rows for a scaler's fit, moved to whole chunks of the default plan, after the
/// single-process checks (require_batch) on each rank's rows and on their agreed shape;
/// `weighted`: whether the scaler takes sample weights. `who` names it in messages.
template <Float F, Communicator C>
ShardChunks<F, C> checked_rows(const C& comm, const DatasetView<F>& data, const char* who, bool weighted) {
    // A rank whose rows all weigh zero is checked without its weights (only every rank's
    // together must weigh something); a scaler without weights must see them, to refuse them.
    auto check_own = [&](const DatasetView<F>& own) {
        if (weighted) preprocessing::require_batch(as_checked_alone(own), who, true, std::nullopt);
        else preprocessing::require_batch(own, who, false, std::nullopt);
    };
    const AgreedRows rows = agreed_rows(comm, data, who, check_own, weighted);
    if (rows.given.total() == 0) throw preprocessing::ScalerInputError(std::string(who) + ": need at least 1 sample, found 0");
    return ShardChunks<F, C>(comm, data, rows.given, rows.shape);
}

}  // namespace scaler_shard_detail

/// StandardScaler fitted on the rows every rank of `comm` holds (`data`: this rank's rows, any
/// number including none, with or without sample weights as every other rank); every rank
/// returns the model one process fits on all the rows. Throws on every rank when any rank's
/// rows are bad. Collective: every rank calls it with the same parameters.
template <Float F, Communicator C>
preprocessing::StandardScaler<F> fit(const preprocessing::StandardScalerValidParams<F>& params, const C& comm, const DatasetView<F>& data) {
    return params.fit_rows(scaler_shard_detail::checked_rows(comm, data, "StandardScaler", true));
}

/// MinMaxScaler fitted on the rows every rank of `comm` holds (see StandardScaler's; sample
/// weights are refused).
template <Float F, Communicator C>
preprocessing::MinMaxScaler<F> fit(const preprocessing::MinMaxScalerValidParams<F>& params, const C& comm, const DatasetView<F>& data) {
    return params.fit_rows(scaler_shard_detail::checked_rows(comm, data, "MinMaxScaler", false));
}

/// MaxAbsScaler fitted on the rows every rank of `comm` holds (see StandardScaler's; sample
/// weights are refused).
template <Float F, Communicator C>
preprocessing::MaxAbsScaler<F> fit(const preprocessing::MaxAbsScalerValidParams<F>& params, const C& comm, const DatasetView<F>& data) {
    return params.fit_rows(scaler_shard_detail::checked_rows(comm, data, "MaxAbsScaler", false));
}

}  // namespace linfa::distributed
