// Initial centroids: random samples, greedy k-means++, k-means|| or given ones. Every method
// draws from the caller's Rng and reduces per-chunk partial results in chunk order, so the
// same seed gives the same centroids for any thread count. Sample weights act as
// multiplicities: a point of weight 2 is drawn as often as two copies of it.
#pragma once

#include <cmath>
#include <cstdint>
#include <type_traits>
#include <unordered_set>
#include <vector>

#include "../../core/chunked_rows.hpp"
#include "../../core/dataset.hpp"
#include "../../core/parallel.hpp"
#include "../../core/rng.hpp"
#include "../../core/sparse.hpp"
#include "../../simd/reg.hpp"
#include "../../nn/assigner.hpp"
#include "params.hpp"

namespace linfa::clustering::kmeans_detail {

/// Per-chunk sums of `value(i)` (in double, in row order), so picks and totals are reproducible.
template <class Value>
std::vector<double> chunk_sums(const ChunkPlan& plan, Value&& value) {
    std::vector<double> sums(plan.n_chunks, 0.0);
    for_each_chunk(plan, [&](std::size_t c, std::size_t begin, std::size_t end) {
        double s = 0;
        for (std::size_t i = begin; i < end; ++i) s += value(i);
        sums[c] = s;
    });
    return sums;
}

inline double ordered_total(const std::vector<double>& parts) {
    double total = 0;
    for (double p : parts) total += p;
    return total;
}

/// Where a draw lands among chunks: the chunk, and what is left of the target in it.
struct ChunkTarget {
    std::size_t chunk;
    double target;
};

/// The chunk a draw `u` (uniform in [0, 1)) lands in, by the per-chunk sums of mass.
inline ChunkTarget locate_chunk(const std::vector<double>& chunk_mass, double u) {
    double target = u * ordered_total(chunk_mass);
    std::size_t chunk = 0;
    while (chunk + 1 < chunk_mass.size() && !(target < chunk_mass[chunk])) target -= chunk_mass[chunk++];
    return {chunk, target};
}

/// The row a located draw picks among chunks `from` and below of `plan`: in chunk
/// `at.chunk`, the row where the target falls; when rounding leaves the target past the last
/// positive row (or `from` is not the located chunk), the last positive row seen, going down
/// the chunks. SIZE_MAX if no row below has positive mass.
template <class Mass>
std::size_t scan_down(const ChunkPlan& plan, std::size_t from, ChunkTarget at, Mass&& mass) {
    for (std::size_t c = from + 1; c-- > 0;) {
        std::size_t last_positive = SIZE_MAX;
        for (std::size_t i = plan.begin(c); i < plan.end(c); ++i) {
            const double m = mass(i);
            if (!(m > 0)) continue;
            if (c == at.chunk && at.target < m) return i;
            at.target -= m;
            last_positive = i;
        }
        if (last_positive != SIZE_MAX) return last_positive;
    }
    return SIZE_MAX;
}

/// Index i drawn with probability mass(i) / total, where `chunk_mass` holds per-chunk sums
/// of mass. Only rows of positive mass can be drawn; `u` is uniform in [0, 1).
template <class Mass>
std::size_t pick_by_mass(const ChunkPlan& plan, const std::vector<double>& chunk_mass, double u, Mass&& mass) {
    const ChunkTarget at = locate_chunk(chunk_mass, u);
    const std::size_t i = scan_down(plan, at.chunk, at, mass);
    return i == SIZE_MAX ? 0 : i;  // none: unreachable while the total mass is positive
}

template <Float F>
void copy_row(const DatasetView<F>& data, std::size_t i, Matrix<F>& to, std::size_t row) {
    to.row(static_cast<Eigen::Index>(row)) = data.records().row(static_cast<Eigen::Index>(i));
}

/// Row i of sparse `data`, written densely into row `row` of `to`.
template <Float F, SparseIndex I>
void copy_row(const SparseDatasetView<F, I>& data, std::size_t i, Matrix<F>& to, std::size_t row) {
    to.row(static_cast<Eigen::Index>(row)).setZero();
    const auto x = data.records().row(i);
    for (std::size_t e = 0; e < x.indices.size(); ++e) to(Eigen::Index(row), Eigen::Index(x.indices[e])) = x.values[e];
}

/// k distinct rows of n, uniformly, by Floyd's algorithm: k draws, no per-row state. The
/// picks depend on n, k and the draws only, so every process of a distributed fit makes them.
inline std::vector<std::size_t> random_picks(std::size_t n, std::size_t k, Rng& rng) {
    std::vector<std::size_t> picks;
    picks.reserve(k);
    std::unordered_set<std::size_t> seen;
    for (std::size_t j = n - k; j < n; ++j) {
        std::size_t pick = rng.below(j + 1);
        if (!seen.insert(pick).second) {
            pick = j;  // j is new: every earlier draw was below it
            seen.insert(j);
        }
        picks.push_back(pick);
    }
    return picks;
}

/// k distinct samples, uniformly (random_picks).
template <class Data, Float F = scalar_of<Data>>
Matrix<F> init_random_unweighted(const Data& data, std::size_t k, Rng& rng) {
    Matrix<F> centroids(static_cast<Eigen::Index>(k), static_cast<Eigen::Index>(data.n_features()));
    const auto picks = random_picks(data.n_samples(), k, rng);
    for (std::size_t row = 0; row < picks.size(); ++row) copy_row(data, picks[row], centroids, row);
    return centroids;
}

/// k distinct samples drawn without replacement, with probability proportional to weight.
/// When fewer than k samples have positive weight, the rest are the first unpicked samples.
template <class Data, Float F = scalar_of<Data>>
Matrix<F> init_random(const Data& data, std::size_t k, Rng& rng) {
    const std::size_t n = data.n_samples();
    if (!data.has_weights()) return init_random_unweighted(data, k, rng);
    const ChunkPlan plan = plan_chunks(n);
    std::vector<double> mass(n);
    for (std::size_t i = 0; i < n; ++i) mass[i] = double(data.weight(i));
    auto chunk_mass = chunk_sums(plan, [&](std::size_t i) { return mass[i]; });
    Matrix<F> centroids(static_cast<Eigen::Index>(k), static_cast<Eigen::Index>(data.n_features()));
    std::size_t picked = 0;
    for (; picked < k && ordered_total(chunk_mass) > 0; ++picked) {
        const std::size_t i = pick_by_mass(plan, chunk_mass, rng.uniform(), [&](std::size_t r) { return mass[r]; });
        copy_row(data, i, centroids, picked);
        mass[i] = -1;  // picked: never again
        const std::size_t c = i / plan.chunk_rows;
        chunk_mass[c] = 0;
        for (std::size_t r = plan.begin(c); r < plan.end(c); ++r) chunk_mass[c] += std::max(mass[r], 0.0);
    }
    for (std::size_t i = 0; picked < k && i < n; ++i) {
        if (mass[i] >= 0) copy_row(data, i, centroids, picked++);
    }
    return centroids;
}

/// Squared distances in double from one row to a few probe rows at once, vectorised across
/// the probes (stored feature-major, padded with copies of probe 0).
template <Float F>
class ProbeDistances {
    using R = simd::Reg<double>;

public:
    using V = typename R::type;
    static constexpr std::size_t lanes = R::lanes;

