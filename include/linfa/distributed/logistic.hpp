// LogisticRegression on rows spread over the ranks of a Communicator: the model one process
// fits on the same rows in the same global order, bit for bit. The classes are the union of
// every rank's labels and the class counts (for balanced weights) whole-number sums, so every
// rank agrees on them exactly. The loss is a sum over rows (logistic_regression/loss.hpp):
// each rank fills the per-chunk value and gradient of the chunks it holds, and one all-gather
// per evaluation brings every chunk's to every rank, which adds them in chunk order as one
// process does. Every rank then runs the same L-BFGS steps on the same numbers, so they stop
// together, after as many evaluations as one process makes.
// Messages: at load, one all-to-all for the rows and one for their labels; per loss
// evaluation, one all-gather of at most 64 chunks x (1 + rows x (features + 1)) doubles, rows
// being 1 for binary problems and the class count for multinomial ones.
#pragma once

#include <algorithm>
#include <span>
#include <vector>

#include "../core/classes.hpp"
#include "../linear/logistic_regression.hpp"
#include "chunks.hpp"
#include "classes.hpp"
#include "communicator.hpp"
#include "shard.hpp"

namespace linfa::distributed {

/// logistic_detail::ChunkSums over every rank's rows: this rank sums its own chunks of the
/// loss's plan (`local`), and `total` gathers every rank's.
template <Float F, Communicator C>
class ShardLossSums final : public linear::logistic_detail::ChunkSums {
public:
    /// `rows`: every rank's rows, as the loss reads them; `local`: this rank's chunks of
    /// plan_chunks(rows.n_samples()).
    ShardLossSums(const ShardChunks<F, C>& rows, const ChunkPlan& local) : rows_(rows), local_(local) {}

    /// This rank's chunks (`own`, the plan of its rows alone, is not the global plan's).
    ChunkPlan plan(const ChunkPlan& /*own*/) const override { return local_; }
    /// Every rank's chunks' sums added in chunk order (one all-gather).
    std::vector<double> total(const PerChunk<double>& partial, std::size_t width) const override {
        return rows_.total(partial, width);
    }

private:
    const ShardChunks<F, C>& rows_;
    ChunkPlan local_;
};

/// How many rows of each class every rank holds together (one all-gather; whole numbers, so
/// exact whatever the order). `targets`: this rank's class indices.
template <Communicator C>
std::vector<double> agreed_class_counts(const C& comm, std::span<const std::int32_t> targets, std::size_t n_classes) {
    const std::vector<double> mine = linear::logistic_detail::value_counts(targets, n_classes);
    const std::vector<double> all = all_gather_joined(comm, std::span<const double>(mine));
    std::vector<double> counts(n_classes, 0.0);
    for (std::size_t at = 0; at < all.size(); ++at) counts[at % n_classes] += all[at];
    return counts;
}

/// LogisticRegression fitted on the rows every rank of `comm` holds (`data`: this rank's rows
/// with their class labels, any number of rows including none); every rank returns the model
/// one process fits on all the rows. Throws on every rank when any rank's rows are bad
/// (non-finite values, negative weights, no labels, another feature count, weights on some
/// ranks only), when there are no rows at all or a single class, and for a warm start of the
/// wrong shape. Collective: every rank calls it with the same parameters.
template <Float F, Communicator C>
linear::LogisticRegression<F> fit(const linear::LogisticRegressionValidParams<F>& params, const C& comm,
                                  const DatasetView<F>& data) {
    auto check_own = [](const DatasetView<F>& own) { require_classification_data(as_checked_alone(own), "LogisticRegression"); };
    const auto [given, shape] = agreed_rows(comm, data, "LogisticRegression", check_own, true);
    if (given.total() == 0) throw InvalidInput("LogisticRegression: need at least one sample on some rank, found 0");
    const std::span<const std::int32_t> labels = data.n_samples() > 0 ? data.labels() : std::span<const std::int32_t>();
    const ClassSet classes = agreed_classes(comm, labels);

    const ShardChunks<F, C> rows(comm, data, given, shape);
    const ChunkPlan plan = plan_chunks(given.total());
    const HeldChunks<F> held = rows.held(plan);  // the rows as ShardChunks holds them: nothing moves
    const auto moved = move_rows(comm, labels.data(), 1, given, chunk_aligned_layout(plan, comm.size()));
    const std::vector<std::int32_t> targets = classes.encode(moved);
    const auto counts = agreed_class_counts(comm, targets, classes.size());
    return params.fit_classes(held.view, classes, targets, counts, ShardLossSums<F, C>(rows, held.plan));
}

}  // namespace linfa::distributed
