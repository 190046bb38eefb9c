// Rows spread over ranks. The global order of the rows is rank order (rank 0's rows first);
// fits plan their chunks over that order exactly as one process does, and each rank must hold
// whole chunks so that it can fill their partial sums alone. `redistribute` moves the rows
// at chunk boundaries once, so the ranks' own shards need not align (or be balanced, or be
// non-empty).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "../core/chunked_rows.hpp"
#include "../core/dataset.hpp"
#include "../core/matrix.hpp"
#include "../core/parallel.hpp"
#include "communicator.hpp"

namespace linfa::distributed {

/// Where each rank's rows start in the global order: starts[r] .. starts[r + 1].
struct RowLayout {
    std::vector<std::size_t> starts;  ///< size() + 1 values, starts.back() = total rows

    /// Rows of all ranks.
    std::size_t total() const { return starts.back(); }
    /// The global index of `rank`'s first row.
    std::size_t begin(std::size_t rank) const { return starts[rank]; }
    /// One past the global index of `rank`'s last row.
    std::size_t end(std::size_t rank) const { return starts[rank + 1]; }
    /// `rank`'s rows.
    std::size_t rows(std::size_t rank) const { return end(rank) - begin(rank); }
};

/// The layout of the rows as the ranks hold them now (one all-gather of the counts).
template <Communicator C>
RowLayout current_layout(const C& comm, std::size_t local_rows) {
    const auto counts = all_gather_one<std::uint64_t>(comm, local_rows);
    RowLayout layout{{0}};
    for (const auto count : counts) layout.starts.push_back(layout.starts.back() + std::size_t(count));
    return layout;
}

/// Whole chunks of `plan` for each of `ranks` ranks, as even in count as they can be (rank r
/// takes chunks [r C / P, (r + 1) C / P)); ranks past the chunks get none.
inline RowLayout chunk_aligned_layout(const ChunkPlan& plan, std::size_t ranks) {
    RowLayout layout{{0}};
    for (std::size_t r = 1; r <= ranks; ++r) {
        const std::size_t chunk = r * plan.n_chunks / ranks;
        layout.starts.push_back(chunk == plan.n_chunks ? plan.n_rows : plan.begin(chunk));
    }
    return layout;
}

/// The part of the global plan that rank `rank` of `layout` holds, as a plan over its local
/// rows (local row 0 being global row layout.begin(rank), a chunk boundary).
inline ChunkPlan local_plan(const ChunkPlan& global, const RowLayout& layout, std::size_t rank) {
    ChunkPlan local;
    local.chunk_rows = global.chunk_rows;
    local.n_rows = layout.rows(rank);
    local.n_chunks = (local.n_rows + local.chunk_rows - 1) / local.chunk_rows;
    return local;
}

/// Every chunk's `width` partial values, on every rank: this rank's chunks (those of
/// `partial`) gathered with every other rank's, in rank order, which is chunk order (one
/// all-gather).
template <Communicator C>
std::vector<double> gather_chunks(const C& comm, const PerChunk<double>& partial, std::size_t width) {
    const std::vector<double> mine = concatenated_chunks(partial, width);
    return all_gather_joined(comm, std::span<const double>(mine));
}

/// Appends row i of `data` to `out` (as double: F values travel exactly), to send it.
template <Float F>
void append_row(std::vector<double>& out, const DatasetView<F>& data, std::size_t i) {
    const F* row = data.records().data() + i * data.n_features();
    out.insert(out.end(), row, row + data.n_features());
}

/// Per-row values (`width` T per row, this rank's rows of `from`) moved to the layout `to`,
/// written to `out` (room for this rank's rows of `to`). One all-to-all of the rows that change
/// ranks, each travelling once; the rows that stay are copied in place, so a rank's share of
/// the all-to-all (under 2 GiB: MPI's int counts) is its boundary rows, not all of its rows.
template <class T, Communicator C>
    requires std::is_trivially_copyable_v<T>
void move_rows_into(const C& comm, const T* values, std::size_t width, const RowLayout& from, const RowLayout& to, T* out) {
    const std::size_t me = comm.rank(), ranks = comm.size();
    // Rows [begin, end) that `sender` holds in `from` and `receiver` in `to`.
    auto overlap = [&](std::size_t sender, std::size_t receiver) {
        return std::pair{std::max(from.begin(sender), to.begin(receiver)), std::min(from.end(sender), to.end(receiver))};
    };
    PerRank outgoing(ranks);
    for (std::size_t r = 0; r < ranks; ++r) {
        const auto [begin, end] = overlap(me, r);
        if (begin >= end) continue;
        const T* first = values + (begin - from.begin(me)) * width;
        if (r == me) {
            std::memcpy(out + (begin - to.begin(me)) * width, first, (end - begin) * width * sizeof(T));
            continue;
        }
        const auto* bytes = reinterpret_cast<const std::byte*>(first);
        outgoing[r].assign(bytes, bytes + (end - begin) * width * sizeof(T));
    }
    const PerRank incoming = comm.all_to_all(outgoing);
    for (std::size_t r = 0; r < ranks; ++r) {
        const auto [begin, end] = overlap(r, me);
        const std::size_t expected = r == me || begin >= end ? 0 : (end - begin) * width * sizeof(T);
        if (incoming[r].size() != expected) {
            throw DistributedError("move_rows: rank " + std::to_string(r) + " sent " + std::to_string(incoming[r].size()) +
                                   " bytes, " + std::to_string(expected) + " expected");
        }
        if (expected > 0) std::memcpy(out + (begin - to.begin(me)) * width, incoming[r].data(), expected);
    }
}

/// move_rows_into a new vector: this rank's rows of `to`.
template <class T, Communicator C>
    requires std::is_trivially_copyable_v<T>
std::vector<T> move_rows(const C& comm, const T* values, std::size_t width, const RowLayout& from, const RowLayout& to) {
    std::vector<T> rows(to.rows(comm.rank()) * width);
    move_rows_into(comm, values, width, from, to, rows.data());
    return rows;
}

/// The width (features or targets) every rank with rows agrees on; ranks without rows may
/// say anything (an empty matrix of any width). Throws InvalidInput on every rank when two
/// ranks with rows differ. `what`: e.g. "KMeans: features".
template <Communicator C>
std::size_t agreed_width(const C& comm, std::size_t local_rows, std::size_t width, const std::string& what) {
    const auto all = all_gather_one<std::uint64_t>(comm, local_rows > 0 ? width + 1 : 0);  // 0: no say
    std::uint64_t agreed = 0;
    for (std::size_t r = 0; r < all.size(); ++r) {
        if (all[r] == 0) continue;
        if (agreed != 0 && all[r] != agreed) {
            throw InvalidInput(what + ": rank " + std::to_string(r) + " has " + std::to_string(all[r] - 1) + ", an earlier rank " +
                               std::to_string(agreed - 1));
        }
        agreed = all[r];
    }
    return agreed == 0 ? 0 : std::size_t(agreed - 1);
}

/// Whether every weight of `weights` (at least one) is zero.
template <Float F>
bool all_zero(std::span<const F> weights) {
    return !weights.empty() && std::all_of(weights.begin(), weights.end(), [](F w) { return w == F(0); });
}

/// Whether the rows carry sample weights: every rank with rows must say the same, and the
/// weights of every rank together must not all be zero (else InvalidInput on every rank).
template <Float F, Communicator C>
bool agreed_weighting(const C& comm, const DatasetView<F>& data, const std::string& model) {
    enum : std::uint8_t { unweighted, weighted, weighing_nothing, no_rows };
    const std::uint8_t mine = data.n_samples() == 0     ? no_rows
                              : !data.has_weights()     ? unweighted
                              : all_zero(data.weights()) ? weighing_nothing
                                                         : weighted;
    const auto all = all_gather_one(comm, mine);
    auto count = [&](std::uint8_t what) { return std::count(all.begin(), all.end(), what); };
    const bool some = count(weighted) + count(weighing_nothing) > 0;
    if (some && count(unweighted) > 0) throw InvalidInput(model + ": some ranks pass sample weights and others do not");
    if (some && count(weighted) == 0) throw InvalidInput(model + ": sample weights must not all be zero");
    return some;
}

/// This rank's rows as its own checks should see them (require_trainable and the like, which
/// refuse weights that are all zero): a rank whose rows all weigh zero hands them over
/// without their weights, since only the weights of every rank together must weigh
/// something, which agreed_weighting checks.
template <Float F>
DatasetView<F> as_checked_alone(const DatasetView<F>& data) {
    if (!all_zero(data.weights())) return data;
    const DatasetView<F> records(data.records());  // views are not assignable: one return per case
    const auto labelled = [&](const DatasetView<F>& view) { return data.has_labels() ? view.with_labels(data.labels()) : view; };
    return data.has_targets() ? labelled(records.with_targets(data.targets())) : labelled(records);
}

/// A rank's rows of a chunk-aligned layout: records, targets (none: zero columns), weights
/// (empty: all 1) and position.
template <Float F>
struct Shard {
    Matrix<F> records;       ///< this rank's rows
    Matrix<F> targets;       ///< their continuous targets (zero columns: none)
    std::vector<F> weights;  ///< their weights (empty: all 1)
    RowLayout layout;        ///< every rank's rows
    std::size_t rank = 0;    ///< this rank

