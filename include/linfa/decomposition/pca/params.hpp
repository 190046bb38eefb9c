// PCA hyper-parameters, after linfa's guard pattern: `PcaParams` is a builder whose setters
// chain; `check()` validates them and returns `PcaValidParams`; `fit` on either (the
// builder's through GuardedParams) returns a fitted `Pca`.
#pragma once

#include <cmath>
#include <cstdint>
#include <optional>
#include <string>

#include "../../core/chunked_rows.hpp"
#include "../../core/dataset.hpp"
#include "../../core/params.hpp"
#include "../../core/rng.hpp"
#include "errors.hpp"

namespace linfa::decomposition {

template <Float F>
class Pca;
template <Float F>
class PcaValidParams;

/// How the principal components are computed (scikit-learn's `svd_solver`).
enum class PcaSolver : std::uint32_t {
    Auto = 0,        ///< as scikit-learn: Full when max(n, d) <= 500 or a variance fraction or all
                     ///< components are asked; Randomized when 1 <= k < 0.8 min(n, d); else Full
    Full = 1,        ///< eigenvectors of the covariance matrix (exact)
    Randomized = 2,  ///< randomized range finder (Halko et al.) with power iterations (seeded)
};

/// Builder of PCA hyper-parameters (see `Pca<F>::params`).
template <Float F>
class PcaParams : public GuardedParams<PcaParams<F>> {
public:
    /// What `check()` returns (ParamGuard).
    using Checked = PcaValidParams<F>;

    /// Defaults (all components, no whitening, automatic solver), drawing from a copy of `rng`.
    explicit PcaParams(Rng rng = Rng()) : rng_(rng) {}

    /// Keep this many components (at most min(n_samples, n_features) at fit).
    PcaParams& n_components(std::size_t k) { count_ = k, fraction_.reset(); return *this; }
    /// Keep the fewest components whose explained variance ratio adds up to more than `f`, in
    /// (0, 1) (Full solver only).
    PcaParams& variance_fraction(double f) { fraction_ = f, count_.reset(); return *this; }
    /// Keep every component (min(n_samples, n_features)): the default.
    PcaParams& all_components() { count_.reset(), fraction_.reset(); return *this; }
    /// Scale the transformed components to unit variance.
    PcaParams& whiten(bool w) { whiten_ = w; return *this; }
    /// How the components are computed (default PcaSolver::Auto).
    PcaParams& solver(PcaSolver s) { solver_ = s; return *this; }
    /// Randomized solver: extra random directions beyond the components (default 10).
    PcaParams& n_oversamples(std::size_t n) { oversamples_ = n; return *this; }
    /// Randomized solver: power iterations; default as scikit-learn's "auto" (7 when the
    /// components are fewer than a tenth of min(n, d), else 4).
    PcaParams& n_power_iterations(std::size_t n) { power_iterations_ = n; return *this; }
    /// The random engine of the randomized solver (default: Rng(), seed 42).
    PcaParams& rng(Rng r) { rng_ = r; return *this; }

    /// The number of components asked for (nullopt: all, or a variance fraction).
    std::optional<std::size_t> n_components() const { return count_; }
    /// The variance fraction asked for (nullopt: none).
    std::optional<double> variance_fraction() const { return fraction_; }
    /// Whether the transformed components are scaled to unit variance (default false).
    bool whiten() const { return whiten_; }
    /// The solver asked for (Auto is resolved at fit).
    PcaSolver solver() const { return solver_; }
    /// Extra random directions of the randomized solver (default 10).
    std::size_t n_oversamples() const { return oversamples_; }
    /// Power iterations of the randomized solver (nullopt: scikit-learn's "auto" rule).
    std::optional<std::size_t> n_power_iterations() const { return power_iterations_; }
    /// The random engine each fit starts from a copy of.
    const Rng& rng() const { return rng_; }

    /// Validates every parameter; throws PcaParamsError naming the first invalid one.
    PcaValidParams<F> check() const {
        auto invalid = [](const std::string& what) { throw PcaParamsError("PCA: " + what); };
        if (count_ && *count_ == 0) invalid("n_components must be at least 1, found 0");
        if (fraction_ && !(*fraction_ > 0 && *fraction_ < 1)) {
            invalid("a variance fraction must be in (0, 1), found " + std::to_string(*fraction_));
        }
        if (solver_ != PcaSolver::Auto && solver_ != PcaSolver::Full && solver_ != PcaSolver::Randomized) invalid("unknown solver");
        if (solver_ == PcaSolver::Randomized && !count_) {
            invalid("the randomized solver needs a number of components (n_components), not all or a variance fraction");
        }
        return PcaValidParams<F>(*this);
    }

private:
    std::optional<std::size_t> count_;
    std::optional<double> fraction_;
    bool whiten_ = false;
    PcaSolver solver_ = PcaSolver::Auto;
    std::size_t oversamples_ = 10;
    std::optional<std::size_t> power_iterations_;
    Rng rng_;
};

/// Parameters that passed `check()`: the only thing that can fit a model.
template <Float F>
class PcaValidParams {
public:
    /// The parameters as checked.
    const PcaParams<F>& params() const { return params_; }

    /// The principal components of `data`'s records (sample weights are refused: PCA has
    /// none). Throws PcaInputError for data it cannot decompose. The parameters' RNG is
    /// copied, so fitting twice gives the same model.
    Pca<F> fit(const DatasetView<F>& data) const;

    /// The fit from rows wherever they are held (core/chunked_rows.hpp): `fit` passes the rows
    /// of this process, a distributed fit those of every rank (distributed/pca.hpp). The
    /// rows must have passed `fit`'s checks of their values.
    template <ChunkedRows<F> Rows>
    Pca<F> fit_rows(const Rows& rows) const;

private:
    friend class PcaParams<F>;
    explicit PcaValidParams(PcaParams<F> params) : params_(std::move(params)) {}
    PcaParams<F> params_;
};

}  // namespace linfa::decomposition
