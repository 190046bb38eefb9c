// Fitting (scikit-learn's BaseMixture.fit_predict): validate the data, then for each
// initialisation iterate EM until the lower bound changes by less than tol, keeping the run
// with the highest lower bound. Each iteration is one pass over the data: the E-step of a
// sample is followed at once by its share of the M-step sums, so no n x k responsibilities
// are stored.
#pragma once

#include <cmath>
#include <limits>
#include <optional>
#include <string>

#include "../../core/chunked_rows.hpp"
#include "../../core/validation.hpp"
#include "components.hpp"
#include "em_pass.hpp"
#include "init.hpp"
#include "model.hpp"
#include "params.hpp"

namespace linfa::clustering {

/// The fit behind GaussianMixtureValidParams (a friend of GaussianMixture, which it constructs),
/// written over ChunkedRows so that distributed::fit runs it on rows spread over processes.
template <Float F>
struct GaussianMixtureFitter {
    /// One EM iteration from `c`: the new parameters and the lower bound of `c` on the rows.
    template <ChunkedRows<F> Rows>
    static std::pair<gmm_detail::Components, double> em_step(const Rows& rows, const gmm_detail::Components& c, double reg_covar) {
        using namespace gmm_detail;
        const SumsLayout L{c.type, c.k, c.d};
        const HeldChunks<F> held = rows.held(plan_sums(rows.n_samples(), L.size()));
        PerChunk<double> partial(held.plan.n_chunks, L.size());
        for_each_chunk(held.plan, [&](std::size_t chunk, std::size_t begin, std::size_t end) {
            EmBlocks blocks(c);
            for (std::size_t start = begin; start < end; start += EmBlocks::block) {
                blocks.add_block(held.view.records().data(), start, std::min(EmBlocks::block, end - start),
                                 [&](std::size_t i) { return double(held.view.weight(i)); });
            }
            blocks.fold(L, partial[chunk]);
        });
        const std::vector<double> sums = rows.total(partial, L.size());
        const double lower_bound = sums[0] / sums[1];
        return {m_step(L, sums, c.means, reg_covar, /*normalise_weights=*/true, sums[1]), lower_bound};
    }

    /// n_init runs of EM over `rows` (one from `warm` when given), keeping the highest lower
    /// bound; the initialisations' draws from rows made by `seeds` (gmm_detail::LocalSeeds'
    /// contract). The rows must have passed require_fittable and require_trainable.
    template <ChunkedRows<F> Rows, class Seeds>
    static GaussianMixture<F> fit_rows(const GaussianMixtureParams<F>& params, const Rows& rows, const Seeds& seeds,
                                       std::optional<GaussianMixture<F>> warm) {
        Rng rng = params.rng();
        const bool do_init = !warm.has_value();
        const std::size_t n_init = do_init ? params.n_init() : 1;
        double best_bound = -std::numeric_limits<double>::infinity();
        std::optional<gmm_detail::Components> best;
        std::uint64_t best_n_iter = 0;
        bool converged = false;
        for (std::size_t init = 0; init < n_init; ++init) {
            gmm_detail::Components c = do_init ? gmm_detail::initial_components(params, rows, seeds, rng) : warm->c_;
            double bound = do_init ? -std::numeric_limits<double>::infinity() : warm->lower_bound_;
            if (params.max_n_iterations() == 0) {
                best = std::move(c);
                best_n_iter = 0;
                continue;
            }
            std::uint64_t n_iter = 0;
            for (n_iter = 1; n_iter <= params.max_n_iterations(); ++n_iter) {
                const double previous = bound;
                auto [next, lower_bound] = em_step(rows, c, params.reg_covar());
                c = std::move(next);
                bound = lower_bound;
                if (params.on_iteration()) params.on_iteration()(init, n_iter, bound);
                if (std::abs(bound - previous) < params.tolerance()) {
                    converged = true;
                    break;
                }
            }
            n_iter = std::min(n_iter, params.max_n_iterations());
            if (bound > best_bound || best_bound == -std::numeric_limits<double>::infinity()) {
                best_bound = bound;
                best = std::move(c);
                best_n_iter = n_iter;
            }
        }
        return GaussianMixture<F>(std::move(*best), converged, best_n_iter, best_bound);
    }

