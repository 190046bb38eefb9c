// ElasticNet in the generic tests (core/model_example.hpp).
#pragma once

#include "../../core/model_example.hpp"
#include "model.hpp"

namespace linfa {

/// ElasticNet in the generic tests: a light penalty, random selection from a seeded Rng.
template <Float F>
struct model_example<linear::ElasticNet<F>> {
    /// alpha 0.05, l1_ratio 0.7, random selection seeded with 7.
    static linear::ElasticNetParams<F> params() {
        return linear::ElasticNet<F>::params().alpha(0.05).l1_ratio(0.7).selection(linear::Selection::Random).rng(Rng(7));
    }
};

}  // namespace linfa
