// Seedable randomness. Algorithms take a `linfa::Rng` (or a seed) from the caller, so the
// same seed gives the same model. Draws go through Boost.Random distributions, whose
// algorithms are fixed in the headers, unlike std:: distributions that differ between
// standard libraries.
//
// Parallel work never shares an engine: `Rng::substreams()` draws one key from the parent
// engine, and stream i of that family is seeded from (key, i) alone, never from a thread id.
#pragma once

#include <cstdint>

#include <boost/random/mersenne_twister.hpp>
#include <boost/random/normal_distribution.hpp>
#include <boost/random/uniform_01.hpp>
#include <boost/random/uniform_int_distribution.hpp>

namespace linfa {

/// SplitMix64 finaliser: spreads nearby integers (seed, index) over the whole 64-bit range.
constexpr std::uint64_t mix64(std::uint64_t z) {
    z += 0x9e3779b97f4a7c15ULL;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

class Rng;

/// A family of independent generators keyed by a task index (see Rng::substreams).
class RngStreams {
public:
    /// The family keyed by `key` (usually made by Rng::substreams).
    explicit RngStreams(std::uint64_t key) : key_(key) {}
    /// Generator `index` of the family, seeded from (key, index) alone: the same on any thread.
    Rng stream(std::uint64_t index) const;

private:
    std::uint64_t key_;
};

/// The random engine passed through linfa: a 64-bit Mersenne Twister with a 64-bit seed.
/// A UniformRandomBitGenerator, so it also works with any Boost.Random distribution.
class Rng {
public:
    /// Type of the raw 64-bit draws (UniformRandomBitGenerator).
    using result_type = std::uint64_t;
    /// Seed of a default-constructed Rng.
    static constexpr std::uint64_t default_seed = 42;

    /// An engine seeded with `seed`.
    explicit Rng(std::uint64_t seed = default_seed) : engine_(seed) {}

    /// Smallest raw draw: 0.
    static constexpr result_type min() { return 0; }
    /// Largest raw draw: 2^64 - 1.
    static constexpr result_type max() { return ~std::uint64_t(0); }  // full 64-bit output
    /// Next raw 64-bit draw.
    result_type operator()() { return engine_(); }

    /// Uniform in [0, 1).
    double uniform() { return boost::random::uniform_01<double>()(engine_); }
    /// Uniform integer in [0, n); n must be positive.
    std::uint64_t below(std::uint64_t n) {
        return boost::random::uniform_int_distribution<std::uint64_t>(0, n - 1)(engine_);
    }
    /// Standard normal draw.
    template <class F>
    F normal() {
        return boost::random::normal_distribution<F>(F(0), F(1))(engine_);
    }

    /// Advances this engine once and returns a family of substreams for parallel tasks.
    RngStreams substreams() { return RngStreams(engine_()); }

private:
    boost::random::mt19937_64 engine_;
};

inline Rng RngStreams::stream(std::uint64_t index) const { return Rng(mix64(key_ ^ mix64(index))); }

}  // namespace linfa
