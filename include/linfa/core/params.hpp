// The params guard, written once (after linfa's param_guard.rs): a hyper-parameter builder
// that derives from `GuardedParams<Builder>` gets `fit`, `fit_predict` and `fit_with`, each of
// which runs `check()` and forwards to the checked parameters. So a builder only holds its
// setters and `check()`, and an unchecked value can never reach an algorithm.
#pragma once

#include <utility>

#include "concepts.hpp"

namespace linfa {

/// CRTP base of a hyper-parameter builder `Builder`, which must model `ParamGuard` (a
/// `Checked` type and `check()`). Each forwarding member exists only when `Builder::Checked`
/// has the matching member, so the concepts see exactly what the checked parameters offer.
template <class Builder>
class GuardedParams {
public:
    /// `check()`, then `fit` on the checked parameters. (`B` defers naming `Builder::Checked`
    /// to the call: clang instantiates these declarations while `Builder` is incomplete.)
    template <class D, class B = Builder>
        requires Fit<typename B::Checked, D>
    auto fit(const D& data) const {
        return self().check().fit(data);
    }

    /// `check()`, then `fit_predict` on the checked parameters.
    template <class D, class B = Builder>
        requires FitPredict<typename B::Checked, D>
    auto fit_predict(const D& data) const {
        return self().check().fit_predict(data);
    }

    /// `check()`, then `fit_with` on the checked parameters; `model` is forwarded as given
    /// (`std::nullopt`, a model or an optional one), so the checked signature decides.
    template <class Model, class D, class B = Builder>
        requires requires(const typename B::Checked& checked, Model&& model, const D& batch) {
            checked.fit_with(std::forward<Model>(model), batch);
        }
    auto fit_with(Model&& model, const D& batch) const {
        return self().check().fit_with(std::forward<Model>(model), batch);
    }

protected:
    /// Only a builder deriving from it constructs one.
    GuardedParams() = default;

private:
    const Builder& self() const {
        static_assert(ParamGuard<Builder>, "a GuardedParams builder needs `Checked` and `check()`");
        return static_cast<const Builder&>(*this);
    }
};

}  // namespace linfa