    /// The rows as a dataset (with targets when there are any).
    DatasetView<F> view() const {
        DatasetView<F> view(MatrixView<F>(records.data(), records.rows(), records.cols()),
                            std::span<const F>(weights.data(), weights.size()));
        if (targets.cols() == 0) return view;
        return view.with_targets(MatrixView<F>(targets.data(), targets.rows(), targets.cols()));
    }
    /// The global index of this rank's first row.
    std::size_t first_row() const { return layout.begin(rank); }
};

/// What the rows of a distributed dataset carry, agreed by every rank.
struct RowShape {
    std::size_t features = 0;  ///< columns of the records
    std::size_t targets = 0;   ///< continuous targets per row (0: none moved)
    bool weighted = false;     ///< whether rows carry sample weights
};

/// What a distributed fit's rows agree on (agreed_rows).
struct AgreedRows {
    RowLayout given;  ///< every rank's rows, as the callers hold them
    RowShape shape;   ///< their width, targets and weighting, the same on every rank
};

/// Every rank's rows checked and agreed for the fit `model` ("GaussianNB"): each rank's own by
/// `check_own(data)` (not called on a rank without rows), whose failure every rank hears of;
/// then their layout and shape: the feature count, the target count when `with_targets`, and
/// whether they carry sample weights when `with_weights` (InvalidInput on every rank when the
/// ranks disagree, or when every weight is zero). What each fit checks first, in one place.
template <Float F, Communicator C, class CheckOwn>
AgreedRows agreed_rows(const C& comm, const DatasetView<F>& data, const std::string& model, CheckOwn&& check_own, bool with_weights,
                       bool with_targets = false) {
    collectively(comm, [&] {
        if (data.n_samples() > 0) check_own(data);
    });
    AgreedRows rows{current_layout(comm, data.n_samples()), {}};
    rows.shape.features = agreed_width(comm, data.n_samples(), data.n_features(), model + ": features");
    if (with_targets) rows.shape.targets = agreed_width(comm, data.n_samples(), data.has_targets() ? data.n_targets() : 0, model + ": targets");
    if (with_weights) rows.shape.weighted = agreed_weighting(comm, data, model);
    return rows;
}

/// This rank's rows of `data` (held as `from` says) moved to the layout `to`: records,
/// weights and, when shape.targets > 0, continuous targets. Every rank passes the same shape.
template <Float F, Communicator C>
Shard<F> redistribute(const C& comm, const DatasetView<F>& data, const RowLayout& from, const RowLayout& to, const RowShape& shape) {
    const std::size_t d = shape.features, t = shape.targets, rows = to.rows(comm.rank());
    Shard<F> shard;
    shard.layout = to;
    shard.rank = comm.rank();
    // Straight into the shard's matrices, which Eigen leaves uninitialised: no zero-filled
    // buffer to copy from.
    shard.records.resize(Eigen::Index(rows), Eigen::Index(d));
    move_rows_into(comm, data.records().data(), d, from, to, shard.records.data());
    if (t > 0) {
        const F* source = data.n_samples() > 0 ? data.targets().data() : nullptr;
        shard.targets.resize(Eigen::Index(rows), Eigen::Index(t));
        move_rows_into(comm, source, t, from, to, shard.targets.data());
    }
    if (shape.weighted) shard.weights = move_rows(comm, data.weights().data(), 1, from, to);
    return shard;
}

}  // namespace linfa::distributed
