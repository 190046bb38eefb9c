// ShardChunks: the ChunkedRows contract (core/chunked_rows.hpp) over the rows of one rank of
// many. A fit fills the partials of the chunks this rank holds; one all-gather brings every
// chunk's partial to every rank, which adds them in chunk order as one process does. A plan
// whose chunks are not the ones the rows are held in first moves the boundary rows
// (shard.hpp), once per plan.
#pragma once

#include <optional>

#include "../core/chunked_rows.hpp"
#include "communicator.hpp"
#include "shard.hpp"

namespace linfa::distributed {

/// ChunkedRows over the rows of every rank of `comm` (this rank holding some of them).
template <Float F, Communicator C>
class ShardChunks {
public:
    /// This rank's `data` (held as `given` says, with what `shape` says), moved to whole chunks
    /// of the default plan over every row (plan_chunks). Collective.
    ShardChunks(const C& comm, const DatasetView<F>& data, const RowLayout& given, const RowShape& shape)
        : comm_(comm), shape_(shape), n_(given.total()),
          shard_(redistribute(comm, data, given, chunk_aligned_layout(plan_chunks(n_), comm.size()), shape)) {}

    /// Rows over all ranks.
    std::size_t n_samples() const { return n_; }
    /// Features per row.
    std::size_t n_features() const { return shape_.features; }
    /// Targets per row.
    std::size_t n_targets() const { return shape_.targets; }
    /// Whether the rows carry sample weights (every rank agrees, also one without rows).
    bool weighted() const { return shape_.weighted; }
    /// The ranks.
    const C& comm() const { return comm_; }
    /// Every rank's rows as held here: whole chunks of the default plan.
    const RowLayout& layout() const { return shard_.layout; }

    /// This rank's whole chunks of `plan`, moving the boundary rows first when the plan's
    /// chunks are not the ones the rows are held in (the rows so moved are kept for the next
    /// pass over the same plan). Collective when they move.
    HeldChunks<F> held(const ChunkPlan& plan) const {
        const RowLayout layout = chunk_aligned_layout(plan, comm_.size());
        const Shard<F>* shard = &shard_;
        if (layout.starts != shard_.layout.starts) {
            if (!other_ || other_->layout.starts != layout.starts)
                other_ = redistribute(comm_, shard_.view(), shard_.layout, layout, shape_);
            shard = &*other_;
        }
        const std::size_t first_chunk = plan.n_chunks * comm_.rank() / comm_.size();  // chunk_aligned_layout's split
        return {shard->view(), local_plan(plan, layout, comm_.rank()), first_chunk};
    }

    /// Every chunk's first `width` values added in chunk order (one all-gather).
    std::vector<double> total(const PerChunk<double>& partial, std::size_t width) const {
        return add_in_chunk_order(every_chunk(partial, width), width);
    }

    /// Every chunk's `width` values in chunk order (one all-gather).
    std::vector<double> every_chunk(const PerChunk<double>& partial, std::size_t width) const {
        return gather_chunks(comm_, partial, width);
    }

private:
    const C& comm_;
    RowShape shape_;
    std::size_t n_;
    Shard<F> shard_;
    mutable std::optional<Shard<F>> other_;  // the rows re-cut for another plan's chunks
};

}  // namespace linfa::distributed
