// Distributed fits over the shard layouts of 1-4 in-process ranks, for the doctests (the
// mpirun tests use shards.hpp alone, without doctest).
#pragma once

#include <exception>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <doctest/doctest.h>

#include <linfa/distributed/thread_group.hpp>

#include "distributed/shards.hpp"

namespace test::shards {

/// Fits `fit(comm, rows)` over n rows on 1-4 ThreadGroup ranks in every layout (`slice(begin,
/// end)`: those rows as a dataset) and calls `check(model)` on each rank's model, with the
/// ranks, the layout and the rank captured.
template <class Fit, class Slice, class Check>
void on_every_layout(std::size_t n, Fit&& fit, Slice&& slice, Check&& check) {
    using Model = decltype(fit(std::declval<const linfa::distributed::ThreadGroup::Member&>(), slice(0, n)));
    for (std::size_t ranks = 1; ranks <= 4; ++ranks) {
        for (const auto& name : layout_names) {
            const auto starts = layout(name, n, ranks);
            std::vector<std::optional<Model>> models(ranks);
            linfa::distributed::ThreadGroup::run(ranks, [&](const linfa::distributed::ThreadGroup::Member& comm) {
                const std::size_t r = comm.rank();
                models[r].emplace(fit(comm, slice(starts[r], starts[r + 1])));
            });
            for (std::size_t r = 0; r < ranks; ++r) {
                CAPTURE(ranks);
                CAPTURE(name);
                CAPTURE(r);
                check(*models[r]);
            }
        }
    }
}

/// Fits `params` on all of `rows` in one process, then with `distributed::fit` on every layout
/// of 1-4 ThreadGroup ranks; `same(model, one)` compares each rank's model with the
/// single-process one. `Rows` offers view() (every row) and slice(begin, end).
template <class Rows, class Params, class Same>
void check_fit_on_every_layout(const Rows& rows, const Params& params, Same&& same) {
    const auto one = params.fit(rows.view());
    on_every_layout(
        rows.view().n_samples(),
        // Unqualified: argument-dependent lookup finds the distributed::fit overload of the
        // test's own header, included before or after this one.
        [&](const auto& comm, const auto& shard) { return fit(params, comm, shard); },
        [&](std::size_t begin, std::size_t end) { return rows.slice(begin, end); }, [&](const auto& model) { same(model, one); });
}

/// Fits `fit(comm, rows)`, which returns a model and its rows' labels (`.model`, `.labels`),
/// on `ranks` ThreadGroup ranks splitting `data` as the layout `layout_name` says: returns each
/// rank's model and every rank's labels put back together in row order.
template <class F, class Fit>
auto fit_on_ranks(const Data<F>& data, std::size_t ranks, const std::string& layout_name, Fit&& fit) {
    using Model = decltype(fit(std::declval<const linfa::distributed::ThreadGroup::Member&>(), data.view()).model);
    const auto starts = layout(layout_name, std::size_t(data.records.rows()), ranks);
    std::vector<std::optional<Model>> models(ranks);
    linfa::Labels labels(data.records.rows());
    linfa::distributed::ThreadGroup::run(ranks, [&](const linfa::distributed::ThreadGroup::Member& comm) {
        const std::size_t r = comm.rank();
        auto fitted = fit(comm, data.slice(starts[r], starts[r + 1]));
        REQUIRE(std::size_t(fitted.labels.size()) == starts[r + 1] - starts[r]);
        labels.segment(Eigen::Index(starts[r]), fitted.labels.size()) = fitted.labels;  // disjoint segments
        models[r] = std::move(fitted.model);
    });
    return std::pair{std::move(models), std::move(labels)};
}

/// What each of `ranks` ThreadGroup ranks throws from `fit(comm)` ("" for a rank that
/// returns), for the tests that every rank fails.
template <class Fit>
std::vector<std::string> errors_on_ranks(std::size_t ranks, Fit&& fit) {
    std::vector<std::string> errors(ranks);
    linfa::distributed::ThreadGroup::run(ranks, [&](const linfa::distributed::ThreadGroup::Member& comm) {
        try {
            fit(comm);
        } catch (const std::exception& e) {
            errors[comm.rank()] = e.what();  // each rank its own element
        }
    });
    return errors;
}

}  // namespace test::shards
