// An in-process Communicator: `size` ranks on threads of one process, exchanging buffers in
// shared memory. For tests and for trying a distributed fit without MPI; the answers are the
// ones MPI ranks get, since fits see only the Communicator operations.
#pragma once

#include <atomic>
#include <barrier>
#include <cstddef>
#include <exception>
#include <memory>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "communicator.hpp"

namespace linfa::distributed {

/// Ranks on threads of one process (see the top of this file); `run` starts them.
class ThreadGroup {
    struct Shared {
        explicit Shared(std::size_t size) : size(size), slots(size, PerRank(size)), sync(std::ptrdiff_t(size)) {}
        std::size_t size;
        std::vector<PerRank> slots;  // slots[from][to]
        std::barrier<> sync;
        std::atomic<std::ptrdiff_t> first_to_leave{-1};
    };

public:
    /// One rank's view of the group: a Communicator.
    class Member {
    public:
        /// This member's rank.
        std::size_t rank() const { return rank_; }
        /// The number of ranks.
        std::size_t size() const { return shared_->size; }

        /// Communicator::all_gather.
        PerRank all_gather(std::span<const std::byte> mine) const {
            return exchange([&](std::size_t) { return std::vector<std::byte>(mine.begin(), mine.end()); });
        }

        /// Communicator::all_to_all.
        PerRank all_to_all(const PerRank& outgoing) const {
            if (outgoing.size() != size()) {
                throw DistributedError("all_to_all: " + std::to_string(outgoing.size()) + " buffers for " +
                                       std::to_string(size()) + " ranks");
            }
            return exchange([&](std::size_t to) { return outgoing[to]; });
        }

    private:
        friend class ThreadGroup;
        Member(std::shared_ptr<Shared> shared, std::size_t rank) : shared_(std::move(shared)), rank_(rank) {}

        template <class Outgoing>
        PerRank exchange(Outgoing&& outgoing) const {
            for (std::size_t to = 0; to < size(); ++to) shared_->slots[rank_][to] = outgoing(to);
            wait();  // every rank has written
            PerRank incoming(size());
            for (std::size_t from = 0; from < size(); ++from) incoming[from] = shared_->slots[from][rank_];
            wait();  // every rank has read: the slots may be written again
            return incoming;
        }

        void wait() const {
            shared_->sync.arrive_and_wait();
            const auto left = shared_->first_to_leave.load();
            if (left >= 0) throw DistributedError("rank " + std::to_string(left) + " left the group");
        }

        std::shared_ptr<Shared> shared_;
        std::size_t rank_;
    };

    /// Runs `fn(Member&)` for ranks 0 .. size - 1, each on its own thread, and waits for all.
    /// A rank that throws leaves the group: the others' next collective throws instead of
    /// waiting for it. Rethrows the exception of the first rank that left.
    template <class Fn>
    static void run(std::size_t size, Fn&& fn) {
        auto shared = std::make_shared<Shared>(size);
        std::vector<std::exception_ptr> errors(size);
        std::vector<std::thread> threads;
        threads.reserve(size);
        for (std::size_t r = 0; r < size; ++r) {
            threads.emplace_back([&, r] {
                Member member(shared, r);
                try {
                    fn(member);
                } catch (...) {
                    errors[r] = std::current_exception();
                    std::ptrdiff_t none = -1;
                    shared->first_to_leave.compare_exchange_strong(none, std::ptrdiff_t(r));
                    shared->sync.arrive_and_drop();
                }
            });
        }
        for (auto& t : threads) t.join();
        const auto first = shared->first_to_leave.load();
        if (first >= 0) std::rethrow_exception(errors[std::size_t(first)]);
    }
};

}  // namespace linfa::distributed
