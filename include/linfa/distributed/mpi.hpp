// The Communicator over an MPI communicator. Including this header is what needs MPI: link
// MPI::MPI_CXX (the CMake package's linfa::mpi target does). The rest of linfa stays MPI-free.
#pragma once

#include <mpi.h>

#include <climits>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "communicator.hpp"

namespace linfa::distributed {

/// A Communicator on an existing MPI communicator (not owned: MPI_Init and MPI_Finalize stay
/// the caller's). Collectives map to MPI_Allgather(v) and MPI_Alltoall(v) on bytes; nothing
/// is summed by MPI.
class MpiCommunicator {
public:
    /// The ranks of `comm` (MPI must be initialised; `comm` must outlive this).
    explicit MpiCommunicator(MPI_Comm comm = MPI_COMM_WORLD) : comm_(comm) {
        int rank = 0, size = 0;
        check(MPI_Comm_rank(comm_, &rank), "MPI_Comm_rank");
        check(MPI_Comm_size(comm_, &size), "MPI_Comm_size");
        rank_ = std::size_t(rank);
        size_ = std::size_t(size);
    }

    /// This process's rank in the communicator.
    std::size_t rank() const { return rank_; }
    /// The communicator's size.
    std::size_t size() const { return size_; }
    /// The MPI communicator.
    MPI_Comm handle() const { return comm_; }

    /// Communicator::all_gather: MPI_Allgather of the sizes, then MPI_Allgatherv of the bytes.
    PerRank all_gather(std::span<const std::byte> mine) const {
        std::uint64_t count = mine.size();
        std::vector<std::uint64_t> counts(size_);
        check(MPI_Allgather(&count, 1, MPI_UINT64_T, counts.data(), 1, MPI_UINT64_T, comm_), "MPI_Allgather");
        const auto [sizes, offsets, total] = layout(counts);
        std::vector<std::byte> joined(total);
        check(MPI_Allgatherv(mine.data(), int(count), MPI_BYTE, joined.data(), sizes.data(), offsets.data(), MPI_BYTE, comm_),
              "MPI_Allgatherv");
        return split(joined, counts);
    }

    /// Communicator::all_to_all: MPI_Alltoall of the sizes, then MPI_Alltoallv of the bytes.
    PerRank all_to_all(const PerRank& outgoing) const {
        if (outgoing.size() != size_) {
            throw DistributedError("all_to_all: " + std::to_string(outgoing.size()) + " buffers for " + std::to_string(size_) +
                                   " ranks");
        }
        std::vector<std::uint64_t> send_counts(size_), recv_counts(size_);
        for (std::size_t r = 0; r < size_; ++r) send_counts[r] = outgoing[r].size();
        check(MPI_Alltoall(send_counts.data(), 1, MPI_UINT64_T, recv_counts.data(), 1, MPI_UINT64_T, comm_), "MPI_Alltoall");
        const auto [send_sizes, send_offsets, send_total] = layout(send_counts);
        const auto [recv_sizes, recv_offsets, recv_total] = layout(recv_counts);
        std::vector<std::byte> send(send_total), received(recv_total);
        for (std::size_t r = 0; r < size_; ++r) std::copy(outgoing[r].begin(), outgoing[r].end(), send.begin() + send_offsets[r]);
        check(MPI_Alltoallv(send.data(), send_sizes.data(), send_offsets.data(), MPI_BYTE, received.data(), recv_sizes.data(),
                            recv_offsets.data(), MPI_BYTE, comm_),
              "MPI_Alltoallv");
        return split(received, recv_counts);
    }

private:
    struct Layout {
        std::vector<int> sizes, offsets;
        std::size_t total;
    };

    /// MPI's int counts and displacements for byte counts (MPI-3 counts are int: one
    /// collective moves under 2 GiB, which a caller sending more must split).
    static Layout layout(const std::vector<std::uint64_t>& counts) {
        Layout out{std::vector<int>(counts.size()), std::vector<int>(counts.size()), 0};
        for (std::size_t r = 0; r < counts.size(); ++r) {
            if (out.total + counts[r] > std::uint64_t(INT_MAX)) {
                throw DistributedError("distributed: one collective would move over 2 GiB (MPI's int counts)");
            }
            out.sizes[r] = int(counts[r]);
            out.offsets[r] = int(out.total);
            out.total += counts[r];
        }
        return out;
    }

    static PerRank split(const std::vector<std::byte>& joined, const std::vector<std::uint64_t>& counts) {
        PerRank out(counts.size());
        std::size_t at = 0;
        for (std::size_t r = 0; r < counts.size(); ++r) {
            out[r].assign(joined.begin() + std::ptrdiff_t(at), joined.begin() + std::ptrdiff_t(at + counts[r]));
            at += counts[r];
        }
        return out;
    }

    static void check(int code, const char* call) {
        if (code == MPI_SUCCESS) return;
        char text[MPI_MAX_ERROR_STRING];
        int length = 0;
        MPI_Error_string(code, text, &length);
        throw DistributedError(std::string(call) + " failed: " + std::string(text, std::size_t(length)));
    }

    MPI_Comm comm_;
    std::size_t rank_ = 0, size_ = 1;
};

static_assert(Communicator<MpiCommunicator>);

}  // namespace linfa::distributed