    /// Probes at `rows` (d values each).
    ProbeDistances(std::size_t d, const std::vector<const F*>& rows)
        : d_(d), groups_((rows.size() + lanes - 1) / lanes), coords_(d_ * groups_ * lanes) {
        for (std::size_t p = 0; p < groups_ * lanes; ++p) {
            const F* row = rows[p < rows.size() ? p : 0];
            for (std::size_t f = 0; f < d_; ++f) coords_[f * groups_ * lanes + p] = double(row[f]);
        }
    }

    std::size_t groups() const { return groups_; }

    /// out[g] = squared distances from x to probes g*lanes .. g*lanes + lanes - 1.
    /// D > 0 and G > 0 fix d and the group count at compile time (registers, unrolled loops).
    template <std::size_t D, std::size_t G>
    void operator()(const F* x, V* out) const {
        const std::size_t d = D ? D : d_, groups = G ? G : groups_;
        for (std::size_t g = 0; g < groups; ++g) out[g] = R::splat(0.0);
        for (std::size_t f = 0; f < d; ++f) {
            const V xf = R::splat(double(x[f]));
            const double* column = coords_.data() + f * groups * lanes;
            for (std::size_t g = 0; g < groups; ++g) {
                const V diff = xf - R::load(column + g * lanes);
                out[g] += diff * diff;
            }
        }
    }

private:
    std::size_t d_, groups_;
    std::vector<double> coords_;
};

/// The k-means++ candidate that leaves the least potential: `trial_pot` holds, per chunk, the
/// potential each of `n_trials` candidates would leave, summed here in chunk order.
inline std::size_t least_potential_trial(const std::vector<double>& trial_pot, std::size_t n_chunks, std::size_t n_trials) {
    std::size_t best = 0;
    double best_pot = INFINITY;
    for (std::size_t t = 0; t < n_trials; ++t) {
        double pot = 0;
        for (std::size_t chunk = 0; chunk < n_chunks; ++chunk) pot += trial_pot[chunk * n_trials + t];
        if (pot < best_pot) best_pot = pot, best = t;
    }
    return best;
}

/// How k-means++ and k-means|| reach rows they do not hold: within one process, it holds
/// them all. `totals` gives every chunk's values from this process's chunks (here: the
/// same), `pick` the coordinates of the rows that draws pick by per-chunk mass
/// (pick_by_mass), `gather` the rows every process names (here: this one's), in global row
/// order. A distributed fit supplies its own (distributed/kmeans_init.hpp), with the same
/// contract.
template <Float F>
struct LocalRows {
    const DatasetView<F>& data;
    const ChunkPlan& plan;

