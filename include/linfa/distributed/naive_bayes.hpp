// Gaussian naive Bayes on rows spread over the ranks of a Communicator: the model one process
// fits on the same rows in the same global order, bit for bit. The classes are those given,
// else the union of every rank's labels; each rank encodes its own labels, and the class
// indices move with the rows. The fit is one pass of per-chunk class moments merged in chunk
// order (naive_bayes/class_moments.hpp over ChunkedRows): ShardChunks gives it every rank's
// rows, and one all-gather brings every chunk's moments to every rank, which merges them as
// one process does.
// Messages: the all-gathers of the checks and the agreed shape (a few bytes per rank), one of
// the ranks' classes (none when classes are given), one all-to-all for the boundary rows and
// one for their class indices; then one all-gather of at most 64 chunks x ((k + 1)(2d + 1) + 3)
// doubles for k classes and d features.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "../naive_bayes.hpp"
#include "chunks.hpp"
#include "classes.hpp"
#include "communicator.hpp"
#include "shard.hpp"

namespace linfa::distributed {

/// GaussianNB fitted on the rows every rank of `comm` holds (`data`: this rank's rows with
/// their class labels and optional sample weights, any number of rows including none); every
/// rank returns the model one process fits on all the rows. Throws on every rank when any
/// rank's rows are bad (non-finite values, invalid weights, no labels, a label outside the
/// classes given, another feature count, weights on some ranks only) and when there are no
/// rows at all. Collective: every rank calls it with the same parameters.
template <Float F, Communicator C>
naive_bayes::GaussianNb<F> fit(const naive_bayes::GaussianNbValidParams<F>& params, const C& comm, const DatasetView<F>& data) {
    auto check_own = [](const DatasetView<F>& own) { naive_bayes::fit_detail::require_batch<F>(as_checked_alone(own), std::nullopt); };
    const AgreedRows agreed = agreed_rows(comm, data, "GaussianNB", check_own, true);
    if (agreed.given.total() == 0) throw naive_bayes::NaiveBayesInputError("GaussianNB: need at least one sample, found 0");
    const std::span<const std::int32_t> labels = data.n_samples() > 0 ? data.labels() : std::span<const std::int32_t>();
    ClassSet classes = params.classes() ? *params.classes() : agreed_classes(comm, labels);
    naive_bayes::fit_detail::require_priors(params.params(), classes);  // as one process, before any row moves
    std::vector<std::int32_t> class_of;
    collectively(comm, [&] { class_of = classes.encode(labels); });  // a label outside the classes given

    const ShardChunks<F, C> rows(comm, data, agreed.given, agreed.shape);
    const auto held_class_of = move_rows(comm, class_of.data(), 1, agreed.given, rows.layout());
    return params.fit_rows(rows, std::move(classes), held_class_of);
}

}  // namespace linfa::distributed
