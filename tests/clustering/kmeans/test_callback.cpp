// The optional per-iteration hook of KMeansParams: called once per Lloyd iteration of every
// run, with indices from 0 and the inertia of the pass; it never changes the fitted model.
#include <doctest/doctest.h>

#include <vector>

#include "helpers.hpp"

using linfa::clustering::InitMethod;
using linfa::clustering::KMeans;

namespace {
struct Call {
    std::size_t run;
    std::uint64_t iteration;
    double inertia;
};
}  // namespace

TEST_CASE_TEMPLATE("on_iteration reports every iteration of every run", F, float, double) {
    const auto data = test::blobs<F>(4, 3, 200, 5, 30.0);
    std::vector<Call> calls;
    auto params = KMeans<F>::params_with_rng(4, linfa::Rng(3)).init_method(InitMethod::Random).n_runs(3);
    const auto plain = params.fit(data);
    params.on_iteration([&](std::size_t run, std::uint64_t it, double inertia) { calls.push_back({run, it, inertia}); });
    const auto hooked = params.fit(data);

    // the hook observes, it does not change the result
    CHECK(hooked.centroids() == plain.centroids());
    CHECK(hooked.inertia() == plain.inertia());
    CHECK(hooked.n_iterations() == plain.n_iterations());

    REQUIRE(!calls.empty());
    CHECK(calls.front().run == 0);
    CHECK(calls.back().run == 2);
    std::uint64_t expected_iteration = 0;
    std::size_t run = 0;
    for (const Call& c : calls) {
        if (c.run != run) {  // a new run restarts the count
            CHECK(c.run == run + 1);
            run = c.run;
            expected_iteration = 0;
        }
        CHECK(c.iteration == expected_iteration++);
        CHECK(c.inertia >= 0);
    }
}

TEST_CASE("on_iteration sees a non-increasing inertia and max_n_iterations calls") {
    const auto data = test::blobs<double>(6, 2, 300, 9, 8.0);  // overlapping: many iterations
    std::vector<double> inertias;
    const auto model = KMeans<double>::params_with_rng(6, linfa::Rng(1))
                           .tolerance(0)
                           .max_n_iterations(7)
                           .on_iteration([&](std::size_t, std::uint64_t, double inertia) { inertias.push_back(inertia); })
                           .fit(data);
    CHECK(inertias.size() == model.n_iterations());
    CHECK(inertias.size() <= 7);
    for (std::size_t i = 1; i < inertias.size(); ++i) CHECK(inertias[i] <= inertias[i - 1] * (1 + 1e-12));
    CHECK(model.inertia() <= inertias.back() * (1 + 1e-12));
}