    std::vector<double> totals(std::vector<double> mine, std::size_t /*width*/) const { return mine; }

    template <class Mass>
    std::vector<std::vector<F>> pick(const std::vector<double>& chunk_mass, const std::vector<double>& draws, Mass&& mass) const {
        std::vector<std::vector<F>> rows;
        for (const double u : draws) {
            const F* row = data.records().data() + pick_by_mass(plan, chunk_mass, u, mass) * data.n_features();
            rows.emplace_back(row, row + data.n_features());
        }
        return rows;
    }

    Matrix<F> gather(const std::vector<std::size_t>& picked) const {
        Matrix<F> rows(Eigen::Index(picked.size()), Eigen::Index(data.n_features()));
        for (std::size_t r = 0; r < picked.size(); ++r) copy_row(data, picked[r], rows, r);
        return rows;
    }
};

/// Greedy k-means++ (Arthur & Vassilvitskii; scikit-learn's variant): each new centre is the
/// best of 2 + log(k) candidates drawn with probability proportional to weight x D^2.
/// One pass over the data per centre, parallel over rows: it lowers every row's D^2 by the
/// centre chosen last and, in the same pass, sums the potential each candidate would leave,
/// all distances of a row computed at once across SIMD lanes. The chosen candidate's sums
/// are the next draw's per-chunk masses; inside the drawn chunk the masses are recomputed
/// with the pending centre, so draws never wait for a separate update pass. `plan`: the
/// chunks of `data`; `rows`: how chunks and picks reach every process (LocalRows).
template <Float F, class Rows>
Matrix<F> kmeans_plusplus(const DatasetView<F>& data, const ChunkPlan& plan, std::size_t k, Rng& rng, const Rows& rows) {
    const std::size_t n = data.n_samples();
    const std::size_t d = data.n_features();
    const F* x = data.records().data();
    const std::size_t n_trials = 2 + static_cast<std::size_t>(std::log(double(k)));
    Matrix<F> centroids(static_cast<Eigen::Index>(k), static_cast<Eigen::Index>(d));
    auto set_row = [&](std::size_t c, const std::vector<F>& row) {
        for (std::size_t f = 0; f < d; ++f) centroids(Eigen::Index(c), Eigen::Index(f)) = row[f];
    };

    auto weight = [&](std::size_t i) { return double(data.weight(i)); };
    const auto chunk_weight = rows.totals(chunk_sums(plan, weight), 1);
    const std::vector<F> first = rows.pick(chunk_weight, {rng.uniform()}, weight)[0];
    set_row(0, first);

    std::vector<double> closest(n);  // squared distance to the nearest centre, but `pending`
    auto chunk_pot = rows.totals(chunk_sums(plan, [&](std::size_t i) {
        closest[i] = nn::squared_distance(x + i * d, first.data(), d);
        return weight(i) * closest[i];
    }), 1);
    std::vector<F> pending;  // the last centre chosen, not yet folded into `closest` (empty: none)
    auto potential = [&](std::size_t i) {
        const double nearest = pending.empty() ? closest[i] : std::min(closest[i], nn::squared_distance(x + i * d, pending.data(), d));
        return weight(i) * nearest;
    };

    // Probe 0 is the pending centre (or a repeat of candidate 0), probes 1.. the candidates.
    std::vector<double> trial_pot(plan.n_chunks * n_trials), draws(n_trials);
    for (std::size_t c = 1; c < k; ++c) {
        if (!(ordered_total(chunk_pot) > 0)) {  // every point sits on a centre already
            set_row(c, rows.pick(chunk_weight, {rng.uniform()}, weight)[0]);
            continue;
        }
        for (double& u : draws) u = rng.uniform();
        const auto candidates = rows.pick(chunk_pot, draws, potential);
        std::vector<const F*> probes{pending.empty() ? candidates[0].data() : pending.data()};
        for (const auto& candidate : candidates) probes.push_back(candidate.data());
        const ProbeDistances<F> distances(d, probes);
        const bool fold_pending = !pending.empty();
        auto run = [&](auto features, auto group_count) {
            constexpr std::size_t D = decltype(features)::value, G = decltype(group_count)::value;
            using V = typename ProbeDistances<F>::V;
            constexpr std::size_t L = ProbeDistances<F>::lanes, slots = G ? G : 16;
            for_each_chunk(plan, [&](std::size_t chunk, std::size_t begin, std::size_t end) {
                V dist[slots], pot[slots];
                const std::size_t groups = G ? G : distances.groups();
                for (std::size_t g = 0; g < groups; ++g) pot[g] = simd::Reg<double>::splat(0.0);
                for (std::size_t i = begin; i < end; ++i) {
                    distances.template operator()<D, G>(x + i * d, dist);
                    if (fold_pending) closest[i] = std::min(closest[i], double(dist[0][0]));
                    const V nearest = simd::Reg<double>::splat(closest[i]), w = simd::Reg<double>::splat(weight(i));
                    for (std::size_t g = 0; g < groups; ++g) pot[g] += w * (dist[g] < nearest ? dist[g] : nearest);
                }
                for (std::size_t t = 0; t < n_trials; ++t) trial_pot[chunk * n_trials + t] = pot[(t + 1) / L][(t + 1) % L];
            });
        };
        nn::with_features(d, [&](auto features) {
            using G = std::integral_constant<std::size_t, 0>;
            switch (distances.groups()) {
                case 1: return run(features, std::integral_constant<std::size_t, 1>{});
                case 2: return run(features, std::integral_constant<std::size_t, 2>{});
                default: return run(features, G{});
            }
        });
        const auto all_pot = rows.totals(trial_pot, n_trials);
        const std::size_t n_chunks = all_pot.size() / n_trials;
        const std::size_t best = least_potential_trial(all_pot, n_chunks, n_trials);
        pending = candidates[best];
        set_row(c, pending);
        chunk_pot.resize(n_chunks);
        for (std::size_t chunk = 0; chunk < n_chunks; ++chunk) chunk_pot[chunk] = all_pot[chunk * n_trials + best];
    }
    return centroids;
}

/// Greedy k-means++ over the rows of one process (kmeans_plusplus).
template <Float F>
Matrix<F> init_kmeans_plusplus(const DatasetView<F>& data, std::size_t k, Rng& rng) {
    const ChunkPlan plan = plan_chunks(data.n_samples());
    return kmeans_plusplus(data, plan, k, rng, LocalRows<F>{data, plan});
}

/// Lowers `closest[i]` to the squared distance from row i to its nearest row of `centres`.
template <Float F>
void lower_closest(const DatasetView<F>& data, const Matrix<F>& centres, std::vector<double>& closest) {
    const nn::Assigner<F> assigner(centres);
    for_each_chunk(plan_chunks(data.n_samples()), [&](std::size_t, std::size_t begin, std::size_t end) {
        assigner.assign_range(data.records().data(), begin, end,
                              [&](std::size_t b, std::size_t rows, const std::int32_t*, const F* sq) {
            for (std::size_t r = 0; r < rows; ++r) closest[b + r] = std::min(closest[b + r], double(sq[r]));
        });
    });
}

/// k-means||'s rounds (dense and sparse data alike) over the chunks of `plan`, the first of
/// them global chunk `first_chunk`: each keeps every point independently with probability
/// oversampling x weight(i) x closest[i] / total, one RNG substream per global chunk, and
/// hands `keep` the rows kept here in row order (keep lowers `closest` by the points every
/// process kept). `every_chunk` turns this process's per-chunk values into every chunk's
/// (LocalRows::totals). Stops early once every point sits on a kept one.
template <class EveryChunk, class Weight, class Keep>
void oversample(const ChunkPlan& plan, std::size_t first_chunk, std::size_t n_rounds, double oversampling, Rng& rng,
                Weight&& weight, const std::vector<double>& closest, EveryChunk&& every_chunk, Keep&& keep) {
    for (std::size_t round = 0; round < n_rounds; ++round) {
        const double total = ordered_total(every_chunk(chunk_sums(plan, [&](std::size_t i) { return weight(i) * closest[i]; })));
        if (!(total > 0)) break;
        const RngStreams streams = rng.substreams();
        std::vector<std::vector<std::size_t>> picked(plan.n_chunks);
        for_each_chunk(plan, [&](std::size_t c, std::size_t begin, std::size_t end) {
            Rng stream = streams.stream(first_chunk + c);
            for (std::size_t i = begin; i < end; ++i) {
                if (stream.uniform() * total < oversampling * weight(i) * closest[i]) picked[c].push_back(i);
            }
        });
        std::vector<std::size_t> kept;
        for (const auto& p : picked) kept.insert(kept.end(), p.begin(), p.end());
        keep(kept);
    }
}

/// k-means|| (Bahmani et al. 2012): a few rounds that each keep every point independently
/// with probability 2k x weight x D^2 / total (one RNG substream per chunk), then weighted
/// k-means++ over the kept points, each weighted by the weight of the points nearest to it.
/// `plan`: the chunks of `data`, the first of them global chunk `first_chunk`; `rows`: how
/// chunks and kept rows reach every process (LocalRows).
template <Float F, class Rows>
Matrix<F> kmeans_parallel(const DatasetView<F>& data, const ChunkPlan& plan, std::size_t first_chunk, std::size_t k, Rng& rng,
                          const Rows& rows) {
    constexpr std::size_t n_rounds = 5;
    const std::size_t d = data.n_features();
    auto weight = [&](std::size_t i) { return double(data.weight(i)); };
    auto every_chunk = [&](std::vector<double> mine) { return rows.totals(std::move(mine), 1); };

    const std::vector<F> first = rows.pick(every_chunk(chunk_sums(plan, weight)), {rng.uniform()}, weight)[0];
    Matrix<F> candidates = Eigen::Map<const Matrix<F>>(first.data(), 1, Eigen::Index(d));
    std::vector<double> closest(data.n_samples(), INFINITY);
    lower_closest(data, candidates, closest);
    oversample(plan, first_chunk, n_rounds, 2.0 * double(k), rng, weight, closest, every_chunk, [&](const std::vector<std::size_t>& kept) {
        const Matrix<F> added = rows.gather(kept);
        if (added.rows() == 0) return;
        lower_closest(data, added, closest);
        candidates.conservativeResize(candidates.rows() + added.rows(), Eigen::NoChange);
        candidates.bottomRows(added.rows()) = added;
    });

    if (std::size_t(candidates.rows()) < k) return kmeans_plusplus(data, plan, k, rng, rows);  // too few distinct points
    const nn::Assigner<F> assigner(candidates);
    const auto m = std::size_t(candidates.rows());
    PerChunk<double> partial(plan.n_chunks, m);
    for_each_chunk(plan, [&](std::size_t c, std::size_t begin, std::size_t end) {
        double* mass = partial[c];
        assigner.assign_range(data.records().data(), begin, end,
                              [&](std::size_t b, std::size_t rows_done, const std::int32_t* labels, const F*) {
            for (std::size_t r = 0; r < rows_done; ++r) mass[labels[r]] += weight(b + r);
        });
    });
    const std::vector<double> masses = add_in_chunk_order(rows.totals(concatenated_chunks(partial, m), m), m);
    const Vector<F> candidate_weights = Eigen::Map<const Vector<double>>(masses.data(), Eigen::Index(m)).template cast<F>();
    const DatasetView<F> weighted(MatrixView<F>(candidates.data(), candidates.rows(), candidates.cols()),
                                  std::span<const F>(candidate_weights.data(), m));
    return init_kmeans_plusplus(weighted, k, rng);
}

/// k-means|| over the rows of this process (kmeans_parallel).
template <Float F>
Matrix<F> init_kmeans_para(const DatasetView<F>& data, std::size_t k, Rng& rng) {
    const ChunkPlan plan = plan_chunks(data.n_samples());
    return kmeans_parallel(data, plan, 0, k, rng, LocalRows<F>{data, plan});
}

// The same on sparse rows: sparse_init.hpp.
template <Float F, SparseIndex I>
Matrix<F> init_kmeans_plusplus(const SparseDatasetView<F, I>& data, std::size_t k, Rng& rng);
template <Float F, SparseIndex I>
Matrix<F> init_kmeans_para(const SparseDatasetView<F, I>& data, std::size_t k, Rng& rng);

/// The initial centroids the parameters ask for, from dense or sparse data.
template <Float F, class Data>
Matrix<F> initial_centroids(const KMeansParams<F>& params, const Data& data, Rng& rng) {
    const std::size_t k = params.n_clusters();
    switch (params.init_method()) {
        case InitMethod::Random: return init_random(data, k, rng);
        case InitMethod::KMeansPlusPlus: return init_kmeans_plusplus(data, k, rng);
        case InitMethod::KMeansPara: return init_kmeans_para(data, k, rng);
        case InitMethod::Precomputed: break;
    }
    return params.init_centroids();
}

}  // namespace linfa::clustering::kmeans_detail