    /// fit_rows over the rows of this process; labels of the data when `want_labels`. Throws
    /// as GaussianMixtureValidParams::fit.
    static GaussianMixtureWithLabels<F> fit(const GaussianMixtureParams<F>& params, const DatasetView<F>& data,
                                            std::optional<GaussianMixture<F>> warm, bool want_labels) {
        require_fittable(params, data.n_samples(), data.n_features(), warm);
        require_trainable(data);
        GaussianMixture<F> model = fit_rows(params, LocalChunks<F>{data}, gmm_detail::LocalSeeds<F>{data}, std::move(warm));
        Labels labels;
        if (want_labels) labels = model.predict(data);
        return {std::move(model), std::move(labels)};
    }

    /// Throws GaussianMixtureInputError unless n rows of d features (and `warm`) fit the
    /// parameters.
    static void require_fittable(const GaussianMixtureParams<F>& params, std::size_t n, std::size_t d,
                                 const std::optional<GaussianMixture<F>>& warm) {
        auto invalid = [](const std::string& what) { throw GaussianMixtureInputError("GaussianMixture: " + what); };
        const std::size_t k = params.n_components();
        if (d == 0) invalid("records have zero features; need at least one");
        if (n < 2) invalid("need at least 2 samples, found n_samples = " + std::to_string(n));
        if (n < k) invalid("n_samples = " + std::to_string(n) + " must be at least n_components = " + std::to_string(k));
        if (n > static_cast<std::size_t>(INT32_MAX)) invalid("more than 2^31 - 1 samples are not supported, found " + std::to_string(n));
        if (params.means_init() && std::size_t(params.means_init()->cols()) != d) {
            invalid("means_init have " + std::to_string(params.means_init()->cols()) + " features, the records have " + std::to_string(d));
        }
        if (params.precisions_init() && params.covariance_type() != CovarianceType::Spherical) {
            const auto& p = *params.precisions_init();
            if (gmm_detail::features_of_shape(params.covariance_type(), k, std::size_t(p.rows()), std::size_t(p.cols())) != d) {
                invalid("precisions_init are " + std::to_string(p.rows()) + " x " + std::to_string(p.cols()) + ", which does not fit " +
                        std::to_string(d) + " features for covariance type '" + covariance_type_name(params.covariance_type()) + "'");
            }
        }
        if (warm) {
            if (warm->n_components() != k || warm->n_features() != d || warm->covariance_type() != params.covariance_type()) {
                invalid("fit_with: the model has " + std::to_string(warm->n_components()) + " components of " +
                        std::to_string(warm->n_features()) + " features, covariance type '" + covariance_type_name(warm->covariance_type()) +
                        "'; expected " + std::to_string(k) + " of " + std::to_string(d) + ", '" +
                        covariance_type_name(params.covariance_type()) + "'");
            }
        }
    }
};

template <Float F>
GaussianMixtureWithLabels<F> GaussianMixtureValidParams<F>::fit_predict(const DatasetView<F>& data) const {
    return GaussianMixtureFitter<F>::fit(params_, data, std::nullopt, true);
}

template <Float F>
GaussianMixture<F> GaussianMixtureValidParams<F>::fit(const DatasetView<F>& data) const {
    return GaussianMixtureFitter<F>::fit(params_, data, std::nullopt, false).model;
}

template <Float F>
GaussianMixture<F> GaussianMixtureValidParams<F>::fit_with(std::optional<GaussianMixture<F>> model, const DatasetView<F>& data) const {
    return GaussianMixtureFitter<F>::fit(params_, data, std::move(model), false).model;
}

}  // namespace linfa::clustering
