// Test data for distributed fits: the same rows on every rank, and named ways to split them.
#pragma once

#include <algorithm>
#include <span>
#include <string>
#include <vector>

#include <linfa/core/dataset.hpp>
#include <linfa/core/rng.hpp>

namespace test::shards {

using linfa::DatasetView;
using linfa::Matrix;

/// Blobs of n rows, d features, `centres` centres, optionally weighted.
template <class F>
struct Data {
    Matrix<F> records;
    std::vector<F> weights;

    Data(std::size_t n, std::size_t d, std::size_t centres, bool weighted, std::uint64_t seed) : records(Eigen::Index(n), Eigen::Index(d)) {
        linfa::Rng rng(seed);
        Matrix<F> at{Eigen::Index(centres), Eigen::Index(d)};
        for (Eigen::Index i = 0; i < at.size(); ++i) at.data()[i] = F(rng.uniform() * 20 - 10);
        for (std::size_t i = 0; i < n; ++i)
            for (std::size_t f = 0; f < d; ++f)
                records(Eigen::Index(i), Eigen::Index(f)) = at(Eigen::Index(i % centres), Eigen::Index(f)) + rng.normal<F>();
        if (weighted)
            for (std::size_t i = 0; i < n; ++i) weights.push_back(F(0.5 + rng.uniform() * (i % 7 == 0 ? 0 : 2)));
    }

    DatasetView<F> view() const {
        return DatasetView<F>(linfa::MatrixView<F>(records.data(), records.rows(), records.cols()),
                              std::span<const F>(weights.data(), weights.size()));
    }

    /// Rows [begin, end) as their own dataset view.
    DatasetView<F> slice(std::size_t begin, std::size_t end) const {
        const std::size_t d = std::size_t(records.cols());
        return DatasetView<F>(linfa::MatrixView<F>(records.data() + begin * d, Eigen::Index(end - begin), records.cols()),
                              weights.empty() ? std::span<const F>() : std::span<const F>(weights.data() + begin, end - begin));
    }
};

/// Where each rank's rows start, for `ranks` ranks over n rows: the named layouts.
inline std::vector<std::size_t> layout(const std::string& name, std::size_t n, std::size_t ranks) {
    std::vector<std::size_t> starts{0};
    for (std::size_t r = 1; r < ranks; ++r) {
        std::size_t at = 0;
        if (name == "equal") at = r * n / ranks;
        else if (name == "skewed") at = n - n / (r * 3 + 1);             // rank 0 holds most
        else if (name == "first empty") at = r == 1 ? 0 : (r - 1) * n / (ranks - 1);
        else if (name == "odd") at = std::min(n, r * 1237 + 5);         // small shards, then the rest
        starts.push_back(std::max(starts.back(), at));
    }
    starts.push_back(n);
    return starts;
}


/// The layouts every distributed test runs.
inline const std::vector<std::string> layout_names{"equal", "skewed", "first empty", "odd"};

}  // namespace test::shards
