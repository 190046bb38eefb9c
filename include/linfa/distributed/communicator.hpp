// The one thing distributed fits ask of a process group: who am I, how many are we, and two
// collectives that move bytes (all-gather and all-to-all). Sums are never left to the group:
// every rank gathers the partial results of every chunk and adds them itself, in chunk order,
// which is what makes a fit on many processes the fit of one process bit for bit (an
// MPI_Allreduce with MPI_SUM adds in an order the MPI library chooses). MPI (mpi.hpp), the
// in-process ThreadGroup (thread_group.hpp) and SingleProcess below all model Communicator.
#pragma once

#include <concepts>
#include <cstddef>
#include <cstring>
#include <exception>
#include <span>
#include <string>
#include <type_traits>
#include <vector>

#include "../core/error.hpp"

namespace linfa::distributed {

/// Bytes, one buffer per rank (in rank order).
using PerRank = std::vector<std::vector<std::byte>>;

/// A group of processes (ranks 0 .. size() - 1) that all call the same collectives in the
/// same order:
/// - `all_gather(mine)`: every rank's buffer, on every rank, in rank order;
/// - `all_to_all(outgoing)`: outgoing[r] goes to rank r; returns what each rank sent here.
/// Buffers may differ in size between ranks and may be empty. A collective either completes
/// on every rank or throws (a transport error); the group is then unusable.
template <class C>
concept Communicator = requires(const C& comm, std::span<const std::byte> mine, const PerRank& outgoing) {
    { comm.rank() } -> std::convertible_to<std::size_t>;
    { comm.size() } -> std::convertible_to<std::size_t>;
    { comm.all_gather(mine) } -> std::same_as<PerRank>;
    { comm.all_to_all(outgoing) } -> std::same_as<PerRank>;
};

/// A failure on some rank of a distributed step, raised on every rank so that none waits in
/// a collective the failed one will never reach.
class DistributedError : public Error {
public:
    using Error::Error;
};

/// The group of one process: the single-machine fit through the distributed code.
struct SingleProcess {
    /// Always 0.
    std::size_t rank() const { return 0; }
    /// Always 1.
    std::size_t size() const { return 1; }
    /// `mine`, as the only rank's buffer.
    PerRank all_gather(std::span<const std::byte> mine) const { return {std::vector<std::byte>(mine.begin(), mine.end())}; }
    /// `outgoing[0]`, sent to itself.
    PerRank all_to_all(const PerRank& outgoing) const { return outgoing; }
};

/// A Communicator that counts what goes through another: collectives called, bytes this
/// rank sent and received (its own buffer included, as MPI copies it too).
template <Communicator C>
class Counted {
public:
    /// Counts what goes through `inner` (which must outlive this).
    explicit Counted(const C& inner) : inner_(inner) {}

    /// The inner communicator's rank.
    std::size_t rank() const { return inner_.rank(); }
    /// The inner communicator's size.
    std::size_t size() const { return inner_.size(); }

    /// The inner all-gather, counted.
    PerRank all_gather(std::span<const std::byte> mine) const {
        PerRank all = inner_.all_gather(mine);
        count(mine.size(), all);
        return all;
    }

    /// The inner all-to-all, counted.
    PerRank all_to_all(const PerRank& outgoing) const {
        std::size_t sent = 0;
        for (const auto& buffer : outgoing) sent += buffer.size();
        PerRank incoming = inner_.all_to_all(outgoing);
        count(sent, incoming);
        return incoming;
    }

    /// Collectives called so far.
    std::size_t collectives() const { return collectives_; }
    /// Bytes this rank handed to them.
    std::size_t bytes_sent() const { return sent_; }
    /// Bytes they returned to this rank.
    std::size_t bytes_received() const { return received_; }

private:
    void count(std::size_t sent, const PerRank& received) const {
        ++collectives_;
        sent_ += sent;
        for (const auto& buffer : received) received_ += buffer.size();
    }

    const C& inner_;
    mutable std::size_t collectives_ = 0, sent_ = 0, received_ = 0;
};

/// The bytes of `values`, to send.
template <class T>
    requires std::is_trivially_copyable_v<T>
std::span<const std::byte> as_bytes_of(std::span<const T> values) {
    return std::as_bytes(values);
}

/// `bytes` read back as values of T (a whole number of them, or the transport is broken).
template <class T>
    requires std::is_trivially_copyable_v<T>
std::vector<T> values_of(const std::vector<std::byte>& bytes) {
    if (bytes.size() % sizeof(T) != 0) throw DistributedError("distributed: a message of " + std::to_string(bytes.size()) +
                                                               " bytes is not a whole number of values");
    std::vector<T> values(bytes.size() / sizeof(T));
    if (!bytes.empty()) std::memcpy(values.data(), bytes.data(), bytes.size());
    return values;
}

/// Every rank's values, one vector per rank.
template <class T, Communicator C>
std::vector<std::vector<T>> all_gather(const C& comm, std::span<const T> mine) {
    const PerRank bytes = comm.all_gather(as_bytes_of(mine));
    std::vector<std::vector<T>> out;
    out.reserve(bytes.size());
    for (const auto& b : bytes) out.push_back(values_of<T>(b));
    return out;
}

/// Every rank's values, concatenated in rank order.
template <class T, Communicator C>
std::vector<T> all_gather_joined(const C& comm, std::span<const T> mine) {
    std::vector<T> joined;
    for (auto& part : all_gather(comm, mine)) joined.insert(joined.end(), part.begin(), part.end());
    return joined;
}

/// One value from every rank, in rank order.
template <class T, Communicator C>
std::vector<T> all_gather_one(const C& comm, const T& mine) {
    return all_gather_joined(comm, std::span<const T>(&mine, 1));
}

/// Runs `step` (returning void) on every rank. If it throws on any rank, every rank throws a
/// DistributedError naming the lowest failed rank and its message; the failed ranks rethrow
/// their own exception. One all-gather, whatever happens.
template <Communicator C, class Step>
void collectively(const C& comm, Step&& step) {
    std::string failure;
    std::exception_ptr own;
    try {
        step();
    } catch (const std::exception& e) {
        own = std::current_exception();
        failure = e.what();
        if (failure.empty()) failure = "unknown error";
    } catch (...) {
        own = std::current_exception();
        failure = "unknown error";
    }
    const PerRank messages = comm.all_gather(std::as_bytes(std::span<const char>(failure.data(), failure.size())));
    if (own) std::rethrow_exception(own);
    for (std::size_t r = 0; r < messages.size(); ++r) {
        if (messages[r].empty()) continue;
        const auto* text = reinterpret_cast<const char*>(messages[r].data());
        throw DistributedError("rank " + std::to_string(r) + " failed: " + std::string(text, messages[r].size()));
    }
}

}  // namespace linfa::distributed
