// Synthetic data: isotropic Gaussian blobs, as in linfa-datasets and scikit-learn's make_blobs.
#pragma once

#include <cstdint>

#include "../core/dataset.hpp"
#include "../core/error.hpp"
#include "../core/rng.hpp"

namespace linfa::datasets {

/// `blob_size` points drawn from a standard normal around each row of `centroids`.
/// Records are grouped blob after blob; targets hold the blob index of each point.
template <Float F>
Dataset<F> generate_blobs(std::size_t blob_size, const Matrix<F>& centroids, Rng& rng) {
    if (centroids.rows() == 0 || centroids.cols() == 0) {
        throw InvalidInput("generate_blobs: centroids must be a non-empty matrix, found " +
                           std::to_string(centroids.rows()) + " x " + std::to_string(centroids.cols()));
    }
    const auto n_blobs = centroids.rows();
    const auto d = centroids.cols();
    Matrix<F> records(n_blobs * static_cast<Eigen::Index>(blob_size), d);
    Labels targets(records.rows());
    Eigen::Index row = 0;
    for (Eigen::Index b = 0; b < n_blobs; ++b) {
        for (std::size_t i = 0; i < blob_size; ++i, ++row) {
            for (Eigen::Index j = 0; j < d; ++j) records(row, j) = centroids(b, j) + rng.normal<F>();
            targets(row) = static_cast<std::int32_t>(b);
        }
    }
    return Dataset<F>(std::move(records), std::move(targets));
}

}  // namespace linfa::datasets
